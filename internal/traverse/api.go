package traverse

import (
	"context"

	"github.com/failgraph/failgraph/internal/kg"
)

// The methods below are the package's API. Their bodies live in the files named in each comment.

// Neighborhood returns the nodes within o.Depth edges of id and the edges among them
// (neighborhood.go). Unknown id: ENOTFOUND. Bad options: EINVALID naming the argument.
func (e *Engine) Neighborhood(ctx context.Context, id string, o NeighborhoodOpts) (*Subgraph, error) {
	return e.neighborhood(ctx, id, o)
}

// Subgraph returns the given nodes and every edge among them (neighborhood.go). Unknown ids: EINVALID naming "ids".
func (e *Engine) Subgraph(ctx context.Context, ids []string) (*Subgraph, error) {
	return e.subgraph(ctx, ids)
}

// Degree returns, for each id, the number of its edges of type rel (all types when rel is "") (neighborhood.go).
func (e *Engine) Degree(ctx context.Context, ids []string, rel kg.RelType) (map[string]int, error) {
	return e.degree(ctx, ids, rel)
}

// Paths returns up to o.Limit simple paths between from and to, shortest first, then by the
// sequence of node ids (paths.go). Edges are followed in either direction.
func (e *Engine) Paths(ctx context.Context, from, to string, o PathOpts) ([]Path, error) {
	return e.paths(ctx, from, to, o)
}

// Related returns up to first nodes of id's kind ranked by shared neighbours (related.go).
func (e *Engine) Related(ctx context.Context, id string, first int) ([]Relatedness, error) {
	return e.related(ctx, id, first)
}

// ThreatModel returns the failure modes that target any of assets and are feasible with only
// capabilities (closed under Capability.Implies), or every failure mode targeting them when
// capabilities is nil (audiences.go).
func (e *Engine) ThreatModel(ctx context.Context, assets, capabilities []string) (*ThreatModel, error) {
	return e.threatModel(ctx, assets, capabilities)
}

// Triage ranks failure modes consistent with the observed compromised properties and assets (audiences.go).
func (e *Engine) Triage(ctx context.Context, compromised []kg.SecurityProperty, assets []string) ([]TriageCandidate, error) {
	return e.triage(ctx, compromised, assets)
}

// LegalExposure returns the legal considerations a failure mode raises (audiences.go).
func (e *Engine) LegalExposure(ctx context.Context, failureMode string) (*LegalExposure, error) {
	return e.legalExposure(ctx, failureMode)
}

// LegalMatrix returns failure modes by legal considerations, optionally of one jurisdiction (audiences.go).
func (e *Engine) LegalMatrix(ctx context.Context, jurisdiction string) (*Matrix, error) {
	return e.legalMatrix(ctx, jurisdiction)
}

// CoverageGaps reports the thin places of the graph (audiences.go).
func (e *Engine) CoverageGaps(ctx context.Context) (*CoverageGaps, error) {
	return e.coverageGaps(ctx)
}
