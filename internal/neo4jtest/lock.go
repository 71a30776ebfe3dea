package neo4jtest

import (
	"os"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"
)

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// Lock gives tb exclusive use of the server at uri until tb ends: it takes an exclusive flock on
// a file named after the server in the temporary directory, which other test processes (go test
// runs packages in parallel) and other tests of this process take too. Take it once per test,
// before loading anything, in the test (or subtest) that owns the loaded graph; taking it twice
// in nested tests deadlocks.
func Lock(tb testing.TB, uri string) {
	tb.Helper()
	name := filepath.Join(os.TempDir(), "failgraph-neo4jtest-"+unsafeChars.ReplaceAllString(uri, "_")+".lock")
	f, err := os.OpenFile(name, os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		tb.Fatalf("neo4jtest: lock: %v", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		tb.Fatalf("neo4jtest: lock %s: %v", name, err)
	}
	tb.Cleanup(func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	})
}
