# Three workloads (api, web, worker) rendered as ONE set of Kubernetes manifests, as
# `score-k8s generate --namespace shop --generate-namespace api.score.yaml web.score.yaml worker.score.yaml`
# does: the database they share (id shop-db) is provisioned once, web reaches api through a
# service-port resource, and each route becomes a Gateway API HTTPRoute. The kubectl provider
# applies every object; removing a workload from `workloads` deletes its objects on the next apply.
# `make e2e-kubernetes` applies this configuration to a real API server, removes a workload and
# checks that the next plan is empty.

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

variable "namespace" {
  description = "The namespace of every object; the project creates it."
  type        = string
  default     = "shop"
}

variable "wait_for_rollout" {
  description = "Wait for Deployments and StatefulSets to roll out after applying them."
  type        = bool
  default     = true
}

provider "score" {
  target = "kubernetes"
}

# Reads the cluster from KUBE_CONFIG_PATH (or set config_path).
provider "kubectl" {}

resource "score_project" "shop" {
  workloads = {
    api    = { file = "${path.module}/api.score.yaml" }
    web    = { file = "${path.module}/web.score.yaml" }
    worker = { file = "${path.module}/worker.score.yaml" }
  }

  # --namespace and --generate-namespace: the Namespace object is one of the manifests.
  namespace          = var.namespace
  generate_namespace = true
}

locals {
  # Manifest keys are <group or core>/<version>/<Kind>/<namespace or _>/<name>.
  namespace_key = "core/v1/Namespace/_/${var.namespace}"
}

# The Namespace first: everything else goes into it.
resource "kubectl_manifest" "namespace" {
  yaml_body = score_project.shop.manifests[local.namespace_key]
}

# Keys are known at plan, so for_each works on the first run.
resource "kubectl_manifest" "shop" {
  for_each         = { for key, body in score_project.shop.manifests : key => body if key != local.namespace_key }
  yaml_body        = each.value
  wait_for_rollout = var.wait_for_rollout
  depends_on       = [kubectl_manifest.namespace]
}

# kubectl_manifest hides a Secret's data in plans.
resource "kubectl_manifest" "secrets" {
  for_each         = nonsensitive(toset(keys(score_project.shop.secret_manifests)))
  yaml_body        = score_project.shop.secret_manifests[each.key]
  sensitive_fields = ["data"]
  depends_on       = [kubectl_manifest.namespace]
}
