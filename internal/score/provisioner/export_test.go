package provisioner

import (
	"testing"
	"time"
)

// SetRunTimeout shortens TemplateRunTimeout for a test; the returned function restores it. Tests
// that call it must not run in parallel.
func SetRunTimeout(d time.Duration) (restore func()) {
	old := runTimeout
	runTimeout = d
	return func() { runTimeout = old }
}

// SetCommandLimits shortens commandTimeout and commandWaitDelay for one test.
func SetCommandLimits(t testing.TB, timeout, waitDelay time.Duration) {
	oldTimeout, oldDelay := commandTimeout, commandWaitDelay
	commandTimeout, commandWaitDelay = timeout, waitDelay
	t.Cleanup(func() { commandTimeout, commandWaitDelay = oldTimeout, oldDelay })
}
