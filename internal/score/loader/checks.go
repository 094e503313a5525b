package loader

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/score-tf/terraform-provider-score/internal/score/placeholder"
	"github.com/score-tf/terraform-provider-score/internal/score/problem"
)

// These checks run on the plain document even when the schema found problems, so a user sees
// everything at once; every type assertion is therefore defensive.

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// upgradeProblem turns score-go's "containers.x.files.0.target: is missing..." into a problem.
func upgradeProblem(err error, loc locator) problem.Problem {
	msg := err.Error()
	var path []string
	if i := strings.Index(msg, ": "); i > 0 {
		path = strings.Split(msg[:i], ".")
		msg = msg[i+2:]
	}
	var list problem.List
	loc.add(&list, path, msg)
	return list[0]
}

// setImages replaces the image "." (built elsewhere) with in.Image, or reports each such container;
// containers built from a context keep ".".
func setImages(doc map[string]any, in Input, loc locator, problems *problem.List) {
	containers := asMap(doc["containers"])
	workload, _ := asMap(doc["metadata"])["name"].(string)
	for _, name := range sortedKeys(containers) {
		c := asMap(containers[name])
		if c == nil || c["image"] != "." || in.Built[workload+"."+name] {
			continue
		}
		if in.Image == "" {
			loc.add(problems, []string{"containers", name, "image"}, `the image is "." (built elsewhere) but no image was given to replace it: `+
				`set the image argument of score_workload (image = "<the image built for it>"; score-compose's --image)`)
			continue
		}
		c["image"] = in.Image
	}
}

// checkBefore checks `before` entries: no self reference, no unknown container, no cycle.
func checkBefore(doc map[string]any, loc locator, problems *problem.List) {
	containers := asMap(doc["containers"])
	graph := map[string][]string{}
	for _, name := range sortedKeys(containers) {
		before := asMap(asMap(containers[name])["before"])
		for _, other := range sortedKeys(before) {
			path := []string{"containers", name, "before", other}
			switch _, known := containers[other]; {
			case other == name:
				loc.addAtKey(problems, path, fmt.Sprintf("container %q has a self-referencing before entry", name))
			case !known:
				loc.addAtKey(problems, path, fmt.Sprintf("container %q before refers to unknown container %q", name, other))
			default:
				graph[name] = append(graph[name], other)
			}
		}
	}
	if cycle := findCycle(graph); cycle != nil {
		loc.add(problems, []string{"containers", cycle[0], "before"}, "containers before relationships contain a cycle: "+strings.Join(cycle, " → "))
	}
}

// checkPlaceholders resolves every reference against the workload's metadata and declared
// resources: everything except the resources' outputs, which do not exist yet, is checked.
// Resource params referring to other resources must not form a cycle.
func checkPlaceholders(doc map[string]any, loc locator, budget *placeholder.Budget, problems *problem.List) {
	resources := asMap(doc["resources"])
	outputs := make(map[string]placeholder.Lookup, len(resources))
	bare := make(map[string]placeholder.Lookup, len(resources))
	for name := range resources {
		outputs[name] = anyOutput(false)
		bare[name] = anyOutput(true)
	}
	metadata := asMap(doc["metadata"])
	check := placeholder.Resolver{Metadata: metadata, Resources: outputs}
	checkVolume := placeholder.Resolver{Metadata: metadata, Resources: bare}

	containers := asMap(doc["containers"])
	for _, cname := range sortedKeys(containers) {
		c := asMap(containers[cname])
		variables := asMap(c["variables"])
		for _, k := range sortedKeys(variables) {
			if s, ok := variables[k].(string); ok {
				checkString(s, check, budget, loc, []string{"containers", cname, "variables", k}, problems)
			}
		}
		files := asMap(c["files"])
		for _, target := range sortedKeys(files) {
			f := asMap(files[target])
			if s, ok := f["content"].(string); ok && f["noExpand"] != true {
				checkString(s, check, budget, loc, []string{"containers", cname, "files", target, "content"}, problems)
			}
		}
		volumes := asMap(c["volumes"])
		for _, target := range sortedKeys(volumes) {
			if s, ok := asMap(volumes[target])["source"].(string); ok {
				checkString(s, checkVolume, budget, loc, []string{"containers", cname, "volumes", target, "source"}, problems)
			}
		}
	}

	graph := map[string][]string{}
	for _, name := range sortedKeys(resources) {
		path := []string{"resources", name, "params"}
		params, ok := asMap(resources[name])["params"]
		if !ok {
			continue
		}
		walkStrings(params, path, func(s string, at []string) {
			checkString(s, check, budget, loc, at, problems)
			refs, _ := placeholder.Scan(s)
			for _, ref := range refs {
				if parts := placeholder.SplitRef(ref); len(parts) > 1 && parts[0] == "resources" {
					if _, declared := resources[parts[1]]; declared {
						graph[name] = append(graph[name], parts[1])
					}
				}
			}
		})
	}
	if cycle := findCycle(graph); cycle != nil {
		loc.add(problems, []string{"resources", cycle[0], "params"}, "a cycle exists involving resource param placeholders: "+strings.Join(cycle, " → "))
	}
}

