# make e2e-compose: rendered compose projects against the real Docker Compose, one workload run for
# real, and examples/project-compose applied with terraform and run with `docker compose up`
# (tools/e2e/compose/e2e.sh says how). Builds Docker Compose (a few minutes cold) and
# hashicorp/local from the Go module proxy once into $${XDG_CACHE_HOME:-~/.cache}/, downloads
# Debian's nginx and busybox-static packages there once (not installed), installs Debian's
# docker.io when dockerd is missing (root), and starts a private dockerd in a network namespace of
# its own; it stops what it started. E2E_COMPOSE_KEEP=1 keeps its temporary directory (rendered
# cases, the project terraform wrote, logs).

.PHONY: e2e-compose

e2e-compose: check-terraform
	GO="$(GO)" bash tools/e2e/compose/e2e.sh
