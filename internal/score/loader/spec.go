package loader

import (
	"maps"

	"github.com/score-spec/score-go/types"
)

// typedSpec fills score-go's types from a document the schema has accepted, giving what
// score-go's loader.MapSpec gives (spec_test.go holds it to that on every test document and
// checks that no field of the types is left out). MapSpec goes through mapstructure's
// reflection and took a quarter of a typical Load; this is a direct walk.
func typedSpec(doc map[string]any) types.Workload {
	w := types.Workload{
		ApiVersion: str(doc["apiVersion"]),
		Metadata:   types.WorkloadMetadata(copyMap(doc["metadata"])),
	}
	if containers, ok := doc["containers"].(map[string]any); ok {
		w.Containers = make(types.WorkloadContainers, len(containers))
		for name, c := range containers {
			w.Containers[name] = typedContainer(asMap(c))
		}
	}
	if resources, ok := doc["resources"].(map[string]any); ok {
		w.Resources = make(types.WorkloadResources, len(resources))
		for name, r := range resources {
			w.Resources[name] = typedResource(asMap(r))
		}
	}
	if service, ok := doc["service"].(map[string]any); ok {
		w.Service = &types.WorkloadService{}
		if ports, ok := service["ports"].(map[string]any); ok {
			w.Service.Ports = make(types.WorkloadServicePorts, len(ports))
			for name, p := range ports {
				port := asMap(p)
				w.Service.Ports[name] = types.ServicePort{
					Port:       integer(port["port"]),
					TargetPort: intPtr(port["targetPort"]),
					Protocol:   (*types.ServicePortProtocol)(strPtr(port["protocol"])),
				}
			}
		}
	}
	return w
}

func typedContainer(c map[string]any) types.Container {
	out := types.Container{
		Image:          str(c["image"]),
		Command:        strs(c["command"]),
		Args:           strs(c["args"]),
		LivenessProbe:  typedProbe(c["livenessProbe"]),
		ReadinessProbe: typedProbe(c["readinessProbe"]),
	}
	if vars, ok := c["variables"].(map[string]any); ok {
		out.Variables = make(types.ContainerVariables, len(vars))
		for k, v := range vars {
			out.Variables[k] = str(v)
		}
	}
	if files, ok := c["files"].(map[string]any); ok {
		out.Files = make(types.ContainerFiles, len(files))
		for target, f := range files {
			file := asMap(f)
			out.Files[target] = types.ContainerFile{
				Mode:          strPtr(file["mode"]),
				Source:        strPtr(file["source"]),
				Content:       strPtr(file["content"]),
				BinaryContent: strPtr(file["binaryContent"]),
				NoExpand:      boolPtr(file["noExpand"]),
			}
		}
	}
	if volumes, ok := c["volumes"].(map[string]any); ok {
		out.Volumes = make(types.ContainerVolumes, len(volumes))
		for target, v := range volumes {
			volume := asMap(v)
			out.Volumes[target] = types.ContainerVolume{
				Source:   str(volume["source"]),
				Path:     strPtr(volume["path"]),
				ReadOnly: boolPtr(volume["readOnly"]),
			}
		}
	}
	if before, ok := c["before"].(map[string]any); ok {
		out.Before = make(types.ContainerBefore, len(before))
		for name, b := range before {
			out.Before[name] = types.ContainerBeforeEntry{Ready: types.ContainerBeforeReady(str(asMap(b)["ready"]))}
		}
	}
	if resources, ok := c["resources"].(map[string]any); ok {
		out.Resources = &types.ContainerResources{
			Limits:   typedLimits(resources["limits"]),
			Requests: typedLimits(resources["requests"]),
		}
	}
	return out
}

func typedLimits(v any) *types.ResourcesLimits {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	return &types.ResourcesLimits{Cpu: strPtr(m["cpu"]), Memory: strPtr(m["memory"])}
}

func typedProbe(v any) *types.ContainerProbe {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	probe := &types.ContainerProbe{}
	if exec, ok := m["exec"].(map[string]any); ok {
		probe.Exec = &types.ExecProbe{Command: strs(exec["command"])}
	}
	if get, ok := m["httpGet"].(map[string]any); ok {
		probe.HttpGet = &types.HttpProbe{
			Host:   strPtr(get["host"]),
			Path:   str(get["path"]),
			Port:   integer(get["port"]),
			Scheme: (*types.HttpProbeScheme)(strPtr(get["scheme"])),
		}
		if headers, ok := get["httpHeaders"].([]any); ok {
			probe.HttpGet.HttpHeaders = make([]types.HttpProbeHttpHeadersElem, len(headers))
			for i, h := range headers {
				header := asMap(h)
				probe.HttpGet.HttpHeaders[i] = types.HttpProbeHttpHeadersElem{Name: str(header["name"]), Value: str(header["value"])}
			}
		}
	}
	return probe
}

func typedResource(r map[string]any) types.Resource {
	return types.Resource{
		Type:     str(r["type"]),
		Class:    strPtr(r["class"]),
		Id:       strPtr(r["id"]),
		Metadata: types.ResourceMetadata(copyMap(r["metadata"])),
		Params:   types.ResourceParams(copyMap(r["params"])),
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func strPtr(v any) *string {
	s, ok := v.(string)
	if !ok {
		return nil
	}
	return &s
}

func boolPtr(v any) *bool {
	b, ok := v.(bool)
	if !ok {
		return nil
	}
	return &b
}

// integer reads a number the schema typed as an integer: an int, or a float with no fraction
// (JSON Schema counts 80.0 as an integer).
func integer(v any) int {
	switch n := v.(type) {
	case int:
		return n
	case float64:
		return int(n)
	}
	return 0
}

func intPtr(v any) *int {
	switch v.(type) {
	case int, float64:
		i := integer(v)
		return &i
	}
	return nil
}

func strs(v any) []string {
	list, ok := v.([]any)
	if !ok {
		return nil
	}
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = str(s)
	}
	return out
}

// copyMap copies the top level of a map, as MapSpec does, so the typed spec's maps are not the
// Document's.
func copyMap(v any) map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	return maps.Clone(m)
}
