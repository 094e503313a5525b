# Render a workload as Kubernetes manifests and apply them with the kubectl provider. Every value
# of `manifests` is one YAML document; Secrets come separately, from the sensitive
# `secret_manifests`, so plans stay readable and secrets stay hidden. `make e2e-kubernetes`
# applies this configuration to a real API server and checks that the next plan is empty.

terraform {
  required_providers {
    score = {
      source = "score-tf/score"
    }
    kubectl = {
      source = "gavinbunney/kubectl"
    }
  }
}

variable "wait_for_rollout" {
  description = "Wait for Deployments and StatefulSets to roll out after applying them."
  type        = bool
  default     = true
}

provider "score" {
  target    = "kubernetes"
  namespace = "shop"
}

# Reads the cluster from KUBE_CONFIG_PATH (or set config_path).
provider "kubectl" {}

resource "score_workload" "web" {
  file = "${path.module}/score.yaml"
}

# Keys are known at plan, so for_each works on the first run.
resource "kubectl_manifest" "web" {
  for_each         = score_workload.web.manifests
  yaml_body        = each.value
  wait_for_rollout = var.wait_for_rollout
}

# kubectl_manifest hides a Secret's data in plans.
resource "kubectl_manifest" "web_secrets" {
  for_each         = nonsensitive(toset(keys(score_workload.web.secret_manifests)))
  yaml_body        = score_workload.web.secret_manifests[each.key]
  sensitive_fields = ["data"]
}
