# A PostgreSQL database for the "web" workload. Its password is generated once and kept in
# Terraform state; later plans and applies reuse it.
resource "score_resource" "db" {
  type            = "postgres"
  name            = "db"
  source_workload = "web"
}

# A resource shared by several workloads: they declare the same type, class and id in their
# score files, and each score_workload binds it.
resource "score_resource" "cache" {
  type = "redis"
  id   = "shared-cache"
  annotations = {
    "team" = "checkout"
  }
}

output "db_host" {
  value = score_resource.db.outputs["host"]
}

output "db_url" {
  value     = score_resource.db.secrets["url"]
  sensitive = true
}
