package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// The architecture test holds docs/ARCHITECTURE.md to the code: its package table must list every
// package of the module with exactly the packages of ours it imports, each arrow of its import
// diagram must be a real import, and the rules under the diagram that name imports must hold. So a
// new package, or a new import between packages, changes the document in the same commit.

const modulePath = "github.com/failgraph/failgraph"

// goPackage is what the test needs of `go list -json`.
type goPackage struct {
	ImportPath string
	Imports    []string // of the package's non-test files
}

// listPackages returns the module's packages by import path, relative to the module
// (internal/kg), with the packages of ours each imports, also relative.
func listPackages(tb testing.TB) map[string][]string {
	tb.Helper()
	cmd := exec.Command("go", "list", "-json", "./...")
	cmd.Dir = filepath.Join("..", "..")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("go list: %v", err)
	}
	pkgs := map[string][]string{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p goPackage
		if err := dec.Decode(&p); err != nil {
			tb.Fatalf("go list output: %v", err)
		}
		var ours []string
		for _, imp := range p.Imports {
			if rel, ok := strings.CutPrefix(imp, modulePath+"/"); ok {
				ours = append(ours, rel)
			}
		}
		pkgs[strings.TrimPrefix(p.ImportPath, modulePath+"/")] = ours
	}
	return pkgs
}

// allImports returns every import, ours or not, of the module's non-test files by package.
func allImports(tb testing.TB) map[string][]string {
	tb.Helper()
	cmd := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./...")
	cmd.Dir = filepath.Join("..", "..")
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("go list: %v", err)
	}
	m := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		m[strings.TrimPrefix(f[0], modulePath+"/")] = f[1:]
	}
	return m
}

var (
	tableRowRE = regexp.MustCompile("^\\| `([^`]+)` \\|.*\\| ([^|]*) \\|$")
	codeRE     = regexp.MustCompile("`([^`]+)`")
	parenRE    = regexp.MustCompile(`\([^)]*\)`)
)

// architectureDoc is what the test reads of docs/ARCHITECTURE.md: the table's imports by package
// (short names as written) and the diagram's lines.
type architectureDoc struct {
	table   map[string][]string
	order   []string
	diagram []string
}

func readArchitecture(tb testing.TB) architectureDoc {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "ARCHITECTURE.md"))
	if err != nil {
		tb.Fatal(err)
	}
	doc := architectureDoc{table: map[string][]string{}}
	section, inCode := "", false
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			section = strings.TrimPrefix(line, "## ")
			continue
		}
		switch section {
		case "Packages":
			if m := tableRowRE.FindStringSubmatch(line); m != nil {
				var imps []string
				for _, c := range codeRE.FindAllStringSubmatch(m[2], -1) {
					imps = append(imps, c[1])
				}
				doc.table[m[1]] = imps
				doc.order = append(doc.order, m[1])
			}
		case "Direction of imports":
			if strings.HasPrefix(line, "```") {
				inCode = !inCode
				continue
			}
			if inCode {
				// A remark in parentheses names no package: blank it, keeping the columns.
				line = parenRE.ReplaceAllStringFunc(line, func(r string) string {
					return strings.Repeat(" ", utf8.RuneCountInString(r))
				})
				doc.diagram = append(doc.diagram, line)
			}
		}
	}
	if len(doc.table) == 0 || len(doc.diagram) == 0 {
		tb.Fatal("docs/ARCHITECTURE.md: no package table under ## Packages or no diagram under ## Direction of imports")
	}
	return doc
}

// resolve turns a short package name of the document (kg, graph/loader, internal/server) into the
// package it names: the one whose path is the name or ends in /name.
func resolve(tb testing.TB, pkgs map[string][]string, name string) string {
	tb.Helper()
	if _, ok := pkgs[name]; ok {
		return name
	}
	var found []string
	for p := range pkgs {
		if strings.HasSuffix(p, "/"+name) {
			found = append(found, p)
		}
	}
	if len(found) != 1 {
		tb.Fatalf("docs/ARCHITECTURE.md names %q, which is %d packages of the module (%v)", name, len(found), found)
	}
	return found[0]
}

func TestArchitectureTable(t *testing.T) {
	pkgs := listPackages(t)
	doc := readArchitecture(t)
	listed := map[string]bool{}
	for _, name := range doc.order {
		p := resolve(t, pkgs, name)
		listed[p] = true
		var want []string
		for _, imp := range doc.table[name] {
			want = append(want, resolve(t, pkgs, imp))
		}
		slices.Sort(want)
		got := slices.Clone(pkgs[p])
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("docs/ARCHITECTURE.md says %s imports %v; go list says %v", name, want, got)
		}
	}
	for p := range pkgs {
		if !listed[p] {
			t.Errorf("package %s is missing from the table of docs/ARCHITECTURE.md", p)
		}
	}
}

