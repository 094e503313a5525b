package provisioner

import (
	"fmt"
	"sort"
	"strings"

	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// Library is an ordered list of provisioners: the first match wins.
type Library struct {
	Target       targets.Target
	Provisioners []*Definition
}

// Match finds the provisioner for a resource, or explains that none exists and which types do.
func (l *Library) Match(uid, resType, class, id string) (*Definition, error) {
	for _, d := range l.Provisioners {
		if d.Matches(resType, class, id) {
			return d, nil
		}
	}
	types := map[string]bool{}
	for _, d := range l.Provisioners {
		types[d.Type] = true
	}
	names := make([]string, 0, len(types))
	for t := range types {
		names = append(names, t)
	}
	sort.Strings(names)
	return nil, fmt.Errorf("resource '%s' (type %q, class %q) is not supported by any provisioner for the %s target; available types: %s. Add a provisioner for it to the provider's provisioners",
		uid, resType, class, l.Target, strings.Join(names, ", "))
}
