# Load a score file from disk. Relative files.*.source paths in it resolve
# against the score file's directory.
data "score_workload" "quickstart" {
  file = "${path.module}/../../quickstart/score.yaml"
}

# Or build the workload in HCL. `$${...}` keeps a literal Score placeholder in
# an HCL string. `image` replaces every container image ".", and `overrides`
# sets values by dot path, like score-compose's --override-property.
data "score_workload" "hello" {
  content = yamlencode({
    apiVersion = "score.dev/v1b1"
    metadata = {
      name = "hello"
    }
    containers = {
      main = {
        image = "."
        variables = {
          GREETING = "Hello from $${metadata.name}"
        }
      }
    }
    service = {
      ports = {
        http = {
          port       = 80
          targetPort = 8080
        }
      }
    }
  })
  image = "ghcr.io/example/hello:1.0.0"
  overrides = {
    "containers.main.variables.LOG_LEVEL" = "debug"
  }
}

output "hello_variables" {
  value = data.score_workload.hello.containers["main"].variables
}
