package neo4jstore

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/failgraph/failgraph/internal/kg"
)

// The offline bulk load: WriteImport writes a graph as the CSV files of `neo4j-admin database
// import full`, which scripts/neo4j.sh import runs with the server stopped (it replaces the whole
// database), and FinishImport, once the server is up again, builds the schema, checks that the
// database holds what the files held and records the load. Between the import and the end of
// FinishImport the database has the graph but no indexes and no record (Stats.Loaded is nil). It is
// the load for an empty database or one whose graph may go: unlike Load it is not atomic, and
// nothing of the previous graph survives it.
//
// The files hold exactly the properties that Load writes (nodeProps, edgeProps): the same reads
// decode them.

// ImportManifest is what WriteImport wrote: import.json in the directory.
type ImportManifest struct {
	Hash  string             `json:"hash"`
	Nodes map[kg.Kind]int    `json:"nodes"`
	Edges map[kg.RelType]int `json:"edges"`
	// Args are the options of `neo4j-admin database import full` (one a line in import.args),
	// with file names relative to the directory.
	Args []string `json:"args"`
}

// Files of an import directory.
const (
	ImportManifestFile = "import.json"
	ImportArgsFile     = "import.args"
)

// importArrayDelimiter separates the elements of a list property inside its CSV field: the unit
// separator, which no seed text contains (WriteImport refuses a value that does).
const importArrayDelimiter = '\x1f'

// importColumn is one property of a node file, with its neo4j-admin type.
type importColumn struct{ key, typ string }

// nodeColumns are every property nodeProps writes except the id, which is the :ID column.
var nodeColumns = []importColumn{
	{pName, ""}, {pSummary, ""}, {pAliases, "string[]"}, {pNotes, "string[]"}, {pNumber, "long"},
	{pIntent, ""}, {pCompromises, "string[]"}, {pKnowledge, "string[]"}, {pViolatesAccessAuthorization, "boolean"},
	{pAccessCommentary, ""}, {pExample, ""}, {pSeverity, ""}, {pExternalIDs, ""}, {pCategory, ""},
	{pImplies, "string[]"}, {pLifecycle, "string[]"}, {pJurisdiction, ""}, {pInstrument, ""}, {pCitation, ""},
	{pYear, "long"}, {pTitle, ""}, {pAuthors, "string[]"}, {pVenue, ""}, {pDOI, ""}, {pArXiv, ""}, {pURL, ""},
	{pRefType, ""}, {pQuestions, "string[]"}, {pAtlasID, ""}, {pAtlasRelease, ""}, {pMaturity, ""},
	{pCaseStudyType, ""}, {pIncidentDate, ""}, {pOrigin, ""}, {pOriginSources, "string[]"}, {pInForceFrom, ""},
	{pAppliesFrom, ""}, {pStatus, ""}, {pStatusAsOf, ""}, {pSearchText, ""},
}

// edgeColumns are every property edgeProps writes.
var edgeColumns = []importColumn{
	{pNote, ""}, {pStrength, ""}, {pRefs, "string[]"}, {pBasis, ""}, {pConfidence, ""}, {pReason, ""},
}

func header(first []string, cols []importColumn) []string {
	h := append([]string{}, first...)
	for _, c := range cols {
		if c.typ == "" {
			h = append(h, c.key)
		} else {
			h = append(h, c.key+":"+c.typ)
		}
	}
	return h
}

// importFile writes one CSV file and notes whether any field spans lines.
type importFile struct {
	f         *os.File
	w         *csv.Writer
	multiline bool
}

func createImportFile(path string, head []string) (*importFile, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	w := csv.NewWriter(f)
	if err := w.Write(head); err != nil {
		f.Close()
		return nil, err
	}
	return &importFile{f: f, w: w}, nil
}

