package provider

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// Acceptance tests for the score_workload data source. They run only with TF_ACC=1 (resource.Test
// skips otherwise) against the terraform named by TF_ACC_TERRAFORM_PATH, with the provider served
// in-process by testProviderFactories. Every step also checks that a second plan is empty.

// dataSourceAddr is the score_workload data source the tests declare.
const dataSourceAddr = "data.score_workload.x"

// expectDataSourceValue checks a value of dataSourceAddr in the state.
func expectDataSourceValue(path tfjsonpath.Path, value knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(dataSourceAddr, path, value)
}

// fullSpecJSON is spec_json for testdata/workload/score.yaml with image = sidecarImage: the
// document as written (placeholders untouched), image "." replaced, keys sorted at every level,
// integers as integers, and nothing the file does not say (no defaults filled in).
const fullSpecJSON = `{"apiVersion":"score.dev/v1b1",` +
	`"containers":{` +
	`"main":{` +
	`"args":["--listen",":8080","--verbose"],` +
	`"command":["/app/server"],` +
	`"files":{` +
	`"/etc/app/app.conf":{"source":"config/app.conf"},` +
	`"/etc/app/blob.dat":{"noExpand":true,"source":"config/blob.dat"},` +
	`"/etc/app/inline.conf":{"content":"workload=${metadata.name}\ndb=${resources.db.host}\n","mode":"0644"},` +
	`"/etc/app/logo.bin":{"binaryContent":"AAEC/w=="},` +
	`"/etc/app/raw.tmpl":{"mode":"0600","noExpand":true,"source":"config/raw.tmpl"}},` +
	`"image":"ghcr.io/example/app:1.2.3",` +
	`"livenessProbe":{"httpGet":{"host":"localhost","httpHeaders":[{"name":"X-Probe","value":"liveness"},{"name":"X-Env","value":"test"}],"path":"/healthz","port":8443,"scheme":"HTTPS"}},` +
	`"readinessProbe":{"exec":{"command":["/bin/sh","-c","test -f /tmp/ready"]}},` +
	`"resources":{"limits":{"cpu":"1","memory":"512Mi"},"requests":{"cpu":"250m","memory":"128Mi"}},` +
	`"variables":{"CACHE":"${resources.cache.host}","DB_HOST":"${resources.db.host}",` +
	`"DB_URL":"postgres://${resources.db.username}@${resources.db.host}:${resources.db.port}/app",` +
	`"NAME":"${metadata.name}","PRICE":"$${AMOUNT}","TIER":"${metadata.annotations.my\\.org/tier}"},` +
	`"volumes":{"/data":{"path":"uploads","readOnly":true,"source":"${resources.data}"},"/scratch":{"source":"${resources.data}"}}},` +
	`"sidecar":{"before":{"main":{"ready":"healthy"}},"image":"ghcr.io/example/sidecar:2.0"}},` +
	`"metadata":{"annotations":{"my.org/tier":"gold","team":"platform"},"name":"wl","owner":"web-team"},` +
	`"resources":{` +
	`"cache":{"id":"shared-cache","type":"redis"},` +
	`"data":{"class":"fast","metadata":{"annotations":{"backup":"daily"}},"params":{"owner":"${metadata.name}","replicas":2,"size":"10Gi"},"type":"volume"},` +
	`"db":{"type":"postgres"}},` +
	`"service":{"ports":{"dns":{"port":53,"protocol":"UDP"},"web":{"port":80,"targetPort":8080}}}}`

// containerFile checks a container file object, attribute by attribute.
func containerFile(mode, content, binary, source knownvalue.Check, noExpand bool) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"mode":           mode,
		"content":        content,
		"binary_content": binary,
		"source":         source,
		"no_expand":      knownvalue.Bool(noExpand),
	})
}

