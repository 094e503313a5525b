package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestCanonicalizeSortsDocumentsAndServicePorts(t *testing.T) {
	in := `---
apiVersion: v1
kind: Service
metadata:
  name: b
spec:
  ports:
    - name: metrics
      port: 9090
    - name: http
      port: 8080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: b
---
apiVersion: v1
kind: Service
metadata:
  name: a
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: a
`
	want := `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: a
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: b
---
apiVersion: v1
kind: Service
metadata:
  name: a
---
apiVersion: v1
kind: Service
metadata:
  name: b
spec:
  ports:
    - name: http
      port: 8080
    - name: metrics
      port: 9090
`
	got, err := Canonicalize([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// The committed score-k8s fixtures are canonical: canon leaves them byte for byte as they are.
func TestCommittedManifestsAreCanonical(t *testing.T) {
	var paths []string
	err := filepath.WalkDir("../../../internal/score/engine/testdata/project", func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Name() == "manifests.yaml" && filepath.Base(filepath.Dir(p)) == "score-k8s" {
			paths = append(paths, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no committed score-k8s manifests found")
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Canonicalize(data)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if string(got) != string(data) {
			t.Errorf("%s is not canonical; regenerate it with tools/upstream/generate-fixtures.sh", p)
		}
	}
}
