package loader

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	scoreschema "github.com/score-spec/score-go/schema"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/score-tf/terraform-provider-score/internal/score/problem"
)

// compiledSchema is score-go's embedded Score schema, compiled once per process (score-go's own
// schema.Validate recompiles it on every call).
var compiledSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(scoreschema.ScoreSchemaV1b1))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource("score.json", doc); err != nil {
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
	loc.collectSchemaProblems(ve, nil, &out)
	return out
}

// englishPrinter words the validator's messages for the few kinds schemaMessage leaves to it.
var englishPrinter = message.NewPrinter(language.English)

// collectSchemaProblems flattens the validator's tree of causes into its leaves, worded for
// someone editing a score file. base is the value the schema resource holding ve's keyword
// applies to: the document, or the value a $ref led into. A property name's error carries only
// the name, not where the map is; that comes from base and the keyword's place in the schema.
func (loc locator) collectSchemaProblems(ve *jsonschema.ValidationError, base []string, out *problem.List) {
	path := ve.InstanceLocation
	if _, ok := ve.ErrorKind.(*kind.Reference); ok {
		base = path
	}
	switch k := ve.ErrorKind.(type) {
	case *kind.OneOf:
		if len(k.Subschemas) > 0 {
			// The schema's one oneOf: a file's content fields.
			loc.add(out, path, "exactly one of content, binaryContent or source must be set, not several")
			return
		}
		if allRequired(ve.Causes) {
			loc.add(out, path, "one of content, binaryContent or source is required")
			return
		}
	case *kind.PropertyNames:
		name := append(propertyNamesMap(base, ve.SchemaURL), k.Property)
		reason := "not allowed"
		if leaves := leafMessages(ve.Causes); len(leaves) > 0 {
			reason = strings.Join(leaves, "; ")
		}
		loc.addAtKey(out, name, fmt.Sprintf("invalid name %s: %s", quoteName(k.Property), reason))
		return
	case *kind.AdditionalProperties:
		for _, name := range k.Properties {
			loc.addAtKey(out, append(path[:len(path):len(path)], name), "unknown field "+quoteName(name)+" is not allowed here")
		}
		return
	case *kind.Required:
		names := make([]string, len(k.Missing))
		for i, m := range k.Missing {
			names[i] = quoteName(m)
		}
		loc.add(out, path, "missing required field "+strings.Join(names, ", "))
		return
	}
	if len(ve.Causes) > 0 {
		for _, c := range ve.Causes {
			loc.collectSchemaProblems(c, base, out)
		}
		return
	}
	loc.add(out, path, schemaMessage(ve.ErrorKind))
}

// propertyNamesMap gives the path of the map a propertyNames keyword at schemaURL checked:
// base plus the properties the keyword sits under within its schema resource
// ("…#/$defs/container/properties/variables/propertyNames" → base + variables).
func propertyNamesMap(base []string, schemaURL string) []string {
	path := append([]string(nil), base...)
	_, fragment, _ := strings.Cut(schemaURL, "#")
	parts := strings.Split(strings.TrimPrefix(fragment, "/"), "/")
	if len(parts) >= 2 && parts[0] == "$defs" {
		parts = parts[2:]
	}
	for i := 0; i+1 < len(parts) && parts[i] == "properties"; i += 2 {
		path = append(path, parts[i+1])
	}
	return path
}

func allRequired(causes []*jsonschema.ValidationError) bool {
	for _, c := range causes {
		leaf := c
		for len(leaf.Causes) == 1 {
			leaf = leaf.Causes[0]
		}
		if _, ok := leaf.ErrorKind.(*kind.Required); !ok {
			return false
		}
	}
	return len(causes) > 0
}

func leafMessages(causes []*jsonschema.ValidationError) []string {
	var out []string
	for _, c := range causes {
		if len(c.Causes) > 0 {
			out = append(out, leafMessages(c.Causes)...)
			continue
		}
		out = append(out, schemaMessage(c.ErrorKind))
	}
	return out
}

// schemaMessage words one violation of the kinds the Score schema uses.
func schemaMessage(k jsonschema.ErrorKind) string {
	switch k := k.(type) {
	case *kind.Type:
		return fmt.Sprintf("expected %s, but got %s", strings.Join(k.Want, " or "), k.Got)
	case *kind.Enum:
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			want[i] = fmt.Sprintf("%q", fmt.Sprint(w))
		}
		return "value must be one of " + strings.Join(want, ", ")
	case *kind.Pattern:
		return "does not match pattern " + singleQuote(k.Want)
	case *kind.MinLength:
		return fmt.Sprintf("length must be >= %d, but got %d", k.Want, k.Got)
	case *kind.MaxLength:
		return fmt.Sprintf("length must be <= %d, but got %d", k.Want, k.Got)
	case *kind.Minimum:
		return fmt.Sprintf("must be >= %s but found %s", ratString(k.Want), ratString(k.Got))
	case *kind.Maximum:
		return fmt.Sprintf("must be <= %s but found %s", ratString(k.Want), ratString(k.Got))
	case *kind.MinProperties:
		return fmt.Sprintf("minimum %d properties allowed, but found %d properties", k.Want, k.Got)
	}
	return k.LocalizedString(englishPrinter)
}

func ratString(r *big.Rat) string {
	if r.IsInt() {
		return r.Num().String()
	}
	return r.FloatString(6)
}

// singleQuote quotes s as Go would, between single quotes (patterns hold double quotes rarely and
// backslashes often).
func singleQuote(s string) string {
	q := strconv.Quote(s)
	q = strings.ReplaceAll(q[1:len(q)-1], `\"`, `"`)
	return "'" + strings.ReplaceAll(q, "'", `\'`) + "'"
}

func quoteName(s string) string {
	return `"` + s + `"`
}
