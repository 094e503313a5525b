# A custom provisioner for the compose target: a `smtp` resource becomes a Mailpit service in the
# same compose project, with a generated password kept in Terraform state.

terraform {
  required_providers {
    score = {
      source = "score-tf/score"
    }
  }
}

provider "score" {
  target          = "compose"
  compose_project = "mail"
  provisioners    = [file("${path.module}/provisioners.yaml")]
}

resource "score_workload" "app" {
  content = yamlencode({
    apiVersion = "score.dev/v1b1"
    metadata   = { name = "app" }
    containers = {
      main = {
        image = "ghcr.io/example/app:1.0.0"
        variables = {
          SMTP_ADDRESS  = "$${resources.mail.host}:$${resources.mail.port}"
          SMTP_USER     = "$${resources.mail.username}"
          SMTP_PASSWORD = "$${resources.mail.password}"
        }
      }
    }
    resources = {
      mail = { type = "smtp" }
    }
  })
}

# compose.yaml refers to the password as ${SMTP_DEFAULT_APP_MAIL_PASSWORD}; compose_env holds its
# value, secret_files the auth file (see examples/compose for writing them to disk).
output "compose_yaml" {
  value = score_workload.app.compose_yaml
}
