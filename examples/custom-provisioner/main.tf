# Custom provisioners, in the score-compose / score-k8s file format, come before the built-in
# library. Here a `bucket` resource maps to a prefix in an existing shared bucket.

terraform {
  required_providers {
    score = {
      source = "score-tf/score"
    }
  }
}

provider "score" {
  target       = "kubernetes"
  provisioners = [file("${path.module}/provisioners.yaml")]
}

resource "score_workload" "uploader" {
  content = yamlencode({
    apiVersion = "score.dev/v1b1"
    metadata   = { name = "uploader" }
    containers = {
      main = {
        image = "ghcr.io/example/uploader:2.0.0"
        variables = {
          BUCKET = "$${resources.assets.bucket}"
          PREFIX = "$${resources.assets.prefix}"
          TOKEN  = "$${resources.assets.token}"
        }
      }
    }
    resources = {
      assets = { type = "bucket" }
    }
  })
}

output "manifests" {
  value = score_workload.uploader.manifests
}
