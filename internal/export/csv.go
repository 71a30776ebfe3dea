package export

import (
	"context"
	"encoding/csv"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/traverse"
)

// CSV tables, RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote or line break,
// quotes doubled, a header row.

func writeCSV(w io.Writer, rows [][]string) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}

// FailureModeColumns is the header of csv-failure-modes: the paper's table, one row per failure
// mode (numbered ones in the paper's order, then subtypes).
var FailureModeColumns = []string{"number", "id", "name", "intent", "parent", "confidentiality", "integrity", "availability", "safety", "black_box", "gray_box", "white_box", "violates_access_authorization", "access_commentary"}

func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

func writeFailureModesCSV(_ context.Context, _ *Exporter, in *input, w io.Writer) error {
	parent := map[string]string{}
	for _, e := range in.ofType(kg.RelSubtypeOf) {
		parent[e.Source] = e.Target
	}
	rows := [][]string{FailureModeColumns}
	for _, n := range in.ofKind(kg.KindFailureMode) {
		access := ""
		if n.ViolatesAccessAuthorization != nil {
			access = yesNo(*n.ViolatesAccessAuthorization)
		}
		rows = append(rows, []string{intOrEmpty(n.Number), n.ID, n.Name, strings.ToLower(string(n.Intent)), parent[n.ID],
			yesNo(slices.Contains(n.Compromises, kg.Confidentiality)), yesNo(slices.Contains(n.Compromises, kg.Integrity)),
			yesNo(slices.Contains(n.Compromises, kg.Availability)), yesNo(slices.Contains(n.Compromises, kg.Safety)),
			yesNo(slices.Contains(n.Knowledge, kg.BlackBox)), yesNo(slices.Contains(n.Knowledge, kg.GrayBox)),
			yesNo(slices.Contains(n.Knowledge, kg.WhiteBox)), access, n.AccessCommentary})
	}
	return writeCSV(w, rows)
}

// writeLegalMatrixCSV writes traverse.LegalMatrix (the legal matrix the API serves): a row per
// failure mode, a column per legal consideration (jurisdiction, then id; the header names each as
// "id (jurisdiction)"), each cell the question the failure mode raises under it or empty. With a
// focus, only the failure modes and considerations of the neighbourhood are kept.
func writeLegalMatrixCSV(ctx context.Context, x *Exporter, in *input, w io.Writer) error {
	m, err := x.engine.LegalMatrix(ctx, in.opts.Jurisdiction)
	if err != nil {
		return err
	}
	return writeCSV(w, legalRows(m, in))
}

func legalRows(m *traverse.Matrix, in *input) [][]string {
	keep := func(n *kg.Node) bool { return in.opts.Focus == "" || in.byID[n.ID] != nil }
	var cols []int
	header := []string{"failure_mode", "name"}
	for j, c := range m.Columns {
		if keep(c) {
			cols = append(cols, j)
			header = append(header, c.ID+" ("+c.Jurisdiction+")")
		}
	}
	rows := [][]string{header}
	for i, r := range m.Rows {
		if !keep(r) {
			continue
		}
		row := []string{r.ID, r.Name}
		for _, j := range cols {
			cell := ""
			if e := m.Cells[i][j]; e != nil {
				cell = e.Note
				if cell == "" {
					cell = "raised"
				}
			}
			row = append(row, cell)
		}
		rows = append(rows, row)
	}
	return rows
}

// writeMitigationsCSV writes mitigation coverage: a row per mitigation, a column per failure mode
// (the paper's order), each cell the strength of the MITIGATES edge or empty, and a last column
// counting the failure modes it answers.
func writeMitigationsCSV(_ context.Context, _ *Exporter, in *input, w io.Writer) error {
	fms := in.ofKind(kg.KindFailureMode)
	header := []string{"mitigation", "name", "category"}
	for _, f := range fms {
		header = append(header, f.ID)
	}
	header = append(header, "failure_modes_covered")
	strength := map[[2]string]string{}
	for _, e := range in.ofType(kg.RelMitigates) {
		strength[[2]string{e.Source, e.Target}] = string(e.Strength)
	}
	rows := [][]string{header}
	for _, m := range in.ofKind(kg.KindMitigation) {
		row := []string{m.ID, m.Name, m.Category}
		covered := 0
		for _, f := range fms {
			s := strength[[2]string{m.ID, f.ID}]
			if s != "" {
				covered++
			}
			row = append(row, s)
		}
		rows = append(rows, append(row, strconv.Itoa(covered)))
	}
	return writeCSV(w, rows)
}
