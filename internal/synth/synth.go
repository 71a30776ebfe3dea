// Package synth makes deterministic synthetic graphs of any size with the mix of a real one: the
// same share of each node kind, the same number of edges of each relation type per node, and every
// rule the seed's validation checks (failure modes target assets and are mitigated, intentional ones
// require capabilities and raise legal questions, every claim cites a reference, no orphans). It is
// how failgraph is measured at 10k, 100k and a million nodes (`failgraph synth`).
//
// The graph is a chain of blocks the size of the template. Most edges stay inside their block, as
// the seed's edges stay inside one topic, and a few (CrossShare) join a node of another block, so a
// neighbourhood of a bounded depth has about the same size at any scale: the measures of a larger
// graph are measures of size, not of a bigger answer.
package synth

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/failgraph/failgraph/internal/kg"
)

// seedKinds and seedRels are the kinds and relation types seed files hold: the ATLAS layer
// (kg.Kind.IsAtlas) is imported from an ATLAS release file, never written as seed, so it is never
// generated either.
var (
	seedKinds = func() []kg.Kind {
		var out []kg.Kind
		for _, k := range kg.Kinds {
			if !k.IsAtlas() {
				out = append(out, k)
			}
		}
		return out
	}()
	seedRels = func() []kg.RelType {
		var out []kg.RelType
		for _, t := range kg.RelTypes {
			if !t.IsAtlas() {
				out = append(out, t)
			}
		}
		return out
	}()
)

// CrossShare is the share of the random (not required) edges whose far end is in another block.
const CrossShare = 0.05

// MinNodes is the smallest graph Generate makes: one node of every kind and enough references.
const MinNodes = 20

// Mix is the shape of a template graph: nodes of each kind, edges of each type, and the share of
// failure modes that are subtypes and that are unintentional.
type Mix struct {
	Nodes        map[kg.Kind]int
	Edges        map[kg.RelType]int
	Subtypes     int // failure modes with a SUBTYPE_OF parent
	Unintended   int // unintentional failure modes
	Total        int // nodes
	EdgesPerNode float64
}

// MixOf measures the mix of g.
func MixOf(g *kg.Graph) Mix {
	m := Mix{Nodes: map[kg.Kind]int{}, Edges: map[kg.RelType]int{}, Total: len(g.Nodes)}
	for _, n := range g.Nodes {
		m.Nodes[n.Kind]++
		if n.Kind == kg.KindFailureMode && n.Intent == kg.Unintentional {
			m.Unintended++
		}
	}
	for _, e := range g.Edges {
		m.Edges[e.Type]++
		if e.Type == kg.RelSubtypeOf {
			m.Subtypes++
		}
	}
	if m.Total > 0 {
		m.EdgesPerNode = float64(len(g.Edges)) / float64(m.Total)
	}
	return m
}

// Generate returns a graph of exactly nodes nodes with template's mix. The same arguments give the
// same graph, node for node and edge for edge. It fails for fewer than MinNodes nodes or a
// template without failure modes, mitigations, assets or references.
func Generate(nodes int, template Mix) (*kg.Graph, error) {
	if nodes < MinNodes {
		return nil, fmt.Errorf("synth: at least %d nodes, got %d", MinNodes, nodes)
	}
	for _, k := range []kg.Kind{kg.KindFailureMode, kg.KindMitigation, kg.KindAsset, kg.KindReference} {
		if template.Nodes[k] == 0 {
			return nil, fmt.Errorf("synth: the template has no %s", k)
		}
	}
	blockSize := max(template.Total, MinNodes)
	blocks := max(1, (nodes+blockSize/2)/blockSize)
	gen := &generator{mix: template, r: rand.New(rand.NewPCG(uint64(nodes), 0x5eed))}
	for b := 0; b < blocks; b++ {
		size := nodes / blocks
		if b < nodes%blocks {
			size++
		}
		gen.addNodes(b, size)
	}
	g := &kg.Graph{Nodes: gen.nodes}
	for b := range gen.blocks {
		g.Edges = append(g.Edges, gen.addEdges(b)...)
	}
	kg.SortEdges(g.Edges)
	return g, nil
}

