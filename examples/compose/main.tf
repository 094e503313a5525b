# Render a workload as a Docker Compose project and write it to disk with the local provider:
# compose.yaml holds no secret (secret values are ${VAR} references), .env holds them.
# Then run `docker compose up` in the output directory (var.out_dir).

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

provider "score" {
  target          = "compose"
  compose_project = "shop"
}

resource "score_workload" "web" {
  file = "${path.module}/score.yaml"
}

resource "local_file" "compose" {
  filename = "${var.out_dir}/compose.yaml"
  content  = score_workload.web.compose_yaml
}

resource "local_sensitive_file" "env" {
  filename = "${var.out_dir}/.env"
  content  = score_workload.web.compose_env
}

# Files the project binds (for example configuration that provisioners generate).
resource "local_file" "files" {
  for_each = score_workload.web.files
  filename = "${var.out_dir}/${each.key}"
  content  = each.value
}

resource "local_sensitive_file" "secret_files" {
  for_each = nonsensitive(toset(keys(score_workload.web.secret_files)))
  filename = "${var.out_dir}/${each.key}"
  content  = score_workload.web.secret_files[each.key]
}
