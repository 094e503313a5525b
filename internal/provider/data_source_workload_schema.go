package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// sourceDescriptions describe the inputs naming and adjusting a score file, which the workload
// data source and resource share.
var sourceDescriptions = map[string]string{
	"file": "Path of the score file (YAML or JSON). Relative `containers.*.files.*.source` paths resolve " +
		"against its directory. Exactly one of `file` and `content` is required.",
	"content": "The score file itself, as YAML or JSON text (for example `yamlencode({...})` or " +
		"`file(\"score.yaml\")`). Relative file sources resolve against Terraform's working directory. " +
		"Exactly one of `file` and `content` is required.",
	"image": "Replaces the image of every container whose image is `\".\"` (an image built elsewhere, for " +
		"example in CI). A container with image `\".\"` and no `image` given is an error.",
	"overrides": "Property overrides, like score-compose's `--override-property`: each key is a dot path into " +
		"the score file (`containers.main.variables.LOG_LEVEL`; `\\.` escapes a dot inside a name, numbers " +
		"index lists, `-1` appends to a list), each value a YAML value to set there (`\"8080\"` sets a number, " +
		"`'\"8080\"'` a string); an empty or null value deletes the path. Applied after `overrides_yaml`, in " +
		"sorted key order.",
	"overrides_yaml": "A YAML (or JSON) document deep-merged into the score file before `overrides`, like " +
		"score-compose's `--overrides-file`: mappings merge key by key, other values replace, and `null` " +
		"deletes a key.",
}

// workloadSourceAttributes are the data source's source inputs.
func workloadSourceAttributes() map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{}
	for name, desc := range sourceDescriptions {
		if name == "overrides" {
			attrs[name] = schema.MapAttribute{MarkdownDescription: desc, Optional: true, ElementType: types.StringType}
			continue
		}
		attrs[name] = schema.StringAttribute{MarkdownDescription: desc, Optional: true}
	}
	return attrs
}

// workloadDataSourceAttributes are the data source's inputs and its typed view of the workload.
func workloadDataSourceAttributes() map[string]schema.Attribute {
	attrs := workloadSourceAttributes()
	attrs["name"] = schema.StringAttribute{
		MarkdownDescription: "The workload name (`metadata.name`).",
		Computed:            true,
	}
	attrs["annotations"] = schema.MapAttribute{
		MarkdownDescription: "The workload annotations (`metadata.annotations`).",
		Computed:            true,
		ElementType:         types.StringType,
	}
	attrs["metadata_json"] = schema.StringAttribute{
		MarkdownDescription: "The whole `metadata` block as JSON, including keys beyond `name` and `annotations`.",
		Computed:            true,
	}
	attrs["spec_json"] = schema.StringAttribute{
		MarkdownDescription: "The normalized workload as JSON: after overrides, the upgrade of legacy forms and " +
			"`image` replacement; placeholders are left as written. Keys are sorted.",
		Computed: true,
	}
	attrs["containers"] = schema.MapNestedAttribute{
		MarkdownDescription: "The containers, by name.",
		Computed:            true,
		NestedObject:        schema.NestedAttributeObject{Attributes: containerAttributes()},
	}
	attrs["service_ports"] = schema.MapNestedAttribute{
		MarkdownDescription: "The ports the workload's service exposes (`service.ports`), by name, with " +
			"defaults filled in: `target_port` defaults to `port` and `protocol` to `TCP`.",
		Computed: true,
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"port":        schema.Int64Attribute{MarkdownDescription: "The port the service listens on.", Computed: true},
			"target_port": schema.Int64Attribute{MarkdownDescription: "The port the container listens on.", Computed: true},
			"protocol":    schema.StringAttribute{MarkdownDescription: "`TCP` or `UDP`.", Computed: true},
		}},
	}
	attrs["resources"] = schema.MapNestedAttribute{
		MarkdownDescription: "The resources the workload depends on (`resources`), by name. `for_each` over this " +
			"map to create a `score_resource` or a real cloud resource for each.",
		Computed: true,
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"type":  schema.StringAttribute{MarkdownDescription: "The resource type, like `postgres`.", Computed: true},
			"class": schema.StringAttribute{MarkdownDescription: "The resource class; `default` when not set.", Computed: true},
			"id": schema.StringAttribute{
				MarkdownDescription: "The shared resource id, or null when the resource belongs to this workload alone.",
				Computed:            true,
			},
			"uid": schema.StringAttribute{
				MarkdownDescription: "The resource uid: `type.class#id` for a shared resource, else " +
					"`type.class#workload.name`.",
				Computed: true,
			},
			"params_json": schema.StringAttribute{
				MarkdownDescription: "The resource `params` as JSON (`{}` when absent); placeholders are left as written.",
				Computed:            true,
			},
			"metadata_json": schema.StringAttribute{
				MarkdownDescription: "The resource `metadata` as JSON (`{}` when absent).",
				Computed:            true,
			},
		}},
	}
	return attrs
}

