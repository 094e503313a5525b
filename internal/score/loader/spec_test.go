package loader_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	scoreloader "github.com/score-spec/score-go/loader"
	"github.com/score-spec/score-go/types"

	"github.com/score-tf/terraform-provider-score/internal/score/loader"
)

// everyField sets every field score-go's types have, each to a value that is not its zero.
const everyField = `apiVersion: score.dev/v1b1
metadata:
  name: full
  annotations:
    example.com/team: payments
  extra: {nested: [1, 2.5, true, null]}
service:
  ports:
    www:
      port: 80
      targetPort: 8080.0
      protocol: UDP
containers:
  main:
    image: nginx:1
    command: [/bin/sh, -c]
    args: [exec nginx]
    variables:
      A: a
    files:
      /etc/a.conf:
        mode: "0644"
        content: hello
        noExpand: true
      /etc/b.bin:
        binaryContent: aGVsbG8=
      /etc/c.conf:
        source: c.conf
    volumes:
      /data:
        source: ${resources.data}
        path: sub
        readOnly: true
    resources:
      limits: {cpu: "1", memory: 512Mi}
      requests: {cpu: 250m, memory: 128Mi}
    livenessProbe:
      httpGet:
        scheme: HTTPS
        host: localhost
        port: 8443
        path: /livez
        httpHeaders:
          - {name: X-Probe, value: liveness}
    readinessProbe:
      exec:
        command: [cat, /tmp/ready]
    before:
      side:
        ready: healthy
  side:
    image: busybox
    command: []
    variables: {}
resources:
  data:
    type: volume
    class: fast
    id: shared-data
    metadata:
      annotations: {example.com/xy: z}
    params:
      size: 10
      list: [a, {b: c}]
`

// TestTypedSpecMatchesMapSpec holds Load's typed spec to what score-go's own MapSpec makes of
// the same document, for every document the tests load.
func TestTypedSpecMatchesMapSpec(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "c.conf"), []byte("c\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "logging.yaml"), []byte("level: info\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustLoad := map[string]loader.Input{
		"everyField": {Content: []byte(everyField), BaseDir: dir},
		"typical":    {Content: []byte(typicalWorkload), BaseDir: dir},
		"fifty":      {Content: []byte(fiftyContainers())},
	}
	if shared, missing := findShared(); missing == "" {
		files, _ := filepath.Glob(filepath.Join(shared, "conformance", "score-compose-examples", "*", "score*.yaml"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			mustLoad[f] = loader.Input{Content: b, BaseDir: filepath.Dir(f), Image: "img"}
		}
	}
	mayFail := map[string]loader.Input{}
	for i, s := range fuzzSeeds {
		mayFail[fmt.Sprint("seed ", i)] = loader.Input{Content: []byte(s), BaseDir: dir}
	}
	check := func(name string, in loader.Input, required bool) {
		w, err := loader.Load(in)
		if err != nil {
			if required {
				t.Errorf("%s: %v", name, err)
			}
			return
		}
		var want types.Workload
		if err := scoreloader.MapSpec(&want, w.Document); err != nil {
			t.Fatalf("%s: MapSpec: %v", name, err)
		}
		if !reflect.DeepEqual(w.Spec, want) {
			t.Errorf("%s: typed spec differs from MapSpec's:\n got %#v\nwant %#v", name, w.Spec, want)
		}
	}
	for name, in := range mustLoad {
		check(name, in, true)
	}
	for name, in := range mayFail {
		check(name, in, false)
	}
}

// TestTypedSpecFillsEveryField fails when score-go's types gain a field the typed spec does not
// fill (MapSpec would fill it; see TestTypedSpecMatchesMapSpec).
func TestTypedSpecFillsEveryField(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "c.conf"), []byte("c\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	w := mustLoad(t, loader.Input{Content: []byte(everyField), BaseDir: dir})
	seen := map[string]bool{}
	var walk func(v reflect.Value, path string)
	walk = func(v reflect.Value, path string) {
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				walk(v.Elem(), path)
			}
		case reflect.Struct:
			for i := range v.NumField() {
				f := v.Type().Field(i)
				key := v.Type().Name() + "." + f.Name
				if !v.Field(i).IsZero() {
					seen[key] = true
				} else if _, ok := seen[key]; !ok {
					seen[key] = false
				}
				walk(v.Field(i), path+"."+f.Name)
			}
		case reflect.Map:
			for _, k := range v.MapKeys() {
				walk(v.MapIndex(k), path+"["+k.String()+"]")
			}
		case reflect.Slice:
			for i := range v.Len() {
				walk(v.Index(i), path+"[]")
			}
		}
	}
	walk(reflect.ValueOf(w.Spec), "spec")
	for key, set := range seen {
		if !set {
			t.Errorf("%s is never set by everyField: a field the typed spec does not fill, or everyField lacks it", key)
		}
	}
	if len(seen) < 40 {
		t.Errorf("walked only %d fields", len(seen))
	}
}
