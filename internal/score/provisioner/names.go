package provisioner

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// DNSLabel joins parts with "-" into a valid RFC 1123 label: lower case, [a-z0-9-] only (other
// characters, dots included, become "-"), no leading, trailing or doubled "-", at most 63
// characters. A name that had to be shortened ends in 6 hex characters of the full name's hash,
// so two long names stay distinct. The same parts always give the same label; templates use it
// (as dnsLabel) to derive readable, stable names from the workload and resource names.
func DNSLabel(parts ...string) string {
	var b strings.Builder
	dash := false
	for _, p := range parts {
		for _, r := range strings.ToLower(p) {
			if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
				if dash && b.Len() > 0 {
					b.WriteByte('-')
				}
				dash = false
				b.WriteRune(r)
			} else {
				dash = true
			}
		}
		dash = true
	}
	s := b.String()
	if s == "" {
		s = "x"
	}
	if len(s) <= 63 {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	return strings.TrimRight(s[:56], "-") + "-" + hex.EncodeToString(sum[:3])
}
