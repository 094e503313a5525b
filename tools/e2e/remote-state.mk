# Included by GNUmakefile. Shared remote state end to end (tools/e2e/remote-state/run.sh):
# PostgreSQL on loopback, Terraform's pg backend, two working directories (two CI jobs) applying
# the configuration of examples/remote-state one after the other and concurrently (state lock).
# TF=tofu runs the same test with OpenTofu.

.PHONY: e2e-remote-state

e2e-remote-state: check-terraform
	GO="$(GO)" tools/e2e/remote-state/run.sh