func (f *importFile) close() error {
	f.w.Flush()
	err := f.w.Error()
	if cerr := f.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// fields turns a property map into the CSV fields of cols; empty fields are absent properties
// (--ignore-empty-strings). It fails on a key that cols lack or a value the format cannot carry.
func (f *importFile) fields(first []string, p map[string]any, cols []importColumn, skip string) ([]string, error) {
	out := append([]string{}, first...)
	used := 0
	if _, ok := p[skip]; ok && skip != "" {
		used++
	}
	for _, c := range cols {
		v, ok := p[c.key]
		if !ok {
			out = append(out, "")
			continue
		}
		used++
		var s string
		switch v := v.(type) {
		case string:
			s = v
		case int64:
			s = strconv.FormatInt(v, 10)
		case bool:
			s = strconv.FormatBool(v)
		case []string:
			for _, x := range v {
				if x == "" {
					return nil, fmt.Errorf("property %q holds an empty string, which the import format cannot carry", c.key)
				}
				if strings.ContainsRune(x, importArrayDelimiter) {
					return nil, fmt.Errorf("property %q holds the control character U+001F", c.key)
				}
			}
			s = strings.Join(v, string(importArrayDelimiter))
		default:
			// A named string type (kg.Strength), which the driver sends as a string.
			if rv := reflect.ValueOf(v); rv.Kind() == reflect.String {
				s = rv.String()
				break
			}
			return nil, fmt.Errorf("property %q has type %T, which the import format does not carry", c.key, v)
		}
		if strings.ContainsAny(s, "\r\n") {
			f.multiline = true
		}
		out = append(out, s)
	}
	if used != len(p) {
		return nil, fmt.Errorf("%d properties but the import format has columns for %d of them", len(p), used)
	}
	return out, nil
}

// WriteImport checks g as Load does and writes it into dir (created if needed) as the CSV files of
// `neo4j-admin database import full`: one per node kind (labels :Node and the kind) and one per
// relationship type, with import.args (the tool's options) and import.json (the manifest).
// progress, when set, is called after each file with the rows written so far and the total.
func WriteImport(dir string, g *kg.Graph, progress func(done, total int)) (*ImportManifest, error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	m := &ImportManifest{Hash: g.Hash(), Nodes: map[kg.Kind]int{}, Edges: map[kg.RelType]int{}}
	byKind := map[kg.Kind][]*kg.Node{}
	for _, n := range g.Nodes {
		byKind[n.Kind] = append(byKind[n.Kind], n)
	}
	byType := map[kg.RelType][]kg.Edge{}
	for _, e := range g.Edges {
		byType[e.Type] = append(byType[e.Type], e)
	}
	total, done := len(g.Nodes)+len(g.Edges), 0
	multiline := false
	var args []string
	for _, k := range kg.Kinds {
		if len(byKind[k]) == 0 {
			continue
		}
		name := "nodes-" + string(k) + ".csv"
		f, err := createImportFile(filepath.Join(dir, name), header([]string{pID + ":ID"}, nodeColumns))
		if err != nil {
			return nil, err
		}
		for _, n := range byKind[k] {
			p, err := nodeProps(n)
			if err == nil {
				var rec []string
				if rec, err = f.fields([]string{n.ID}, p, nodeColumns, pID); err == nil {
					err = f.w.Write(rec)
				}
			}
			if err != nil {
				f.close()
				return nil, fmt.Errorf("node %q: %w", n.ID, err)
			}
		}
		if err := f.close(); err != nil {
			return nil, err
		}
		multiline = multiline || f.multiline
		m.Nodes[k] = len(byKind[k])
		args = append(args, "--nodes=Node:"+string(k)+"="+name)
		done += len(byKind[k])
		if progress != nil {
			progress(done, total)
		}
	}
	for _, t := range kg.RelTypes {
		if len(byType[t]) == 0 {
			continue
		}
		name := "relationships-" + string(t) + ".csv"
		f, err := createImportFile(filepath.Join(dir, name), header([]string{":START_ID", ":END_ID"}, edgeColumns))
		if err != nil {
			return nil, err
		}
		for _, e := range byType[t] {
			rec, err := f.fields([]string{e.Source, e.Target}, edgeProps(e), edgeColumns, "")
			if err == nil {
				err = f.w.Write(rec)
			}
			if err != nil {
				f.close()
				return nil, fmt.Errorf("relation %s: %w", kg.EdgeID(e.Type, e.Source, e.Target), err)
			}
		}
		if err := f.close(); err != nil {
			return nil, err
		}
		multiline = multiline || f.multiline
		m.Edges[t] = len(byType[t])
		args = append(args, "--relationships="+string(t)+"="+name)
		done += len(byType[t])
		if progress != nil {
			progress(done, total)
		}
	}
	m.Args = append([]string{
		"--id-type=string",
		"--ignore-empty-strings=true",
		"--array-delimiter=U+001F",
		"--bad-tolerance=0",
		"--skip-bad-relationships=false",
		"--skip-duplicate-nodes=false",
		"--strict=true",
		"--multiline-fields=" + strconv.FormatBool(multiline),
	}, args...)
	if err := os.WriteFile(filepath.Join(dir, ImportArgsFile), []byte(strings.Join(m.Args, "\n")+"\n"), 0o644); err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, ImportManifestFile), append(b, '\n'), 0o644); err != nil {
		return nil, err
	}
	return m, nil
}

