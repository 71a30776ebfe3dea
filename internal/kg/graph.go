package kg

// Graph is a whole graph in memory: what the seed produces and what a store loads.
type Graph struct {
	Nodes []*Node
	Edges []Edge
}

// Validate checks the integrity every store relies on: node ids are unique and of a known kind,
// edges are of a known type, join nodes of the graph, and are unique by EdgeID. The first problem
// found is EINVALID. It is the one home of these rules: each store calls it before loading a graph,
// and the seed's own validator, which reports every problem with its file and line, catches them
// first for the shipped data.
func (g *Graph) Validate() error {
	ids := make(map[string]bool, len(g.Nodes))
	for _, n := range g.Nodes {
		if ids[n.ID] {
			return Errorf(EINVALID, "", "duplicate node id %q", n.ID)
		}
		if !n.Kind.Valid() {
			return Errorf(EINVALID, "", "node %q has unknown kind %q", n.ID, n.Kind)
		}
		ids[n.ID] = true
	}
	seen := make(map[string]bool, len(g.Edges))
	for _, e := range g.Edges {
		id := EdgeID(e.Type, e.Source, e.Target)
		if !e.Type.Valid() {
			return Errorf(EINVALID, "", "edge %q has unknown type %q", id, e.Type)
		}
		if !ids[e.Source] || !ids[e.Target] {
			return Errorf(EINVALID, "", "edge %s joins a missing node", id)
		}
		if seen[id] {
			return Errorf(EINVALID, "", "duplicate edge %s", id)
		}
		seen[id] = true
	}
	return nil
}
