//go:build linux

package provider

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// Hostile inputs through real terraform (issue 15): each case gives score_workload (the resource,
// and the data source where loading alone decides) an input meant to exhaust the provider's time
// or memory, or to make it read or reveal what it must not. Each must end in a failed run with the
// expected diagnostic, within hostileBound of wall time, with the in-process provider's heap under
// hostileHeapLimit. Acceptance tests: TF_ACC=1 and TF_ACC_TERRAFORM_PATH, like the others here.
//
// Helpers carry a hostile prefix: other files of this package are written at the same time.
// Linux only: the cases read /proc/self/environ and make a named pipe.

const (
	// hostileBound is generous: terraform itself takes seconds per run, and the cases share two
	// cores.
	hostileBound = 60 * time.Second
	// hostileHeapLimit bounds the provider's heap (it runs in this process; the sampled peak of
	// HeapInuse counts whatever cases run at the same time, so it is an upper bound for each).
	hostileHeapLimit = 512 << 20
	// hostileHeapAbort stops the whole test binary before an unbounded read (file = /dev/zero
	// without a bound) takes the machine's memory: no test result is worth that.
	hostileHeapAbort = 2 << 30
	hostileKB        = 100 << 10
)

// hostileErrorRE matches the fragments in order. Terraform wraps diagnostics at about 78 columns
// (continuation lines may start with │), so every space in a fragment matches any run of white
// space and box characters. A fragment holding "||" matches any of its alternatives.
func hostileErrorRE(fragments ...string) *regexp.Regexp {
	parts := make([]string, len(fragments))
	for i, f := range fragments {
		var alts []string
		for _, alt := range strings.Split(f, "||") {
			words := strings.Fields(alt)
			for j, w := range words {
				words[j] = regexp.QuoteMeta(w)
			}
			alts = append(alts, strings.Join(words, `[\s│]+`))
		}
		parts[i] = "(?:" + strings.Join(alts, "|") + ")"
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, `.*`))
}

// hostileQuote quotes s as an HCL string literal (template sequences escaped).
func hostileQuote(s string) string {
	q := fmt.Sprintf("%q", s)
	q = strings.ReplaceAll(q, "${", "$${")
	return strings.ReplaceAll(q, "%{", "%%{")
}

// hostileHeredoc is s as an HCL heredoc (template sequences escaped).
func hostileHeredoc(s string) string {
	s = strings.ReplaceAll(s, "${", "$${")
	s = strings.ReplaceAll(s, "%{", "%%{")
	return "<<EOT\n" + s + "\nEOT\n"
}

// hostileProvider is the provider block for target, with extra lines inside it.
func hostileProvider(target, extra string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "provider \"score\" {\n  target = %q\n", target)
	if target == "kubernetes" {
		b.WriteString("  namespace = \"shop\"\n")
	}
	b.WriteString(extra)
	b.WriteString("}\n")
	return b.String()
}

// hostileConfig is a configuration with one score_workload named w: kind is "resource" or
// "data", source its source attribute (content = ... or file = ...).
func hostileConfig(target, providerExtra, kind, source string) string {
	return hostileProvider(target, providerExtra) + fmt.Sprintf("\n%s \"score_workload\" \"w\" {\n  %s\n}\n", kind, source)
}

// hostileScore is a score file (JSON) with a container "main" holding vars, a 100 KB annotation
// "big", and what edit adds.
func hostileScore(vars map[string]string, edit func(doc map[string]any)) string {
	container := map[string]any{"image": "nginx"}
	if vars != nil {
		container["variables"] = vars
	}
	doc := map[string]any{
		"apiVersion": "score.dev/v1b1",
		"metadata":   map[string]any{"name": "web", "annotations": map[string]any{"big": strings.Repeat("a", hostileKB)}},
		"containers": map[string]any{"main": container},
	}
	if edit != nil {
		edit(doc)
	}
	out, err := json.Marshal(doc)
	if err != nil {
		panic(err)
	}
	return string(out)
}

// hostileHead starts a YAML score file with a container "main".
const hostileHead = "apiVersion: score.dev/v1b1\nmetadata:\n  name: web\ncontainers:\n  main:\n    image: nginx\n"

