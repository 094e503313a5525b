package secret

import "testing"

func TestNamed(t *testing.T) {
	for name, want := range map[string]bool{
		"password": true, "db_password": true, "DBPassword": true, "secret_key": true, "aws_secret_key": true,
		"connection": true, "url": true, "jdbcUrl": true, "api_key": true, "apiKey": true, "token": true,
		"private-key": true, "dsn": true,
		// Keys (issue 16, item 3): a name ending in "key" names one, unless the word before says not.
		"HONEYCOMB_KEY": true, "accessKey": true, "access_key": true, "writeKey": true, "key": true,
		"SIGNING_KEYS": true, "sshKey": true, "passphrase": true, "SLACK_WEBHOOK_URL": true,
		"host": false, "port": false, "username": false, "security_group": false, "curl": false,
		"access_key_id": false, "bucket": false, "endpoint": false, "keyspace": false, "tokens_per_second": false,
		"public_key": false, "partitionKey": false, "ROUTING_KEY": false, "sort_key": false, "key_name": false,
		"EXTERNAL_URL_SCHEME": true, // a locator's name: hidden from messages, but see Output
	} {
		if got := Named(name); got != want {
			t.Errorf("Named(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestOutput: the guess for an output nothing declares considers its value too.
func TestOutput(t *testing.T) {
	for _, c := range []struct {
		name  string
		value any
		want  bool
	}{
		{"HONEYCOMB_KEY", "hcaik_01j0example", true},
		{"apiKey", "k", true},
		{"password", "", true},
		// A locator is secret only when its value holds a credential.
		{"url", "https://sqs.eu-west-1.amazonaws.com/123456789012/orders", false},
		{"EXTERNAL_URL_SCHEME", "https", false},
		{"QUEUE_URL", "amqp://guest:guest@rabbit:5672/", true},
		{"url", "postgresql://app:s3cr3t@db:5432/app", true},
		{"url", "redis://:s3cr3t@cache:6379/0", true},
		{"url", "postgresql://app@db:5432/app", false},
		{"url", "postgresql://app:@db:5432/app", false},
		{"connection", "Server=db;Database=app;User Id=sa;Password=s3cr3t;", true},
		{"connection", "Server=db;Database=app;Integrated Security=true;", false},
		{"dsn", "host=db user=app password=s3cr3t dbname=app", true},
		{"dsn", "app:s3cr3t@tcp(db:3306)/app", true},
		{"jdbcUrl", "jdbc:postgresql://db:5432/app?user=app&password=s3cr3t", true},
		// Whatever the name, a value holding a credential is secret.
		{"endpoint", "https://user:pa55@api.example.com/v1", true},
		{"settings", map[string]any{"db": map[string]any{"password": "p"}}, true},
		{"settings", map[string]any{"host": "h", "urls": []any{"https://h/a"}}, false},
		// Random passwords put in unescaped, whatever characters were drawn.
		{"url", "postgresql://app:a/b?c#d e@f@db:5432/app", true},
		{"url", "redis://:@x@cache:6379", true},
		{"dsn", "host=db password=;x&y", true},
		{"dsn", "app:p w@d@tcp(db:3306)/app", true},
		{"host", "db.internal", false},
		{"port", 5432, false},
		{"EMAIL", "ops@example.com", false},
	} {
		if got := Output(c.name, c.value); got != c.want {
			t.Errorf("Output(%q, %q) = %v, want %v", c.name, c.value, got, c.want)
		}
	}
}
