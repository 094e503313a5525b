// Package score is the root of the Score engine: everything under it works on plain Go values and
// knows nothing about Terraform. Data flows one way:
//
//	loader       parse YAML/JSON, overrides, upgrade transforms, schema and rule validation, files
//	placeholder  ${metadata...} and ${resources...} references
//	provisioner  provisioner files, the template engine, cmd://, the built-in library
//	resources    a workload's resources, bound or provisioned in dependency order
//	render       what Terraform stores, per target (render/kubernetes, render/compose), secrets apart
//	engine       the front door: settings built once, RenderWorkload and ProvisionResource
//
// with kube (strict validation of Kubernetes objects), problem (what is wrong, and where) and
// target (what everything renders for) beside them. internal/provider calls the engine (and the
// loader, for the data source) and converts the results to Terraform values.
package score
