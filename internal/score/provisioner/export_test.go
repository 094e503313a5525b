package provisioner

import (
	"testing"
	"time"
)

// SetCommandLimits shortens commandTimeout and commandWaitDelay for one test.
func SetCommandLimits(t testing.TB, timeout, waitDelay time.Duration) {
	oldTimeout, oldDelay := commandTimeout, commandWaitDelay
	commandTimeout, commandWaitDelay = timeout, waitDelay
	t.Cleanup(func() { commandTimeout, commandWaitDelay = oldTimeout, oldDelay })
}
