// Package export writes the graph, or the neighbourhood of one node, in the formats the field's
// tools read: STIX 2.1 (threat-intelligence platforms), an ATLAS Navigator layer, GraphML
// (NetworkX, Gephi, yEd), Cytoscape.js JSON, BibTeX, CSV tables (the paper's failure-mode table,
// the legal matrix, mitigation coverage) and RDF Turtle. Every format is read back by its reference
// library in the tests (internal/export/consumers_test.go).
//
// Exports are deterministic: the same graph gives the same bytes, so an export's hash is a sound
// ETag and STIX ids (UUIDv5 from failgraph ids) are stable across exports.
package export

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/traverse"
)

// Options narrow an export.
type Options struct {
	// Focus, when set, exports the neighbourhood of this node instead of the whole graph, Depth
	// hops out (1 when 0; at most kg.MaxDepth).
	Focus string
	Depth int
	// Jurisdiction narrows the legal matrix (csv-legal-matrix); empty: every jurisdiction.
	Jurisdiction string
	// Assets and Capabilities make the Navigator layer one threat model's: the failure modes that
	// threaten these assets from an attacker with these capabilities (traverse.ThreatModel).
	Assets, Capabilities []string
}

// Format is one export format.
type Format struct {
	Name        string // as --format and /export/NAME take it
	ContentType string
	Ext         string // file name extension, with the dot
	Description string
	write       func(ctx context.Context, x *Exporter, in *input, w io.Writer) error
}

var formats = []Format{
	{"stix", "application/stix+json;version=2.1", ".json", "STIX 2.1 bundle: failure modes and ATLAS techniques as attack patterns, mitigations as courses of action, relationships, ATLAS case studies as campaigns", writeSTIX},
	{"navigator", "application/json", ".json", "ATLAS Navigator layer (format 4.5, domain atlas-atlas): ATLAS techniques scored by the failure modes, mitigations and case studies that touch them; with assets/capabilities, one threat model's layer", writeNavigator},
	{"graphml", "application/graphml+xml", ".graphml", "GraphML: every node and edge with its attributes (NetworkX, Gephi, yEd)", writeGraphML},
	{"cytoscape", "application/json", ".cyjs", "Cytoscape.js elements JSON", writeCytoscape},
	{"bibtex", "application/x-bibtex; charset=utf-8", ".bib", "BibTeX of the references (all, or those the focus neighbourhood holds)", writeBibTeX},
	{"csv-failure-modes", "text/csv; charset=utf-8; header=present", ".csv", "CSV: the paper's table of failure modes (number, name, intent, CIA, box, access column)", writeFailureModesCSV},
	{"csv-legal-matrix", "text/csv; charset=utf-8; header=present", ".csv", "CSV: the legal matrix, failure modes by legal considerations, cells the questions raised", writeLegalMatrixCSV},
	{"csv-mitigations", "text/csv; charset=utf-8; header=present", ".csv", "CSV: mitigation coverage, mitigations by failure modes, cells the strength", writeMitigationsCSV},
	{"turtle", "text/turtle; charset=utf-8", ".ttl", "RDF Turtle: failgraph's small vocabulary plus SKOS (concepts, labels, crosswalk matches)", writeTurtle},
}

// Formats returns every format, in a fixed order.
func Formats() []Format { return slices.Clone(formats) }

// Names returns the names of every format.
func Names() []string {
	out := make([]string, len(formats))
	for i, f := range formats {
		out[i] = f.Name
	}
	return out
}

// Lookup returns the format called name, or EINVALID naming the formats there are.
func Lookup(name string) (Format, error) {
	for _, f := range formats {
		if f.Name == name {
			return f, nil
		}
	}
	return Format{}, kg.Errorf(kg.EINVALID, "format", "unknown format %q (want one of %s)", name, strings.Join(Names(), ", "))
}

// FileName is the download file name of an export.
func (f Format) FileName(o Options) string {
	name := "failgraph"
	if o.Focus != "" {
		name += "-" + o.Focus + fmt.Sprintf("-depth%d", depth(o))
	}
	return name + "-" + f.Name + f.Ext
}

