# Several workloads rendered together for the provider's target (here compose), as
# `score-compose generate api.score.yaml web.score.yaml` or `score-k8s generate ...` do: every
# resource uid is provisioned once (a resource with an `id` is shared by the workloads declaring
# it), service-port and route resources see every workload, and generated values are kept in
# the sensitive `state`.
resource "score_project" "shop" {
  workloads = {
    api = {
      file  = "${path.module}/api.score.yaml"
      image = "ghcr.io/example/api:1.4.2" # replaces image "." (--image)
    }
    web = {
      file      = "${path.module}/web.score.yaml"
      overrides = { "containers.main.variables.LOG_LEVEL" = "debug" } # --override-property
    }
  }

  # A resource that exists elsewhere, by uid: bound instead of provisioned.
  resources = {
    "redis.default#api.cache" = {
      outputs = { host = "cache.internal", port = "6379", username = "default" }
      secrets = { password = var.cache_password }
    }
  }

  # Compose target only: score-compose generate's --publish and --build.
  publish = ["8081:api:8080"]
  build   = { "web.main" = "./web" }
}

variable "cache_password" {
  type      = string
  sensitive = true
}

output "hostnames" {
  description = "The host name each workload is reached by."
  value       = { for label, w in score_project.shop.workloads : label => w.service.hostname }
}

output "database_host" {
  value = score_project.shop.resource_outputs["postgres.default#shop-db"].outputs["host"]
}
