# Included by GNUmakefile. `make e2e-local`: the tests that chain hashicorp/local after this provider
# (internal/provider/local_provider_test.go: TestAccLocalChain, TestAccExampleCompose and
# TestAccExampleProjectCompose, which plans examples/project-compose), with real terraform.
# They carry the e2e build tag and are not part of
# `make test`, because they build hashicorp/local from the Go module proxy (once; cached in
# $${XDG_CACHE_HOME:-~/.cache}/terraform-provider-score-test/) and serve it to terraform from a
# filesystem mirror. The environment is `make test`'s (TF_ACC=1, the terraform on PATH, the empty
# tools/terraform.rc; the tests point TF_CLI_CONFIG_FILE at their mirror themselves).
#
#   make e2e-local
#   make e2e-local E2E_LOCAL_RUN=TestAccLocalChain/compose

.PHONY: e2e-local

E2E_LOCAL_RUN ?= ^(TestAccLocalChain|TestAccExampleCompose|TestAccExampleProjectCompose)$$

e2e-local: check-terraform
	env -u TF_ACC_TERRAFORM_VERSION \
		TF_ACC=1 \
		TF_ACC_TERRAFORM_PATH="$$(command -v terraform)" \
		TF_CLI_CONFIG_FILE="$(TOOLS_TFRC)" \
		$(GO) test -tags e2e -count=1 -v -timeout $(TEST_TIMEOUT) -run '$(E2E_LOCAL_RUN)' ./internal/provider
