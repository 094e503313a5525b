# Render a workload as a Docker Compose project and write it to disk with the local provider:
# compose.yaml holds no secret (secret values are ${VAR} references), .env holds them.
# Then run `docker compose up` in ./out.

terraform {
  required_providers {
    score = {
      source = "score-tf/score"
    }
    local = {
      source = "hashicorp/local"
    }
    docker = {
      source = "kreuzwerker/docker"
    }
  }
}

provider "score" {
  target          = "compose"
  compose_project = "shop"
}

resource "score_workload" "web" {
  file = "${path.module}/score.yaml"
}

resource "local_file" "compose" {
  filename = "${path.module}/out/compose.yaml"
  content  = score_workload.web.compose_yaml
}

resource "local_sensitive_file" "env" {
  filename = "${path.module}/out/.env"
  content  = score_workload.web.compose_env
}

# Files the project binds (for example configuration that provisioners generate).
resource "local_file" "files" {
  for_each = score_workload.web.files
  filename = "${path.module}/out/${each.key}"
  content  = each.value
}

resource "local_sensitive_file" "secret_files" {
  for_each = nonsensitive(toset(keys(score_workload.web.secret_files)))
  filename = "${path.module}/out/${each.key}"
  content  = score_workload.web.secret_files[each.key]
}

# Or run one service directly with the docker provider, from the rendered compose document.
locals {
  web = yamldecode(score_workload.web.compose_yaml).services["web-main"]
}

resource "docker_container" "web" {
  name  = "web-main"
  image = local.web.image
  env   = sort([for k, v in local.web.environment : "${k}=${v}"])
}
