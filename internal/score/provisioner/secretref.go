package provisioner

import (
	"regexp"
	"strings"
)

// SecretRefPattern matches one secret reference (EncodeSecretRef's output), capturing the Secret
// name and the key. It is built from the markers so the two cannot drift apart; a key holds no
// "_" and no marker rune.
var SecretRefPattern = regexp.MustCompile(regexp.QuoteMeta(SecretRefStart) + `(.+?)_([^_` +
	regexp.QuoteMeta(string([]rune(secretRefEnd)[0])) + `]+?)` + regexp.QuoteMeta(secretRefEnd))

// ContainsSecretRef reports whether s holds a score-k8s secret reference.
func ContainsSecretRef(s string) bool {
	return strings.Contains(s, SecretRefStart)
}
