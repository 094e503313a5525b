package secret

import (
	"strings"
	"unicode"
)

// secretWords guess which outputs are secret when a provisioner does not say (secret_outputs):
// an output whose name holds one of these words (split on punctuation and camelCase) holds a
// credential in the upstream libraries: password, secret_key, connection, url...
var secretWords = map[string]bool{
	"password": true, "passwd": true, "pwd": true, "secret": true, "token": true, "credential": true,
	"credentials": true, "connection": true, "url": true, "uri": true, "dsn": true, "private": true,
	"apikey": true,
}

// Named reports whether a name (an output, a state key) suggests a credential.
func Named(name string) bool {
	words := splitWords(name)
	for i, w := range words {
		if secretWords[w] || (w == "api" && i+1 < len(words) && words[i+1] == "key") {
			return true
		}
	}
	return false
}

// splitWords splits a name on punctuation and camelCase (DBPassword → db, password), lower case.
func splitWords(name string) []string {
	runes := []rune(name)
	var words []string
	start := -1
	for i, r := range runes {
		alnum := unicode.IsLetter(r) || unicode.IsDigit(r)
		if !alnum {
			if start >= 0 {
				words = append(words, strings.ToLower(string(runes[start:i])))
				start = -1
			}
			continue
		}
		if start >= 0 && unicode.IsUpper(r) {
			prev := runes[i-1]
			nextLower := i+1 < len(runes) && unicode.IsLower(runes[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
				words = append(words, strings.ToLower(string(runes[start:i])))
				start = i
			}
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		words = append(words, strings.ToLower(string(runes[start:])))
	}
	return words
}
