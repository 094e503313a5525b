package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/score-tf/terraform-provider-score/internal/score/engine"
)

// A workload's `service` object, as score_workload outputs it and as `workload_services` takes it.
var (
	servicePortType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"port": types.Int64Type, "target_port": types.Int64Type, "protocol": types.StringType,
	}}
	workloadServiceType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"name": types.StringType, "hostname": types.StringType, "ports": types.MapType{ElemType: servicePortType},
	}}
)

type workloadServiceModel struct {
	Name     types.String                        `tfsdk:"name"`
	Hostname types.String                        `tfsdk:"hostname"`
	Ports    map[string]workloadServicePortModel `tfsdk:"ports"`
}

type workloadServicePortModel struct {
	Port       types.Int64  `tfsdk:"port"`
	TargetPort types.Int64  `tfsdk:"target_port"`
	Protocol   types.String `tfsdk:"protocol"`
}

// serviceAttributes describe a computed `service` object.
func serviceAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"name":     schema.StringAttribute{MarkdownDescription: "The workload name.", Computed: true},
		"hostname": schema.StringAttribute{MarkdownDescription: "The host name to connect to.", Computed: true},
		"ports": schema.MapNestedAttribute{
			MarkdownDescription: "The service ports, by name.",
			Computed:            true,
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"port":        schema.Int64Attribute{MarkdownDescription: "The service port.", Computed: true},
				"target_port": schema.Int64Attribute{MarkdownDescription: "The container port.", Computed: true},
				"protocol":    schema.StringAttribute{MarkdownDescription: "`TCP` or `UDP`.", Computed: true},
			}},
		},
	}
}

func workloadServicesAttribute() schema.MapNestedAttribute {
	return schema.MapNestedAttribute{
		MarkdownDescription: "Other workloads' services, by workload name, for provisioners that connect to them " +
			"(`service-port`, `route`); templates see them as `.WorkloadServices`. Pass a `score_workload`'s " +
			"`service` output: `{ api = score_workload.api.service }`.",
		Optional: true,
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{MarkdownDescription: "The workload name.", Optional: true},
			// Optional rather than Required: a required attribute inside an object that is still
			// unknown (another workload's `service` at plan) fails validation in the framework.
			"hostname": schema.StringAttribute{MarkdownDescription: "The host name other workloads reach it by (required).", Optional: true},
			"ports": schema.MapNestedAttribute{
				MarkdownDescription: "Its service ports, by name.",
				Optional:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"port":        schema.Int64Attribute{MarkdownDescription: "The service port (required).", Optional: true},
					"target_port": schema.Int64Attribute{MarkdownDescription: "The container port; defaults to `port`.", Optional: true},
					"protocol":    schema.StringAttribute{MarkdownDescription: "`TCP` (default) or `UDP`.", Optional: true},
				}},
			},
		}},
	}
}

// workloadServices converts the attribute to the engine's form; ports are indexed by name and
// by port number, as upstream does. known is false while any part is unknown.
func workloadServices(ctx context.Context, v types.Map) (map[string]engine.WorkloadService, bool, diag.Diagnostics) {
	out := map[string]engine.WorkloadService{}
	if v.IsNull() {
		return out, true, nil
	}
	if v.IsUnknown() {
		return nil, false, nil
	}
	for _, e := range v.Elements() {
		if tv, err := e.ToTerraformValue(ctx); err != nil || !tv.IsFullyKnown() {
			return nil, false, nil
		}
	}
	var models map[string]workloadServiceModel
	diags := v.ElementsAs(ctx, &models, false)
	if diags.HasError() {
		return nil, false, diags
	}
	for workload, m := range models {
		at := path.Root("workload_services").AtMapKey(workload)
		if m.Hostname.IsNull() {
			diags.AddAttributeError(at.AtName("hostname"), "Missing hostname", "Each workload service needs the host name other workloads reach it by.")
			continue
		}
		ws := engine.WorkloadService{ServiceName: m.Hostname.ValueString(), Ports: map[string]engine.ServicePort{}}
		for name, p := range m.Ports {
			if p.Port.IsNull() {
				diags.AddAttributeError(at.AtName("ports").AtMapKey(name).AtName("port"), "Missing port", "Each service port needs its port number.")
				continue
			}
			ws.AddPort(engine.ServicePort{Name: name, Port: int(p.Port.ValueInt64()), TargetPort: int(p.TargetPort.ValueInt64()), Protocol: p.Protocol.ValueString()})
		}
		out[workload] = ws
	}
	return out, true, diags
}
