package provisioner

import (
	"errors"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/score-tf/terraform-provider-score/internal/score/secret"
)

// Which outputs are secret. A secret output's value only ever reaches sensitive attributes (a
// Kubernetes Secret, compose_env, secret_files); every other output is shown. For one output of
// one provisioner, the first of these that says something decides:
//
//  1. OutputRules (the provider's provisioner_outputs, by provisioner uri, then resource type):
//     the output is listed secret or public there.
//  2. The value holds a credential (secret.HoldsCredential: a URL with a password, ...): secret.
//  3. The provisioner file's secret_outputs list (our extension): secret when listed, else public.
//  4. The guess by name (secret.Output): a name naming a credential (password, token, *_KEY...).
//
// The rules live in HCL, so a provisioner file keeps loading in score-compose and score-k8s,
// which reject the secret_outputs field.

// OutputRule lists outputs of a provisioner that are secret and outputs that are public.
type OutputRule struct {
	Secret []string
	Public []string
}

// OutputRules are OutputRule by provisioner uri (holding "://") or resource type.
type OutputRules map[string]OutputRule

// Check reports an output listed both secret and public under one key, naming the key.
func (r OutputRules) Check() error {
	var problems []string
	for _, key := range slices.Sorted(maps.Keys(r)) {
		for _, name := range r[key].Secret {
			if contains(r[key].Public, name) {
				problems = append(problems, strconv.Quote(key)+": output "+strconv.Quote(name)+" is listed both secret and public")
			}
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// Unmatched lists the keys that name neither the uri nor the type of any of defs, sorted: a
// typo would otherwise change nothing, silently.
func (r OutputRules) Unmatched(defs []*Definition) []string {
	known := map[string]bool{}
	for _, d := range defs {
		known[d.URI], known[d.Type] = true, true
	}
	var out []string
	for key := range r {
		if !known[key] {
			out = append(out, key)
		}
	}
	sort.Strings(out)
	return out
}

// decide is what the rules say of def's output key: secret or not, and whether they say
// anything. A rule for the uri names one provisioner and wins over one for the type.
func (r OutputRules) decide(def *Definition, key string) (isSecret, decided bool) {
	for _, k := range []string{def.URI, def.Type} {
		if rule, ok := r[k]; ok {
			if contains(rule.Secret, key) {
				return true, true
			}
			if contains(rule.Public, key) {
				return false, true
			}
		}
	}
	return false, false
}

// SecretOutput reports whether def's output key, holding value, is secret under rules.
func (d *Definition) SecretOutput(key string, value any, rules OutputRules) bool {
	if isSecret, decided := rules.decide(d, key); decided {
		return isSecret
	}
	if secret.HoldsCredential(value) {
		return true
	}
	if d.secretsListed {
		return contains(d.SecretOutputs, key)
	}
	return secret.Output(key, value)
}

// IsSecretOutput reports whether the output key is secret for this provisioner by its
// declarations and name alone (no value, no rules).
func (d *Definition) IsSecretOutput(key string) bool {
	return d.SecretOutput(key, nil, nil)
}

// SecretOutputNames lists the outputs treated as secret before any value is known: those the
// rules declare secret, then the secret_outputs list or, without one, the expected outputs whose
// name suggests a credential or a locator that may hold one (secret.Named: a url is secret when
// its value holds a password); less those the rules declare public.
func (d *Definition) SecretOutputNames(rules OutputRules) []string {
	candidates := d.ExpectedOutputs
	if d.secretsListed {
		candidates = d.SecretOutputs
	}
	names := []string{}
	add := func(n string) {
		if !contains(names, n) {
			names = append(names, n)
		}
	}
	for _, n := range candidates {
		if isSecret, decided := rules.decide(d, n); decided {
			if isSecret {
				add(n)
			}
			continue
		}
		if d.secretsListed || secret.Named(n) {
			add(n)
		}
	}
	for _, k := range []string{d.URI, d.Type} {
		for _, n := range rules[k].Secret {
			if isSecret, _ := rules.decide(d, n); isSecret {
				add(n)
			}
		}
	}
	return names
}

// secrecyUnsettled reports whether the secrecy of an output depends on a value that holds
// opts.StandIn: its value decides (no rule, and without the value it would be public), and a
// stand-in may hide a password the real value has, or not.
func (d *Definition) secrecyUnsettled(outputs map[string]any, opts Options) bool {
	if opts.StandIn == "" {
		return false
	}
	for k, v := range outputs {
		if _, decided := opts.Outputs.decide(d, k); decided || !holdsText(v, opts.StandIn) {
			continue
		}
		if !d.SecretOutput(k, nil, opts.Outputs) {
			return true
		}
	}
	return false
}

// holdsText reports whether any string inside v (maps and lists walked) contains text.
func holdsText(v any, text string) bool {
	switch t := v.(type) {
	case string:
		return strings.Contains(t, text)
	case map[string]any:
		for _, e := range t {
			if holdsText(e, text) {
				return true
			}
		}
	case []any:
		for _, e := range t {
			if holdsText(e, text) {
				return true
			}
		}
	}
	return false
}

func (d *Definition) secretKeys(outputs map[string]any, rules OutputRules) []string {
	var keys []string
	for k, v := range outputs {
		if d.SecretOutput(k, v, rules) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}
