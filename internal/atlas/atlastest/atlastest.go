// Package atlastest finds the real MITRE ATLAS release files for tests, and says so loudly when
// they are not there. The repository keeps no copy of ATLAS: CI has the files in
// ../shared/data/atlas/ beside the repository, and FAILGRAPH_ATLAS_YAML names a 5.6.0 ATLAS.yaml
// elsewhere (4.9.0 is then looked for beside it as ATLAS-4.9.0.yaml). A test of a real release that
// finds neither passes, so that a clone elsewhere still passes make test, but prints a line that
// cannot be missed in the output, and the fixture tests still run.
package atlastest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// The release files tests ask for.
const (
	Latest = "ATLAS.yaml"       // 5.6.0
	Old    = "ATLAS-4.9.0.yaml" // 4.9.0
)

// Fixture returns the path of the small release file of our own in internal/atlas/testdata.
func Fixture(tb testing.TB) string {
	tb.Helper()
	root, err := moduleRoot()
	if err != nil {
		tb.Fatal(err)
	}
	return filepath.Join(root, "internal", "atlas", "testdata", "ATLAS-fixture.yaml")
}

// Release returns the path of the real release file name (Latest or Old), or "" after logging a
// loud NOT RUN line when neither FAILGRAPH_ATLAS_YAML nor ../shared/data/atlas has it. Callers
// return when it is "".
func Release(tb testing.TB, name string) string {
	tb.Helper()
	var tried []string
	if p := os.Getenv("FAILGRAPH_ATLAS_YAML"); p != "" {
		c := p
		if name != Latest {
			c = filepath.Join(filepath.Dir(p), name)
		}
		if _, err := os.Stat(c); err == nil {
			return c
		}
		tried = append(tried, c+" (from FAILGRAPH_ATLAS_YAML)")
	}
	if root, err := moduleRoot(); err == nil {
		c := filepath.Join(root, "..", "shared", "data", "atlas", name)
		if _, err := os.Stat(c); err == nil {
			return c
		}
		tried = append(tried, c)
	}
	msg := fmt.Sprintf("!!! NOT RUN: %s needs the real MITRE ATLAS release file %s, which is not at %v. "+
		"Put the atlas-data release beside the repository in ../shared/data/atlas/ or set FAILGRAPH_ATLAS_YAML "+
		"to an ATLAS.yaml; this test passes without checking anything. !!!", tb.Name(), name, tried)
	tb.Log(msg)
	fmt.Fprintln(os.Stderr, msg)
	return ""
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("atlastest: no go.mod above the working directory")
		}
		dir = parent
	}
}
