// Package score is the root of the Score engine: everything under it works on plain Go values and
// knows nothing about Terraform. Data flows one way:
//
//	loader       parse YAML/JSON, overrides, upgrade transforms, schema and rule validation, files
//	placeholder  ${metadata...} and ${resources...} references
//	provisioner  provisioner files, the template engine, cmd://, the built-in library
//	resources    the resources of a workload or a project, bound or provisioned once per uid, in
//	             dependency order
//	render       what Terraform stores, per target (render/kubernetes, render/compose), secrets apart
//	patch        patch templates (score-compose's and score-k8s's format) on the rendered documents
//	engine       the front door: settings built once, RenderWorkload, RenderProject and
//	             ProvisionResource
//
// with kube (strict validation of Kubernetes objects), problem (what is wrong, and where), secret
// (which values are secret, and hiding them) and targets (what everything renders for) beside them. internal/provider calls the engine (and the
// loader, for the data source) and converts the results to Terraform values.
package score
