// Package loader turns score file text into a validated workload: it parses YAML or JSON, applies
// overrides, runs score-go's upgrade transforms, validates against the Score JSON schema and
// Score's own rules (references, `before`), fills in `image: "."` and reads file sources. Every
// problem is collected, each with its path in the file and its line.
package loader

import (
	"fmt"
	"sort"

	"github.com/score-spec/score-go/framework"
	"github.com/score-spec/score-go/schema"
	"github.com/score-spec/score-go/types"

	"github.com/score-tf/terraform-provider-score/internal/score/placeholder"
	"github.com/score-tf/terraform-provider-score/internal/score/problem"
)

// Input is a score file and what to do to it before use.
type Input struct {
	// Content is the score file: YAML or JSON.
	Content []byte
	// BaseDir is the directory relative files.*.source paths resolve against.
	BaseDir string
	// Image replaces the image of every container whose image is ".".
	Image string
	// Built names containers whose image is built from a context (score-compose's --build), as
	// <workload>.<container>: their image may stay "." without Image.
	Built map[string]bool
	// OverridesYAML is a document deep-merged into the score file (null deletes a key).
	OverridesYAML []byte
	// Overrides maps dot paths (`\.` escapes a dot, numbers index lists, -1 appends) to YAML
	// values; an empty value deletes. Applied after OverridesYAML, in sorted path order.
	Overrides map[string]string
	// AllowExternalFileSources lets files.*.source leave BaseDir.
	AllowExternalFileSources bool
	// DeferExternalFileSources skips (neither reads nor reports) sources outside BaseDir: for
	// early validation, before it is known whether they are allowed.
	DeferExternalFileSources bool
}

// Input names used in problems that are not about the score file itself.
const (
	InputOverridesYAML = "overrides_yaml"
	InputOverrides     = "overrides"
)

// Workload is a loaded, valid score file.
type Workload struct {
	// Spec is the typed workload (score-go's types).
	Spec types.Workload
	// Document is the normalized workload as plain values: after overrides, upgrades and image.
	Document map[string]any
	// Files holds every container file's bytes, by container name and target path.
	Files map[string]map[string]File
	// Upgrades lists what the upgrade transforms changed (legacy array files and volumes).
	Upgrades []string
}

// Name is the workload name (metadata.name; validation made sure it is a string).
func (w *Workload) Name() string {
	name, _ := w.Spec.Metadata["name"].(string)
	return name
}

// ResourceUID is the uid of the workload's resource rname: `type.class#id` for a shared
// resource, else `type.class#workload.name`.
func (w *Workload) ResourceUID(rname string) framework.ResourceUid {
	r := w.Spec.Resources[rname]
	return framework.NewResourceUid(w.Name(), rname, r.Type, r.Class, r.Id)
}

// File is a container file with its content in hand.
type File struct {
	// Mode is the octal mode as written, or "".
	Mode string
	// Content is the file's bytes: inline content, decoded binaryContent or the source file.
	Content []byte
	// Expand tells whether placeholders in Content are to be expanded: not for binaryContent,
	// nor with noExpand.
	Expand bool
	// Source is the source path as written, or "".
	Source string
}

// Problems is the error Load returns: every problem found, with the input it was found in.
type Problems struct {
	// Input is "" for the score file, or InputOverridesYAML / InputOverrides.
	Input string
	problem.List
}

// Load parses, overrides, upgrades and validates in.Content. On failure the error is *Problems.
func Load(in Input) (*Workload, error) {
	if len(in.Content) > MaxScoreFileSize {
		return nil, &Problems{List: problem.List{{Message: fmt.Sprintf("the score file is %d bytes, more than the limit of %d bytes (%d MiB)", len(in.Content), MaxScoreFileSize, MaxScoreFileSize>>20)}}}
	}
	value, root, p := parseDocument(in.Content)
	if p != nil {
		return nil, &Problems{List: problem.List{*p}}
	}
	doc, ok := value.(map[string]any)
	if !ok {
		return nil, &Problems{List: problem.List{{Line: lineOf(root, nil, false), Message: "a score file must be a mapping with apiVersion, metadata and containers"}}}
	}
	loc := locator{root: root}

	doc, perr := applyOverrides(doc, in)
	if perr != nil {
		return nil, perr
	}

	var problems problem.List
	upgrades, err := schema.ApplyCommonUpgradeTransforms(doc)
	if err != nil {
		// Keep going: the rest of the document's problems are still worth reporting, except what
		// the schema says about the list that could not be upgraded.
		up := upgradeProblem(err, loc)
		problems = append(problems, up)
		for _, p := range validateSchema(doc, loc) {
			if !isPrefix(p.Path, up.Path) {
				problems = append(problems, p)
			}
		}
	} else {
		problems = validateSchema(doc, loc)
	}
	setImages(doc, in, loc, &problems)
	checkBefore(doc, loc, &problems)
	budget := placeholder.NewBudget()
	checkPlaceholders(doc, loc, budget, &problems)
	files := readFiles(doc, in, loc, budget, &problems)
	if len(problems) > 0 {
		problems.Sort()
		return nil, &Problems{List: problems}
	}

	sort.Strings(upgrades)
	return &Workload{Spec: typedSpec(doc), Document: doc, Files: files, Upgrades: upgrades}, nil
}

func isPrefix(prefix, path []string) bool {
	if len(prefix) > len(path) {
		return false
	}
	for i := range prefix {
		if prefix[i] != path[i] {
			return false
		}
	}
	return true
}
