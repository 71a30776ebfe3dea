package export

import (
	"context"
	"encoding/json"
	"io"
)

// Cytoscape.js JSON: {"elements": {"nodes": [{"data": {...}}], "edges": [{"data": {...}}]}}, the
// shape cy.json() writes and cytoscape({elements}) reads. Node data holds id, label (the name),
// kind and the fields set on the node (as GraphML's attributes); edge data id, source, target,
// type and the edge's fields.
func writeCytoscape(_ context.Context, _ *Exporter, in *input, w io.Writer) error {
	type element struct {
		Data map[string]any `json:"data"`
	}
	out := struct {
		Elements struct {
			Nodes []element `json:"nodes"`
			Edges []element `json:"edges"`
		} `json:"elements"`
	}{}
	out.Elements.Nodes, out.Elements.Edges = []element{}, []element{}
	for _, n := range in.nodes {
		d := map[string]any{"id": n.ID, "label": n.Name}
		for _, a := range nodeAttrs {
			if v := a.get(n); v != "" {
				d[a.key] = v
			}
		}
		out.Elements.Nodes = append(out.Elements.Nodes, element{d})
	}
	for _, e := range in.edges {
		d := map[string]any{"id": e.ID, "source": e.Source, "target": e.Target}
		for _, a := range edgeAttrs {
			if v := a.get(e); v != "" {
				d[a.key] = v
			}
		}
		out.Elements.Edges = append(out.Elements.Edges, element{d})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
