package atlas_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/failgraph/failgraph/internal/atlas"
)

// ReleasePath returns the path of the shared ATLAS release file: FAILGRAPH_ATLAS_YAML when set,
// else ../shared/data/atlas/ATLAS.yaml beside the repository.
func releasePath(tb testing.TB) string {
	tb.Helper()
	if p := os.Getenv("FAILGRAPH_ATLAS_YAML"); p != "" {
		return p
	}
	return filepath.Join("..", "..", "..", "shared", "data", "atlas", "ATLAS.yaml")
}

func TestLoadRelease(t *testing.T) {
	r, err := atlas.Load(releasePath(t))
	if err != nil {
		t.Fatalf("the ATLAS release file is needed (set FAILGRAPH_ATLAS_YAML to its path): %v", err)
	}
	if r.Version != "5.6.0" {
		t.Errorf("version = %q, want 5.6.0", r.Version)
	}
	idx := r.Index()
	for id, name := range map[string]string{
		"AML.T0024.001": "Invert AI Model",
		"AML.M0002":     "Passive AI Output Obfuscation",
		"AML.CS0009":    "Tay Poisoning",
		"AML.TA0002":    "Reconnaissance",
	} {
		if got := idx[id].Name; got != name {
			t.Errorf("%s name = %q, want %q", id, got, name)
		}
	}
	if len(idx) < 200 {
		t.Errorf("only %d objects indexed; a release has hundreds", len(idx))
	}
}

func TestLoadRejectsOtherFiles(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.yaml")
	if err := os.WriteFile(p, []byte("foo: bar\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := atlas.Load(p); err == nil {
		t.Fatal("Load accepted a file that is not an ATLAS release")
	}
	if _, err := atlas.Load(filepath.Join(dir, "missing.yaml")); err == nil {
		t.Fatal("Load accepted a missing file")
	}
}
