# `make e2e-kubernetes`: rendered Kubernetes manifests against a real kube-apiserver.
#
# Renders every Kubernetes example under examples/ and one workload per built-in provisioner
# with the provider's engine, starts etcd and a kube-apiserver (built once from the Go module
# proxy and cached in $${XDG_CACHE_HOME:-~/.cache}/terraform-provider-score/) on 127.0.0.1, and
# for each: server-side dry run, server-side apply dry run, kubectl apply, kubectl get, and a
# check that what comes back is what was rendered; then examples/kubernetes and
# examples/project-kubernetes are applied with terraform and the kubectl provider, and a workload
# is removed from the project (tools/e2e/kubernetes/terraform.sh). A self-test first makes sure deliberately
# broken manifests are rejected. Any rejection fails the target. Offline; installs Debian's
# etcd-server with apt when etcd is missing. Details: tools/e2e/kubernetes/run.sh.
#
#   make e2e-kubernetes                        run it
#   make e2e-kubernetes E2E_KEEP_WORKDIR=1     keep the rendered files and logs afterwards

.PHONY: e2e-kubernetes

e2e-kubernetes:
	GO="$(GO)" E2E_KEEP_WORKDIR="$(E2E_KEEP_WORKDIR)" $(CURDIR)/tools/e2e/kubernetes/run.sh
