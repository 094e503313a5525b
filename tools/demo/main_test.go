package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testCompose = `name: demo
services:
  db:
    image: postgres:17-alpine
    environment:
      POSTGRES_PASSWORD: ${DB_PASSWORD}
    volumes:
      - type: bind
        source: ./files/init.sql
        target: /docker-entrypoint-initdb.d/init.sql
`

// terraformOutputs is what `terraform output -json` prints for these values.
func terraformOutputs(t *testing.T, values map[string]any) *bytes.Reader {
	t.Helper()
	out := map[string]any{}
	for k, v := range values {
		out[k] = map[string]any{"value": v, "sensitive": false, "type": "string"}
	}
	raw, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(raw)
}

func testValues() map[string]any {
	return map[string]any{
		"workload":     "demo",
		"compose_yaml": testCompose,
		"compose_env":  "DB_PASSWORD='s3cr3t'\n",
		"files":        map[string]string{"files/init.sql": "select 1;\n"},
		"secret_files": map[string]string{"files/secret.txt": "s3cr3t"},
		"binary_files": map[string]string{"files/logo.bin": "AAEC"},
		"containers":   map[string]string{"main": "busybox"},
		"resources":    map[string]string{"db": "postgres.default#demo.db"},
	}
}

func TestWriteThenCheck(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	var summary bytes.Buffer
	if err := write(terraformOutputs(t, testValues()), &summary, dir); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`workload "demo"`, "services:   db", "DB_PASSWORD (mode 0600)", "files/init.sql"} {
		if !strings.Contains(summary.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, summary.String())
		}
	}
	for _, secret := range []string{".env", "files/secret.txt"} {
		if fi, err := os.Stat(filepath.Join(dir, secret)); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, %v (want mode 0600)", secret, fi, err)
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "files", "logo.bin")); err != nil || string(b) != "\x00\x01\x02" {
		t.Errorf("binary file: %q, %v (want bytes 0, 1, 2)", b, err)
	}
	var checked bytes.Buffer
	if err := check(&checked, dir); err != nil {
		t.Fatalf("check: %v", err)
	}
	if !strings.Contains(checked.String(), "1 services") {
		t.Errorf("check output: %s", checked.String())
	}
}

func TestCheckRefuses(t *testing.T) {
	cases := map[string]struct {
		change func(dir string) error
		want   string
	}{
		"no .env": {
			change: func(dir string) error { return os.Remove(filepath.Join(dir, ".env")) },
			want:   "no .env",
		},
		"empty secret": {
			change: func(dir string) error {
				return os.WriteFile(filepath.Join(dir, ".env"), []byte("DB_PASSWORD=\n"), 0o600)
			},
			want: "DB_PASSWORD",
		},
		"missing bind source": {
			change: func(dir string) error { return os.Remove(filepath.Join(dir, "files", "init.sql")) },
			want:   "bind source",
		},
		"invalid compose file": {
			change: func(dir string) error {
				return os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte("services:\n  db:\n    image: [1]\n"), 0o600)
			},
			want: "compose-go rejects",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			if err := write(terraformOutputs(t, testValues()), &bytes.Buffer{}, dir); err != nil {
				t.Fatal(err)
			}
			if err := tc.change(dir); err != nil {
				t.Fatal(err)
			}
			err := check(&bytes.Buffer{}, dir)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("check: %v, want an error with %q", err, tc.want)
			}
		})
	}
}

func TestWriteRefusesPathsOutsideTheProject(t *testing.T) {
	values := testValues()
	values["files"] = map[string]string{"../escape": "x"}
	err := write(terraformOutputs(t, values), &bytes.Buffer{}, filepath.Join(t.TempDir(), "out"))
	if err == nil || !strings.Contains(err.Error(), "not a relative path") {
		t.Fatalf("write: %v, want a refusal of ../escape", err)
	}
}

func TestWriteNeedsComposeYAML(t *testing.T) {
	values := testValues()
	values["compose_yaml"] = nil
	err := write(terraformOutputs(t, values), &bytes.Buffer{}, filepath.Join(t.TempDir(), "out"))
	if err == nil || !strings.Contains(err.Error(), "no compose_yaml") {
		t.Fatalf("write: %v", err)
	}
}
