//go:build !e2e

package provider

import "testing"

// Without the e2e build tag (`make test`), the tests that chain hashicorp/local skip: building
// that provider from the Go module proxy is `make e2e-local`'s job (tools/e2e/local.mk), which
// runs them with -tags e2e, where local_provider_test.go defines the real wrLocalProvider.
func wrLocalProvider(t *testing.T) string {
	t.Helper()
	t.Skip("needs hashicorp/local built from the Go module proxy: run make e2e-local (go test -tags e2e)")
	return ""
}
