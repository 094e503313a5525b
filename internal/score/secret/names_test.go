package secret

import "testing"

func TestNamed(t *testing.T) {
	for name, want := range map[string]bool{
		"password": true, "db_password": true, "DBPassword": true, "secret_key": true, "aws_secret_key": true,
		"connection": true, "url": true, "jdbcUrl": true, "api_key": true, "apiKey": true, "token": true,
		"private-key": true, "dsn": true,
		"host": false, "port": false, "username": false, "security_group": false, "curl": false,
		"access_key_id": false, "bucket": false, "endpoint": false, "keyspace": false, "tokens_per_second": false,
	} {
		if got := Named(name); got != want {
			t.Errorf("Named(%q) = %v, want %v", name, got, want)
		}
	}
}