type block struct {
	byKind   map[kg.Kind][]*kg.Node
	numbered []*kg.Node // failure modes with a number (possible parents)
}

type generator struct {
	mix    Mix
	r      *rand.Rand
	nodes  []*kg.Node
	blocks []*block
	number int // the last failure-mode number given
}

var prefixes = map[kg.Kind]string{
	kg.KindFailureMode: "fm", kg.KindCapability: "cap", kg.KindAsset: "asset", kg.KindMitigation: "mit",
	kg.KindLegal: "legal", kg.KindReference: "ref", kg.KindStakeholder: "sh",
}

// kindCounts shares size among the kinds by the template's proportions (largest remainder), with at
// least one of each kind and two references (a failure mode cites two).
func (g *generator) kindCounts(size int) map[kg.Kind]int {
	counts := map[kg.Kind]int{}
	type rem struct {
		k kg.Kind
		f float64
	}
	var rems []rem
	left := size
	for _, k := range seedKinds {
		exact := float64(size) * float64(g.mix.Nodes[k]) / float64(g.mix.Total)
		minimum := 1
		if k == kg.KindReference {
			minimum = 2
		}
		c := max(int(exact), minimum)
		counts[k] = c
		left -= c
		rems = append(rems, rem{k, exact - float64(int(exact))})
	}
	sort.SliceStable(rems, func(i, j int) bool { return rems[i].f > rems[j].f })
	for i := 0; left > 0; i = (i + 1) % len(rems) {
		counts[rems[i].k]++
		left--
	}
	for left < 0 { // the minimums took more than their share: take it back from the largest kinds
		big := kg.KindReference
		for _, k := range seedKinds {
			if counts[k] > counts[big] {
				big = k
			}
		}
		counts[big]--
		left++
	}
	return counts
}

var vocabulary = strings.Fields(`adversarial perturbation poisoning backdoor trigger inversion membership
inference extraction stealing evasion reprogramming supply chain dependency drift shift reward hacking
side effect exploration overfitting distribution corruption label noise gradient query budget
oracle surrogate transfer robustness certification audit provenance sanitisation monitoring
watermark differential privacy federated aggregation encoder classifier detector pipeline dataset
annotation deployment telemetry threshold sandbox governance disclosure liability consent`)

func (g *generator) words(n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = vocabulary[g.r.IntN(len(vocabulary))]
	}
	return strings.Join(w, " ")
}

