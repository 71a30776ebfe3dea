package kg

import (
	"slices"
	"strings"
)

// A Plan says what to read around a set of nodes, by the kind of each node: the steps to take from a
// node of that kind. It is what a GraphQL selection asks of the graph below a field, so that a whole
// selection can be read in one store call (Store.Expand) instead of one call per level.
type Plan map[Kind][]Step

// A Step reads, from one node, its edges of Types (all when empty) in direction Dir; with Nodes, also
// the nodes at their other ends, from which Next goes on; with Refs, also the reference nodes the
// edges cite (Edge.Refs), from which RefNext goes on. A step with Implies reads instead the nodes
// named by the node's Implies list (capabilities), from which Next goes on.
type Step struct {
	Dir     Direction
	Types   []RelType
	Nodes   bool
	Refs    bool
	Implies bool
	Next    Plan
	RefNext Plan
}

// Key returns the key under which Expand files the edges this step reads from the node with id.
func (s Step) Key(id string) EdgeKey { return NewEdgeKey(id, s.Dir, s.Types...) }

// EdgeKey names the edges of one node in one direction whose type is in a set of types.
type EdgeKey struct {
	ID    string
	Dir   Direction
	Types string // the types, sorted, distinct and comma-joined, so that equal sets make equal keys; "" for all
}

// NewEdgeKey returns the key of id's edges of the given types (all when none) in direction dir.
func NewEdgeKey(id string, dir Direction, types ...RelType) EdgeKey {
	switch len(types) {
	case 0:
		return EdgeKey{ID: id, Dir: dir}
	case 1:
		return EdgeKey{ID: id, Dir: dir, Types: string(types[0])}
	}
	ts := make([]string, 0, len(types))
	for _, t := range types {
		if !slices.Contains(ts, string(t)) {
			ts = append(ts, string(t))
		}
	}
	slices.Sort(ts)
	return EdgeKey{ID: id, Dir: dir, Types: strings.Join(ts, ",")}
}

// RelTypes returns the key's types, or nil for all.
func (k EdgeKey) RelTypes() []RelType {
	if k.Types == "" {
		return nil
	}
	var out []RelType
	for _, t := range strings.Split(k.Types, ",") {
		out = append(out, RelType(t))
	}
	return out
}

// Expansion is what Store.Expand read: every node it reached (the roots among them) by id, and the
// edges of every step taken, by the step's key, in EdgeLess order.
type Expansion struct {
	Nodes map[string]*Node
	Edges map[EdgeKey][]Edge
}

// Merge returns the union of two plans: steps that read the same edges become one step whose
// continuations are merged too.
func (p Plan) Merge(q Plan) Plan {
	if len(q) == 0 {
		return p
	}
	if p == nil {
		p = Plan{}
	}
	for k, steps := range q {
		for _, s := range steps {
			p[k] = addStep(p[k], s)
		}
	}
	return p
}

// Add returns p with step s taken from nodes of kind k, merged with a step that reads the same edges.
func (p Plan) Add(k Kind, s Step) Plan {
	if p == nil {
		p = Plan{}
	}
	p[k] = addStep(p[k], s)
	return p
}

func addStep(steps []Step, s Step) []Step {
	key := s.Key("")
	for i, t := range steps {
		if t.Implies == s.Implies && t.Key("") == key {
			t.Nodes = t.Nodes || s.Nodes
			t.Refs = t.Refs || s.Refs
			t.Next = t.Next.Merge(s.Next)
			t.RefNext = t.RefNext.Merge(s.RefNext)
			steps[i] = t
			return steps
		}
	}
	return append(steps, s)
}

// Validate refuses a plan that names a relation type outside RelTypes (EINVALID, argument
// "relation"): its types become Cypher relationship types, which must come from the allowlist.
func (p Plan) Validate() error {
	for _, steps := range p {
		for _, s := range steps {
			for _, t := range s.Types {
				if !t.Valid() {
					return Errorf(EINVALID, "relation", "unknown relation type %q", t)
				}
			}
			if err := s.Next.Validate(); err != nil {
				return err
			}
			if err := s.RefNext.Validate(); err != nil {
				return err
			}
		}
	}
	return nil
}