// TestAccWorkloadDataSource_file loads testdata/workload/score.yaml and checks every output
// attribute of the data source.
func TestAccWorkloadDataSource_file(t *testing.T) {
	t.Parallel()
	file := testdataPath(t, "workload", "score.yaml")
	null := knownvalue.Null()

	mainContainer := knownvalue.ObjectExact(map[string]knownvalue.Check{
		"image":   exactString("ghcr.io/example/app:1.2.3"),
		"command": exactStringList("/app/server"),
		"args":    exactStringList("--listen", ":8080", "--verbose"),
		"variables": exactStringMap(map[string]string{
			"DB_HOST": "${resources.db.host}",
			"DB_URL":  "postgres://${resources.db.username}@${resources.db.host}:${resources.db.port}/app",
			"CACHE":   "${resources.cache.host}",
			"NAME":    "${metadata.name}",
			"TIER":    `${metadata.annotations.my\.org/tier}`,
			"PRICE":   "$${AMOUNT}",
		}),
		"files": knownvalue.MapExact(map[string]knownvalue.Check{
			"/etc/app/inline.conf": containerFile(exactString("0644"),
				exactString("workload=${metadata.name}\ndb=${resources.db.host}\n"), null, null, false),
			"/etc/app/app.conf": containerFile(null,
				exactString("listen=:8080\ndb_host=${resources.db.host}\n"), null, exactString("config/app.conf"), false),
			"/etc/app/raw.tmpl": containerFile(exactString("0600"),
				exactString("raw ${not.a.placeholder} {{ .Template }}\n"), null, exactString("config/raw.tmpl"), true),
			"/etc/app/blob.dat": containerFile(null, null, exactString("//4AAQ=="), exactString("config/blob.dat"), true),
			"/etc/app/logo.bin": containerFile(null, null, exactString("AAEC/w=="), null, false),
		}),
		"volumes": knownvalue.MapExact(map[string]knownvalue.Check{
			"/data": knownvalue.ObjectExact(map[string]knownvalue.Check{
				"source": exactString("${resources.data}"), "path": exactString("uploads"), "read_only": knownvalue.Bool(true),
			}),
			"/scratch": knownvalue.ObjectExact(map[string]knownvalue.Check{
				"source": exactString("${resources.data}"), "path": null, "read_only": knownvalue.Bool(false),
			}),
		}),
		"resources": knownvalue.ObjectExact(map[string]knownvalue.Check{
			"limits":   knownvalue.ObjectExact(map[string]knownvalue.Check{"cpu": exactString("1"), "memory": exactString("512Mi")}),
			"requests": knownvalue.ObjectExact(map[string]knownvalue.Check{"cpu": exactString("250m"), "memory": exactString("128Mi")}),
		}),
		"liveness_probe": knownvalue.ObjectExact(map[string]knownvalue.Check{
			"http_get": knownvalue.ObjectExact(map[string]knownvalue.Check{
				"scheme": exactString("HTTPS"),
				"host":   exactString("localhost"),
				"port":   knownvalue.Int64Exact(8443),
				"path":   exactString("/healthz"),
				"http_headers": knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{"name": exactString("X-Probe"), "value": exactString("liveness")}),
					knownvalue.ObjectExact(map[string]knownvalue.Check{"name": exactString("X-Env"), "value": exactString("test")}),
				}),
			}),
			"exec": null,
		}),
		"readiness_probe": knownvalue.ObjectExact(map[string]knownvalue.Check{
			"http_get": null,
			"exec": knownvalue.ObjectExact(map[string]knownvalue.Check{
				"command": exactStringList("/bin/sh", "-c", "test -f /tmp/ready"),
			}),
		}),
		"before": knownvalue.MapExact(map[string]knownvalue.Check{}),
	})
	sidecar := knownvalue.ObjectExact(map[string]knownvalue.Check{
		"image":           exactString(sidecarImage),
		"command":         null,
		"args":            null,
		"variables":       knownvalue.MapExact(map[string]knownvalue.Check{}),
		"files":           knownvalue.MapExact(map[string]knownvalue.Check{}),
		"volumes":         knownvalue.MapExact(map[string]knownvalue.Check{}),
		"resources":       null,
		"liveness_probe":  null,
		"readiness_probe": null,
		"before":          exactStringMap(map[string]string{"main": "healthy"}),
	})

	runTest(t, resource.TestStep{
		Config: fmt.Sprintf(`
data "score_workload" "x" {
  file  = %s
  image = %q
}
`, hclString(file), sidecarImage),
		ConfigStateChecks: []statecheck.StateCheck{
			// Inputs stay as configured.
			expectDataSourceValue(attrPath("file"), exactString(file)),
			expectDataSourceValue(attrPath("content"), null),
			expectDataSourceValue(attrPath("image"), exactString(sidecarImage)),
			expectDataSourceValue(attrPath("overrides"), null),
			expectDataSourceValue(attrPath("overrides_yaml"), null),
			// Outputs.
			expectDataSourceValue(attrPath("name"), exactString("wl")),
			expectDataSourceValue(attrPath("annotations"), exactStringMap(map[string]string{"team": "platform", "my.org/tier": "gold"})),
			expectDataSourceValue(attrPath("metadata_json"),
				exactString(`{"annotations":{"my.org/tier":"gold","team":"platform"},"name":"wl","owner":"web-team"}`)),
			expectDataSourceValue(attrPath("spec_json"), exactString(fullSpecJSON)),
			expectDataSourceValue(attrPath("containers"), knownvalue.MapExact(map[string]knownvalue.Check{
				"main":    mainContainer,
				"sidecar": sidecar,
			})),
			expectDataSourceValue(attrPath("service_ports"), knownvalue.MapExact(map[string]knownvalue.Check{
				"web": knownvalue.ObjectExact(map[string]knownvalue.Check{
					"port": knownvalue.Int64Exact(80), "target_port": knownvalue.Int64Exact(8080), "protocol": exactString("TCP"),
				}),
				"dns": knownvalue.ObjectExact(map[string]knownvalue.Check{
					"port": knownvalue.Int64Exact(53), "target_port": knownvalue.Int64Exact(53), "protocol": exactString("UDP"),
				}),
			})),
			expectDataSourceValue(attrPath("resources"), knownvalue.MapExact(map[string]knownvalue.Check{
				"db": knownvalue.ObjectExact(map[string]knownvalue.Check{
					"type": exactString("postgres"), "class": exactString("default"), "id": null,
					"uid": exactString("postgres.default#wl.db"), "params_json": exactString("{}"), "metadata_json": exactString("{}"),
				}),
				"cache": knownvalue.ObjectExact(map[string]knownvalue.Check{
					"type": exactString("redis"), "class": exactString("default"), "id": exactString("shared-cache"),
					"uid": exactString("redis.default#shared-cache"), "params_json": exactString("{}"), "metadata_json": exactString("{}"),
				}),
				"data": knownvalue.ObjectExact(map[string]knownvalue.Check{
					"type": exactString("volume"), "class": exactString("fast"), "id": null,
					"uid":           exactString("volume.fast#wl.data"),
					"params_json":   exactString(`{"owner":"${metadata.name}","replicas":2,"size":"10Gi"}`),
					"metadata_json": exactString(`{"annotations":{"backup":"daily"}}`),
				}),
			})),
		},
	})
}

