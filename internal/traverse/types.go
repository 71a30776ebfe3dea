// Package traverse answers the questions that cross the graph — neighbourhoods, paths, relatedness,
// threat models, triage, legal exposure, the legal matrix and coverage gaps — once, over any
// kg.Store. Every algorithm reads the store through its batch methods (Nodes, List, Adjacent), one
// call per level of depth, so the embedded store and Neo4j give the same answers by the same rules
// and the number of store round trips grows with depth, not with the size of the result.
//
// Orders are deterministic and documented on each result type; ties always break by id.
//
// The engine is the one home of every argument rule of these questions: callers (the GraphQL
// resolvers) pass arguments through with their defaults and check nothing themselves. Each method's
// comment states its store calls; the tests hold every question to that number exactly.
//
// One file per question: neighborhood.go (Neighborhood, Subgraph), paths.go, related.go,
// threatmodel.go, triage.go, legal.go (LegalExposure, LegalMatrix) and coverage.go; args.go holds the
// argument checks they share and reads.go the reads they share.
package traverse

import "github.com/failgraph/failgraph/internal/kg"

// Engine runs traversals over one store.
type Engine struct {
	store kg.Store
}

// New returns an engine over s.
func New(s kg.Store) *Engine { return &Engine{store: s} }

// Subgraph is a set of nodes and every edge of the request's relations among them.
type Subgraph struct {
	Nodes     []*kg.Node // breadth-first: by distance from the centre, then id (Subgraph: in the order asked)
	Edges     []kg.Edge  // EdgeLess order; both endpoints are in Nodes
	Truncated bool       // the limit left out nodes that matched
}

// NeighborhoodOpts narrows a neighbourhood.
type NeighborhoodOpts struct {
	Depth     int          // 1..kg.MaxDepth
	Kinds     []kg.Kind    // only nodes of these kinds are entered and returned (the centre always is); empty: all
	Relations []kg.RelType // only edges of these types are followed and returned; empty: all
	Limit     int          // 1..kg.MaxLimit nodes, the centre included
}

// Path is a simple path: Nodes[i] and Nodes[i+1] are joined by Edges[i] (in either direction).
type Path struct {
	Nodes []*kg.Node
	Edges []kg.Edge
}

// Length is the number of edges of p.
func (p Path) Length() int { return len(p.Edges) }

// PathOpts narrows a path search.
type PathOpts struct {
	MaxLength int          // 1..kg.MaxPathLength
	Relations []kg.RelType // only these edge types; empty: all
	Limit     int          // 1..kg.MaxLimit paths
}

// Relatedness is a node of the same kind as the query node, with its Jaccard similarity of
// neighbour sets and the neighbours they share (id order).
type Relatedness struct {
	Node   *kg.Node
	Score  float64 // |shared| / |union|, rounded to 4 decimals
	Shared []*kg.Node
}

// RankedMitigation is a mitigation in a threat model with the failure modes of the model it
// answers (id order) and its MITIGATES edges to them.
type RankedMitigation struct {
	Mitigation *kg.Node
	Covers     []*kg.Node
	Edges      []kg.Edge
}

// ThreatModel is the answer for an ML engineer: what threatens these assets, what answers it.
type ThreatModel struct {
	FailureModes []*kg.Node         // NodeLess order
	Mitigations  []RankedMitigation // most failure modes covered first, then id
	MinimalCover []*kg.Node         // greedy set cover, in the order chosen
	Uncovered    []*kg.Node         // failure modes no mitigation answers, NodeLess order
}

// TriageCandidate is a failure mode consistent with what an incident responder observed.
type TriageCandidate struct {
	FailureMode      *kg.Node
	Score            float64               // share of observed properties matched plus share of observed assets targeted
	Matched          []kg.SecurityProperty // observed properties it compromises
	MatchedAssets    []*kg.Node            // observed assets it targets (id order)
	Capabilities     []*kg.Node            // what the attacker must have had (id order)
	FirstMitigations []RankedMitigation    // up to 3: strong before partial before detect-only, then id
}

// LegalItem is one legal consideration a failure mode raises.
type LegalItem struct {
	Consideration *kg.Node
	Edge          kg.Edge    // the RAISES edge: Note is the question raised
	References    []*kg.Node // the edge's references, in the edge's order
	InheritedFrom *kg.Node   // the parent failure mode when the edge is the parent's, else nil
}

// LegalExposure is the answer for a lawyer about one failure mode.
type LegalExposure struct {
	FailureMode *kg.Node
	Items       []LegalItem // jurisdiction, then consideration id
}

// Matrix is failure modes (rows, NodeLess order) by legal considerations (columns, jurisdiction then
// id); Cells[i][j] is the RAISES edge from row i to column j, or nil.
type Matrix struct {
	Rows    []*kg.Node
	Columns []*kg.Node
	Cells   [][]*kg.Edge
}

// CoverageGaps lists where the graph is thin, each list in NodeLess order.
type CoverageGaps struct {
	WithoutMitigation          []*kg.Node // failure modes no mitigation answers
	WithoutLegal               []*kg.Node // failure modes (own or inherited) raising no legal consideration
	FewReferences              []*kg.Node // failure modes citing fewer than two references
	MitigationsWithoutEvidence []*kg.Node // mitigations none of whose MITIGATES edges cites a paper
}
