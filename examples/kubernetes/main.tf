# Render a workload as Kubernetes manifests and apply them with the kubernetes or kubectl
# provider. Every value of `manifests` is one YAML document; Secrets come separately, from the
# sensitive `secret_manifests`, so plans stay readable and secrets stay hidden.

terraform {
  required_providers {
    score = {
      source = "score-tf/score"
    }
    kubernetes = {
      source = "hashicorp/kubernetes"
    }
    kubectl = {
      source = "alekc/kubectl"
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

provider "kubectl" {
  config_path = "~/.kube/config"
}

resource "score_workload" "web" {
  file = "${path.module}/score.yaml"
}

# Option 1: the kubernetes provider. Keys are known at plan, so for_each works on the first run.
resource "kubernetes_manifest" "web" {
  for_each = score_workload.web.manifests
  manifest = yamldecode(each.value)
}

# Secrets: prefer kubernetes_secret_v1 or kubectl_manifest (kubernetes_manifest echoes values).
resource "kubectl_manifest" "web_secrets" {
  for_each  = nonsensitive(toset(keys(score_workload.web.secret_manifests)))
  yaml_body = score_workload.web.secret_manifests[each.key]
}

# Option 2: the kubectl provider for everything.
# resource "kubectl_manifest" "web" {
#   for_each  = score_workload.web.manifests
#   yaml_body = each.value
# }