// TestAccWorkloadDataSource_specJSONDecodes checks from HCL that spec_json and the JSON strings
// of resources decode with jsondecode into what the score file says.
func TestAccWorkloadDataSource_specJSONDecodes(t *testing.T) {
	t.Parallel()
	file := testdataPath(t, "workload", "score.yaml")
	runTest(t, resource.TestStep{
		Config: fmt.Sprintf(`
data "score_workload" "x" {
  file  = %s
  image = %q
}

output "spec_port" {
  value = jsondecode(data.score_workload.x.spec_json).service.ports.web.targetPort
}

output "replicas" {
  value = jsondecode(data.score_workload.x.resources["data"].params_json).replicas
}

output "owner" {
  value = jsondecode(data.score_workload.x.metadata_json).owner
}
`, hclString(file), sidecarImage),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("spec_port", knownvalue.Int64Exact(8080)),
			statecheck.ExpectKnownOutputValue("replicas", knownvalue.Int64Exact(2)),
			statecheck.ExpectKnownOutputValue("owner", exactString("web-team")),
		},
	})
}

// TestAccWorkloadDataSource_contentYAML gives the score file inline as YAML (heredoc).
func TestAccWorkloadDataSource_contentYAML(t *testing.T) {
	t.Parallel()
	runTest(t, resource.TestStep{
		Config: `
data "score_workload" "x" {
  content = <<-EOT
    apiVersion: score.dev/v1b1
    metadata:
      name: hello
    containers:
      web:
        image: nginx:1.27
        variables:
          GREETING: Hello from $${metadata.name}
    service:
      ports:
        http:
          port: 8080
    EOT
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			expectDataSourceValue(attrPath("file"), knownvalue.Null()),
			expectDataSourceValue(attrPath("name"), exactString("hello")),
			expectDataSourceValue(attrPath("annotations"), knownvalue.MapExact(map[string]knownvalue.Check{})),
			expectDataSourceValue(attrPath("metadata_json"), exactString(`{"name":"hello"}`)),
			expectDataSourceValue(attrPath("spec_json"), exactString(`{"apiVersion":"score.dev/v1b1","containers":{"web":{"image":"nginx:1.27",`+
				`"variables":{"GREETING":"Hello from ${metadata.name}"}}},"metadata":{"name":"hello"},`+
				`"service":{"ports":{"http":{"port":8080}}}}`)),
			expectDataSourceValue(attrPath("containers").AtMapKey("web").AtMapKey("image"), exactString("nginx:1.27")),
			expectDataSourceValue(attrPath("containers").AtMapKey("web").AtMapKey("variables"),
				exactStringMap(map[string]string{"GREETING": "Hello from ${metadata.name}"})),
			expectDataSourceValue(attrPath("service_ports"), knownvalue.MapExact(map[string]knownvalue.Check{
				"http": knownvalue.ObjectExact(map[string]knownvalue.Check{
					"port": knownvalue.Int64Exact(8080), "target_port": knownvalue.Int64Exact(8080), "protocol": exactString("TCP"),
				}),
			})),
			expectDataSourceValue(attrPath("resources"), knownvalue.MapExact(map[string]knownvalue.Check{})),
		},
	})
}

// TestAccWorkloadDataSource_contentJSON gives the score file as JSON built with jsonencode, with
// `image` replacing ".".
func TestAccWorkloadDataSource_contentJSON(t *testing.T) {
	t.Parallel()
	runTest(t, resource.TestStep{
		Config: `
data "score_workload" "x" {
  content = jsonencode({
    apiVersion = "score.dev/v1b1"
    metadata = {
      name = "api"
      annotations = {
        "example.com/owner" = "team-a"
      }
    }
    containers = {
      api = {
        image = "."
        args  = ["--port", "9000"]
      }
      worker = {
        image = "busybox:1.36"
      }
    }
    resources = {
      queue = {
        type   = "amqp"
        class  = "durable"
        params = { vhost = "/api" }
      }
    }
  })
  image = "registry.example.com/api@sha256:0123"
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			expectDataSourceValue(attrPath("name"), exactString("api")),
			expectDataSourceValue(attrPath("annotations"), exactStringMap(map[string]string{"example.com/owner": "team-a"})),
			expectDataSourceValue(attrPath("containers").AtMapKey("api").AtMapKey("image"), exactString("registry.example.com/api@sha256:0123")),
			expectDataSourceValue(attrPath("containers").AtMapKey("api").AtMapKey("args"), exactStringList("--port", "9000")),
			expectDataSourceValue(attrPath("containers").AtMapKey("worker").AtMapKey("image"), exactString("busybox:1.36")),
			expectDataSourceValue(attrPath("service_ports"), knownvalue.MapExact(map[string]knownvalue.Check{})),
			expectDataSourceValue(attrPath("resources").AtMapKey("queue"), knownvalue.ObjectExact(map[string]knownvalue.Check{
				"type": exactString("amqp"), "class": exactString("durable"), "id": knownvalue.Null(),
				"uid": exactString("amqp.durable#api.queue"), "params_json": exactString(`{"vhost":"/api"}`), "metadata_json": exactString("{}"),
			})),
			expectDataSourceValue(attrPath("spec_json"), exactString(`{"apiVersion":"score.dev/v1b1","containers":{`+
				`"api":{"args":["--port","9000"],"image":"registry.example.com/api@sha256:0123"},`+
				`"worker":{"image":"busybox:1.36"}},`+
				`"metadata":{"annotations":{"example.com/owner":"team-a"},"name":"api"},`+
				`"resources":{"queue":{"class":"durable","params":{"vhost":"/api"},"type":"amqp"}}}`)),
		},
	})
}

