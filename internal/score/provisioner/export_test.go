package provisioner

import "time"

// SetRunTimeout shortens TemplateRunTimeout for a test; the returned function restores it. Tests
// that call it must not run in parallel.
func SetRunTimeout(d time.Duration) (restore func()) {
	old := runTimeout
	runTimeout = d
	return func() { runTimeout = old }
}
