package engine

import (
	"github.com/score-tf/terraform-provider-score/internal/score/problem"
	"github.com/score-tf/terraform-provider-score/internal/score/resources"
	"github.com/score-tf/terraform-provider-score/internal/score/secret"
)

// Errors leave the engine with every secret value it knows hidden: a provisioner's check that
// quotes a param filled from another resource's password, or a render error quoting a value,
// must not print it in a plan, an apply or a log.

// knownSecrets are the secret values a workload's rendering knows: bound secrets, what its
// resources stored under secret names, and the secret outputs of the resources resolved so far
// (res may be nil).
func (req WorkloadRequest) knownSecrets(res *resources.Result) secret.Values {
	var v secret.Values
	for _, b := range req.Bindings {
		for _, s := range b.Secrets {
			v.Add(s)
		}
	}
	addStored(&v, req.Prior.Resources, req.Prior.Shared)
	if res != nil {
		v.Merge(res.SecretValues())
		addStored(&v, res.Stored, res.Shared)
	}
	return v
}

// knownSecrets are what the resource stored under secret names.
func (req ResourceRequest) knownSecrets() secret.Values {
	var v secret.Values
	v.AddNamed(req.Prior.State)
	v.AddNamed(req.Prior.Shared)
	return v
}

func addStored(v *secret.Values, stored map[string]ResourceState, shared map[string]any) {
	for _, st := range stored {
		v.AddNamed(st.State)
		v.AddNamed(st.Shared)
	}
	v.AddNamed(shared)
}

// hideSecrets hides known values in err, keeping its shape: a list of problems stays a list
// (the provider reports each at its path), a failed step stays that step.
func hideSecrets(err error, known secret.Values) error {
	switch e := err.(type) {
	case problem.List:
		out := make(problem.List, len(e))
		for i, p := range e {
			p.Message = known.Hide(p.Message)
			out[i] = p
		}
		return out
	case *Error:
		return &Error{Step: e.Step, Err: known.HideError(e.Err)}
	case *PatchError:
		return &PatchError{Provider: e.Provider, Index: e.Index, Err: known.HideError(e.Err)}
	case *OptionError:
		return &OptionError{Option: e.Option, Index: e.Index, Key: e.Key, Err: known.HideError(e.Err)}
	case ProjectProblems:
		out := ProjectProblems{}
		for name, list := range e {
			out[name] = hideSecrets(list, known).(problem.List)
		}
		return out
	}
	return known.HideError(err)
}

// hideAll hides known values in each message.
func hideAll(known secret.Values, messages []string) []string {
	out := make([]string, len(messages))
	for i, m := range messages {
		out[i] = known.Hide(m)
	}
	return out
}
