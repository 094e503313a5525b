# The provider needs no configuration for the score_workload data source.
provider "score" {
  # Let containers.*.files.*.source name files outside the score file's
  # directory (absolute paths, "..", symbolic links leaving it). Off by default:
  # only enable it when you trust every score file this configuration reads.
  allow_external_file_sources = false
}