// overridesBase is the score file the overrides tests change.
const overridesBase = `
    apiVersion: score.dev/v1b1
    metadata:
      name: ov
      annotations:
        keep: "yes"
    containers:
      main:
        image: app:1
        variables:
          KEEP: keep
          DROP: drop
          LEVEL: info
    service:
      ports:
        web:
          port: 80
`

// TestAccWorkloadDataSource_overrides sets values (typed as YAML), deletes one with "", and sets
// a key holding a dot through the `\.` escape.
func TestAccWorkloadDataSource_overrides(t *testing.T) {
	t.Parallel()
	runTest(t, resource.TestStep{
		Config: `
data "score_workload" "x" {
  content = <<-EOT` + overridesBase + `    EOT
  overrides = {
    "containers.main.image"                       = "app:2"
    "containers.main.variables.LEVEL"             = "debug"
    "containers.main.variables.DROP"              = ""
    "containers.main.variables.PORT"              = "'8080'"
    "service.ports.web.targetPort"                = "8080"
    "metadata.annotations.example\\.com/team"     = "platform"
    "containers.main.command"                     = "[\"/bin/app\", \"serve\"]"
  }
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			expectDataSourceValue(attrPath("containers").AtMapKey("main").AtMapKey("image"), exactString("app:2")),
			expectDataSourceValue(attrPath("containers").AtMapKey("main").AtMapKey("variables"), exactStringMap(map[string]string{
				"KEEP": "keep", "LEVEL": "debug", "PORT": "8080",
			})),
			expectDataSourceValue(attrPath("containers").AtMapKey("main").AtMapKey("command"), exactStringList("/bin/app", "serve")),
			expectDataSourceValue(attrPath("annotations"), exactStringMap(map[string]string{"keep": "yes", "example.com/team": "platform"})),
			expectDataSourceValue(attrPath("service_ports").AtMapKey("web"), knownvalue.ObjectExact(map[string]knownvalue.Check{
				"port": knownvalue.Int64Exact(80), "target_port": knownvalue.Int64Exact(8080), "protocol": exactString("TCP"),
			})),
			expectDataSourceValue(attrPath("spec_json"), exactString(`{"apiVersion":"score.dev/v1b1","containers":{"main":{`+
				`"command":["/bin/app","serve"],"image":"app:2",`+
				`"variables":{"KEEP":"keep","LEVEL":"debug","PORT":"8080"}}},`+
				`"metadata":{"annotations":{"example.com/team":"platform","keep":"yes"},"name":"ov"},`+
				`"service":{"ports":{"web":{"port":80,"targetPort":8080}}}}`)),
		},
	}, resource.TestStep{
		// Paths apply in sorted order (a whole map, then a key inside it), numbers index lists,
		// -1 appends, and "" deletes a list element.
		Config: `
data "score_workload" "x" {
  content = <<-EOT
    apiVersion: score.dev/v1b1
    metadata:
      name: ov
    containers:
      main:
        image: app:1
        args: ["a", "b", "c"]
        variables:
          OLD: old
    EOT
  overrides = {
    "containers.main.variables.B" = "b"
    "containers.main.variables"   = "{A: a}"
    "containers.main.args.0"      = "first"
    "containers.main.args.1"      = ""
    "containers.main.args.-1"     = "last"
  }
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			expectDataSourceValue(attrPath("containers").AtMapKey("main").AtMapKey("variables"), exactStringMap(map[string]string{"A": "a", "B": "b"})),
			expectDataSourceValue(attrPath("containers").AtMapKey("main").AtMapKey("args"), exactStringList("first", "c", "last")),
		},
	})
}

