package seed_test

import (
	"errors"
	"testing"
	"testing/fstest"

	"github.com/failgraph/failgraph/internal/memstore"
	"github.com/failgraph/failgraph/seed"
)

// FuzzLoadFS feeds fuzzed YAML to the seed decoder, as one file or split into two at a fuzzed
// offset. LoadFS never panics: it returns a graph, which the embedded store accepts, or a
// *seed.Error listing at least one problem. The seed corpus is in testdata/fuzz/FuzzLoadFS; `go test
// -fuzz FuzzLoadFS ./seed` explores further.
func FuzzLoadFS(f *testing.F) {
	f.Add([]byte(minimal(f)), uint16(0))
	f.Add([]byte(minimal(f)), uint16(1500))
	f.Fuzz(func(t *testing.T, data []byte, split uint16) {
		fsys := fstest.MapFS{}
		if n := int(split); n > 0 && n < len(data) {
			fsys["a.yaml"] = &fstest.MapFile{Data: data[:n]}
			fsys["sub/b.yml"] = &fstest.MapFile{Data: data[n:]}
		} else {
			fsys["graph.yaml"] = &fstest.MapFile{Data: data}
		}
		g, err := seed.LoadFS(fsys)
		switch {
		case err == nil && g == nil:
			t.Fatal("neither a graph nor an error")
		case err != nil && g != nil:
			t.Fatalf("both a graph and an error: %v", err)
		case err != nil:
			var se *seed.Error
			if !errors.As(err, &se) || len(se.Problems) == 0 {
				t.Fatalf("error %T %v, want a *seed.Error with problems", err, err)
			}
		default:
			if _, err := memstore.New(g); err != nil {
				t.Fatalf("the seed accepted a graph the store refuses: %v", err)
			}
		}
	})
}
