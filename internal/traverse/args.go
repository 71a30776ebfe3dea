package traverse

import (
	"context"

	"github.com/failgraph/failgraph/internal/kg"
)

// The argument checks the questions share. Each is EINVALID naming the argument, with the same
// message for the same mistake whichever question it is made in.

// checkLen refuses a list argument of more than kg.MaxIDs entries.
func checkLen(arg string, n int) error {
	if n > kg.MaxIDs {
		return kg.Errorf(kg.EINVALID, arg, "at most %d ids, got %d", kg.MaxIDs, n)
	}
	return nil
}

// idArg is one list argument naming nodes of one kind.
type idArg struct {
	name string
	ids  []string
	kind kg.Kind
}

// checkIDArgs validates list arguments in one Nodes call: too long, unknown ids and ids of another
// kind are EINVALID naming the argument, the arguments checked in the order given. It returns the
// nodes found, by id.
func (e *Engine) checkIDArgs(ctx context.Context, args ...idArg) (map[string]*kg.Node, error) {
	var all []string
	for _, a := range args {
		if err := checkLen(a.name, len(a.ids)); err != nil {
			return nil, err
		}
		all = append(all, a.ids...)
	}
	byID, err := e.nodeMap(ctx, kg.DistinctIDs(all))
	if err != nil {
		return nil, err
	}
	for _, a := range args {
		for _, id := range a.ids {
			if err := checkKind(a.name, id, byID[id], a.kind); err != nil {
				return nil, err
			}
		}
	}
	return byID, nil
}

// checkKind refuses n, read for id, when it is nil or (when kind is not empty) of another kind.
func checkKind(arg, id string, n *kg.Node, kind kg.Kind) error {
	switch {
	case n == nil:
		return kg.Errorf(kg.EINVALID, arg, "no node with id %q", id)
	case kind != "" && n.Kind != kind:
		return kg.Errorf(kg.EINVALID, arg, "%q is a %s, not a %s", id, n.Kind, kind)
	}
	return nil
}

// checkKinds validates a kinds argument and returns it as a set (nil for all kinds).
func checkKinds(arg string, ks []kg.Kind) (map[kg.Kind]bool, error) {
	if len(ks) == 0 {
		return nil, nil
	}
	set := make(map[kg.Kind]bool, len(ks))
	for _, k := range ks {
		if !k.Valid() {
			return nil, kg.Errorf(kg.EINVALID, arg, "unknown node kind %q", k)
		}
		set[k] = true
	}
	return set, nil
}

// checkRelations validates a relations argument and returns it deduplicated (nil for all types).
func checkRelations(arg string, rs []kg.RelType) ([]kg.RelType, error) {
	if len(rs) == 0 {
		return nil, nil
	}
	out := make([]kg.RelType, 0, len(rs))
	seen := map[kg.RelType]bool{}
	for _, r := range rs {
		if !r.Valid() {
			return nil, kg.Errorf(kg.EINVALID, arg, "unknown relation type %q", r)
		}
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out, nil
}