// TestAccWorkloadDataSource_overridesYAML deep-merges a document (null deletes), then applies
// `overrides` on top of it: for the same path, `overrides` wins.
func TestAccWorkloadDataSource_overridesYAML(t *testing.T) {
	t.Parallel()
	runTest(t, resource.TestStep{
		Config: `
data "score_workload" "x" {
  content = <<-EOT` + overridesBase + `    EOT
  overrides_yaml = <<-EOT
    metadata:
      annotations:
        added: "true"
    containers:
      main:
        variables:
          LEVEL: warn
          DROP: null
          EXTRA: from-yaml
      side:
        image: busybox:1.36
    EOT
  overrides = {
    "containers.main.variables.LEVEL" = "error"
    "containers.side.args"            = "[\"sleep\", \"1\"]"
  }
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			expectDataSourceValue(attrPath("annotations"), exactStringMap(map[string]string{"keep": "yes", "added": "true"})),
			expectDataSourceValue(attrPath("containers").AtMapKey("main").AtMapKey("image"), exactString("app:1")),
			expectDataSourceValue(attrPath("containers").AtMapKey("main").AtMapKey("variables"), exactStringMap(map[string]string{
				"KEEP": "keep", "LEVEL": "error", "EXTRA": "from-yaml",
			})),
			expectDataSourceValue(attrPath("containers").AtMapKey("side").AtMapKey("image"), exactString("busybox:1.36")),
			expectDataSourceValue(attrPath("containers").AtMapKey("side").AtMapKey("args"), exactStringList("sleep", "1")),
			expectDataSourceValue(attrPath("spec_json"), exactString(`{"apiVersion":"score.dev/v1b1","containers":{`+
				`"main":{"image":"app:1","variables":{"EXTRA":"from-yaml","KEEP":"keep","LEVEL":"error"}},`+
				`"side":{"args":["sleep","1"],"image":"busybox:1.36"}},`+
				`"metadata":{"annotations":{"added":"true","keep":"yes"},"name":"ov"},`+
				`"service":{"ports":{"web":{"port":80}}}}`)),
		},
	})
}

// TestAccWorkloadDataSource_legacyArrays: the deprecated array forms of files and volumes are
// upgraded (with a warning, which does not fail the apply) and come out as maps.
func TestAccWorkloadDataSource_legacyArrays(t *testing.T) {
	t.Parallel()
	runTest(t, resource.TestStep{
		Config: `
data "score_workload" "x" {
  content = <<-EOT
    apiVersion: score.dev/v1b1
    metadata:
      name: legacy
    containers:
      main:
        image: app:1
        files:
          - target: /etc/a.conf
            content: a
        volumes:
          - target: /data
            source: $${resources.vol}
    resources:
      vol:
        type: volume
    EOT
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			expectDataSourceValue(attrPath("containers").AtMapKey("main").AtMapKey("files"), knownvalue.MapExact(map[string]knownvalue.Check{
				"/etc/a.conf": containerFile(knownvalue.Null(), exactString("a"), knownvalue.Null(), knownvalue.Null(), false),
			})),
			expectDataSourceValue(attrPath("containers").AtMapKey("main").AtMapKey("volumes"), knownvalue.MapExact(map[string]knownvalue.Check{
				"/data": knownvalue.ObjectExact(map[string]knownvalue.Check{
					"source": exactString("${resources.vol}"), "path": knownvalue.Null(), "read_only": knownvalue.Bool(false),
				}),
			})),
			expectDataSourceValue(attrPath("spec_json"), exactString(`{"apiVersion":"score.dev/v1b1","containers":{"main":{`+
				`"files":{"/etc/a.conf":{"content":"a"}},"image":"app:1",`+
				`"volumes":{"/data":{"source":"${resources.vol}"}}}},"metadata":{"name":"legacy"},`+
				`"resources":{"vol":{"type":"volume"}}}`)),
		},
	})
}

// TestAccWorkloadDataSource_externalSource: a file source outside the score file's directory is
// refused by default and read when the provider allows it.
func TestAccWorkloadDataSource_externalSource(t *testing.T) {
	t.Parallel()
	file := testdataPath(t, "external", "app", "score.yaml")
	symlink := testdataPath(t, "external", "app", "symlink.yaml")
	configFor := func(file, provider string) string {
		return provider + fmt.Sprintf(`
data "score_workload" "x" {
  file = %s
}
`, hclString(file))
	}
	config := func(provider string) string { return configFor(file, provider) }
	runTest(t,
		resource.TestStep{
			Config: config(""),
			ExpectError: errorMatching("Invalid score file",
				`containers.main.files["/etc/shared.conf"].source (line 9):`,
				`source "../shared.conf" must be a relative path inside the score file's directory`),
		},
		resource.TestStep{
			Config: config(`
provider "score" {
  allow_external_file_sources = false
}
`),
			ExpectError: errorMatching(`source "../shared.conf" must be a relative path inside the score file's directory`),
		},
		resource.TestStep{
			// A symbolic link inside the directory that points outside it is refused too.
			Config: configFor(symlink, ""),
			ExpectError: errorMatching("Invalid score file",
				`containers.main.files["/etc/link.conf"].source (line 9):`, `source "link.conf" must be a relative path inside the score file's directory`,
				`allow_external_file_sources = true`),
		},
		resource.TestStep{
			Config: configFor(symlink, `
provider "score" {
  allow_external_file_sources = true
}
`),
			ConfigStateChecks: []statecheck.StateCheck{
				expectDataSourceValue(attrPath("containers").AtMapKey("main").AtMapKey("files").AtMapKey("/etc/link.conf").AtMapKey("content"),
					exactString("shared=true\n")),
			},
		},
		resource.TestStep{
			Config: config(`
provider "score" {
  allow_external_file_sources = true
}
`),
			ConfigStateChecks: []statecheck.StateCheck{
				expectDataSourceValue(attrPath("containers").AtMapKey("main").AtMapKey("files"), knownvalue.MapExact(map[string]knownvalue.Check{
					"/etc/shared.conf": containerFile(knownvalue.Null(), exactString("shared=true\n"), knownvalue.Null(),
						exactString("../shared.conf"), false),
				})),
			},
		},
	)
}

