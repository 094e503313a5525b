//go:build !unix

package provisioner

import "os/exec"

// inOwnGroup does nothing where there are no process groups (Windows): cancelling kills the
// program alone, exec's default, and WaitDelay still bounds waiting on what it started.
func inOwnGroup(*exec.Cmd) {}

// killGroup has no group to kill: Wait has already reaped the program.
func killGroup(*exec.Cmd) error { return nil }
