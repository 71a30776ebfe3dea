// Package seed holds failgraph's knowledge: the YAML files under data/, embedded in the binary, and
// the code that decodes them strictly, checks every invariant of the graph and builds a kg.Graph.
//
// The format is documented in docs/DATA.md. Every problem is reported with its file and line, and
// all problems are reported at once, not just the first.
package seed

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/failgraph/failgraph/internal/kg"
)

//go:embed data
var embedded embed.FS

// Data returns the embedded seed files, rooted at the data directory.
func Data() fs.FS {
	sub, err := fs.Sub(embedded, "data")
	if err != nil { // cannot happen: the directory is embedded at build time
		panic(err)
	}
	return sub
}

// Problem is one thing wrong with the seed, located by file and line (0 when the problem is about
// the seed as a whole).
type Problem struct {
	File string
	Line int
	Msg  string
}

func (p Problem) String() string {
	switch {
	case p.File == "":
		return p.Msg
	case p.Line == 0:
		return fmt.Sprintf("%s: %s", p.File, p.Msg)
	default:
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
	}
}

// Error is returned by Load when the seed has problems; it lists all of them.
type Error struct{ Problems []Problem }

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "seed: %d problem(s)", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// Load decodes and validates the embedded seed.
func Load() (*kg.Graph, error) { return LoadFS(Data()) }

// LoadDir decodes and validates the seed files in a directory of the file system; problems name the
// files relative to dir.
func LoadDir(dir string) (*kg.Graph, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, &Error{Problems: []Problem{{File: dir, Msg: err.Error()}}}
	}
	if !info.IsDir() {
		return nil, &Error{Problems: []Problem{{File: dir, Msg: "not a directory"}}}
	}
	return LoadFS(os.DirFS(dir))
}

// decodeFiles decodes files into b as decoding them one after the other in that order would:
// each file is decoded by itself (on up to GOMAXPROCS goroutines, the YAML parse being most of
// the start-up of a large graph) and the results are appended in file order, so the entries and
// the problems are the same, in the same order, as a sequential decode's.
func (b *builder) decodeFiles(fsys fs.FS, files []string) {
	parts := make([]*builder, len(files))
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(files)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				p := newBuilder()
				if data, err := fs.ReadFile(fsys, files[i]); err != nil {
					p.problem(files[i], 0, "%v", err)
				} else {
					p.decodeFile(files[i], data)
				}
				parts[i] = p
			}
		}()
	}
	// The largest files first, so that one big file does not start last.
	order := make([]int, len(files))
	size := make([]int64, len(files))
	for i, f := range files {
		order[i] = i
		if info, err := fs.Stat(fsys, f); err == nil {
			size[i] = info.Size()
		}
	}
	sort.SliceStable(order, func(x, y int) bool { return size[order[x]] > size[order[y]] })
	for _, i := range order {
		work <- i
	}
	close(work)
	wg.Wait()
	for _, p := range parts {
		b.problems = append(b.problems, p.problems...)
		b.paperChecks = append(b.paperChecks, p.paperChecks...)
		b.nodes = append(b.nodes, p.nodes...)
		b.rels = append(b.rels, p.rels...)
	}
}

// LoadFS decodes every *.yaml file of fsys (recursively), validates the whole and returns the graph,
// or an *Error with every problem found.
func LoadFS(fsys fs.FS) (*kg.Graph, error) {
	var files []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (path.Ext(p) == ".yaml" || path.Ext(p) == ".yml") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, &Error{Problems: []Problem{{Msg: "reading seed: " + err.Error()}}}
	}
	sort.Strings(files)
	if len(files) == 0 {
		return nil, &Error{Problems: []Problem{{Msg: "no *.yaml seed files found"}}}
	}
	b := newBuilder()
	b.decodeFiles(fsys, files)
	g := b.build()
	if len(b.problems) > 0 {
		sort.SliceStable(b.problems, func(i, j int) bool {
			pi, pj := b.problems[i], b.problems[j]
			if pi.File != pj.File {
				return pi.File < pj.File
			}
			return pi.Line < pj.Line
		})
		return nil, &Error{Problems: b.problems}
	}
	return g, nil
}
