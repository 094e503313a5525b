package provider

import "github.com/hashicorp/terraform-plugin-framework/diag"

// addProvisionerMessages reports what provisioners had to say (compose `info_logs`: how to
// connect, where a route is served) as warnings. Only at apply: a plan renders with stand-in
// values, and the same notes on every plan would drown real warnings. The engine has hidden
// every secret in them.
func addProvisionerMessages(diags *diag.Diagnostics, messages []string) {
	for _, m := range messages {
		diags.AddWarning("Provisioner message", m)
	}
}
