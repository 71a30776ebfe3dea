package neo4jstore_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/neo4jstore"
	"github.com/failgraph/failgraph/internal/neo4jtest"
)

// Fault tests run on an instance of their own, which they stop and start.
const (
	faultInstance = "fault"
	faultPort     = 7697
	failFast      = 2 * time.Second
)

// TestServerDownAndBack stops the server under a live store: every call fails fast with
// EUNAVAILABLE and a message that names no driver detail; once the server is back, the same store
// answers again without being reopened.
func TestServerDownAndBack(t *testing.T) {
	neo4jtest.Lock(t, fmt.Sprintf("bolt://127.0.0.1:%d", faultPort))
	in := neo4jtest.StartInstance(t, faultInstance, faultPort)
	s := openURI(t, in.URI)
	load(t, s, minimal(t))
	ctx := context.Background()

	calls := []struct {
		name string
		call func() error
	}{
		{"Ping", func() error { return s.Ping(ctx) }},
		{"Node", func() error { _, err := s.Node(ctx, "poisoning"); return err }},
		{"Nodes", func() error { _, err := s.Nodes(ctx, []string{"poisoning"}); return err }},
		{"List", func() error { _, err := s.List(ctx, kg.Filter{Kind: kg.KindFailureMode}); return err }},
		{"Count", func() error { _, err := s.Count(ctx, kg.Filter{Kind: kg.KindFailureMode}); return err }},
		{"Adjacent", func() error { _, err := s.Adjacent(ctx, []string{"poisoning"}, kg.Both, nil); return err }},
		{"Search", func() error { _, err := s.Search(ctx, "poisoning", nil, 10); return err }},
		{"Stats", func() error { _, err := s.Stats(ctx); return err }},
		{"Load", func() error { return s.Load(ctx, minimal(t), neo4jstore.LoadOptions{}) }},
	}
	for _, c := range calls {
		if err := c.call(); err != nil {
			t.Fatalf("%s with the server up: %v", c.name, err)
		}
	}

	// Leave several idle connections in the pool: after the restart they are all dead, and the
	// store must get past them by itself.
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.Adjacent(ctx, []string{"poisoning"}, kg.Both, nil); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()

	in.Stop(t)
	for _, c := range calls {
		start := time.Now()
		err := c.call()
		took := time.Since(start)
		t.Logf("server down: %s failed in %v: %v", c.name, took.Round(time.Microsecond), err)
		if code := kg.ErrorCode(err); code != kg.EUNAVAILABLE {
			t.Errorf("server down: %s: %v (code %q), want code %s", c.name, err, code, kg.EUNAVAILABLE)
		}
		if took > failFast {
			t.Errorf("server down: %s took %v to fail, want under %v", c.name, took, failFast)
		}
		if msg := kg.ErrorMessage(err); strings.Contains(msg, "onnectivity") || strings.Contains(msg, "7697") {
			t.Errorf("server down: %s: client message %q leaks driver detail", c.name, msg)
		}
	}

	in.Start(t)
	// Dead connections again, this time for the first calls after the restart.
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = s.Ping(ctx)
		}()
	}
	wg.Wait()
	in.Stop(t)
	for range 8 {
		if err := s.Ping(ctx); kg.ErrorCode(err) != kg.EUNAVAILABLE {
			t.Fatalf("Ping with the server stopped again: %v", err)
		}
	}
	in.Start(t)
	for _, c := range calls {
		start := time.Now()
		if err := c.call(); err != nil {
			t.Errorf("server back: %s: %v", c.name, err)
		}
		t.Logf("server back: %s answered in %v", c.name, time.Since(start).Round(time.Microsecond))
	}
}
