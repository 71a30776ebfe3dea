package kg

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"
	"time"
)

// Loaded says which graph a store holds: what was loaded into it, as one piece. Stores record it
// with the graph (Neo4j in the same transaction as the load), so that it never describes a graph
// other than the one loaded.
type Loaded struct {
	// Hash is Graph.Hash of the graph loaded.
	Hash string
	// Nodes and Edges count the graph loaded.
	Nodes, Edges int
	// At is when the load was committed.
	At time.Time
	// Merged is true when the graph was merged into what the store held (failgraph seed without
	// --replace): the store then holds the graph loaded and what it held before.
	Merged bool
}

// Hash is a content hash of g: "sha256:" and the SHA-256, in hex, of its nodes in id order and its
// edges in EdgeLess order, each as JSON. It depends on what the graph says, not on the order or
// layout of the files it came from; two graphs with the same hash are the same graph.
func (g *Graph) Hash() string {
	nodes := append([]*Node(nil), g.Nodes...)
	sort.Slice(nodes, func(i, j int) bool { return nodes[i].ID < nodes[j].ID })
	edges := append([]Edge(nil), g.Edges...)
	SortEdges(edges)
	h := sha256.New()
	enc := json.NewEncoder(h)
	for _, n := range nodes {
		_ = enc.Encode(n) // writes to a hash never fail; nodes hold nothing JSON cannot encode
	}
	for _, e := range edges {
		e.ID = "" // derived from the rest; stores may or may not keep it
		_ = enc.Encode(e)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}
