package provisioner

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// Params of the built-in libraries (issue 16, item 6): every built-in declares the params it
// reads (any other is a warning), postgres honours params.version and dns params.hostname.

// paramsRef finds the params a template reads.
var paramsRef = regexp.MustCompile(`\.Params\.([A-Za-z_][A-Za-z0-9_]*)`)

// TestBuiltinsDeclareParams: each built-in lists exactly the params its templates read (the
// kubernetes environment provisioner excepted: its outputs are its params, whatever their names).
func TestBuiltinsDeclareParams(t *testing.T) {
	for _, target := range targets.All {
		defs, err := Builtins(target)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range defs {
			if target == targets.Kubernetes && d.Type == "environment" {
				if d.paramsListed {
					t.Errorf("%s %s: lists params, but any param is an output", target, d.URI)
				}
				continue
			}
			if !d.paramsListed {
				t.Errorf("%s %s: no supported_params list", target, d.URI)
				continue
			}
			var read []string
			for _, text := range d.Templates {
				for _, m := range paramsRef.FindAllStringSubmatch(text, -1) {
					if !slices.Contains(read, m[1]) {
						read = append(read, m[1])
					}
				}
			}
			slices.Sort(read)
			listed := slices.Sorted(slices.Values(d.SupportedParams))
			if !slices.Equal(read, listed) {
				t.Errorf("%s %s: templates read params %v, supported_params lists %v", target, d.URI, read, listed)
			}
		}
	}
}

// builtinProvision provisions resource web.db of typ with params on target.
func builtinProvision(t *testing.T, target targets.Target, typ string, params map[string]any) (*Result, error) {
	t.Helper()
	var def *Definition
	var req Request
	if target == targets.Compose {
		def, req = composeDefinition(t, typ), composeRequest(typ, params, nil, composeSeeded(1))
	} else {
		def, req = k8sBuiltin(t, typ), k8sRequest(typ, params)
	}
	return Provision(context.Background(), def, req, Options{Target: target})
}

