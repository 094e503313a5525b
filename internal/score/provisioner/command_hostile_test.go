//go:build unix

package provisioner_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/score-tf/terraform-provider-score/internal/score/provisioner"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// Short limits, so a command that outlives them costs the suite well under a second each.
const (
	commandTestTimeout   = 500 * time.Millisecond
	commandTestWaitDelay = 300 * time.Millisecond
	// hostileSlack is what a run may take beyond its limit (starting bash, killing, reaping).
	hostileSlack = 5 * time.Second
)

// engChildPid reads the pid a script wrote to pidFile (when it started its child).
func engChildPid(t *testing.T, pidFile string) int {
	t.Helper()
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatalf("the script did not record its child: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// engWantGone fails unless pid soon no longer runs: gone, or a zombie nobody reaps (in a
// container whose init does not reap orphans).
func engWantGone(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(hostileSlack)
	for time.Now().Before(deadline) {
		if errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
			return
		}
		if stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil {
			if fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:])); len(fields) > 0 && fields[0] == "Z" {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	engKill(t, pid)
	t.Errorf("process %d outlived the command", pid)
}

// engKill kills pid, which may have exited meanwhile.
func engKill(t *testing.T, pid int) {
	t.Helper()
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		t.Errorf("killing process %d: %v", pid, err)
	}
}

// engRunTimed runs d and fails if it does not return within limit + hostileSlack.
func engRunTimed(t *testing.T, ctx context.Context, d *provisioner.Definition, limit time.Duration) error {
	t.Helper()
	start := time.Now()
	res, err := provisioner.Provision(ctx, d, engRequest("thing", 1), provisioner.Options{Target: targets.Compose, AllowCommands: true})
	took := time.Since(start)
	t.Logf("returned after %s: %v", took.Round(time.Millisecond), err)
	if took > limit+hostileSlack {
		t.Errorf("returned after %s; the limit is %s", took, limit)
	}
	if res != nil {
		t.Errorf("result with an error: %+v", res)
	}
	return err
}

func TestCommandProvisionerHangs(t *testing.T) {
	engNeedBash(t)
	// The cases where the program exits by itself get a command timeout it cannot reach even
	// on a loaded machine, so what they show is the wait delay, not a race with the timeout.
	const exitsByItself = 20 * time.Second
	for _, c := range []struct {
		name, script   string
		timeout, limit time.Duration
		wants          []string
	}{
		// The child is in the program's process group, holds stdout, and must die with it.
		{"sleeps forever", `cat >/dev/null; sleep 1000 & echo $! >"$1"; wait`,
			commandTestTimeout, commandTestTimeout, []string{"command timed out after 500ms"}},
		{"busy loop", `cat >/dev/null; echo $$ >"$1"; while :; do :; done`,
			commandTestTimeout, commandTestTimeout, []string{"command timed out after 500ms"}},
		// The program exits at once; its child keeps stdout open.
		{"child holds stdout after success", `cat >/dev/null; sleep 1000 & echo $! >"$1"; echo '{}'`,
			exitsByItself, commandTestWaitDelay, []string{"command exited, but a process it started still held its output open 300ms later"}},
		{"child holds stdout after failure", `cat >/dev/null; sleep 1000 & echo $! >"$1"; echo oops >&2; exit 1`,
			exitsByItself, commandTestWaitDelay, []string{"command failed: exit status 1"}},
		{"child holds stderr", `cat >/dev/null; sleep 1000 >/dev/null & echo $! >"$1"; echo '{}'`,
			exitsByItself, commandTestWaitDelay, []string{"still held its output open"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			provisioner.SetCommandLimits(t, c.timeout, commandTestWaitDelay)
			pidFile := filepath.Join(t.TempDir(), "pid")
			err := engRunTimed(t, context.Background(), engCommand(t, targets.Compose, c.script, pidFile), c.limit)
			engWantAll(t, err, append([]string{"provisioner cmd://bash for resource 'thing.default#web.db'"}, c.wants...)...)
			engWantGone(t, engChildPid(t, pidFile))
		})
	}
}

