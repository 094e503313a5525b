// Package score is the root of the Score engine: everything under it works on plain Go values and
// knows nothing about Terraform. Data flows one way: loader (parse, override, upgrade, validate)
// → placeholder (resolve references) → provisioning → rendering; internal/provider converts the
// results to Terraform values.
package score
