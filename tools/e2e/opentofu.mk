# Included by GNUmakefile. The acceptance suite against OpenTofu (tools/e2e/opentofu/README.md).
#
#   make test-tofu                    build tofu once (cached outside the work tree), run the tests
#   make test-tofu TOFU_VERSION=v1.10.10
#   make tofu                         only build (or find) tofu and print its path
#
# The test command is `make test`'s `go test`, with -tags e2e (so the tests chaining hashicorp/local,
# which `make e2e-local` runs against terraform, run against tofu here too), and the environment
# OpenTofu needs:
#   TF_ACC_TERRAFORM_PATH  the tofu binary (never TF_ACC_TERRAFORM_VERSION: it downloads)
#   TF_ACC_PROVIDER_HOST   registry.opentofu.org: OpenTofu resolves a provider source without a
#                          host (`score`, `score-tf/score`) to its own registry, so the provider
#                          served in-process must be registered under that host to be found
#   TF_CLI_CONFIG_FILE     an existing file: without one tofu prints a warning on stdout, which
#                          breaks terraform-plugin-testing's parse of `tofu version -json`

.PHONY: test-tofu e2e-opentofu tofu

TOFU_VERSION   ?=
TOFU_BUILD     := tools/e2e/opentofu/build-tofu.sh
TOFU_TEST_PKGS ?= ./...
TOFU_TEST_TAGS ?= e2e
TOFU_REGISTRY  := registry.opentofu.org

tofu:
	@$(TOFU_BUILD) $(TOFU_VERSION)

test-tofu:
	@tofu="$$($(TOFU_BUILD) $(TOFU_VERSION))"; \
	echo "using $$(TF_CLI_CONFIG_FILE="$(TOOLS_TFRC)" "$$tofu" version | head -n1) at $$tofu"; \
	set -x; \
	env -u TF_ACC_TERRAFORM_VERSION -u TF_ACC_PROVIDER_NAMESPACE \
		TF_ACC=1 \
		TF_ACC_TERRAFORM_PATH="$$tofu" \
		TF_ACC_PROVIDER_HOST=$(TOFU_REGISTRY) \
		TF_CLI_CONFIG_FILE="$(TOOLS_TFRC)" \
		$(GO) test -tags '$(TOFU_TEST_TAGS)' -count=1 -timeout $(TEST_TIMEOUT) $(TOFU_TEST_PKGS)

# Alias.
e2e-opentofu: test-tofu