// hostileContent writes text to a file in dir and returns the content attribute reading it with
// terraform's file(): large documents stay out of the configuration, and need no escaping.
func hostileContent(t *testing.T, dir, text string) string {
	t.Helper()
	p := filepath.Join(dir, "score.yaml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return "content = file(" + hostileQuote(p) + ")"
}

// hostileAliasBomb is a "billion laughs": nine levels of nine aliases each, 9^9 values expanded.
func hostileAliasBomb() string {
	var b strings.Builder
	b.WriteString("apiVersion: score.dev/v1b1\nmetadata:\n  name: web\n  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i <= 9; i++ {
		ref := fmt.Sprintf("*l%d", i-1)
		fmt.Fprintf(&b, "  l%d: &l%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(ref+", ", 9), ", "))
	}
	b.WriteString("containers:\n  main:\n    image: nginx\n")
	return b.String()
}

// hostileNested is a score file whose metadata holds lists nested depth deep.
func hostileNested(depth int) string {
	return "apiVersion: score.dev/v1b1\nmetadata:\n  name: web\n  deep: " + strings.Repeat("[", depth) + strings.Repeat("]", depth) +
		"\ncontainers:\n  main:\n    image: nginx\n"
}

// hostileTemplateProvider is the provider setting for one custom template provisioner of type
// hostile whose outputs section is text; hostileTemplateWorkload uses it.
func hostileTemplateProvider(name, text string) string {
	def := fmt.Sprintf("- uri: template://hostile/%s\n  type: hostile\n  outputs: |\n    %s\n", name, text)
	return "  provisioners = [" + hostileHeredoc(def) + "  ]\n"
}

const hostileTemplateWorkload = hostileHead + "resources:\n  res:\n    type: hostile\n"

// hostileMeter samples the heap while a case runs.
type hostileMeter struct {
	start  time.Time
	before runtime.MemStats
	peak   atomic.Uint64
	done   chan struct{}
	wg     sync.WaitGroup
}

func hostileMeasure(name string) *hostileMeter {
	m := &hostileMeter{done: make(chan struct{})}
	runtime.ReadMemStats(&m.before)
	m.peak.Store(m.before.HeapInuse)
	m.start = time.Now()
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		var ms runtime.MemStats
		for {
			select {
			case <-m.done:
				return
			case <-tick.C:
			}
			runtime.ReadMemStats(&ms)
			for {
				p := m.peak.Load()
				if ms.HeapInuse <= p || m.peak.CompareAndSwap(p, ms.HeapInuse) {
					break
				}
			}
			if ms.HeapInuse > hostileHeapAbort {
				panic(fmt.Sprintf("hostile case %q: the heap passed %d MiB; stopping before the machine runs out of memory", name, ms.HeapInuse>>20))
			}
		}
	}()
	return m
}

// stop ends the sampling: the wall time, the peak HeapInuse and the bytes allocated (by every
// case running meanwhile).
func (m *hostileMeter) stop() (time.Duration, uint64, uint64) {
	took := time.Since(m.start)
	close(m.done)
	m.wg.Wait()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	return took, m.peak.Load(), after.TotalAlloc - m.before.TotalAlloc
}

// hostileCompact is a diagnostic on one line, without terraform's boxes, at most n bytes.
func hostileCompact(s string, n int) string {
	s = strings.Join(strings.Fields(strings.ReplaceAll(s, "│", " ")), " ")
	if len(s) > n {
		s = s[:n] + "..."
	}
	return s
}

// hostileRun runs one configuration that must fail with an error want matches, keeping in got
// the error terraform reported (none: a test failure); with want nil, it must apply. Either way,
// the state after an apply must not hold the forbidden strings. A successful apply is checked for
// the forbidden strings in state too.
func hostileRun(t *testing.T, got *string, config string, want *regexp.Regexp, forbid []string) {
	t.Helper()
	var errored bool
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		// Without ExpectError, ErrorCheck sees the error: it is kept for the checks below and
		// for the report, and the step passes when it holds what is expected.
		ErrorCheck: func(err error) error {
			errored, *got = true, err.Error()
			if want == nil || !want.MatchString(*got) {
				return err
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(s *terraform.State) error {
				for _, rs := range s.RootModule().Resources {
					for k, v := range rs.Primary.Attributes {
						for _, f := range forbid {
							if strings.Contains(v, f) {
								return fmt.Errorf("applied, and %s holds %q", k, hostileCompact(f, 40))
							}
						}
					}
				}
				if want == nil {
					return nil
				}
				return errors.New("applied without an error")
			},
		}},
	})
	if !errored && want != nil {
		t.Errorf("no error")
	}
}

