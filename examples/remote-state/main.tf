# Shared remote state: every CI job (and every person) running this configuration uses one state
# in PostgreSQL, so a generated password is created by the first apply and seen by every later
# run, and the backend's lock lets only one run change the state at a time. This replaces
# carrying score-compose's or score-k8s's state.yaml between CI runs.
#
#   terraform init -backend-config="conn_str=postgres://ci@db.internal/terraform_state"
#   terraform apply -lock-timeout=10m -var api_image=ghcr.io/example/api:1.4.2
#
# (or export PG_CONN_STR instead of -backend-config, so the credentials stay out of files).

terraform {
  required_providers {
    score = {
      source = "score-tf/score"
    }
  }

  # Partial configuration: the connection string comes from -backend-config or PG_CONN_STR.
  # Any backend with locking works the same way (s3, gcs, azurerm, Terraform Cloud / HCP).
  backend "pg" {}
}

provider "score" {
  target          = "compose"
  compose_project = "shop"
}

variable "api_image" {
  description = "The image CI built for this commit."
  type        = string
  default     = "ghcr.io/example/api:1.0.0"
}

# The shop's database, shared by its workloads (id is set): its password is generated on the first
# apply, stored in the remote state (sensitive attributes `state` and `secrets`) and never changes.
resource "score_resource" "db" {
  type = "postgres"
  id   = "shop-db"
}

resource "score_workload" "api" {
  file  = "${path.module}/api.score.yaml"
  image = var.api_image

  resources = {
    db = {
      uid     = score_resource.db.uid
      outputs = score_resource.db.outputs
      secrets = score_resource.db.secrets
    }
  }
}

output "db_host" {
  value = score_resource.db.outputs["host"]
}

output "db_password" {
  description = "The generated password: the same for every job that uses this state."
  value       = score_resource.db.secrets["password"]
  sensitive   = true
}

output "compose_yaml" {
  description = "The compose file (secret values are $${VAR} references to compose_env)."
  value       = score_workload.api.compose_yaml
}
