# The same workload applied with the hashicorp/kubernetes provider's kubernetes_manifest.
# Keys are known at plan, so for_each works on the first run. Secrets: prefer kubectl_manifest
# (see ../kubernetes) or kubernetes_secret_v1, because kubernetes_manifest echoes Secret values
# in its `object` attribute.

terraform {
  required_providers {
    score = {
      source = "score-tf/score"
    }
    kubernetes = {
      source = "hashicorp/kubernetes"
    }
  }
}

provider "score" {
  target    = "kubernetes"
  namespace = "shop"
}

provider "kubernetes" {
  config_path = "~/.kube/config"
}

resource "score_workload" "web" {
  file = "${path.module}/../kubernetes/score.yaml"
}

resource "kubernetes_manifest" "web" {
  for_each = score_workload.web.manifests
  manifest = yamldecode(each.value)
}