// TestAccWorkloadDataSource_unknownImage: `image` comes from a resource, so it is unknown at plan.
// The plan must succeed (no validation error on unknowns), the read is deferred to apply, and the
// image is right after apply.
func TestAccWorkloadDataSource_unknownImage(t *testing.T) {
	t.Parallel()
	file := testdataPath(t, "workload", "score.yaml")
	runTest(t, resource.TestStep{
		Config: fmt.Sprintf(`
resource "terraform_data" "img" {
  input = "ghcr.io/example/sidecar:9.9"
}

data "score_workload" "x" {
  file  = %s
  image = terraform_data.img.output
}
`, hclString(file)),
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("terraform_data.img", plancheck.ResourceActionCreate),
				plancheck.ExpectResourceAction(dataSourceAddr, plancheck.ResourceActionRead),
				plancheck.ExpectUnknownValue(dataSourceAddr, attrPath("containers")),
				plancheck.ExpectUnknownValue(dataSourceAddr, attrPath("spec_json")),
			},
		},
		ConfigStateChecks: []statecheck.StateCheck{
			expectDataSourceValue(attrPath("containers").AtMapKey("sidecar").AtMapKey("image"), exactString("ghcr.io/example/sidecar:9.9")),
			expectDataSourceValue(attrPath("containers").AtMapKey("main").AtMapKey("image"), exactString("ghcr.io/example/app:1.2.3")),
			expectDataSourceValue(attrPath("name"), exactString("wl")),
		},
	})
}

// TestAccWorkloadDataSource_unknownContent: the whole score file is unknown at plan.
func TestAccWorkloadDataSource_unknownContent(t *testing.T) {
	t.Parallel()
	runTest(t, resource.TestStep{
		Config: `
resource "terraform_data" "doc" {
  input = yamlencode({
    apiVersion = "score.dev/v1b1"
    metadata   = { name = "late" }
    containers = { main = { image = "app:3" } }
  })
}

data "score_workload" "x" {
  content = terraform_data.doc.output
}
`,
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(dataSourceAddr, plancheck.ResourceActionRead),
				plancheck.ExpectUnknownValue(dataSourceAddr, attrPath("name")),
			},
		},
		ConfigStateChecks: []statecheck.StateCheck{
			expectDataSourceValue(attrPath("name"), exactString("late")),
			expectDataSourceValue(attrPath("containers").AtMapKey("main").AtMapKey("image"), exactString("app:3")),
		},
	})
}

// TestAccWorkloadDataSource_unknownOverrideValue: one value of `overrides` is unknown at plan
// (the map itself is known). Validation must wait for it like for any other unknown input.
func TestAccWorkloadDataSource_unknownOverrideValue(t *testing.T) {
	t.Parallel()
	runTest(t, resource.TestStep{
		Config: `
resource "terraform_data" "tag" {
  input = "app:4"
}

data "score_workload" "x" {
  content = <<-EOT` + overridesBase + `    EOT
  overrides = {
    "containers.main.image" = terraform_data.tag.output
  }
}
`,
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(dataSourceAddr, plancheck.ResourceActionRead),
			},
		},
		ConfigStateChecks: []statecheck.StateCheck{
			expectDataSourceValue(attrPath("containers").AtMapKey("main").AtMapKey("image"), exactString("app:4")),
		},
	})
}