// hostileCase is one hostile input.
type hostileCase struct {
	name string
	// kinds: "resource", "data"; targets: "kubernetes", "compose".
	kinds, targets []string
	providerExtra  string
	// source returns the workload's source attribute; dir is the case's own directory.
	source func(t *testing.T, dir string) string
	want   *regexp.Regexp
	// want matches the diagnostic; nil: the input is valid and must apply within the bounds.
	// forbid are strings the diagnostic (or state) must not hold.
	forbid []string
	// fifo names the named pipe the case reads, fed after hostileBound so that a hang ends.
	fifo string
	// needsBoundedReads: the case would exhaust memory if `file` is read without bounds; it is
	// not run when a named-pipe case hung (those run first).
	needsBoundedReads bool
	bound             time.Duration
	skip              string
}

var (
	hostileLoadKinds = []string{"resource", "data"}
	hostileResource  = []string{"resource"}
	hostileK8s       = []string{"kubernetes"}
	hostileBoth      = []string{"kubernetes", "compose"}
)

func hostileCases(canary string) []hostileCase {
	content := func(text string) func(t *testing.T, dir string) string {
		return func(t *testing.T, dir string) string { return hostileContent(t, dir, text) }
	}
	many := map[string]string{}
	for i := range 1_000 {
		many[fmt.Sprintf("V%04d", i)] = "${metadata.annotations.big}"
	}
	readFailed := "Cannot read score file"
	refused := "is refused||not a regular file"
	fileCase := func(path string) func(t *testing.T, dir string) string {
		return func(t *testing.T, dir string) string { return "file = " + hostileQuote(path) }
	}
	cmdSkip := "the provider exposes no timeout for cmd:// provisioners (provisioner.CommandTimeout is a " +
		"2-minute constant), so this case takes over two minutes; set HOSTILE_SLOW=1 to run it"
	if os.Getenv("HOSTILE_SLOW") != "" {
		cmdSkip = ""
	}
	return []hostileCase{
		// 1. Placeholder amplification (found while loading, so the data source too).
		{name: "annotation referenced 10,000 times", kinds: hostileLoadKinds, targets: hostileK8s,
			source: content(hostileScore(map[string]string{"BIG": strings.Repeat("${metadata.annotations.big}", 10_000)}, nil)),
			want:   hostileErrorRE("containers.main.variables.BIG", "expanded value too large", "passes the limit of 1048576 bytes (1 MiB) for one value")},
		{name: "annotation in 1,000 variables", kinds: hostileLoadKinds, targets: hostileK8s,
			source: content(hostileScore(many, nil)),
			want:   hostileErrorRE("containers.main.variables.V", "expanded values too large", "past the limit of 16777216 bytes (16 MiB) for one workload")},
		// 2. One million unterminated ${.
		{name: "one million unclosed ${", kinds: hostileLoadKinds, targets: hostileK8s,
			source: content(hostileScore(map[string]string{"OPEN": strings.Repeat("${", 1_000_000)}, nil)),
			want:   hostileErrorRE("containers.main.variables.OPEN", "expanded value too large", "literal text (2000000 bytes)", "(1 MiB) for one value")},
		// 3. Template amplification in a custom provisioner.
		{name: "template print doubling", kinds: hostileResource, targets: hostileBoth,
			providerExtra: hostileTemplateProvider("doubling", `{{ $s := "x" }}{{ range until 40 }}{{ $s = print $s $s }}{{ end }}a: 1`),
			source:        content(hostileTemplateWorkload),
			want:          hostileErrorRE("template://hostile/doubling", "outputs template", "larger than 4194304 bytes")},
		{name: "template nested range", kinds: hostileResource, targets: hostileBoth,
			providerExtra: hostileTemplateProvider("ranges", `{{ range until 100000 }}{{ range until 100000 }}{{ end }}{{ end }}a: 1`),
			source:        content(hostileTemplateWorkload),
			want:          hostileErrorRE("template://hostile/ranges", "outputs template", "stopped after||bytes in all")},
		{name: "template exponential recursion", kinds: hostileResource, targets: hostileBoth,
			providerExtra: hostileTemplateProvider("recursion",
				`{{ define "a" }}{{ if lt (len .) 40 }}{{ template "a" (append . 1) }}{{ template "a" (append . 1) }}{{ end }}{{ end }}{{ template "a" list }}a: 1`),
			source: content(hostileTemplateWorkload),
			want:   hostileErrorRE("template://hostile/recursion", "outputs template", "stopped after||bytes in all")},
		// 4. The score file is not a file to read.
		// Not in parallel, and with a shorter bound: refusing a named pipe takes milliseconds.
		{name: "file is a named pipe", kinds: hostileLoadKinds, targets: hostileK8s, fifo: "score.fifo", bound: 20 * time.Second,
			source: func(t *testing.T, dir string) string {
				return "file = " + hostileQuote(filepath.Join(dir, "score.fifo"))
			},
			want: hostileErrorRE(readFailed, refused)},
		{name: "file is proc-self-environ", kinds: hostileLoadKinds, targets: hostileK8s,
			source: fileCase("/proc/self/environ"), forbid: []string{canary},
			want: hostileErrorRE(readFailed, "is refused")},
		{name: "file is dev-zero", kinds: hostileLoadKinds, targets: hostileK8s, needsBoundedReads: true,
			source: fileCase("/dev/zero"),
			want:   hostileErrorRE(readFailed, refused)},
		// 5. A file source in /proc, external sources allowed.
		{name: "source is proc-self-environ", kinds: hostileLoadKinds, targets: hostileBoth,
			providerExtra: "  allow_external_file_sources = true\n", forbid: []string{canary},
			source: content(hostileHead + "    files:\n      /etc/environ:\n        source: /proc/self/environ\n"),
			want:   hostileErrorRE(`source "/proc/self/environ"`, "is refused")},
		// 7. YAML alias bomb, deep nesting, a command provisioner that never ends.
		{name: "alias bomb", kinds: hostileLoadKinds, targets: hostileK8s,
			source: content(hostileAliasBomb()),
			want:   hostileErrorRE("aliases expand the document to more than 200000 values", "alias bomb")},
		// yaml.v3 refuses more than 10,000 levels; 10,000 itself is a valid document, which must
		// still load and render within the bounds.
		{name: "nesting 10,000 deep, accepted", kinds: hostileLoadKinds, targets: hostileBoth,
			source: content(hostileNested(10_000))},
		{name: "nesting 10,001 deep", kinds: hostileLoadKinds, targets: hostileK8s,
			source: content(hostileNested(10_001)),
			want:   hostileErrorRE("invalid YAML", "exceeded max depth of 10000")},
		{name: "command provisioner sleeping forever", kinds: hostileResource, targets: hostileK8s, skip: cmdSkip,
			bound: 3 * time.Minute, // the engine's command timeout is two minutes
			providerExtra: "  allow_command_provisioners = true\n  provisioners = [" + hostileHeredoc(
				"- uri: cmd://sleep\n  type: hostile\n  args: [\"infinity\"]") + "  ]\n",
			source: content(hostileTemplateWorkload),
			want:   hostileErrorRE("cmd://sleep", "timed out after")},
	}
}

