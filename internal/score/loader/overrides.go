package loader

import (
	"fmt"
	"sort"
	"strings"

	"github.com/score-spec/score-go/framework"

	"github.com/score-tf/terraform-provider-score/internal/score/problem"
)

// applyOverrides deep-merges in.OverridesYAML into doc, then sets or deletes each dot path of
// in.Overrides in sorted order (Terraform maps have no order; sorting makes the result stable).
func applyOverrides(doc map[string]any, in Input) (map[string]any, *Problems) {
	if len(strings.TrimSpace(string(in.OverridesYAML))) > 0 {
		value, _, p := parseDocument(in.OverridesYAML)
		if p != nil && p.Message == emptyDocument {
			value, p = nil, nil
		}
		if p != nil {
			return nil, &Problems{Input: InputOverridesYAML, List: problem.List{*p}}
		}
		m, ok := value.(map[string]any)
		if !ok && value != nil {
			return nil, &Problems{Input: InputOverridesYAML, List: problem.List{{Message: "the overrides document must be a mapping"}}}
		}
		doc, _ = framework.OverrideMapInMap(doc, m)
	}

	paths := make([]string, 0, len(in.Overrides))
	for k := range in.Overrides {
		paths = append(paths, k)
	}
	sort.Strings(paths)
	var problems problem.List
	for _, path := range paths {
		raw := in.Overrides[path]
		parts := framework.ParseDotPathParts(path)
		if path == "" || containsEmpty(parts) {
			problems.Add([]string{path}, "an override path needs non-empty elements separated by dots, like containers.main.image")
			continue
		}
		var value any
		if raw != "" {
			v, _, p := parseDocument([]byte(raw))
			if p != nil {
				problems.Add([]string{path}, "the value is not valid YAML: "+strings.TrimPrefix(p.Message, "invalid YAML: "))
				continue
			}
			value = v
		}
		next, err := overridePath(doc, parts, raw == "", value)
		if err != nil {
			problems.Add([]string{path}, fmt.Sprintf("cannot apply override: %v", err))
			continue
		}
		doc = next
	}
	if len(problems) > 0 {
		return nil, &Problems{Input: InputOverrides, List: problems}
	}
	return doc, nil
}

func containsEmpty(parts []string) bool {
	for _, p := range parts {
		if p == "" {
			return true
		}
	}
	return false
}

// overridePath is score-go's OverridePathInMap, made total: it indexes lists without checking
// bounds when a path goes on past the index, and a panic must never reach Terraform.
func overridePath(doc map[string]any, parts []string, remove bool, value any) (out map[string]any, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("the path goes past the end of a list in the score file")
		}
	}()
	return framework.OverridePathInMap(doc, parts, remove, value)
}