// pkgTokenRE finds the package names of the diagram.
var pkgTokenRE = regexp.MustCompile(`[a-z][a-z0-9]*(/[a-z][a-z0-9]*)*`)

func TestArchitectureDiagram(t *testing.T) {
	pkgs := listPackages(t)
	doc := readArchitecture(t)
	type token struct {
		name       string
		start, end int // columns, in runes
	}
	var rows [][]token
	for _, line := range doc.diagram {
		var row []token
		for _, m := range pkgTokenRE.FindAllStringIndex(line, -1) {
			row = append(row, token{line[m[0]:m[1]], utf8.RuneCountInString(line[:m[0]]), utf8.RuneCountInString(line[:m[1]])})
		}
		rows = append(rows, row)
	}
	// Each arrow goes from the token before it on its line or, for a line or segment that starts with
	// a branch (├ or └), from the token above the branch's column.
	arrows := 0
	for i, line := range doc.diagram {
		runes := []rune(line)
		for col, r := range runes {
			if r != '►' {
				continue
			}
			var to, from *token
			for k := range rows[i] {
				if rows[i][k].start > col {
					to = &rows[i][k]
					break
				}
			}
			// The segment's start: walk left over arrow shafts to a token or a branch.
			j := col
			for j > 0 && (runes[j-1] == '─' || runes[j-1] == '►') {
				j--
			}
			j--
			for j > 0 && runes[j] == ' ' {
				j--
			}
			for k := range rows[i] {
				if rows[i][k].end == j+1 {
					from = &rows[i][k]
				}
			}
			if from == nil && j >= 0 && (runes[j] == '├' || runes[j] == '└') {
				for up := i - 1; up >= 0 && from == nil; up-- {
					for k := range rows[up] {
						if rows[up][k].start <= j && j < rows[up][k].end {
							from = &rows[up][k]
						}
					}
				}
			}
			if from == nil || to == nil {
				t.Fatalf("docs/ARCHITECTURE.md diagram line %q: cannot read the arrow at column %d", line, col)
			}
			src, dst := resolve(t, pkgs, from.name), resolve(t, pkgs, to.name)
			arrows++
			if !slices.Contains(pkgs[src], dst) {
				t.Errorf("docs/ARCHITECTURE.md draws %s ──► %s, but %s does not import %s", from.name, to.name, src, dst)
			}
		}
	}
	if arrows < 5 {
		t.Fatalf("read %d arrows from the diagram, want the whole diagram", arrows)
	}
}

// TestArchitectureRules checks the rules under the diagram that are about imports.
func TestArchitectureRules(t *testing.T) {
	imports := allImports(t)
	only := func(rule, prefix string, allowed ...string) {
		for p, imps := range imports {
			for _, imp := range imps {
				if (imp == prefix || strings.HasPrefix(imp, prefix+"/")) && !slices.Contains(allowed, p) {
					t.Errorf("%s: %s imports %s", rule, p, imp)
				}
			}
		}
	}
	only("the Neo4j driver is imported only by neo4jstore (and bench's raw-Cypher floor)", "github.com/neo4j/neo4j-go-driver/v5", "internal/neo4jstore", "bench")
	only("rs/cors is imported only by server", "github.com/rs/cors", "internal/server")
	only("gqlgen's transports are imported only by server", "github.com/99designs/gqlgen/graphql/handler", "internal/server")
	for _, imp := range imports["internal/kg"] {
		if strings.HasPrefix(imp, modulePath+"/") {
			t.Errorf("kg imports nothing of ours, but imports %s", imp)
		}
	}
	only("test support is imported only by tests", modulePath+"/internal/storetest")
	only("test support is imported only by tests", modulePath+"/internal/neo4jtest")
	for _, store := range []string{"internal/memstore", "internal/neo4jstore"} {
		for _, imp := range imports[store] {
			if strings.HasPrefix(imp, modulePath+"/") && imp != modulePath+"/internal/kg" {
				t.Errorf("stores import only kg: %s imports %s", store, imp)
			}
		}
	}
	for _, p := range []string{"graph", "graph/loader", "graph/model", "internal/traverse"} {
		for _, imp := range imports[p] {
			if imp == modulePath+"/internal/memstore" || imp == modulePath+"/internal/neo4jstore" {
				t.Errorf("%s never names a concrete store, but imports %s", p, imp)
			}
		}
	}
}
