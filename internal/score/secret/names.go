package secret

import (
	"regexp"
	"strings"
	"unicode"
)

// Guessing which outputs are secret when a provisioner does not say (secret_outputs, or the
// provider's provisioner_outputs): by the words of the output's name (split on punctuation and
// camelCase) and by its value.
//
//   - credentialWords name a credential: password, token, secret_key, apiKey, HONEYCOMB_KEY...
//     A name ending in "key" (or "keys") is one, unless the word before says it is not
//     (public_key, partition_key, routing_key...).
//   - locatorWords name something that may hold a credential: url, uri, dsn, connection. Such an
//     output is secret only when its value holds one (an SQS queue URL is not, nor is a URL
//     scheme; postgresql://user:password@host is).
//   - Whatever its name, a value holding a credential (see HoldsCredential) is secret.

var credentialWords = map[string]bool{
	"password": true, "passwd": true, "pwd": true, "passphrase": true, "secret": true, "token": true,
	"credential": true, "credentials": true, "private": true, "apikey": true, "webhook": true,
}

var locatorWords = map[string]bool{
	"url": true, "uri": true, "dsn": true, "connection": true, "conn": true, "connstr": true,
}

// publicKeyWords are words before a final "key" that make the name a non-secret key: an
// identifier, a lookup or a public half.
var publicKeyWords = map[string]bool{
	"public": true, "partition": true, "routing": true, "sort": true, "primary": true, "foreign": true,
	"cache": true, "object": true, "idempotency": true, "shard": true, "hash": true, "range": true,
	"row": true, "index": true, "unique": true, "composite": true, "lookup": true, "dedup": true,
	"deduplication": true, "message": true,
}

// nameClass is what a name says about an output.
type nameClass int

const (
	plainName      nameClass = iota
	credentialName           // the name names a credential
	locatorName              // the name names a locator that may hold a credential
)

func classify(name string) nameClass {
	words := splitWords(name)
	class := plainName
	for i, w := range words {
		switch {
		case credentialWords[w]:
			return credentialName
		case w == "api" && i+1 < len(words) && words[i+1] == "key":
			return credentialName
		case (w == "key" || w == "keys") && i == len(words)-1 && (i == 0 || !publicKeyWords[words[i-1]]):
			return credentialName
		case locatorWords[w]:
			class = locatorName
		}
	}
	return class
}

// Named reports whether a name (an output, a state key) suggests a credential or a locator that
// may hold one: what is hidden from messages, whatever the value.
func Named(name string) bool {
	return classify(name) != plainName
}

// Output reports whether an output is secret when nothing declares it: its name names a
// credential, or its value holds one (HoldsCredential). A name that names only a locator (url,
// uri, dsn, connection) is secret by its value alone.
func Output(name string, value any) bool {
	return classify(name) == credentialName || HoldsCredential(value)
}

// The password parts match any characters but a newline, not only those a URL allows: a
// provisioner may put a random password in unescaped, and whether a value is secret must not
// depend on which characters were drawn (a plan renders with other random values than the apply).
var (
	// A URL whose userinfo has a non-empty password: scheme://user:password@ (user may be empty).
	urlPassword = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.-]*://[^/?#\s:@]*:[^\n]+@`)
	// A key=value connection string with a non-empty password (libpq, ADO.NET, JDBC properties).
	kvPassword = regexp.MustCompile(`(?i)(^|[\s;?&])(password|passwd|pwd)\s*=\s*\S`)
	// A Go MySQL driver DSN: user:password@tcp(host)/db.
	mysqlPassword = regexp.MustCompile(`(^|\s)[^:/\s@]+:[^\n]+@(tcp|unix|udp)\(`)
)

// HoldsCredential reports whether a value (a string, or any string inside maps and lists) holds
// a credential: a URL with a password, a connection string with password=..., a MySQL DSN
// user:password@tcp(...); or a map with a key that names a credential.
func HoldsCredential(value any) bool {
	switch t := value.(type) {
	case string:
		return strings.Contains(t, "://") && urlPassword.MatchString(t) ||
			strings.Contains(t, "=") && kvPassword.MatchString(t) ||
			strings.Contains(t, "@") && mysqlPassword.MatchString(t)
	case map[string]any:
		for k, e := range t {
			if classify(k) == credentialName || HoldsCredential(e) {
				return true
			}
		}
	case []any:
		for _, e := range t {
			if HoldsCredential(e) {
				return true
			}
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
