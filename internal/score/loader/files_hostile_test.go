//go:build unix

package loader_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/score-tf/terraform-provider-score/internal/score/loader"
)

// hostileTimeout is how long reading any hostile file may take: none of them may block.
const hostileTimeout = time.Second

// hostileFiles makes the files a hostile score file or source may name, in dir, by name; a case
// whose file cannot be made here is left out.
func hostileFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{
		"dev zero":    "/dev/zero",
		"dev urandom": "/dev/urandom",
		"dev stdin":   "/dev/stdin",
		"directory":   dir,
	}
	if syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o644) == nil {
		files["named pipe"] = filepath.Join(dir, "pipe") // nothing ever writes to it
	}
	if _, err := os.Stat("/proc/self/environ"); err == nil {
		files["proc environ"] = "/proc/self/environ"
		files["proc fd"] = "/proc/self/fd/0"
		files["symlink to proc environ"] = hostileLink(t, dir, "environ-link", "/proc/self/environ")
		files["symlink chain to proc"] = hostileLink(t, dir, "chain", filepath.Join(dir, "environ-link"))
	}
	if _, err := os.Stat("/sys/kernel"); err == nil {
		files["sys"] = "/sys/kernel/uevent_seqnum"
	}
	files["symlink to dev zero"] = hostileLink(t, dir, "zero-link", "/dev/zero")
	files["over the limit"] = filepath.Join(dir, "big.yaml")
	writeFile(t, files["over the limit"], []byte(strings.Repeat("#", loader.MaxScoreFileSize+1)))
	files["sparse huge"] = filepath.Join(dir, "sparse.yaml")
	f, err := os.Create(files["sparse huge"])
	if err != nil {
		t.Fatal(err)
	}
	err = f.Truncate(1 << 40)
	if cerr := f.Close(); cerr != nil {
		t.Fatal(cerr)
	}
	if err != nil {
		delete(files, "sparse huge")
	}
	return files
}

func hostileLink(t *testing.T, dir, name, target string) string {
	t.Helper()
	link := filepath.Join(dir, name)
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("cannot create a symbolic link: %v", err)
	}
	return link
}

// readWithin runs read and fails the test if it takes longer than hostileTimeout.
func readWithin(t *testing.T, read func() ([]byte, error)) ([]byte, error) {
	t.Helper()
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := read()
		done <- result{b, err}
	}()
	select {
	case r := <-done:
		return r.b, r.err
	case <-time.After(hostileTimeout):
		t.Fatalf("still reading after %s", hostileTimeout)
		return nil, nil
	}
}

// refusedSystem is why a file in a system tree is refused.
const refusedSystem = "is refused: it is in, or links into, /proc, /sys or /dev, whose files are never read (whatever allow_external_file_sources says)"

// hostileWants are what reading each of hostileFiles as the score file says.
var hostileWants = map[string]string{
	"dev zero": refusedSystem, "dev urandom": refusedSystem, "dev stdin": refusedSystem,
	"proc environ": refusedSystem, "proc fd": refusedSystem, "sys": refusedSystem,
	"symlink to proc environ": refusedSystem, "symlink chain to proc": refusedSystem, "symlink to dev zero": refusedSystem,
	"directory": "is not a regular file", "named pipe": "is not a regular file",
	"over the limit": "is 4194305 bytes; files may be at most 4194304 bytes", "sparse huge": "is 1099511627776 bytes; files may be at most 4194304 bytes",
}

func TestReadFileRefusesHostileFiles(t *testing.T) {
	dir := t.TempDir()
	wants := hostileWants
	for name, file := range hostileFiles(t, dir) {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			b, err := readWithin(t, func() ([]byte, error) { return loader.ReadFile(file, loader.MaxScoreFileSize) })
			if err == nil {
				t.Fatalf("read %d bytes", len(b))
			}
			for _, want := range []string{wants[name], `file "` + file + `"`} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
			t.Logf("%s: %v", time.Since(start), err)
		})
	}
}

