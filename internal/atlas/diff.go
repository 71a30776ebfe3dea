package atlas

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/failgraph/failgraph/internal/kg"
)

// Renamed is an object whose id stayed and whose name changed.
type Renamed struct {
	ID, ObjectType, OldName, NewName string
}

// Moved is an object that left one id and reappears, with the same name and type, under another.
type Moved struct {
	OldID, NewID, ObjectType, Name string
}

// TacticChange is a technique whose tactics changed between two releases (sub-techniques without
// tactics of their own inherit their parent's).
type TacticChange struct {
	ID, Name      string
	Old, New      []string
	Added, Remove []string
}

// Diff is what changed from one release to the next.
type Diff struct {
	OldVersion, NewVersion string
	Added, Removed         []Object
	Renamed                []Renamed
	Moved                  []Moved
	TacticChanges          []TacticChange
}

// Compare returns the differences between old and new, each list in id order.
func Compare(old, new *Release) *Diff {
	d := &Diff{OldVersion: old.Version, NewVersion: new.Version}
	oi, ni := old.Index(), new.Index()
	for _, o := range new.Objects() {
		if p, ok := oi[o.ID]; !ok {
			d.Added = append(d.Added, o)
		} else if p.Name != o.Name {
			d.Renamed = append(d.Renamed, Renamed{ID: o.ID, ObjectType: o.ObjectType, OldName: p.Name, NewName: o.Name})
		}
	}
	for _, o := range old.Objects() {
		if _, ok := ni[o.ID]; !ok {
			d.Removed = append(d.Removed, o)
		}
	}
	for _, r := range d.Removed {
		for _, a := range d.Added {
			if a.ObjectType == r.ObjectType && strings.EqualFold(a.Name, r.Name) {
				d.Moved = append(d.Moved, Moved{OldID: r.ID, NewID: a.ID, ObjectType: a.ObjectType, Name: a.Name})
			}
		}
	}
	ot, nt := old.TechniqueByID(), new.TechniqueByID()
	for i := range new.Techniques {
		t := &new.Techniques[i]
		p, ok := ot[t.ID]
		if !ok {
			continue
		}
		was, is := old.EffectiveTactics(p, ot), new.EffectiveTactics(t, nt)
		if !slices.Equal(was, is) {
			d.TacticChanges = append(d.TacticChanges, TacticChange{ID: t.ID, Name: t.Name, Old: was, New: is,
				Added: minus(is, was), Remove: minus(was, is)})
		}
	}
	byID := func(a, b Object) int { return strings.Compare(a.ID, b.ID) }
	slices.SortFunc(d.Added, byID)
	slices.SortFunc(d.Removed, byID)
	sort.Slice(d.Renamed, func(i, j int) bool { return d.Renamed[i].ID < d.Renamed[j].ID })
	sort.Slice(d.TacticChanges, func(i, j int) bool { return d.TacticChanges[i].ID < d.TacticChanges[j].ID })
	return d
}

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// Write prints d for people: a summary line, then one line per change.
func (d *Diff) Write(w io.Writer) {
	fmt.Fprintf(w, "ATLAS %s -> %s: %d added, %d removed, %d renamed, %d moved to a new id, %d techniques changed tactic\n",
		d.OldVersion, d.NewVersion, len(d.Added), len(d.Removed), len(d.Renamed), len(d.Moved), len(d.TacticChanges))
	for _, o := range d.Added {
		fmt.Fprintf(w, "added    %-14s %-10s %s\n", o.ID, o.ObjectType, o.Name)
	}
	for _, o := range d.Removed {
		fmt.Fprintf(w, "removed  %-14s %-10s %s\n", o.ID, o.ObjectType, o.Name)
	}
	for _, r := range d.Renamed {
		fmt.Fprintf(w, "renamed  %-14s %-10s %q -> %q\n", r.ID, r.ObjectType, r.OldName, r.NewName)
	}
	for _, m := range d.Moved {
		fmt.Fprintf(w, "moved    %-14s %-10s %s -> %s (%s)\n", m.OldID, m.ObjectType, m.OldID, m.NewID, m.Name)
	}
	for _, t := range d.TacticChanges {
		fmt.Fprintf(w, "tactics  %-14s %-10s %s: [%s] -> [%s]\n", t.ID, TypeTechnique, t.Name, strings.Join(t.Old, " "), strings.Join(t.New, " "))
	}
}

// The reasons a crosswalk id is stale.
const (
	ReasonMissing = "missing" // the release has no object with this id
	ReasonRenamed = "renamed" // the release calls it something else
)

// Stale is a crosswalk id of the seed that does not match the release.
type Stale struct {
	Node      string // the seed node that cites it
	AtlasID   string
	CitedName string
	Edition   string // the edition the seed cites
	Reason    string
	Release   string // the release's version
	Name      string // the release's name for it, when it has the id
}

func (s Stale) String() string {
	switch s.Reason {
	case ReasonMissing:
		return fmt.Sprintf("%s cites %s (%q, edition %s), which ATLAS %s does not have", s.Node, s.AtlasID, s.CitedName, s.Edition, s.Release)
	case ReasonRenamed:
		return fmt.Sprintf("%s cites %s as %q; ATLAS %s calls it %q", s.Node, s.AtlasID, s.CitedName, s.Release, s.Name)
	default:
		return fmt.Sprintf("%s cites %s from edition %s; the loaded release is %s", s.Node, s.AtlasID, s.Edition, s.Release)
	}
}

func checkOne(n *kg.Node, x kg.ExternalID, idx map[string]Object, version string) (Stale, bool) {
	s := Stale{Node: n.ID, AtlasID: x.ID, CitedName: x.Name, Edition: x.Edition, Release: version}
	o, ok := idx[x.ID]
	switch {
	case !ok:
		s.Reason = ReasonMissing
	case o.Name != x.Name:
		s.Reason, s.Name = ReasonRenamed, o.Name
	default:
		return s, false
	}
	return s, true
}

// Check lists every MITRE ATLAS crosswalk id of g that release r does not have or names
// differently, in node then id order.
func Check(r *Release, g *kg.Graph) []Stale {
	idx := r.Index()
	var out []Stale
	for _, n := range g.Nodes {
		for _, x := range n.ExternalIDs {
			if x.Framework != Framework {
				continue
			}
			if s, stale := checkOne(n, x, idx, r.Version); stale {
				out = append(out, s)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Node != out[j].Node {
			return out[i].Node < out[j].Node
		}
		return out[i].AtlasID < out[j].AtlasID
	})
	return out
}