// ReadImportManifest reads dir's import.json.
func ReadImportManifest(dir string) (*ImportManifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, ImportManifestFile))
	if err != nil {
		return nil, err
	}
	var m ImportManifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, ImportManifestFile), err)
	}
	if m.Hash == "" {
		return nil, fmt.Errorf("%s: no hash", filepath.Join(dir, ImportManifestFile))
	}
	return &m, nil
}

// cypherIndexProgress reports the population of the store's two indexes.
const cypherIndexProgress = "SHOW INDEXES YIELD name, state, populationPercent WHERE name IN $names RETURN name, state, populationPercent"

// FinishImport completes an import of m (the manifest WriteImport wrote): it creates the id
// constraint and the full-text index, waits until both are online (progress, when set, gets the
// lower of their population percentages about once a second), checks that the database holds the
// manifest's nodes of each kind and relationships of each type, and records the load as Load does.
// A database that does not hold what the manifest says is EINVALID, and nothing is recorded.
func (s *Store) FinishImport(ctx context.Context, m *ImportManifest, progress func(percent float64)) error {
	for _, cypher := range []string{cypherConstraint, cypherSearchIndex} {
		if err := s.run(ctx, neo4j.AccessModeWrite, cypher, nil, func([]*neo4j.Record) error { return nil }); err != nil {
			return err
		}
	}
	deadline := time.Now().Add(AwaitIndexesSeconds * time.Second)
	for {
		online, low := 0, 100.0
		var failed []string
		err := s.run(ctx, neo4j.AccessModeRead, cypherIndexProgress, map[string]any{"names": []string{"node_id", searchIndex}}, func(recs []*neo4j.Record) error {
			for _, rec := range recs {
				name, _, _ := neo4j.GetRecordValue[string](rec, "name")
				state, _, _ := neo4j.GetRecordValue[string](rec, "state")
				pct, _, _ := neo4j.GetRecordValue[float64](rec, "populationPercent")
				switch state {
				case "ONLINE":
					online++
				case "FAILED":
					failed = append(failed, name)
				}
				low = min(low, pct)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if len(failed) > 0 {
			return kg.Errorf(kg.EINTERNAL, "", "index %s failed to build", strings.Join(failed, ", "))
		}
		if progress != nil {
			progress(low)
		}
		if online == 2 {
			break
		}
		if time.Now().After(deadline) {
			return kg.Errorf(kg.EUNAVAILABLE, "", "the indexes are not online after %d s", AwaitIndexesSeconds)
		}
		select {
		case <-ctx.Done():
			return kg.CtxErr(ctx)
		case <-time.After(time.Second):
		}
	}
	st, err := s.Stats(ctx)
	if err != nil {
		return err
	}
	var diff []string
	for _, k := range kg.Kinds {
		if st.Nodes[k] != m.Nodes[k] {
			diff = append(diff, fmt.Sprintf("%d %s nodes (want %d)", st.Nodes[k], k, m.Nodes[k]))
		}
	}
	for _, t := range kg.RelTypes {
		if st.Edges[t] != m.Edges[t] {
			diff = append(diff, fmt.Sprintf("%d %s relationships (want %d)", st.Edges[t], t, m.Edges[t]))
		}
	}
	if len(diff) > 0 {
		sort.Strings(diff)
		return kg.Errorf(kg.EINVALID, "", "the database does not hold the imported graph: it has %s", strings.Join(diff, ", "))
	}
	nodes, edges := 0, 0
	for _, c := range m.Nodes {
		nodes += c
	}
	for _, c := range m.Edges {
		edges += c
	}
	return s.run(ctx, neo4j.AccessModeWrite, cypherRecordLoad, map[string]any{
		"hash": m.Hash, "nodes": int64(nodes), "edges": int64(edges), "merged": false,
	}, func([]*neo4j.Record) error { return nil })
}
