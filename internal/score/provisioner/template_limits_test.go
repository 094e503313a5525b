package provisioner_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/score-tf/terraform-provider-score/internal/score/provisioner"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// hostileTemplates each try to exhaust the provider's memory or time; each must end quickly
// with a message naming the provisioner, the section and the limit.
var hostileTemplates = []struct {
	name    string
	section string
	text    string
	want    string
}{
	{"print doubling", "outputs", `{{ $s := "x" }}{{ range until 40 }}{{ $s = print $s $s }}{{ end }}a: 1`, "larger than 4194304 bytes"},
	{"printf doubling", "outputs", `{{ $s := "x" }}{{ range until 40 }}{{ $s = printf "%s%s" $s $s }}{{ end }}a: 1`, "larger than 4194304 bytes"},
	{"cat doubling", "outputs", `{{ $s := "x" }}{{ range until 40 }}{{ $s = cat $s $s }}{{ end }}a: 1`, "larger than 4194304 bytes"},
	{"html doubling", "outputs", `{{ $s := "x" }}{{ range until 40 }}{{ $s = html $s $s }}{{ end }}a: 1`, "larger than 4194304 bytes"},
	{"concat doubling", "outputs", `{{ $l := list "abcdefgh" }}{{ range until 40 }}{{ $l = concat $l $l }}{{ end }}a: 1`, "larger than 4194304 bytes|stopped after"},
	{"list doubling by reference", "outputs", `{{ $s := repeat 1000000 "x" }}{{ $l := list $s }}{{ range until 40 }}{{ $l = list $l $l }}{{ end }}a: 1`, "larger than 4194304 bytes"},
	{"append in a loop", "outputs", `{{ $l := list }}{{ range until 100000 }}{{ $l = append $l "0123456789abcdef" }}{{ end }}a: 1`, runLimit},
	{"repeat", "outputs", `{{ $s := repeat 64000000 "x" }}a: 1`, "exceed 4194304 bytes"},
	{"repeat doubling", "outputs", `{{ $s := "x" }}{{ range until 40 }}{{ $s = repeat 2 $s }}{{ end }}a: 1`, "4194304 bytes"},
	{"join with a huge separator", "outputs", `{{ $s := join (repeat 1000000 "x") (until 100000) }}a: 1`, "larger than 4194304 bytes"},
	{"replace amplification", "outputs", `{{ $s := replace "" (repeat 1000000 "y") (repeat 1000000 "x") }}a: 1`, "larger than 4194304 bytes"},
	{"regexReplaceAll amplification", "outputs", `{{ $s := regexReplaceAll "" (repeat 1000000 "x") (repeat 1000000 "y") }}a: 1`, "larger than 4194304 bytes"},
	{"regexReplaceAll reference amplification", "outputs", `{{ $s := regexReplaceAll "x+" (repeat 1000000 "x") (repeat 10 "$0") }}a: 1`, "larger than 4194304 bytes"},
	{"indent amplification", "outputs", `{{ $s := indent 1024 (repeat 1000000 "\n") }}a: 1`, "larger than 4194304 bytes"},
	{"wrapWith amplification", "outputs", `{{ $s := wrapWith 1 (repeat 1000000 "y") (repeat 1000000 "x") }}a: 1`, "larger than 4194304 bytes"},
	{"printf with a huge star width", "outputs", `{{ $s := printf "%*d" 1000000000 1 }}a: 1`, "larger than 4194304 bytes"},
	{"printf with many wide verbs", "outputs", `{{ $s := printf "%999999d%999999d%999999d%999999d%999999d" 1 2 3 4 5 }}a: 1`, "larger than 4194304 bytes"},
	{"splitList into runes", "outputs", `{{ $l := splitList "" (repeat 4000000 "x") }}a: 1`, "larger than 4194304 bytes"},
	{"a map that holds itself", "outputs", `{{ $d := dict }}{{ $_ := set $d "self" $d }}a: 1`, "nests deeper than 100 levels"},
	{"nested until", "outputs", `{{ range until 100000 }}{{ range until 100000 }}{{ end }}{{ end }}a: 1`, runLimit},
	{"nested range over a variable", "outputs", `{{ $l := until 100000 }}{{ range $l }}{{ range $l }}{{ end }}{{ end }}a: 1`, runLimit},
	{"range over a huge integer", "outputs", `{{ range 1000000000000 }}{{ end }}a: 1`, runLimit},
	{"exponential template recursion", "outputs", `{{ define "a" }}{{ if lt (len .) 40 }}{{ template "a" (append . 1) }}{{ template "a" (append . 1) }}{{ end }}{{ end }}{{ template "a" list }}a: 1`, runLimit},
	{"deep template recursion", "outputs", `{{ define "a" }}{{ template "a" . }}{{ end }}{{ template "a" . }}a: 1`, "template calls nest deeper than 1000"},
	{"bcrypt in a loop", "init", `{{ range until 100000 }}{{ $_ := bcrypt "pw" }}{{ end }}a: 1`, runLimit},
	{"derivePassword in a loop", "outputs", `{{ range until 100000 }}{{ $_ := derivePassword 1 "long" "pw" "user" "example.com" }}{{ end }}a: 1`, runLimit},
	{"keygen outside init and state", "outputs", `a: {{ genPrivateKey "ecdsa" | quote }}`, "genPrivateKey makes a new value on every run"},
	{"bcrypt outside init and state", "manifests", `- {{ bcrypt "pw" }}`, "bcrypt makes a new value on every run"},
	{"dsa keys", "init", `a: {{ genPrivateKey "dsa" | quote }}`, "DSA keys take seconds"},
}

// runLimit accepts any of the limits on a run's work: which one a loop reaches first depends on
// the machine's speed.
const runLimit = "stopped after|bytes in all"

