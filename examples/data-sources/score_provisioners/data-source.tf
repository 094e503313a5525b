# What the provider matches resources against, in order: custom provisioners first, then
# the built-in library.
data "score_provisioners" "all" {}

output "provisioner_types" {
  value = [for p in data.score_provisioners.all.provisioners : "${p.type}: ${p.uri}"]
}
