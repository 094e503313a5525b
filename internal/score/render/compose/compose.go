// Package compose renders Docker Compose documents for Terraform: compose YAML with no secret
// value inside (each is a ${VAR} reference), the dotenv text holding those values, and the
// files compose binds from next to the compose file.
package compose

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"github.com/score-tf/terraform-provider-score/internal/score/render/document"
	"github.com/score-tf/terraform-provider-score/internal/score/secret"
)

// Secret is a secret value and the variable that stands for it in compose files.
type Secret struct {
	Variable string
	Value    string
}

// VariableName derives an environment variable name from parts: upper case, every run of other
// characters than A-Z and 0-9 becomes "_" (postgres.default#web.db + password →
// POSTGRES_DEFAULT_WEB_DB_PASSWORD).
func VariableName(parts ...string) string {
	var b strings.Builder
	under := false
	for _, p := range parts {
		for _, r := range strings.ToUpper(p) {
			if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
				if under && b.Len() > 0 {
					b.WriteByte('_')
				}
				under = false
				b.WriteRune(r)
			} else {
				under = true
			}
		}
		under = true
	}
	if b.Len() == 0 || (b.String()[0] >= '0' && b.String()[0] <= '9') {
		return "S_" + b.String()
	}
	return b.String()
}

// SecretRef names one secret output: a resource uid and an output key.
type SecretRef struct {
	UID string
	Key string
}

// Variables gives every secret output the variable that stands for it in compose files:
// VariableName(uid, key), with a short hash added where two outputs would share a name
// (api-key and api_key, say), so no value is ever lost.
func Variables(refs []SecretRef) map[SecretRef]string {
	byName := map[string][]SecretRef{}
	for _, r := range refs {
		name := VariableName(r.UID, r.Key)
		byName[name] = append(byName[name], r)
	}
	out := make(map[SecretRef]string, len(refs))
	for name, rs := range byName {
		distinct := map[SecretRef]bool{}
		for _, r := range rs {
			distinct[r] = true
		}
		for _, r := range rs {
			if len(distinct) == 1 {
				out[r] = name
				continue
			}
			sum := sha256.Sum256([]byte(r.UID + "\x00" + r.Key))
			out[r] = name + "_" + strings.ToUpper(hex.EncodeToString(sum[:3]))
		}
	}
	return out
}

// Redactor replaces secret values inside values by their ${VAR} references.
type Redactor struct {
	// text replaces every secret value inside a string, longer values first, so a secret that
	// contains another is not split; whole maps values that YAML may have read as numbers.
	text  *strings.Replacer
	whole map[string]string
}

// NewRedactor prepares the replacement of secrets: built once, it redacts any number of values
// in one pass each, whatever the number of secrets.
func NewRedactor(secrets []Secret) *Redactor {
	ordered := append([]Secret(nil), secrets...)
	sort.SliceStable(ordered, func(i, j int) bool { return len(ordered[i].Value) > len(ordered[j].Value) })
	r := &Redactor{whole: map[string]string{}}
	var pairs []string
	for _, s := range ordered {
		if s.Value == "" {
			continue
		}
		pairs = append(pairs, s.Value, "${"+s.Variable+"}")
		if _, dup := r.whole[s.Value]; !dup {
			r.whole[s.Value] = "${" + s.Variable + "}"
		}
	}
	r.text = strings.NewReplacer(pairs...)
	return r
}

// Redact returns a copy of v in which every occurrence of a secret value inside a string is
// replaced by its ${VAR} reference.
func (r *Redactor) Redact(v any) any {
	switch t := v.(type) {
	case string:
		return r.text.Replace(t)
	case int, int64, float64, bool:
		// A secret that YAML read as a number (a PIN) is replaced whole.
		if ref, ok := r.whole[fmt.Sprint(t)]; ok {
			return ref
		}
		return v
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = r.Redact(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = r.Redact(e)
		}
		return out
	default:
		return v
	}
}

// Dotenv renders secrets as a .env file compose reads (sorted, one per line). Values are single-
// quoted, which compose takes literally; a value holding a single quote is double-quoted with
// escapes instead.
func Dotenv(secrets []Secret) string {
	sorted := append([]Secret(nil), secrets...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Variable < sorted[j].Variable })
	var b strings.Builder
	seen := map[string]bool{}
	for _, s := range sorted {
		if seen[s.Variable] {
			continue
		}
		seen[s.Variable] = true
		b.WriteString(s.Variable)
		b.WriteByte('=')
		if !strings.ContainsAny(s.Value, "'\n\\") {
			b.WriteString("'" + s.Value + "'")
		} else {
			r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "$", "$$")
			b.WriteString(`"` + r.Replace(s.Value) + `"`)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// Marshal encodes a compose document as YAML with sorted keys and two-space indentation.
func Marshal(doc map[string]any) (string, error) {
	return document.YAML(doc)
}

// SplitFiles separates files that hold a secret value from the others; both maps are keyed by
// path relative to the compose file.
func SplitFiles(files map[string]string, secrets secret.Values) (plain, held map[string]string) {
	plain, held = map[string]string{}, map[string]string{}
	for path, content := range files {
		if secrets.In(content) {
			held[path] = content
		} else {
			plain[path] = content
		}
	}
	return plain, held
}

// Values are the values of secrets.
func Values(secrets []Secret) secret.Values {
	var v secret.Values
	for _, s := range secrets {
		v.Add(s.Value)
	}
	return v
}

// NormalizeServices fixes, in services a provisioner wrote, what score-compose's loader silently
// drops but compose itself rejects: `readOnly` on a volume mount (score-compose's own route
// provisioner writes it) becomes the compose key `read_only`, so the mount really is read-only.
func NormalizeServices(services map[string]any) map[string]any {
	for _, svc := range services {
		m, _ := svc.(map[string]any)
		vols, _ := m["volumes"].([]any)
		for _, v := range vols {
			mount, ok := v.(map[string]any)
			if !ok {
				continue
			}
			if ro, has := mount["readOnly"]; has {
				if _, set := mount["read_only"]; !set {
					mount["read_only"] = ro
				}
				delete(mount, "readOnly")
			}
		}
	}
	return services
}