// TestAccWorkloadDataSource_unknownProviderConfig: provider arguments unknown at plan (they come
// from a resource). The data source does not need `target`, and a score file without external
// sources does not need `allow_external_file_sources`: both read fine. A score file that does
// need it must not fail with the plain "not allowed" error, which would be wrong once the value
// is known (true): the diagnostic must at least name the argument that is not known yet.
func TestAccWorkloadDataSource_unknownProviderConfig(t *testing.T) {
	t.Parallel()
	config := func(file string) string {
		return fmt.Sprintf(`
resource "terraform_data" "settings" {
  input = {
    target = "compose"
    allow  = true
  }
}

provider "score" {
  target                      = terraform_data.settings.output.target
  allow_external_file_sources = terraform_data.settings.output.allow
}

data "score_workload" "x" {
  file  = %s
  image = %q
}
`, hclString(file), sidecarImage)
	}
	t.Run("not needed", func(t *testing.T) {
		t.Parallel()
		runTest(t, resource.TestStep{
			Config: config(testdataPath(t, "workload", "score.yaml")),
			ConfigStateChecks: []statecheck.StateCheck{
				expectDataSourceValue(attrPath("name"), exactString("wl")),
				expectDataSourceValue(attrPath("containers").AtMapKey("sidecar").AtMapKey("image"), exactString(sidecarImage)),
			},
		})
	})
	t.Run("external source", func(t *testing.T) {
		t.Parallel()
		runTest(t, resource.TestStep{
			Config:      config(testdataPath(t, "external", "app", "score.yaml")),
			ExpectError: errorMatching("allow_external_file_sources"),
		})
	})
}

// TestAccWorkloadDataSource_externalSourceNotReadAtValidate: with the default provider
// configuration a source outside the score file's directory is refused, and its content never
// shows in a diagnostic (testdata/external/leak.conf holds a placeholder-looking line that would
// be quoted in an "invalid ref" error if the file were read).
func TestAccWorkloadDataSource_externalSourceNotReadAtValidate(t *testing.T) {
	t.Parallel()
	runTest(t, resource.TestStep{
		Config: fmt.Sprintf(`
data "score_workload" "x" {
  file = %s
}
`, hclString(testdataPath(t, "external", "app", "leak.yaml"))),
		ExpectError: errorMatching(`containers.main.files["/etc/leak.conf"].source (line 9):`,
			`source "../leak.conf" must be a relative path inside the score file's directory`),
	})
}

// TestAccWorkloadDataSource_overridePathPastList: an override path that indexes past the end of
// a list and goes deeper is an "Invalid override" error on that key. (The PreCheck runs the
// data source's validation in-process first: if it panics, a served provider would crash the
// whole test binary, so the test fails there instead.)
func TestAccWorkloadDataSource_overridePathPastList(t *testing.T) {
	t.Parallel()
	const key = "containers.main.args.5.x"
	const content = `apiVersion: score.dev/v1b1
metadata:
  name: ok
containers:
  main:
    image: app:1
    args: ["a"]
`
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			_, panicked := validateRecovering(t, map[string]tftypes.Value{
				"content":   tfString(content),
				"overrides": tfStringMap(map[string]tftypes.Value{key: tfString("v")}),
			})
			if panicked != nil {
				t.Fatalf("the provider panics on overrides[%q]: %v", key, panicked)
			}
		},
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
data "score_workload" "x" {
  content = %s
  overrides = {
    %q = "v"
  }
}
`, hclString(content), key),
			ExpectError: errorMatching("Error: Invalid override", fmt.Sprintf("%q = \"v\"", key)),
		}},
	})
}

// invalidPlaceholder has one problem on a known line: variable A refers to an undeclared resource.
const invalidPlaceholder = `
data "score_workload" "x" {
  content = <<-EOT
    apiVersion: score.dev/v1b1
    metadata:
      name: bad
    containers:
      main:
        image: app:1
        variables:
          A: $${resources.missing.host}
    EOT
}
`

// TestAccWorkloadDataSource_errors checks that each kind of bad input is an error diagnostic
// naming what is wrong and where (path in the score file and line).
func TestAccWorkloadDataSource_errors(t *testing.T) {
	t.Parallel()
	file := testdataPath(t, "workload", "score.yaml")
	cases := map[string]resource.TestStep{
		"schema": {
			Config: `
data "score_workload" "x" {
  content = <<-EOT
    apiVersion: score.dev/v1b1
    metadata:
      name: bad
    containers:
      main:
        image: app:1
        resources:
          limits:
            cpu: lots
    EOT
}
`,
			ExpectError: errorMatching("Error: Invalid score file", "containers.main.resources.limits.cpu (line 9):",
				"does not match pattern"),
		},
		"unknown field": {
			Config: `
data "score_workload" "x" {
  content = <<-EOT
    apiVersion: score.dev/v1b1
    metadata:
      name: bad
    containers:
      main:
        image: app:1
        imagePullPolicy: Always
    EOT
}
`,
			ExpectError: errorMatching("Error: Invalid score file", "containers.main.imagePullPolicy (line 7):",
				`unknown field "imagePullPolicy" is not allowed here`),
		},
		"placeholder": {
			Config: invalidPlaceholder,
			ExpectError: errorMatching("Error: Invalid score file", "containers.main.variables.A (line 8):",
				"invalid ref 'resources.missing.host': no known resource 'missing'"),
		},
		"invalid YAML": {
			Config: `
data "score_workload" "x" {
  content = <<-EOT
    apiVersion: score.dev/v1b1
    metadata:
      name: bad
     containers: {}
    EOT
}
`,
			ExpectError: errorMatching("Error: Invalid score file", "the score file: line 4: invalid YAML"),
		},
		"placeholder in file": {
			Config: fmt.Sprintf(`