func TestHostileInputs(t *testing.T) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skip("acceptance test: set TF_ACC=1") // before reading /proc, as resource.Test would
	}
	canary := hostileEnvironEntry(t)
	// hung is set when a named pipe as `file` hung: the named-pipe cases run first, one after
	// the other, before the parallel ones start (waiting for them from a parallel case could
	// take every parallel slot), and the cases needing bounded reads are not run after a hang.
	var hung atomic.Bool
	for _, tc := range hostileCases(canary) {
		for _, kind := range tc.kinds {
			for _, target := range tc.targets {
				t.Run(tc.name+"/"+kind+"/"+target, func(t *testing.T) {
					if tc.skip != "" {
						t.Skip(tc.skip)
					}
					if tc.fifo == "" {
						t.Parallel()
					}
					if tc.needsBoundedReads && hung.Load() {
						t.Fatal("not run: a named pipe as `file` hung, so `file` is read without the checks that would refuse /dev/zero; reading it would take all memory")
					}
					dir := t.TempDir()
					var fed atomic.Bool
					if tc.fifo != "" {
						fifo := filepath.Join(dir, tc.fifo)
						if err := syscall.Mkfifo(fifo, 0o600); err != nil {
							t.Fatal(err)
						}
						stop := hostileFeedFIFO(fifo, tc.bound, &fed)
						// Deferred: resource.Test may end the test with Fatal.
						defer func() {
							stop()
							if fed.Load() {
								hung.Store(true)
								t.Errorf("the provider waited on the named pipe until the test wrote to it after %v", tc.bound)
							}
						}()
					}
					config := hostileConfig(target, tc.providerExtra, kind, tc.source(t, dir))
					hostileCheck(t, tc.name, tc.bound, func(got *string) { hostileRun(t, got, config, tc.want, tc.forbid) },
						func() []string { return tc.forbid })
				})
			}
		}
	}
}