// Exporter writes exports of a store's graph.
type Exporter struct {
	store  kg.Store
	engine *traverse.Engine
}

// New returns an exporter over store.
func New(store kg.Store) *Exporter { return &Exporter{store: store, engine: traverse.New(store)} }

// Result is a finished export.
type Result struct {
	Format Format
	Body   []byte
	ETag   string // a strong validator: the quoted hash of Body
}

// Export writes format of the graph (or of o.Focus's neighbourhood) into memory: an error leaves
// nothing half written. Bad options are EINVALID naming the option.
func (x *Exporter) Export(ctx context.Context, format string, o Options) (*Result, error) {
	f, err := Lookup(format)
	if err != nil {
		return nil, err
	}
	in, err := x.collect(ctx, o)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := f.write(ctx, x, in, &b); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b.Bytes())
	return &Result{Format: f, Body: b.Bytes(), ETag: `"` + hex.EncodeToString(sum[:16]) + `"`}, nil
}

// input is what the writers read: the nodes and edges to export, indexed.
type input struct {
	opts  Options
	nodes []*kg.Node // kind (kg.Kinds order), then NodeLess
	edges []kg.Edge  // EdgeLess order, both ends in nodes
	byID  map[string]*kg.Node
	out   map[string][]kg.Edge // each node's outgoing edges, EdgeLess order
}

func depth(o Options) int {
	if o.Depth == 0 {
		return 1
	}
	return o.Depth
}

// collect reads the whole graph, or the focus's neighbourhood.
func (x *Exporter) collect(ctx context.Context, o Options) (*input, error) {
	in := &input{opts: o, byID: map[string]*kg.Node{}}
	if o.Focus != "" {
		if _, err := x.store.Node(ctx, o.Focus); kg.ErrorCode(err) == kg.ENOTFOUND {
			return nil, kg.Errorf(kg.ENOTFOUND, "focus", "no node with id %q", o.Focus)
		} else if err != nil {
			return nil, err
		}
		sub, err := x.engine.Neighborhood(ctx, o.Focus, traverse.NeighborhoodOpts{Depth: depth(o), Limit: kg.MaxLimit})
		if err != nil {
			return nil, err
		}
		in.nodes, in.edges = sub.Nodes, sub.Edges
	} else {
		for _, k := range kg.Kinds {
			ns, err := x.store.List(ctx, kg.Filter{Kind: k})
			if err != nil {
				return nil, err
			}
			in.nodes = append(in.nodes, ns...)
		}
		ids := make([]string, len(in.nodes))
		for i, n := range in.nodes {
			ids[i] = n.ID
		}
		adj, err := x.store.Adjacent(ctx, ids, kg.Out, nil)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			in.edges = append(in.edges, adj[id]...)
		}
	}
	slices.SortStableFunc(in.nodes, func(a, b *kg.Node) int {
		if a.Kind != b.Kind {
			return slices.Index(kg.Kinds, a.Kind) - slices.Index(kg.Kinds, b.Kind)
		}
		switch {
		case kg.NodeLess(a, b):
			return -1
		case kg.NodeLess(b, a):
			return 1
		}
		return 0
	})
	kg.SortEdges(in.edges)
	in.out = map[string][]kg.Edge{}
	for _, n := range in.nodes {
		in.byID[n.ID] = n
	}
	for _, e := range in.edges {
		in.out[e.Source] = append(in.out[e.Source], e)
	}
	return in, nil
}

// ofKind returns the nodes of kind k, in list order.
func (in *input) ofKind(k kg.Kind) []*kg.Node {
	var out []*kg.Node
	for _, n := range in.nodes {
		if n.Kind == k {
			out = append(out, n)
		}
	}
	return out
}

// ofType returns the edges of type t.
func (in *input) ofType(t kg.RelType) []kg.Edge {
	var out []kg.Edge
	for _, e := range in.edges {
		if e.Type == t {
			out = append(out, e)
		}
	}
	return out
}
