# One provider configuration per target; use an alias for the other.
provider "score" {
  # What score_resource and score_workload render: "kubernetes" or "compose".
  target = "kubernetes"

  # Kubernetes: the namespace set on every namespaced object rendered.
  namespace = "shop"

  # Custom provisioners (score-compose / score-k8s file format) are matched first, in order,
  # then the built-in library (default_provisioners = true).
  provisioners = [file("${path.module}/provisioners.yaml")]

  # Patch templates (score-compose / score-k8s --patch-templates format) post-process every
  # render, in order: here, score-spec/community-patchers' unprivileged security contexts.
  patch_templates = [file("${path.module}/unprivileged.tpl")]

  # Which outputs are secret (only in Secrets and sensitive attributes) and which are not, by
  # provisioner uri or resource type, when the guess by name and value is wrong. Declared here
  # rather than in the provisioner file, which score-compose and score-k8s must still load.
  provisioner_outputs = {
    "template://shop/bucket" = { public = ["bucket", "prefix"] }
  }

  # cmd:// provisioners run programs on the machine running Terraform: off by default.
  allow_command_provisioners = false

  # Let containers.*.files.*.source name files outside the score file's directory. Off by
  # default: only enable it when you trust every score file this configuration reads.
  allow_external_file_sources = false
}

provider "score" {
  alias           = "compose"
  target          = "compose"
  compose_project = "shop"
}
