//go:build unix

package provider

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// `file` is read with the loader's checks: a named pipe, a device or a file in /proc is refused
// at once (the provider used to hang on a pipe and grow to gigabytes on /dev/zero).
func TestWorkloadSourceRefusesHostileFiles(t *testing.T) {
	dir := t.TempDir()
	pipe := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(pipe, 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	link := filepath.Join(dir, "score.yaml")
	if err := os.Symlink("/proc/self/environ", link); err != nil {
		t.Skipf("cannot create a symbolic link: %v", err)
	}
	for file, want := range map[string]string{
		pipe:        "is not a regular file",
		"/dev/zero": "is refused: it is in, or links into, /proc, /sys or /dev",
		link:        "is refused: it is in, or links into, /proc, /sys or /dev",
	} {
		done := make(chan string, 1)
		go func() {
			_, diags := workloadSourceModel{File: types.StringValue(file)}.input(loadOptions{})
			var msgs []string
			for _, d := range diags.Errors() {
				msgs = append(msgs, d.Summary()+": "+d.Detail())
			}
			done <- strings.Join(msgs, "\n")
		}()
		select {
		case got := <-done:
			if !strings.Contains(got, "Cannot read score file: file "+`"`+file+`" `+want) {
				t.Errorf("%s: %q", file, got)
			}
		case <-time.After(time.Second):
			t.Fatalf("%s: still reading after 1s", file)
		}
	}
}
