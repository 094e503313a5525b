# Run one service of a rendered compose project directly with the docker provider, from the
# compose document. (Secret values stay ${VAR} references here: use this for services without
# secrets, or docker compose with the .env file for the rest.)

terraform {
  required_providers {
    score = {
      source = "score-tf/score"
    }
    docker = {
      source = "kreuzwerker/docker"
    }
  }
}

provider "score" {
  target = "compose"
}

resource "score_workload" "web" {
  file = "${path.module}/../compose/score.yaml"
}

locals {
  web = yamldecode(score_workload.web.compose_yaml).services["web-main"]
}

resource "docker_container" "web" {
  name  = "web-main"
  image = local.web.image
  env   = sort([for k, v in local.web.environment : "${k}=${v}"])
}