// hostileCheck runs one case (run keeps the diagnostic it got), then reports and checks its time,
// memory and diagnostic. Deferred, so a case that failed inside resource.Test reports too.
func hostileCheck(t *testing.T, name string, bound time.Duration, run func(diagnostic *string), forbid func() []string) {
	t.Helper()
	if bound == 0 {
		bound = hostileBound
	}
	m := hostileMeasure(name)
	var diagnostic string
	defer func() {
		took, peak, alloc := m.stop()
		shown := diagnostic
		for _, f := range forbid() {
			if f != "" {
				shown = strings.ReplaceAll(shown, f, "<FORBIDDEN>")
			}
		}
		t.Logf("%v, peak heap in use %d MiB, %d MiB allocated (all cases running meanwhile); diagnostic: %s",
			took.Round(time.Millisecond), peak>>20, alloc>>20, hostileCompact(shown, 600))
		if took > bound {
			t.Errorf("took %v; the bound is %v", took, bound)
		}
		if peak > hostileHeapLimit {
			t.Errorf("the heap in use reached %d MiB; the bound is %d MiB", peak>>20, hostileHeapLimit>>20)
		}
		for _, f := range forbid() {
			if f != "" && strings.Contains(diagnostic, f) {
				t.Errorf("the diagnostic holds a forbidden value (<FORBIDDEN> above)")
			}
		}
	}()
	run(&diagnostic)
}

