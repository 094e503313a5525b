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

// readSource reads a file source. Unless external sources are allowed, the path must be relative
// and stay inside BaseDir, symbolic links included (os.Root enforces that).
func readSource(source string, in Input) ([]byte, error) {
	if source == "" {
		return nil, errors.New("source is empty")
	}
	base := in.BaseDir
	if base == "" {
		base = "."
	}
	if in.AllowExternalFileSources {
		p := source
		if !filepath.IsAbs(p) {
			p = filepath.Join(base, p)
		}
		f, err := os.OpenFile(p, openSourceFlags, 0)
		return readBounded(f, err, source)
	}
	if !filepath.IsLocal(source) {
		return nil, externalSource(source)
	}
	root, err := os.OpenRoot(base)
	if err != nil {
		return nil, fmt.Errorf("cannot open the score file's directory %q: %v", base, err)
	}
	defer root.Close()
	f, err := root.OpenFile(filepath.Clean(source), openSourceFlags, 0)
	if err != nil && strings.Contains(err.Error(), "escapes from parent") {
		// A symbolic link inside the directory that leads out of it.
		return nil, externalSource(source)
	}
	return readBounded(f, err, source)
}

// openSourceFlags opens without blocking: opening a named pipe for reading would otherwise wait
// for a writer. Reads from regular files are unaffected.
const openSourceFlags = os.O_RDONLY | syscall.O_NONBLOCK

// errExternal marks a source outside the score file's directory.
var errExternal = errors.New("external file source")

func externalSource(source string) error {
	return fmt.Errorf("source %q must be a relative path inside the score file's directory; files outside it are only read when the provider sets allow_external_file_sources = true: %w", source, errExternal)
}

// readBounded reads the file openErr says was opened, if it is a regular file of at most
// MaxFileSize bytes, and closes it.
func readBounded(f *os.File, openErr error, source string) ([]byte, error) {
	if openErr != nil {
		return nil, fmt.Errorf("cannot read source %q: %v", source, unwrapPathError(openErr))
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("cannot read source %q: %v", source, unwrapPathError(err))
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("source %q is not a regular file", source)
	}
	if info.Size() > MaxFileSize {
		return nil, fmt.Errorf("source %q is %d bytes; files may be at most %d bytes", source, info.Size(), MaxFileSize)
	}
	// Bounded again, in case the file grew since Stat.
	b, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read source %q: %v", source, unwrapPathError(err))
	}
	if len(b) > MaxFileSize {
		return nil, fmt.Errorf("source %q is over %d bytes; files may be at most %d bytes", source, MaxFileSize, MaxFileSize)
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