// anyOutput stands in for a resource's outputs before they exist: any key resolves.
// Outside volume sources a reference must name an output key, as every provisioner requires.
func anyOutput(allowBare bool) placeholder.Lookup {
	return func(keys ...string) (any, error) {
		if len(keys) == 0 && !allowBare {
			return nil, fmt.Errorf("at least one lookup key is required, like ${resources.NAME.KEY}")
		}
		return "", nil
	}
}

// checkString reports what is wrong with the placeholders of s, except a spent budget: the
// value that spent it is reported already.
func checkString(s string, r placeholder.Resolver, budget *placeholder.Budget, loc locator, path []string, problems *problem.List) {
	if _, err := budget.Expand(s, r.Resolve); err != nil && !errors.Is(err, placeholder.ErrBudgetSpent) {
		for _, line := range strings.Split(err.Error(), "\n") {
			loc.add(problems, path, line)
		}
	}
	if _, unterminated := placeholder.Scan(s); unterminated {
		loc.add(problems, path, "a placeholder starting with ${ is never closed with }; write $${ for a literal ${")
	}
}

func walkStrings(v any, path []string, fn func(s string, path []string)) {
	switch t := v.(type) {
	case string:
		fn(t, path)
	case map[string]any:
		for _, k := range sortedKeys(t) {
			walkStrings(t[k], append(path[:len(path):len(path)], k), fn)
		}
	case []any:
		for i, e := range t {
			walkStrings(e, append(path[:len(path):len(path)], fmt.Sprint(i)), fn)
		}
	}
}

// findCycle returns one cycle in graph as a path that starts and ends on the same node
// (a → b → a), or nil. Nodes and edges are visited in sorted order, so the answer is stable.
func findCycle(graph map[string][]string) []string {
	const (
		unvisited = iota
		visiting
		done
	)
	state := map[string]int{}
	var stack []string
	var visit func(n string) []string
	visit = func(n string) []string {
		state[n] = visiting
		stack = append(stack, n)
		next := append([]string(nil), graph[n]...)
		sort.Strings(next)
		for _, m := range next {
			switch state[m] {
			case visiting:
				for i, s := range stack {
					if s == m {
						return append(append([]string(nil), stack[i:]...), m)
					}
				}
			case unvisited:
				if c := visit(m); c != nil {
					return c
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[n] = done
		return nil
	}
	nodes := make([]string, 0, len(graph))
	for n := range graph {
		nodes = append(nodes, n)
	}
	sort.Strings(nodes)
	for _, n := range nodes {
		if state[n] == unvisited {
			if c := visit(n); c != nil {
				return c
			}
		}
	}
	return nil
}
