package loader

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/score-tf/terraform-provider-score/internal/score/placeholder"
	"github.com/score-tf/terraform-provider-score/internal/score/problem"
)

// MaxFileSize bounds a container file read from a source (a Kubernetes ConfigMap holds at most
// 1 MiB; anything near this size is a mistake rather than configuration).
const MaxFileSize = 1 << 20

// readFiles gathers every container file's bytes: inline content, decoded binaryContent, or the
// source file read relative to in.BaseDir. Source content that will be expanded is checked for
// placeholders like inline content is.
func readFiles(doc map[string]any, in Input, loc locator, budget *placeholder.Budget, problems *problem.List) map[string]map[string]File {
	out := map[string]map[string]File{}
	containers := asMap(doc["containers"])
	metadata := asMap(doc["metadata"])
	resources := asMap(doc["resources"])
	check := placeholder.Resolver{Metadata: metadata, Resources: map[string]placeholder.Lookup{}}
	for name := range resources {
		check.Resources[name] = anyOutput(false)
	}
	for _, cname := range sortedKeys(containers) {
		files := asMap(asMap(containers[cname])["files"])
		for _, target := range sortedKeys(files) {
			spec := asMap(files[target])
			if spec == nil {
				continue
			}
			path := []string{"containers", cname, "files", target}
			f := File{Expand: spec["noExpand"] != true}
			f.Mode, _ = spec["mode"].(string)
			switch {
			case spec["content"] != nil:
				s, _ := spec["content"].(string)
				f.Content = []byte(s)
			case spec["binaryContent"] != nil:
				s, _ := spec["binaryContent"].(string)
				b, err := base64.StdEncoding.DecodeString(s)
				if err != nil {
					loc.add(problems, append(path, "binaryContent"), "binaryContent is not valid standard base64: "+err.Error())
					continue
				}
				f.Content, f.Expand = b, false
			case spec["source"] != nil:
				f.Source, _ = spec["source"].(string)
				b, err := readSource(f.Source, in)
				if errors.Is(err, errExternal) && in.DeferExternalFileSources {
					continue
				}
				if err != nil {
					loc.add(problems, append(path, "source"), err.Error())
					continue
				}
				f.Content = b
				if f.Expand && !utf8.Valid(b) {
					loc.add(problems, append(path, "source"), "source content contains non-utf8 bytes; set noExpand=true or use binaryContent")
					continue
				}
				if f.Expand {
					checkString(string(b), check, budget, loc, append(path, "source"), problems)
				}
			default:
				continue // the schema reports a file without content
			}
			if out[cname] == nil {
				out[cname] = map[string]File{}
			}
			out[cname][target] = f
		}
	}
	return out
}

// MaxScoreFileSize bounds the score file itself, whether read by ReadFile (the provider's `file`)
// or given as text (`content`). Real score files are a few kilobytes; this is the size a
// provisioner's output may reach too.
const MaxScoreFileSize = 4 << 20

// systemTrees hold the kernel's and devices' pseudo-files: /proc/self/environ is the process's
// environment, /dev/zero never ends. Nothing there is configuration, so none of it is ever read.
var systemTrees = []string{"/proc", "/sys", "/dev"}

// ReadFile reads name if it is a regular file of at most limit bytes, outside /proc, /sys and /dev
// (symbolic links resolved). A named pipe is refused rather than waited on.
func ReadFile(name string, limit int64) ([]byte, error) {
	label := fmt.Sprintf("file %q", name)
	f, err := openChecked(name, label, func() (*os.File, error) { return os.OpenFile(name, openSourceFlags, 0) })
	if err != nil {
		return nil, err
	}
	return readBounded(f, label, limit)
}

