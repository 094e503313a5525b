# Three workloads (api, web, worker) rendered as ONE Docker Compose project, as
# `score-compose generate api.score.yaml web.score.yaml worker.score.yaml` does: the database they
# share (id shop-db) is provisioned once, web reaches api through a service-port resource, and both
# routes are served by the project's router on host port 8080. The local provider writes the
# project to var.out_dir; then:
#
#   cd out && docker compose up
#   curl -H 'Host: shop.localhost' http://localhost:8080/api/
#
# Generated passwords are created on the first apply and kept in Terraform state (score_project's
# sensitive `state`), where score-compose keeps them in .score-compose/state.yaml.

terraform {
  required_providers {
    score = {
      source = "score-tf/score"
    }
    local = {
      source = "hashicorp/local"
    }
  }
}

variable "out_dir" {
  description = "Where to write the compose project."
  type        = string
  default     = "out"
}

# score-compose init --project shop
provider "score" {
  target          = "compose"
  compose_project = "shop"
}

resource "score_project" "shop" {
  workloads = {
    api    = { file = "${path.module}/api.score.yaml" }
    web    = { file = "${path.module}/web.score.yaml" }
    worker = { file = "${path.module}/worker.score.yaml" }
  }

  # --publish 15432:postgres#shop-db.host:5432: the shared database on localhost:15432, for psql.
  publish = ["15432:postgres#shop-db.host:5432"]
}

# -o compose.yaml: secret values are ${VAR} references, never the values.
resource "local_file" "compose" {
  filename = "${var.out_dir}/compose.yaml"
  content  = score_project.shop.compose_yaml
}

# The values those references name: docker compose reads .env beside compose.yaml.
resource "local_sensitive_file" "env" {
  filename = "${var.out_dir}/.env"
  content  = score_project.shop.compose_env
}

# Files the project binds, by path relative to compose.yaml (the router's nginx.conf, ...).
resource "local_file" "files" {
  for_each = score_project.shop.files
  filename = "${var.out_dir}/${each.key}"
  content  = each.value
}

resource "local_sensitive_file" "secret_files" {
  for_each = nonsensitive(toset(keys(score_project.shop.secret_files)))
  filename = "${var.out_dir}/${each.key}"
  content  = score_project.shop.secret_files[each.key]
}

resource "local_file" "binary_files" {
  for_each       = score_project.shop.binary_files
  filename       = "${var.out_dir}/${each.key}"
  content_base64 = each.value
}

output "hostnames" {
  description = "The host name each workload is reached by inside the project."
  value       = { for label, w in score_project.shop.workloads : label => w.service.hostname }
}

output "database" {
  description = "The shared database's non-secret outputs (host, port, database, username)."
  value       = score_project.shop.resource_outputs["postgres.default#shop-db"].outputs
}