// hostileTimeout is the run timeout the hostile templates get; they must end within
// hostileBound.
const (
	hostileTimeout = time.Second
	hostileBound   = 5 * time.Second
	hostileMemory  = 512 << 20
)

func TestHostileTemplatesEndQuickly(t *testing.T) {
	defer provisioner.SetRunTimeout(hostileTimeout)()
	for _, tc := range hostileTemplates {
		t.Run(tc.name, func(t *testing.T) {
			text := fmt.Sprintf("- uri: template://t/hostile\n  type: x\n  %s: %q\n", tc.section, tc.text)
			d := engOne(t, targets.Kubernetes, text)
			var err error
			elapsed, peak := measure(func() {
				_, err = provisioner.Provision(context.Background(), d, engRequest("x", 1), provisioner.Options{Target: targets.Kubernetes})
			})
			engWantAll(t, err, "template://t/hostile", tc.section+" template")
			if err != nil && !containsAny(err.Error(), strings.Split(tc.want, "|")) {
				t.Errorf("error does not contain %q:\n%v", tc.want, err)
			}
			if elapsed > hostileBound {
				t.Errorf("took %s, want under %s", elapsed, hostileBound)
			}
			if peak > hostileMemory {
				t.Errorf("heap in use reached %d MB, want under %d MB", peak>>20, hostileMemory>>20)
			}
		})
	}
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// measure runs f and reports how long it took and the peak heap in use, sampled.
func measure(f func()) (time.Duration, uint64) {
	runtime.GC()
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	})
	start := time.Now()
	f()
	elapsed := time.Since(start)
	close(done)
	wg.Wait()
	return elapsed, peak.Load()
}

// Cancelling the context stops a running template within a second, whatever it is doing.
func TestCancelStopsARunningTemplate(t *testing.T) {
	for _, tc := range []struct{ name, section, text string }{
		{"nested range", "outputs", `{{ $l := until 100000 }}{{ range $l }}{{ range $l }}{{ end }}{{ end }}`},
		{"exponential recursion", "outputs", `{{ define "a" }}{{ if lt (len .) 40 }}{{ template "a" (append . 1) }}{{ template "a" (append . 1) }}{{ end }}{{ end }}{{ template "a" list }}`},
		{"bcrypt loop", "state", `{{ range until 100000 }}{{ $_ := bcrypt "pw" }}{{ end }}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := fmt.Sprintf("- uri: template://t/busy\n  type: x\n  %s: %q\n", tc.section, tc.text)
			d := engOne(t, targets.Compose, text)
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(100*time.Millisecond, cancel)
			start := time.Now()
			_, err := provisioner.Provision(ctx, d, engRequest("x", 1), provisioner.Options{Target: targets.Compose})
			if elapsed := time.Since(start); elapsed > 1100*time.Millisecond {
				t.Errorf("returned %s after the cancel, want within 1s", elapsed-100*time.Millisecond)
			}
			engWantAll(t, err, "template://t/busy", tc.section+" template", "stopped: context canceled")
			if !errors.Is(err, context.Canceled) {
				t.Errorf("error does not wrap context.Canceled: %v", err)
			}
		})
	}
}

// Key generation works where its result can be kept: in init and state.
func TestKeygenInInitAndState(t *testing.T) {
	res, err := engProvision(t, targets.Kubernetes, `
- uri: template://t/key
  type: x
  init: |
    key: {{ genPrivateKey "ed25519" | quote }}
  state: |
    key: {{ dig "key" .Init.key .State | quote }}
    hash: {{ dig "hash" (htpasswd "user" "pw") .State | quote }}
  outputs: |
    key: {{ .State.key | quote }}
`, engRequest("x", 1))
	if err != nil {
		t.Fatal(err)
	}
	if key, _ := res.Outputs["key"].(string); !strings.Contains(key, "PRIVATE KEY") {
		t.Errorf("key = %q", key)
	}
	if hash, _ := res.Stored.State["hash"].(string); !strings.HasPrefix(hash, "user:$2a$") {
		t.Errorf("hash = %q", hash)
	}
}

// Concurrent provisionings of one definition each get their own random source: each result is
// what a sequential run with the same source gives. Run with -race.
func TestConcurrentProvisioningsKeepTheirOwnRandomSource(t *testing.T) {
	const n = 20
	for _, target := range targets.All {
		t.Run(string(target), func(t *testing.T) {
			d := builtinDefinition(t, target, "postgres")
			opts := provisioner.Options{Target: target}
			want := make([]*provisioner.Result, n)
			for i := range want {
				res, err := provisioner.Provision(context.Background(), d, engRequest("postgres", uint64(i)), opts)
				if err != nil {
					t.Fatal(err)
				}
				want[i] = res
			}
			got := make([]*provisioner.Result, n)
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range got {
				wg.Go(func() {
					got[i], errs[i] = provisioner.Provision(context.Background(), d, engRequest("postgres", uint64(i)), opts)
				})
			}
			wg.Wait()
			for i := range got {
				if errs[i] != nil {
					t.Fatalf("provisioning %d: %v", i, errs[i])
				}
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Errorf("provisioning %d differs from the sequential run:\n got %+v\nwant %+v", i, got[i], want[i])
				}
			}
			if reflect.DeepEqual(want[0].Stored, want[1].Stored) {
				t.Error("two random sources gave the same state; the test would not see them mixed")
			}
		})
	}
}

func builtinDefinition(t *testing.T, target targets.Target, resType string) *provisioner.Definition {
	t.Helper()
	defs, err := provisioner.Builtins(target)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range defs {
		if d.Matches(resType, "default", "db") && d.Scheme() == "template" {
			return d
		}
	}
	t.Fatalf("no built-in %s provisioner for %s", resType, target)
	return nil
}
