package loader

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
	scoreschema "github.com/score-spec/score-go/schema"

	"github.com/score-tf/terraform-provider-score/internal/score/problem"
)

// compiledSchema is score-go's embedded Score schema, compiled once per process (score-go's own
// schema.Validate recompiles it on every call).
var compiledSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	if err := c.AddResource("score.json", strings.NewReader(scoreschema.ScoreSchemaV1b1)); err != nil {
		return nil, err
	}
	return c.Compile("score.json")
})

// validateSchema checks doc against the Score schema and returns every violation.
func validateSchema(doc any, loc locator) problem.List {
	schema, err := compiledSchema()
	if err != nil {
		return problem.List{{Message: "internal error: the Score schema does not compile: " + err.Error()}}
	}
	err = schema.Validate(doc)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return problem.List{{Message: err.Error()}}
	}
	var out problem.List
	loc.collectSchemaProblems(ve, &out)
	return out
}

var quoted = regexp.MustCompile(`'([^']*)'`)

// collectSchemaProblems flattens the validator's tree of causes into its leaves, rewording the
// few messages whose raw form would not tell a user what to change.
func (loc locator) collectSchemaProblems(ve *jsonschema.ValidationError, out *problem.List) {
	keyword := ve.KeywordLocation[strings.LastIndexByte(ve.KeywordLocation, '/')+1:]
	if keyword == "oneOf" {
		// Only files use oneOf: its branches each require one of the content fields.
		msg := "exactly one of content, binaryContent or source must be set, not several"
		if len(ve.Causes) > 0 {
			msg = "one of content, binaryContent or source is required"
		}
		loc.add(out, pointerPath(ve.InstanceLocation), msg)
		return
	}
	if len(ve.Causes) > 0 {
		for _, c := range ve.Causes {
			loc.collectSchemaProblems(c, out)
		}
		return
	}
	path := pointerPath(ve.InstanceLocation)
	switch keyword {
	case "additionalProperties":
		for _, m := range quoted.FindAllStringSubmatch(ve.Message, -1) {
			loc.addAtKey(out, append(path[:len(path):len(path)], m[1]), "unknown field "+quoteName(m[1])+" is not allowed here")
		}
		return
	case "required":
		var names []string
		for _, m := range quoted.FindAllStringSubmatch(ve.Message, -1) {
			names = append(names, quoteName(m[1]))
		}
		loc.add(out, path, "missing required field "+strings.Join(names, ", "))
		return
	case "false":
		// additionalProperties: false on a map of names means the key is not allowed.
		loc.add(out, path, "this field is not allowed here")
		return
	}
	if strings.Contains(ve.KeywordLocation, "/propertyNames/") {
		loc.addAtKey(out, path, fmt.Sprintf("invalid name %s: %s", quoteName(path[len(path)-1]), ve.Message))
		return
	}
	loc.add(out, path, ve.Message)
}

func quoteName(s string) string {
	return `"` + s + `"`
}

// pointerPath splits a JSON pointer (/containers/main/files/~1etc~1x) into its unescaped parts.
func pointerPath(ptr string) []string {
	if ptr == "" || ptr == "/" {
		return nil
	}
	parts := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	for i, p := range parts {
		// The validator also URL-escapes each segment ("my%20app.conf").
		if unescaped, err := url.PathUnescape(p); err == nil {
			p = unescaped
		}
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~")
	}
	return parts
}
