# make e2e-compose: rendered compose projects against the real Docker Compose, and one workload
# run for real (tools/e2e/compose/e2e.sh says how). Builds Docker Compose from the Go module proxy
# once into $${XDG_CACHE_HOME:-~/.cache}/terraform-provider-score/ (a few minutes cold), installs
# Debian's docker.io when dockerd is missing (root), and starts a private dockerd without
# networking of its own; it stops what it started. E2E_COMPOSE_KEEP=1 keeps its temporary
# directory (rendered cases, logs).

.PHONY: e2e-compose

e2e-compose:
	GO="$(GO)" bash tools/e2e/compose/e2e.sh
