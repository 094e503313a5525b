package loader

import "sort"

// StartOrder lists the containers so that each comes after the containers whose `before` names
// it (those must be ready before it starts); ties are broken by name.
func (w *Workload) StartOrder() []string {
	names := make([]string, 0, len(w.Spec.Containers))
	for n := range w.Spec.Containers {
		names = append(names, n)
	}
	sort.Strings(names)
	placed := map[string]bool{}
	out := make([]string, 0, len(names))
	for len(out) < len(names) {
		progress := false
		for _, n := range names {
			if placed[n] {
				continue
			}
			ready := true
			for _, other := range names {
				if _, waits := w.Spec.Containers[other].Before[n]; waits && other != n && !placed[other] {
					ready = false
				}
			}
			if ready {
				placed[n], progress = true, true
				out = append(out, n)
			}
		}
		if !progress { // Load refuses cycles; stay total anyway
			for _, n := range names {
				if !placed[n] {
					placed[n] = true
					out = append(out, n)
				}
			}
		}
	}
	return out
}

// StartsFirst tells whether a container must be ready before others start, and how ready:
// "complete" when every waiting container waits for it to complete, else the strongest other
// requirement ("healthy" over "started"); "" for a main container.
func (w *Workload) StartsFirst(name string) string {
	before := w.Spec.Containers[name].Before
	if len(before) == 0 {
		return ""
	}
	ready := "complete"
	for _, b := range before {
		switch {
		case b.Ready == "healthy":
			ready = "healthy"
		case b.Ready == "started" && ready == "complete":
			ready = "started"
		}
	}
	return ready
}