func (g *generator) sentence(n int) string {
	s := g.words(n)
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

func pick[T any](r *rand.Rand, v []T) T { return v[r.IntN(len(v))] }

func (g *generator) addNodes(b, size int) {
	bl := &block{byKind: map[kg.Kind][]*kg.Node{}}
	g.blocks = append(g.blocks, bl)
	counts := g.kindCounts(size)
	fms := counts[kg.KindFailureMode]
	subtypes := fms * g.mix.Subtypes / max(1, g.mix.Nodes[kg.KindFailureMode])
	subtypes = min(subtypes, fms-1) // a subtype needs a numbered parent
	unintended := fms * g.mix.Unintended / max(1, g.mix.Nodes[kg.KindFailureMode])
	for _, k := range seedKinds {
		for i := 0; i < counts[k]; i++ {
			n := &kg.Node{ID: fmt.Sprintf("%s-%d-%d", prefixes[k], b, i), Kind: k,
				Name: strings.TrimSuffix(g.sentence(3), "."), Summary: g.sentence(24)}
			switch k {
			case kg.KindFailureMode:
				n.Origin = kg.OriginPaper
				n.Intent = kg.Intentional
				if i >= fms-unintended {
					n.Intent = kg.Unintentional
				}
				n.Compromises = []kg.SecurityProperty{pick(g.r, kg.SecurityProperties)}
				if n.Intent == kg.Intentional {
					n.Knowledge = []kg.Knowledge{pick(g.r, []kg.Knowledge{kg.BlackBox, kg.GrayBox, kg.WhiteBox})}
				}
				// Subtypes are the last intentional ones of the block; the rest carry a number.
				if !(i >= fms-unintended-subtypes && i < fms-unintended) {
					g.number++
					n.Number = g.number
					bl.numbered = append(bl.numbered, n)
				}
			case kg.KindCapability:
				n.Category = pick(g.r, []string{"attacker-capability", "knowledge", "access", "position"})
			case kg.KindAsset:
				n.Category = pick(g.r, []string{"data", "model", "system", "physical", "people"})
			case kg.KindMitigation:
				n.Category = pick(g.r, []string{"technical", "process", "detection", "governance"})
				n.Lifecycle = []string{pick(g.r, []string{"design", "data", "training", "deployment", "operations"})}
			case kg.KindLegal:
				n.Jurisdiction = pick(g.r, []string{"US", "EU", "UK", "International"})
				n.Instrument = pick(g.r, []string{"statute", "regulation", "directive", "case", "doctrine"})
				n.Citation = fmt.Sprintf("Synthetic Act %d-%d, s. %d", b, i, 1+g.r.IntN(90))
				n.Year = 1970 + g.r.IntN(56)
				n.InForceFrom = fmt.Sprintf("%04d-01-01", n.Year)
				n.Status, n.StatusAsOf = kg.StatusInForce, "2026-12-02"
			case kg.KindReference:
				n.Name = fmt.Sprintf("Synthetic %d-%d", b, i)
				n.Title = g.sentence(8)
				n.Authors = []string{"Author " + g.words(1), "Author " + g.words(1)}
				n.Year = 1990 + g.r.IntN(36)
				n.URL = fmt.Sprintf("https://example.org/synthetic/%d/%d", b, i)
				n.RefType = pick(g.r, []kg.RefType{kg.RefPaper, kg.RefReport, kg.RefWeb, kg.RefStandard})
				n.Summary = ""
			case kg.KindStakeholder:
				n.Questions = []string{strings.TrimSuffix(g.sentence(7), ".") + "?"}
			}
			bl.byKind[k] = append(bl.byKind[k], n)
			g.nodes = append(g.nodes, n)
		}
	}
}

// edgeSet builds one block's edges without duplicates.
type edgeSet struct {
	g      *generator
	b      int
	seen   map[string]bool
	edges  []kg.Edge
	counts map[kg.RelType]int
	cited  map[string]bool     // references cited by something
	citing map[string][]string // node id -> references it cites
}

func (s *edgeSet) add(t kg.RelType, src, dst *kg.Node) bool {
	if src.ID == dst.ID {
		return false
	}
	id := kg.EdgeID(t, src.ID, dst.ID)
	if s.seen[id] {
		return false
	}
	s.seen[id] = true
	s.counts[t]++
	e := kg.Edge{ID: id, Type: t, Source: src.ID, Target: dst.ID, Basis: kg.BasisCitedWork, Confidence: kg.ConfidenceHigh}
	if t != kg.RelCites {
		// A claim cites one or two references of its block; its source cites them too, as the
		// seed's loader adds those CITES edges.
		// Mostly references the source cites already, as in the seed.
		refs := s.g.blocks[s.b].byKind[kg.KindReference]
		n := 1 + s.g.r.IntN(2)
		for i := 0; i < n; i++ {
			r := pick(s.g.r, refs).ID
			if own := s.citing[src.ID]; len(own) > 0 && s.g.r.Float64() < 0.85 {
				r = pick(s.g.r, own)
			}
			if !containsID(e.Refs, r) {
				e.Refs = append(e.Refs, r)
			}
		}
		sort.Strings(e.Refs)
		for _, r := range e.Refs {
			s.cite(src.ID, r)
		}
		switch t {
		case kg.RelMitigates:
			e.Strength = pick(s.g.r, []kg.Strength{kg.StrengthStrong, kg.StrengthPartial, kg.StrengthPartial, kg.StrengthDetectOnly})
		case kg.RelRaises, kg.RelConcernedWith:
			e.Note = strings.TrimSuffix(s.g.sentence(10), ".") + "?"
		}
	}
	s.edges = append(s.edges, e)
	return true
}

func (s *edgeSet) cite(src, ref string) {
	id := kg.EdgeID(kg.RelCites, src, ref)
	if s.seen[id] {
		return
	}
	s.seen[id] = true
	s.counts[kg.RelCites]++
	s.cited[ref] = true
	s.citing[src] = append(s.citing[src], ref)
	s.edges = append(s.edges, kg.Edge{ID: id, Type: kg.RelCites, Source: src, Target: ref,
		Basis: kg.BasisCitedWork, Confidence: kg.ConfidenceHigh})
}

func containsID(v []string, id string) bool {
	for _, x := range v {
		if x == id {
			return true
		}
	}
	return false
}

// other picks a node of kind k (any kind when k is "") for the far end of an edge from block b:
// mostly in b, CrossShare of the time in another block.
func (g *generator) other(b int, k kg.Kind) *kg.Node {
	if len(g.blocks) > 1 && g.r.Float64() < CrossShare {
		b = g.r.IntN(len(g.blocks))
	}
	bl := g.blocks[b]
	if k == "" {
		k = seedKinds[g.r.IntN(len(seedKinds))]
	}
	return pick(g.r, bl.byKind[k])
}

func (g *generator) addEdges(b int) []kg.Edge {
	bl := g.blocks[b]
	s := &edgeSet{g: g, b: b, seen: map[string]bool{}, counts: map[kg.RelType]int{}, cited: map[string]bool{}, citing: map[string][]string{}}
	local := func(k kg.Kind) *kg.Node { return pick(g.r, bl.byKind[k]) }

	// What the seed's rules require of every node: its own citations first, then its claims.
	for _, k := range seedKinds {
		if k == kg.KindReference {
			continue
		}
		need := 1
		if k == kg.KindFailureMode {
			need = 2
		}
		refs := bl.byKind[kg.KindReference]
		for i, n := range bl.byKind[k] {
			for j := 0; j < need; j++ {
				s.cite(n.ID, refs[(i*need+j)%len(refs)].ID)
			}
		}
	}
	for _, fm := range bl.byKind[kg.KindFailureMode] {
		if fm.Number == 0 { // a subtype: a numbered parent of the same intent
			var parents []*kg.Node
			for _, p := range bl.numbered {
				if p.Intent == fm.Intent {
					parents = append(parents, p)
				}
			}
			if len(parents) == 0 {
				parents = bl.numbered
				fm.Intent = parents[0].Intent
			}
			s.add(kg.RelSubtypeOf, fm, pick(g.r, parents))
		}
		s.add(kg.RelTargets, fm, local(kg.KindAsset))
		s.add(kg.RelMitigates, local(kg.KindMitigation), fm)
		if fm.Intent == kg.Intentional {
			s.add(kg.RelRequires, fm, local(kg.KindCapability))
			if fm.Number != 0 {
				s.add(kg.RelRaises, fm, local(kg.KindLegal))
			}
		}
	}
	for _, m := range bl.byKind[kg.KindMitigation] {
		s.add(kg.RelMitigates, m, local(kg.KindFailureMode))
	}
	for _, sh := range bl.byKind[kg.KindStakeholder] {
		s.add(kg.RelConcernedWith, sh, local(kg.KindFailureMode))
	}
	// Every reference is cited by something in its block.
	for _, r := range bl.byKind[kg.KindReference] {
		if !s.cited[r.ID] {
			s.cite(local(kg.KindFailureMode).ID, r.ID)
		}
	}

	// Then random edges up to the template's count of each type, scaled to the block.
	size := 0
	for _, v := range bl.byKind {
		size += len(v)
	}
	for _, t := range seedRels {
		want := int(float64(g.mix.Edges[t])*float64(size)/float64(g.mix.Total) + 0.5)
		ends, _ := kg.Schema(t)
		for tries := 0; s.counts[t] < want && tries < 20*want; tries++ {
			switch t {
			case kg.RelSubtypeOf: // a failure mode has one parent: only the required edges
				tries = 20 * want
				continue
			}
			sk := ends.Source
			for sk == "" || sk == kg.KindReference { // references cite nothing in the seed
				sk = seedKinds[g.r.IntN(len(seedKinds))]
			}
			src := local(sk)
			if t == kg.RelCites {
				s.cite(src.ID, g.other(b, kg.KindReference).ID)
				continue
			}
			if t == kg.RelRequires && src.Intent == kg.Unintentional {
				continue
			}
			s.add(t, src, g.other(b, ends.Target))
		}
	}
	return s.edges
}