// postgresContainer is the image, the data mount target and PGDATA (kubernetes) of a postgres
// resource's server.
func postgresContainer(t *testing.T, target targets.Target, res *Result) (image, mount, pgdata string) {
	t.Helper()
	if target == targets.Compose {
		for _, svc := range res.Compose.Services {
			s := svc.(map[string]any)
			vols := s["volumes"].([]any)
			return fmt.Sprint(s["image"]), fmt.Sprint(vols[0].(map[string]any)["target"]), ""
		}
		t.Fatal("no service")
	}
	for _, m := range res.Manifests {
		if m["kind"] != "StatefulSet" {
			continue
		}
		c := m["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)
		for _, e := range c["env"].([]any) {
			if e.(map[string]any)["name"] == "PGDATA" {
				pgdata = fmt.Sprint(e.(map[string]any)["value"])
			}
		}
		mount = fmt.Sprint(c["volumeMounts"].([]any)[0].(map[string]any)["mountPath"])
		return fmt.Sprint(c["image"]), mount, pgdata
	}
	t.Fatal("no StatefulSet")
	return
}

func TestBuiltinsPostgresVersion(t *testing.T) {
	for _, target := range targets.All {
		for _, typ := range []string{"postgres", "postgres-instance"} {
			t.Run(string(target)+"/"+typ, func(t *testing.T) {
				for _, c := range []struct {
					version     any
					image, data string
				}{
					{nil, "postgres:17-alpine", "/var/lib/postgresql/data"},
					{16, "postgres:16-alpine", "/var/lib/postgresql/data"},
					{"16.4", "postgres:16.4-alpine", "/var/lib/postgresql/data"},
					{"17", "postgres:17-alpine", "/var/lib/postgresql/data"},
					// 18 moved PGDATA to /var/lib/postgresql/18/docker: the compose volume goes to
					// /var/lib/postgresql. Kubernetes sets PGDATA itself, for every version.
					{18, "postgres:18-alpine", "/var/lib/postgresql"},
					{"18.1", "postgres:18.1-alpine", "/var/lib/postgresql"},
				} {
					params := map[string]any{}
					if c.version != nil {
						params["version"] = c.version
					}
					res, err := builtinProvision(t, target, typ, params)
					if err != nil {
						t.Fatalf("version %v: %v", c.version, err)
					}
					if len(res.Warnings) > 0 {
						t.Errorf("version %v: warnings %v", c.version, res.Warnings)
					}
					image, mount, pgdata := postgresContainer(t, target, res)
					want := c.data
					if target == targets.Kubernetes {
						want = "/var/lib/postgresql/data"
						if pgdata != "/var/lib/postgresql/data/pgdata" {
							t.Errorf("version %v: PGDATA %q", c.version, pgdata)
						}
					}
					if image != c.image || mount != want {
						t.Errorf("version %v: image %q, data at %q; want %q at %q", c.version, image, mount, c.image, want)
					}
				}
				for _, bad := range []any{"latest", "17-alpine", "9.6.1", 0.5} {
					_, err := builtinProvision(t, target, typ, map[string]any{"version": bad})
					if err == nil || !strings.Contains(err.Error(), "params.version must be a PostgreSQL version") {
						t.Errorf("version %v: error %v", bad, err)
					}
				}
			})
		}
	}
}

func TestBuiltinsDNSHostname(t *testing.T) {
	for _, target := range targets.All {
		t.Run(string(target), func(t *testing.T) {
			for _, c := range []struct {
				params map[string]any
				host   string
			}{
				{nil, "web-db.localhost"},
				{map[string]any{"domain": "example.com"}, "web-db.example.com"},
				{map[string]any{"hostname": "shop.example.com"}, "shop.example.com"},
				{map[string]any{"hostname": "shop.example.com."}, "shop.example.com"},
			} {
				res, err := builtinProvision(t, target, "dns", c.params)
				if err != nil {
					t.Fatalf("%v: %v", c.params, err)
				}
				if res.Outputs["host"] != c.host || len(res.Warnings) > 0 {
					t.Errorf("%v: host %v warnings %v, want %s", c.params, res.Outputs["host"], res.Warnings, c.host)
				}
			}
			for _, c := range []struct {
				params map[string]any
				want   string
			}{
				{map[string]any{"hostname": "Shop.Example.com"}, `params.hostname "Shop.Example.com" is not a valid lower-case host name`},
				{map[string]any{"hostname": "a..b"}, `params.hostname "a..b" is not a valid`},
				{map[string]any{"hostname": "a.com", "domain": "b.com"}, "set params.hostname (the whole host name) or params.domain"},
				{map[string]any{"domain": "Bad_Domain"}, `params.domain "Bad_Domain" is not a valid`},
			} {
				_, err := builtinProvision(t, target, "dns", c.params)
				if err == nil || !strings.Contains(err.Error(), c.want) {
					t.Errorf("%v: error %v, want %q", c.params, err, c.want)
				}
			}
		})
	}
}

// TestUnusedParams: a param a provisioner with supported_params does not read is a warning naming
// it and the resource, with close names; a provisioner without the list takes every param.
func TestUnusedParams(t *testing.T) {
	for _, target := range targets.All {
		res, err := builtinProvision(t, target, "postgres", map[string]any{"vresion": 16, "size": "10Gi"})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{
			"resource 'postgres.default#web.db': params.size is not used: provisioner template://score-tf/postgres reads only params.version",
			"resource 'postgres.default#web.db': params.vresion is not used: provisioner template://score-tf/postgres reads only params.version (did you mean version?)",
		}
		if !slices.Equal(res.Warnings, want) {
			t.Errorf("%s postgres: warnings\n  %s\nwant\n  %s", target, strings.Join(res.Warnings, "\n  "), strings.Join(want, "\n  "))
		}
		res, err = builtinProvision(t, target, "redis", map[string]any{"version": "7", "password": "not quoted"})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Warnings) != 2 || !strings.Contains(res.Warnings[1], "params.version is not used: provisioner template://score-tf/redis reads no params") ||
			strings.Contains(strings.Join(res.Warnings, " "), "not quoted") {
			t.Errorf("%s redis: warnings %v", target, res.Warnings)
		}
	}
	defs, err := ParseFile([]byte(`
- uri: template://t/any
  type: x
  outputs: "a: b"
`), targets.Kubernetes, "test")
	if err != nil {
		t.Fatal(err)
	}
	if got := defs[0].UnusedParams("x.default#w.x", map[string]any{"anything": 1}); got != nil {
		t.Errorf("without supported_params: %v", got)
	}
}
