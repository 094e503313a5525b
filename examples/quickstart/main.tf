# Quick start: load score.yaml with the score_workload data source and show what it holds.
# Run it with `make demo` from the repository root (no registry access needed).

terraform {
  required_providers {
    score = {
      source = "score-tf/score"
    }
  }
}

provider "score" {}

data "score_workload" "quickstart" {
  file = "${path.module}/score.yaml"
}

output "name" {
  value = data.score_workload.quickstart.name
}

output "containers" {
  description = "Image of each container."
  value       = { for k, c in data.score_workload.quickstart.containers : k => c.image }
}

output "service_ports" {
  value = data.score_workload.quickstart.service_ports
}

output "resources" {
  description = "Resource uid of each resource the workload depends on."
  value       = { for k, r in data.score_workload.quickstart.resources : k => r.uid }
}

output "variables" {
  description = "Environment variables of the api container, placeholders not yet resolved."
  value       = data.score_workload.quickstart.containers["api"].variables
}