// A child that leaves the process group (setsid) cannot be killed with it, but it cannot keep
// the run waiting either: WaitDelay closes the pipes it holds.
func TestCommandProvisionerChildLeavesTheGroup(t *testing.T) {
	engNeedBash(t)
	if _, err := os.Stat("/usr/bin/setsid"); err != nil {
		t.Skip("no setsid here")
	}
	provisioner.SetCommandLimits(t, commandTestTimeout, commandTestWaitDelay)
	pidFile := filepath.Join(t.TempDir(), "pid")
	script := `cat >/dev/null; /usr/bin/setsid sleep 1000 & echo $! >"$1"; sleep 1000`
	err := engRunTimed(t, context.Background(), engCommand(t, targets.Compose, script, pidFile), commandTestTimeout+commandTestWaitDelay)
	pid := engChildPid(t, pidFile)
	t.Cleanup(func() { engKill(t, pid) })
	engWantAll(t, err, "command timed out after 500ms")
}

// The caller's deadline bounds the run together with (here: before) CommandTimeout: it is the
// budget of a whole request, which may run several provisioners.
func TestCommandProvisionerCallerDeadline(t *testing.T) {
	engNeedBash(t)
	pidFile := filepath.Join(t.TempDir(), "pid")
	d := engCommand(t, targets.Compose, `cat >/dev/null; sleep 1000 & echo $! >"$1"; wait`, pidFile)

	ctx, cancel := context.WithTimeout(context.Background(), commandTestTimeout)
	defer cancel()
	err := engRunTimed(t, ctx, d, commandTestTimeout)
	engWantAll(t, err, "command stopped: the time allowed for this request's provisioners ran out")
	engWantGone(t, engChildPid(t, pidFile))

	// Once the budget is spent, the next command does not start.
	err = engRunTimed(t, ctx, d, 0)
	engWantAll(t, err, "the time allowed for this request's provisioners ran out")

	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(commandTestTimeout, cancel)
	err = engRunTimed(t, ctx, d, commandTestTimeout)
	engWantAll(t, err, "command stopped: context canceled")
	engWantGone(t, engChildPid(t, pidFile))
}

// A command that echoes its input on stderr would show the generated secrets the request's state
// holds; the error hides every value it knows.
func TestCommandProvisionerStderrHidesSecrets(t *testing.T) {
	engNeedBash(t)
	long := strings.Repeat("L0ng-", 200) // 1000 bytes: a cut at the stderr capture limit splits it
	secrets := []string{"generated-db-password", `p<a>&"ss\word`, "shared-token-value", "param-from-another-secret", "xy", long}
	req := engRequest("thing", 1)
	req.Prior = provisioner.Stored{
		State:  map[string]any{"password": secrets[0], "nested": map[string]any{"list": []any{secrets[1]}}, "n": 1},
		Shared: map[string]any{"token": secrets[2], "long": long},
	}
	req.Params = map[string]any{"connection": secrets[3]}
	req.Metadata = map[string]any{"annotations": map[string]any{"api_key": secrets[4], "team": "visible-team-name"}}
	for _, c := range []struct{ name, script string }{
		{"echoes its input", `cat >&2; exit 1`},
		{"repeats the input past the capture limit", `in=$(cat); for i in $(seq 70); do printf '%s' "$in" >&2; done; exit 1`},
		{"repeats a secret past the capture limit", `cat >/dev/null; for i in $(seq 70); do printf '%s' "$1" >&2; done; exit 1`},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := engCommand(t, targets.Compose, c.script, long)
			_, err := provisioner.Provision(context.Background(), d, req, provisioner.Options{Target: targets.Compose, AllowCommands: true})
			engWantAll(t, err, "command failed: exit status 1", "(sensitive value)")
			msg := err.Error()
			for _, s := range secrets {
				if strings.Contains(msg, s) || (len(s) >= 8 && strings.Contains(msg, s[:len(s)/2])) {
					t.Errorf("the error shows the secret %.40q", s)
				}
			}
			if strings.Contains(msg, `p\u003ca\u003e`) || strings.Contains(msg, "L0ng-L0ng") {
				t.Errorf("the error shows part of a secret:\n%s", msg)
			}
			if len(msg) > 5<<10 {
				t.Errorf("the error is %d bytes", len(msg))
			}
			if c.name == "echoes its input" && !strings.Contains(msg, "visible-team-name") {
				t.Errorf("a value that is no secret is hidden too:\n%s", msg)
			}
		})
	}
}
