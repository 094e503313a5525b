package provisioner

import "github.com/score-tf/terraform-provider-score/internal/score/target"

// The package's short names for the shared target type: its files (template and cmd://
// provisioning among them) switch on the target without a package prefix.
type Target = target.Target

const (
	Kubernetes = target.Kubernetes
	Compose    = target.Compose
)
