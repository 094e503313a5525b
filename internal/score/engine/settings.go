package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/score-tf/terraform-provider-score/internal/score/patch"
	"github.com/score-tf/terraform-provider-score/internal/score/provisioner"
	"github.com/score-tf/terraform-provider-score/internal/score/render"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// DefaultComposeProjectName is the compose project name templates see when none is configured.
// It is fixed (not the working directory's name) so that plans do not change between CI runners.
const DefaultComposeProjectName = "score"

// Config is the provider configuration the engine obeys.
type Config struct {
	// Target is what resources and workloads render for; empty means nothing can be provisioned.
	Target targets.Target
	// Namespace is set on every namespaced Kubernetes object; templates see it as .Namespace.
	Namespace string
	// ComposeProjectName is what templates see as .ComposeProjectName; empty means the default.
	ComposeProjectName string
	// AllowCommands allows cmd:// provisioners, which run programs on this machine.
	AllowCommands bool
	// AllowExternalFileSources lets a score file read file sources outside its directory.
	AllowExternalFileSources bool
	// Outputs declare, by provisioner uri or resource type, which outputs are secret and which
	// public (the provider's provisioner_outputs), before the provisioner file and the guess.
	Outputs OutputRules
}

// OutputRules and OutputRule declare outputs secret or public (see provisioner.OutputRules).
type (
	OutputRules = provisioner.OutputRules
	OutputRule  = provisioner.OutputRule
)

// Settings are a Config and the provisioner library built for it: built once per provider
// configuration and passed to every call of the engine.
type Settings struct {
	Config
	// library is nil without a target; then nothing provisions.
	library *provisioner.Library
	// patches are the provider's patch templates, in order (nil for one that does not parse).
	patches []*patch.Template
}

// NewSettings starts settings for cfg, with an empty provisioner library for its target (if
// any): add provisioner files and the built-in library in match order.
func NewSettings(cfg Config) Settings {
	if cfg.ComposeProjectName == "" {
		cfg.ComposeProjectName = DefaultComposeProjectName
	}
	s := Settings{Config: cfg}
	if cfg.Target != "" {
		s.library = &provisioner.Library{Target: cfg.Target}
	}
	return s
}

// CanProvision reports whether the settings have a target and so a provisioner library.
func (s Settings) CanProvision() bool {
	return s.library != nil
}

// AddProvisioners appends the definitions of a provisioners file (YAML); source names it in
// messages. The definitions that parse are added even when others do not; the error joins
// every problem.
func (s *Settings) AddProvisioners(content []byte, source string) error {
	if s.library == nil {
		return fmt.Errorf("%s: provisioners need a target", source)
	}
	defs, err := provisioner.ParseFile(content, s.Target, source)
	s.library.Provisioners = append(s.library.Provisioners, defs...)
	return err
}

// AddBuiltinProvisioners appends the built-in library of the target.
func (s *Settings) AddBuiltinProvisioners() error {
	if s.library == nil {
		return fmt.Errorf("the built-in provisioners need a target")
	}
	builtins, err := provisioner.Builtins(s.Target)
	s.library.Provisioners = append(s.library.Provisioners, builtins...)
	return err
}

// Provisioners lists the library in match order.
func (s Settings) Provisioners() []*provisioner.Definition {
	if s.library == nil {
		return nil
	}
	return s.library.Provisioners
}

// StandInPrefix starts every stand-in a caller puts where a binding value is unknown at plan
// (`(known after apply A: db.url)`): an output holding one whose secrecy depends on its value
// makes the render's SecrecyUnsettled true.
const StandInPrefix = "(known after apply "

// options are the settings provisioning obeys.
func (s Settings) options() provisioner.Options {
	return provisioner.Options{Target: s.Target, AllowCommands: s.AllowCommands, Outputs: s.Outputs, StandIn: StandInPrefix}
}

// SecretOutputNames lists def's outputs treated as secret before any value is known, the
// settings' output rules applied.
func (s Settings) SecretOutputNames(def *provisioner.Definition) []string {
	return def.SecretOutputNames(s.Outputs)
}

// UnmatchedOutputRules lists the keys of the output rules that name no provisioner of the
// library (by uri or type), sorted.
func (s Settings) UnmatchedOutputRules() []string {
	return s.Outputs.Unmatched(s.Provisioners())
}

// baseRequest holds what every provisioning request carries from the settings (what templates
// see of the provider configuration); requests start from it.
func (s Settings) baseRequest() provisioner.Request {
	return provisioner.Request{
		Namespace: s.Namespace, ComposeProjectName: s.ComposeProjectName, MountsDirectory: render.MountsDirectory,
	}
}

// ProvisioningBudget bounds the time one plan or one apply of a resource may spend provisioning,
// over every render it makes (a plan renders twice, and each render runs every provisioner): a
// hanging cmd:// program or a slow template cannot hold a Terraform run past it, whatever each
// run's own limit (CommandTimeout, TemplateRunTimeout).
const ProvisioningBudget = 5 * time.Minute

// WithProvisioningBudget is ctx limited to ProvisioningBudget: call it once per plan or apply.
func WithProvisioningBudget(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, ProvisioningBudget)
}