// readSource reads a file source. Unless external sources are allowed, the path must be relative
// and stay inside BaseDir, symbolic links included (os.Root enforces that). Files in system trees
// are refused either way, and before that check, so deferring external sources never skips them.
func readSource(source string, in Input) ([]byte, error) {
	if source == "" {
		return nil, errors.New("source is empty")
	}
	label := fmt.Sprintf("source %q", source)
	base := in.BaseDir
	if base == "" {
		base = "."
	}
	if in.AllowExternalFileSources {
		p := source
		if !filepath.IsAbs(p) {
			p = filepath.Join(base, p)
		}
		f, err := openChecked(p, label, func() (*os.File, error) { return os.OpenFile(p, openSourceFlags, 0) })
		if err != nil {
			return nil, err
		}
		return readBounded(f, label, MaxFileSize)
	}
	if !filepath.IsLocal(source) {
		return nil, externalSource(source)
	}
	root, err := os.OpenRoot(base)
	if err != nil {
		return nil, fmt.Errorf("cannot open the score file's directory %q: %v", base, err)
	}
	// Closing a directory handle opened for reading loses nothing; see readBounded.
	defer func() { _ = root.Close() }()
	f, err := openChecked(filepath.Join(base, source), label, func() (*os.File, error) {
		return root.OpenFile(filepath.Clean(source), openSourceFlags, 0)
	})
	if err != nil && strings.Contains(err.Error(), "escapes from parent") {
		// A symbolic link inside the directory that leads out of it.
		return nil, externalSource(source)
	}
	if err != nil {
		return nil, err
	}
	return readBounded(f, label, MaxFileSize)
}

// openChecked opens name with open unless name, or the path its symbolic links resolve to, lies
// in a system tree. It checks before opening, since opening a device can have effects of its own.
// label names the file in errors.
func openChecked(name, label string, open func() (*os.File, error)) (*os.File, error) {
	resolved, evalErr := filepath.EvalSymlinks(name)
	if inSystemTree(name) || (evalErr == nil && inSystemTree(resolved)) {
		return nil, systemFile(label)
	}
	f, err := open()
	if err != nil {
		// Also when the path did not resolve: open says why in the usual words.
		return nil, fmt.Errorf("cannot read %s: %v", label, unwrapPathError(err))
	}
	if evalErr != nil {
		// It opens although its path does not resolve: a link like /proc/self/fd/3 that names an
		// open file rather than a path. It was opened for reading only and the refusal is what
		// counts, so a failing Close has nothing to add.
		_ = f.Close()
		return nil, systemFile(label)
	}
	return f, nil
}

// inSystemTree reports whether name, made absolute, lies in one of systemTrees.
func inSystemTree(name string) bool {
	abs, err := filepath.Abs(name)
	if err != nil {
		return true
	}
	abs = filepath.ToSlash(abs)
	for _, tree := range systemTrees {
		if abs == tree || strings.HasPrefix(abs, tree+"/") {
			return true
		}
	}
	return false
}

func systemFile(label string) error {
	return fmt.Errorf("%s is refused: it is in, or links into, /proc, /sys or /dev, whose files are never read (whatever allow_external_file_sources says)", label)
}

// openSourceFlags opens without blocking: opening a named pipe for reading would otherwise wait
// for a writer. Reads from regular files are unaffected.
const openSourceFlags = os.O_RDONLY | syscall.O_NONBLOCK

// errExternal marks a source outside the score file's directory.
var errExternal = errors.New("external file source")

func externalSource(source string) error {
	return fmt.Errorf("source %q must be a relative path inside the score file's directory; files outside it are only read when the provider sets allow_external_file_sources = true: %w", source, errExternal)
}

// readBounded reads f, if it is a regular file of at most limit bytes, and closes it. label names
// the file in errors.
func readBounded(f *os.File, label string, limit int64) ([]byte, error) {
	// f is open for reading only: once ReadAll has returned every byte, Close can no longer lose
	// or corrupt data, and any read error has already been reported.
	defer func() { _ = f.Close() }()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %v", label, unwrapPathError(err))
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", label)
	}
	if info.Size() > limit {
		return nil, fmt.Errorf("%s is %d bytes; files may be at most %d bytes", label, info.Size(), limit)
	}
	// Bounded again, in case the file grew since Stat.
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %v", label, unwrapPathError(err))
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s is over %d bytes; files may be at most %d bytes", label, limit, limit)
	}
	return b, nil
}

// unwrapPathError drops the (possibly absolute) path os adds, which would only repeat the source.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
