// Command canon rewrites a score-k8s manifests.yaml into a canonical order, so that two runs of
// score-k8s on the same inputs and state give the same bytes.
//
// score-k8s appends the workloads' manifests in Go map order and lists a workload Service's
// ports in Go map order; everything else it writes is already deterministic. canon therefore:
//
//   - sorts the documents by apiVersion, kind, metadata.namespace, metadata.name (stable, so
//     documents with the same key keep their relative order);
//   - sorts spec.ports of every kind: Service by name, then port, then protocol.
//
// Nothing else changes: each document is re-encoded from its parsed node tree the way score-k8s
// encodes it (yaml.v3, two-space indent, every document preceded by "---").
//
// Usage: canon [IN [OUT]]; IN and OUT default to standard input and output.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"

	"gopkg.in/yaml.v3"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "canon:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) > 2 {
		return errors.New("usage: canon [IN [OUT]]")
	}
	var in []byte
	var err error
	if len(args) >= 1 && args[0] != "-" {
		in, err = os.ReadFile(args[0])
	} else {
		in, err = io.ReadAll(os.Stdin)
	}
	if err != nil {
		return err
	}
	out, err := Canonicalize(in)
	if err != nil {
		return err
	}
	if len(args) == 2 && args[1] != "-" {
		return os.WriteFile(args[1], out, 0o644)
	}
	_, err = os.Stdout.Write(out)
	return err
}

type document struct {
	node *yaml.Node
	key  [4]string
}

// Canonicalize returns the manifests in data in canonical order (see the package comment).
func Canonicalize(data []byte) ([]byte, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []document
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", len(docs)+1, err)
		}
		if len(n.Content) == 0 || (n.Content[0].Kind == yaml.ScalarNode && n.Content[0].Tag == "!!null") {
			continue // an empty document
		}
		root := n.Content[0]
		if root.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("document %d is not a mapping", len(docs)+1)
		}
		meta := mapValue(root, "metadata")
		d := document{node: &n, key: [4]string{
			scalar(mapValue(root, "apiVersion")),
			scalar(mapValue(root, "kind")),
			scalar(mapValue(meta, "namespace")),
			scalar(mapValue(meta, "name")),
		}}
		if d.key[1] == "Service" {
			sortServicePorts(mapValue(mapValue(root, "spec"), "ports"))
		}
		docs = append(docs, d)
	}
	sort.SliceStable(docs, func(i, j int) bool {
		for k := range docs[i].key {
			if docs[i].key[k] != docs[j].key[k] {
				return docs[i].key[k] < docs[j].key[k]
			}
		}
		return false
	})
	var buf bytes.Buffer
	for _, d := range docs {
		buf.WriteString("---\n")
		enc := yaml.NewEncoder(&buf)
		enc.SetIndent(2)
		if err := enc.Encode(d.node); err != nil {
			return nil, err
		}
		if err := enc.Close(); err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), nil
}

// sortServicePorts orders a Service's spec.ports by name, then port (numerically), then protocol.
func sortServicePorts(ports *yaml.Node) {
	if ports == nil || ports.Kind != yaml.SequenceNode {
		return
	}
	type portKey struct {
		name     string
		port     int
		protocol string
	}
	keyOf := func(n *yaml.Node) portKey {
		p, _ := strconv.Atoi(scalar(mapValue(n, "port")))
		return portKey{scalar(mapValue(n, "name")), p, scalar(mapValue(n, "protocol"))}
	}
	sort.SliceStable(ports.Content, func(i, j int) bool {
		a, b := keyOf(ports.Content[i]), keyOf(ports.Content[j])
		if a.name != b.name {
			return a.name < b.name
		}
		if a.port != b.port {
			return a.port < b.port
		}
		return a.protocol < b.protocol
	})
}

// mapValue returns the value of key in the mapping node m, or nil.
func mapValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}