// hostileFeedFIFO opens fifo for writing, and closes it at once, whenever a reader waits on it
// after the bound: a provider stuck opening it then reads nothing and goes on. stop ends it.
func hostileFeedFIFO(fifo string, after time.Duration, fed *atomic.Bool) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case <-done:
			return
		case <-time.After(after):
		}
		for {
			// Without a reader, a non-blocking open for writing fails (ENXIO) rather than waits.
			if f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				_ = f.Close() // opened only to wake the reader: nothing was written
				fed.Store(true)
			}
			select {
			case <-done:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// hostileEnvironEntry is an entry of this process's /proc/self/environ (the provider runs in this
// process), one of plain characters so that no encoding on the way changes it: the cases reading
// that file must not show it. os.Setenv cannot add one: Go changes its own copy of the
// environment, not the kernel's.
func hostileEnvironEntry(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("/proc/self/environ")
	if err != nil {
		t.Fatal(err)
	}
	plain := regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=[A-Za-z0-9_./:-]{6,}$`)
	var best string
	for _, e := range strings.Split(string(data), "\x00") {
		if plain.MatchString(e) && len(e) > len(best) {
			best = e
		}
	}
	if best == "" {
		t.Fatal("no plain entry in /proc/self/environ")
	}
	return best
}

// TestHostilePasswordLeak: a built-in provisioner's check quotes the value of a param in its
// fail message; when that param is ${resources.db.password}, the message must not carry the
// password, neither in the diagnostic nor in terraform's or the provider's TRACE log. Step 1
// provisions db alone (the password is random: it is read from state), step 2 adds the resource
// whose check fails. Not parallel: it sets the log environment, which resource.Test reads.
func TestHostilePasswordLeak(t *testing.T) {
	logs := t.TempDir()
	// TF_LOG_PATH_MASK takes precedence over TF_LOG_PATH both for the terraform CLI
	// (terraform-plugin-testing passes it on as TF_LOG_PATH, at TRACE) and for the in-process
	// provider's tfsdklog sink (whose level TF_LOG sets). TF_LOG_PATH is set as well, as a
	// catch-all: terraform-exec strips it from terraform's own environment.
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_LOG_PATH", filepath.Join(logs, "tf_log_path.log"))
	t.Setenv("TF_LOG_PATH_MASK", filepath.Join(logs, "%s.log"))

	cases := []struct {
		target, leak string
		want         *regexp.Regexp
		logFragment  string
	}{
		{target: "kubernetes",
			leak:        "  leak:\n    type: dns\n    params:\n      domain: ${resources.db.password}\n",
			want:        hostileErrorRE("template://score-tf/dns", "params.domain", "is not a valid lower-case domain name"),
			logFragment: "is not a valid lower-case domain name"},
		{target: "compose",
			leak:        "  leak:\n    type: route\n    params:\n      host: leak.localhost\n      path: ${resources.db.password}\n      port: web\n",
			want:        hostileErrorRE("template://score-tf/route", "params.path must start with /"),
			logFragment: "params.path must start with /"},
	}
	for _, tc := range cases {
		t.Run(tc.target, func(t *testing.T) {
			base := hostileHead + "resources:\n  db:\n    type: postgres\n"
			config := func(score string) string {
				return hostileConfig(tc.target, "", "resource", "content = "+hostileQuote(score))
			}
			var password string
			run := func(got *string) {
				var errored bool
				resource.Test(t, resource.TestCase{
					ProtoV6ProviderFactories: testProviderFactories,
					ErrorCheck: func(err error) error {
						errored, *got = true, err.Error()
						if password == "" || !tc.want.MatchString(*got) {
							return err // step 1 failed, or step 2 not as expected
						}
						return nil
					},
					Steps: []resource.TestStep{
						{Config: config(base), Check: func(s *terraform.State) error {
							rs := s.RootModule().Resources["score_workload.w"]
							if rs == nil {
								return errors.New("no score_workload.w in state")
							}
							password = rs.Primary.Attributes["resource_outputs.db.secrets.password"]
							if len(password) < 16 {
								return fmt.Errorf("no password in resource_outputs.db.secrets (got %d characters)", len(password))
							}
							return nil
						}},
						{Config: config(base + tc.leak), Check: func(*terraform.State) error {
							return errors.New("applied without an error")
						}},
					},
				})
				if !errored {
					t.Errorf("no error")
				}
			}
			hostileCheck(t, "password leak/"+tc.target, 0, run, func() []string { return []string{password} })
			if password == "" {
				t.Fatal("no password read from state")
			}
			hostileCheckLogs(t, logs, password, tc.logFragment)
		})
	}
}

// hostileCheckLogs checks the log files in dir: together they must hold fragment (so they saw the
// diagnostic), and none may hold secret.
func hostileCheckLogs(t *testing.T, dir, secret, fragment string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	var sawFragment bool
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, fmt.Sprintf("%s (%d KiB)", e.Name(), len(data)>>10))
		sawFragment = sawFragment || strings.Contains(string(data), fragment)
		var leaks []string
		for i, line := range strings.Split(string(data), "\n") {
			if strings.Contains(line, secret) {
				leaks = append(leaks, fmt.Sprintf("line %d: %s", i+1, hostileCompact(strings.ReplaceAll(line, secret, "<PASSWORD>"), 300)))
			}
		}
		if len(leaks) > 0 {
			t.Errorf("the log %s holds the password on %d lines; the first: %s", e.Name(), len(leaks), strings.Join(leaks[:min(3, len(leaks))], "\n  "))
		}
	}
	sort.Strings(names)
	t.Logf("logs: %s", strings.Join(names, ", "))
	if !sawFragment {
		t.Errorf("no log holds %q: the logs did not see the diagnostic, so their lack of the password proves nothing", fragment)
	}
}