data "score_workload" "x" {
  file  = %s
  image = %q
  overrides = {
    "containers.main.variables.BAD" = "$${metadata.nope}"
  }
}
`, hclString(file), sidecarImage),
			ExpectError: errorMatching("Error: Invalid score file", file+": containers.main.variables.BAD",
				"invalid ref 'metadata.nope'"),
		},
		"bad override path": {
			Config: `
data "score_workload" "x" {
  content = <<-EOT` + overridesBase + `    EOT
  overrides = {
    "containers..image" = "x"
  }
}
`,
			ExpectError: errorMatching("Error: Invalid override", `"containers..image" = "x"`,
				"an override path needs non-empty elements separated by dots"),
		},
		"bad override value": {
			Config: `
data "score_workload" "x" {
  content = <<-EOT` + overridesBase + `    EOT
  overrides = {
    "containers.main.variables.X" = "[unclosed"
  }
}
`,
			ExpectError: errorMatching("Error: Invalid override", `"containers.main.variables.X" = "[unclosed"`,
				"the value is not valid YAML"),
		},
		"override into a string": {
			Config: `
data "score_workload" "x" {
  content = <<-EOT` + overridesBase + `    EOT
  overrides = {
    "containers.main.image.tag" = "x"
  }
}
`,
			ExpectError: errorMatching("Error: Invalid override", `"containers.main.image.tag" = "x"`, "cannot apply override"),
		},
		"override makes the file invalid": {
			Config: `
data "score_workload" "x" {
  content = <<-EOT` + overridesBase + `    EOT
  overrides = {
    "containers.main.variables.PORT" = "8080"
  }
}
`,
			ExpectError: errorMatching("Error: Invalid score file", "containers.main.variables.PORT", "expected string"),
		},
		"bad overrides_yaml": {
			Config: `
data "score_workload" "x" {
  content = <<-EOT` + overridesBase + `    EOT
  overrides_yaml = "- a list"
}
`,
			ExpectError: errorMatching("Error: Invalid overrides document", "must be a mapping"),
		},
		"missing file": {
			Config: fmt.Sprintf(`
data "score_workload" "x" {
  file = %s
}
`, hclString(filepath.Join(testdataPath(t, "workload"), "missing.yaml"))),
			ExpectError: errorMatching("Error: Cannot read score file", "missing.yaml", "no such file or directory"),
		},
		"file and content": {
			Config: fmt.Sprintf(`
data "score_workload" "x" {
  file    = %s
  content = "{}"
}
`, hclString(file)),
			ExpectError: errorMatching("Error: Invalid Attribute Combination",
				"Exactly one of these attributes must be configured: [file,content]"),
		},
		"neither file nor content": {
			Config: `
data "score_workload" "x" {
  image = "app:1"
}
`,
			ExpectError: errorMatching("Error: Missing Attribute Configuration",
				"Exactly one of these attributes must be configured: [file,content]"),
		},
		"image dot without image": {
			Config: fmt.Sprintf(`
data "score_workload" "x" {
  file = %s
}
`, hclString(file)),
			ExpectError: errorMatching("Error: Invalid score file", file+": containers.sidecar.image (line 68):",
				`the image is "." (built elsewhere) but no image was given to replace it:`,
				`set the image argument of score_workload`),
		},
		"before cycle": {
			Config: `
data "score_workload" "x" {
  content = <<-EOT
    apiVersion: score.dev/v1b1
    metadata:
      name: bad
    containers:
      aa:
        image: app:1
        before:
          bb: { ready: started }
      bb:
        image: app:1
        before:
          aa: { ready: started }
    EOT
}
`,
			ExpectError: errorMatching("Error: Invalid score file", "containers.aa.before (line 8):",
				"containers before relationships contain a cycle: aa → bb → aa"),
		},
	}
	for name, step := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			runTest(t, step)
		})
	}
}

// TestAccWorkloadDataSource_manyErrors: every problem is reported, each as its own diagnostic
// (an "Error: Invalid score file" heading before each one), in line order.
func TestAccWorkloadDataSource_manyErrors(t *testing.T) {
	t.Parallel()
	heading := "Error: Invalid score file"
	runTest(t, resource.TestStep{
		Config: `
data "score_workload" "x" {
  content = <<-EOT
    apiVersion: score.dev/v1b1
    metadata:
      name: bad
    containers:
      main:
        image: "."
        variables:
          A: $${resources.missing.host}
          B: $${metadata.nope}
        livenessProbe:
          httpGet:
            port: 99999
            path: /
        unknownField: 1
    service:
      ports:
        web:
          port: "eighty"
    EOT
}
`,
		ExpectError: errorMatching(
			heading, `containers.main.image (line 6): the image is "."`,
			heading, "containers.main.variables.A (line 8): invalid ref 'resources.missing.host'",
			heading, "containers.main.variables.B (line 9): invalid ref 'metadata.nope'",
			heading, "containers.main.livenessProbe.httpGet.port (line 12):",
			heading, `containers.main.unknownField (line 14): unknown field "unknownField"`,
			heading, "service.ports.web.port (line 18):",
		),
	})
}
