# Quick start: load score.yaml, provision its resources (postgres, redis, a volume) and render
# it as a Docker Compose project. Run it with `make demo` from the repository root (no registry
# access needed): after `terraform apply`, it writes the project these outputs carry (compose.yaml,
# .env, files) to build/demo/out, ready for `docker compose up`.

terraform {
  required_providers {
    score = {
      source = "score-tf/score"
    }
  }
}

provider "score" {
  target          = "compose"
  compose_project = "quickstart"
}

# Parse and validate only: a typed view of the score file.
data "score_workload" "quickstart" {
  file = "${path.module}/score.yaml"
}

# Provision and render: generated passwords are created once and kept in Terraform state.
resource "score_workload" "quickstart" {
  file = "${path.module}/score.yaml"
}

output "workload" {
  description = "The workload's name."
  value       = data.score_workload.quickstart.name
}

output "containers" {
  description = "Image of each container."
  value       = { for k, c in data.score_workload.quickstart.containers : k => c.image }
}

output "resources" {
  description = "Resource uid of each resource the workload depends on."
  value       = { for k, r in data.score_workload.quickstart.resources : k => r.uid }
}

output "service" {
  description = "How other workloads reach this one."
  value       = score_workload.quickstart.service
}

output "compose_yaml" {
  description = "The compose file: secret values are $${VAR} references to compose_env."
  value       = score_workload.quickstart.compose_yaml
}

output "compose_env" {
  description = "The .env file beside compose.yaml: the generated secret values."
  value       = score_workload.quickstart.compose_env
  sensitive   = true
}

output "files" {
  description = "Files the compose project binds, by path relative to compose.yaml."
  value       = score_workload.quickstart.files
}

output "secret_files" {
  description = "Files the compose project binds that hold a secret value."
  value       = score_workload.quickstart.secret_files
  sensitive   = true
}

output "binary_files" {
  description = "Files the compose project binds that are not text, base64-encoded."
  value       = score_workload.quickstart.binary_files
}

output "database_host" {
  value = score_workload.quickstart.resource_outputs["db"].outputs["host"]
}
