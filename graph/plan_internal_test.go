package graph

import (
	"reflect"
	"strings"
	"testing"
)

// TestPlannerKnowsEveryResolverOfANode holds the planner to the schema: every field of a node type
// or of Edge that has a resolver (and so reads the store) must be one the planner plans for, or it
// would read alone, once per parent, and a request's store calls would grow with its answer.
func TestPlannerKnowsEveryResolverOfANode(t *testing.T) {
	resolvers := map[string]reflect.Type{
		"FailureMode":        reflect.TypeFor[FailureModeResolver](),
		"Capability":         reflect.TypeFor[CapabilityResolver](),
		"Asset":              reflect.TypeFor[AssetResolver](),
		"Mitigation":         reflect.TypeFor[MitigationResolver](),
		"LegalConsideration": reflect.TypeFor[LegalConsiderationResolver](),
		"Reference":          reflect.TypeFor[ReferenceResolver](),
		"Stakeholder":        reflect.TypeFor[StakeholderResolver](),
		"AtlasTactic":        reflect.TypeFor[AtlasTacticResolver](),
		"AtlasTechnique":     reflect.TypeFor[AtlasTechniqueResolver](),
		"AtlasMitigation":    reflect.TypeFor[AtlasMitigationResolver](),
		"AtlasCaseStudy":     reflect.TypeFor[AtlasCaseStudyResolver](),
	}
	for typ, rt := range resolvers {
		for i := range rt.NumMethod() {
			field := strings.ToLower(rt.Method(i).Name[:1]) + rt.Method(i).Name[1:]
			_, neighbour := neighbourFields[typ][field]
			_, common := neighbourFields["Node"][field]
			_, edges := edgeFields[typ][field]
			other := field == "edges" || field == "degree" || (typ == "Capability" && field == "implies")
			if !neighbour && !common && !edges && !other {
				t.Errorf("%s.%s has a resolver the planner does not plan for (graph/plan.go)", typ, field)
			}
		}
	}
	edge := reflect.TypeFor[EdgeResolver]()
	for i := range edge.NumMethod() {
		switch edge.Method(i).Name {
		case "References", "SourceNode", "TargetNode":
		default:
			t.Errorf("Edge.%s has a resolver the planner does not plan for (graph/plan.go)", edge.Method(i).Name)
		}
	}
}