func containerAttributes() map[string]schema.Attribute {
	quantities := func(what string) schema.SingleNestedAttribute {
		return schema.SingleNestedAttribute{
			MarkdownDescription: "The container's resource " + what + ".",
			Computed:            true,
			Attributes: map[string]schema.Attribute{
				"cpu":    schema.StringAttribute{MarkdownDescription: "CPU, as written (`250m`, `1`).", Computed: true},
				"memory": schema.StringAttribute{MarkdownDescription: "Memory, as written (`128Mi`, `1.5Gi`).", Computed: true},
			},
		}
	}
	probe := func(which string) schema.SingleNestedAttribute {
		return schema.SingleNestedAttribute{
			MarkdownDescription: "The " + which + " probe, or null.",
			Computed:            true,
			Attributes: map[string]schema.Attribute{
				"http_get": schema.SingleNestedAttribute{
					MarkdownDescription: "An HTTP GET probe, or null.",
					Computed:            true,
					Attributes: map[string]schema.Attribute{
						"scheme": schema.StringAttribute{MarkdownDescription: "`HTTP` or `HTTPS`, or null.", Computed: true},
						"host":   schema.StringAttribute{MarkdownDescription: "The host to connect to, or null (the pod's address).", Computed: true},
						"port":   schema.Int64Attribute{MarkdownDescription: "The port to connect to.", Computed: true},
						"path":   schema.StringAttribute{MarkdownDescription: "The HTTP path.", Computed: true},
						"http_headers": schema.ListNestedAttribute{
							MarkdownDescription: "Extra request headers, in order.",
							Computed:            true,
							NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
								"name":  schema.StringAttribute{MarkdownDescription: "Header name.", Computed: true},
								"value": schema.StringAttribute{MarkdownDescription: "Header value.", Computed: true},
							}},
						},
					},
				},
				"exec": schema.SingleNestedAttribute{
					MarkdownDescription: "A command probe, or null.",
					Computed:            true,
					Attributes: map[string]schema.Attribute{
						"command": schema.ListAttribute{MarkdownDescription: "The command to run.", Computed: true, ElementType: types.StringType},
					},
				},
			},
		}
	}
	return map[string]schema.Attribute{
		"image": schema.StringAttribute{MarkdownDescription: "The image (after `image` replaced `\".\"`).", Computed: true},
		"command": schema.ListAttribute{
			MarkdownDescription: "The entrypoint override, or null.", Computed: true, ElementType: types.StringType,
		},
		"args": schema.ListAttribute{
			MarkdownDescription: "The arguments, or null.", Computed: true, ElementType: types.StringType,
		},
		"variables": schema.MapAttribute{
			MarkdownDescription: "Environment variables, placeholders as written.", Computed: true, ElementType: types.StringType,
		},
		"files": schema.MapNestedAttribute{
			MarkdownDescription: "Files to mount, by target path.",
			Computed:            true,
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"mode": schema.StringAttribute{MarkdownDescription: "The octal mode, or null.", Computed: true},
				"content": schema.StringAttribute{
					MarkdownDescription: "The text content: inline `content`, or the `source` file's text. Null for binary files.",
					Computed:            true,
				},
				"binary_content": schema.StringAttribute{
					MarkdownDescription: "Base64 content, for `binaryContent` and for source files that are not UTF-8. Null otherwise.",
					Computed:            true,
				},
				"source":    schema.StringAttribute{MarkdownDescription: "The source path as written, or null.", Computed: true},
				"no_expand": schema.BoolAttribute{MarkdownDescription: "Whether placeholders in the content are left alone.", Computed: true},
			}},
		},
		"volumes": schema.MapNestedAttribute{
			MarkdownDescription: "Volumes to mount, by target path.",
			Computed:            true,
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"source":    schema.StringAttribute{MarkdownDescription: "The volume source, usually `${resources.NAME}`.", Computed: true},
				"path":      schema.StringAttribute{MarkdownDescription: "The sub path inside the volume, or null.", Computed: true},
				"read_only": schema.BoolAttribute{MarkdownDescription: "Whether the mount is read-only.", Computed: true},
			}},
		},
		"resources": schema.SingleNestedAttribute{
			MarkdownDescription: "Resource requests and limits, or null.",
			Computed:            true,
			Attributes: map[string]schema.Attribute{
				"limits":   quantities("limits"),
				"requests": quantities("requests"),
			},
		},
		"liveness_probe":  probe("liveness"),
		"readiness_probe": probe("readiness"),
		"before": schema.MapAttribute{
			MarkdownDescription: "Containers that must wait for this one, by name, with the readiness they wait for " +
				"(`started`, `healthy` or `complete`).",
			Computed:    true,
			ElementType: types.StringType,
		},
	}
}