func TestReadFileReadsRegularFiles(t *testing.T) {
	dir := t.TempDir()
	full := []byte(strings.Repeat("#", loader.MaxScoreFileSize))
	writeFile(t, filepath.Join(dir, "score.yaml"), full)
	link := hostileLink(t, dir, "link.yaml", "score.yaml")
	for _, name := range []string{filepath.Join(dir, "score.yaml"), link} {
		b, err := loader.ReadFile(name, loader.MaxScoreFileSize)
		if err != nil || len(b) != len(full) {
			t.Errorf("%s: %d bytes, %v", name, len(b), err)
		}
	}
	_, err := loader.ReadFile(filepath.Join(dir, "missing.yaml"), loader.MaxScoreFileSize)
	if err == nil || !strings.Contains(err.Error(), "missing.yaml") || !strings.Contains(err.Error(), "no such file or directory") {
		t.Errorf("missing file: %v", err)
	}
}

// A file source is refused like the score file, whatever allow_external_file_sources says: as an
// absolute path, and through a symbolic link inside the score file's directory.
func TestLoadRefusesHostileFileSources(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "app")
	for name, file := range hostileFiles(t, dir) {
		for _, allow := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/allow external %v", name, allow), func(t *testing.T) {
				if err := os.RemoveAll(base); err != nil {
					t.Fatal(err)
				}
				if err := os.Mkdir(base, 0o755); err != nil {
					t.Fatal(err)
				}
				hostileLink(t, base, "link", file)
				sources := []string{"link"}
				if allow {
					sources = append(sources, file)
				}
				for _, source := range sources {
					msg := checkHostileSource(t, loader.Input{Content: []byte(sourceFile(source)), BaseDir: base, AllowExternalFileSources: allow})
					// Without allow_external_file_sources, other files outside are refused as external.
					want := strings.ReplaceAll(hostileWants[name], strconv.Itoa(loader.MaxScoreFileSize)+" bytes", strconv.Itoa(loader.MaxFileSize)+" bytes")
					if (allow || want == refusedSystem) && !strings.Contains(msg, fmt.Sprintf("source %q %s", source, want)) {
						t.Errorf("source %q: %s\nwant %q", source, msg, want)
					}
				}
			})
		}
	}
}

// checkHostileSource loads in, whose only file source is hostile, and returns the one problem.
func checkHostileSource(t *testing.T, in loader.Input) string {
	t.Helper()
	w, err := readWithin(t, func() ([]byte, error) {
		w, err := load(t, in)
		if err != nil {
			return nil, err
		}
		return w.Files["web"]["/etc/app.conf"].Content, nil
	})
	if err == nil {
		t.Fatalf("loaded %d bytes (allow external: %v)", len(w), in.AllowExternalFileSources)
	}
	ps := problemsOf(t, err)
	if len(ps.List) != 1 || ps.List[0].Location() != `containers.web.files["/etc/app.conf"].source (line 9)` {
		t.Fatalf("problems:%s", dump(ps.List))
	}
	return ps.List[0].Message
}

// The score file's directory itself in /proc: a relative source inside it is refused too.
func TestLoadRefusesSourcesInASystemDirectory(t *testing.T) {
	if _, err := os.Stat("/proc/self/environ"); err != nil {
		t.Skip("no /proc here")
	}
	for _, allow := range []bool{false, true} {
		_, err := readWithin(t, func() ([]byte, error) {
			_, err := load(t, loader.Input{Content: []byte(sourceFile("environ")), BaseDir: "/proc/self", AllowExternalFileSources: allow})
			return nil, err
		})
		ps := problemsOf(t, err)
		if !strings.Contains(ps.Error(), `source "environ" is refused`) {
			t.Errorf("allow external %v:%s", allow, dump(ps.List))
		}
	}
}

// At validate time external sources are deferred (their permission is not known yet), but a
// system file is refused at once: no setting allows it.
func TestLoadDeferExternalStillRefusesSystemFiles(t *testing.T) {
	base := t.TempDir()
	hostileLink(t, base, "link", "/dev/zero")
	_, err := load(t, loader.Input{Content: []byte(sourceFile("link")), BaseDir: base, DeferExternalFileSources: true})
	ps := problemsOf(t, err)
	if !strings.Contains(ps.Error(), `source "link" is refused: it is in, or links into, /proc, /sys or /dev`) {
		t.Errorf("problems:%s", dump(ps.List))
	}
}
