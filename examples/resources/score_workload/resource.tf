# A workload rendered for the provider's target. Resources the score file declares are
# provisioned inside the workload unless bound in `resources`.
resource "score_workload" "web" {
  file  = "${path.module}/score.yaml"
  image = "ghcr.io/example/web:1.4.2" # replaces image "." in the score file

  resources = {
    # Bind a resource declared by the score file to a score_resource...
    cache = {
      uid     = score_resource.cache.uid
      outputs = score_resource.cache.outputs
      secrets = score_resource.cache.secrets
    }
    # ...or to values from anywhere else.
    search = {
      outputs = { host = "search.internal", port = "9200" }
    }
  }
}

resource "score_resource" "cache" {
  type = "redis"
  id   = "shared-cache"
}

output "manifest_keys" {
  value = keys(score_workload.web.manifests)
}
