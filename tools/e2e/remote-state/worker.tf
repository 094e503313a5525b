# "Commit 2" of the end-to-end test (tools/e2e/remote-state/run.sh): job B's checkout adds a worker
# that shares the shop's database. It is copied next to examples/remote-state/main.tf.

resource "score_workload" "worker" {
  file  = "${path.module}/worker.score.yaml"
  image = var.api_image

  resources = {
    db = {
      uid     = score_resource.db.uid
      outputs = score_resource.db.outputs
      secrets = score_resource.db.secrets
    }
  }
}

output "worker_compose_env" {
  value     = score_workload.worker.compose_env
  sensitive = true
}
