package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// TestDockerCompose loads docker-compose.yml as Docker Compose would (compose-go, no engine) and
// checks the deployment it describes: Neo4j 5.26 Community with a health check and a named volume,
// a one-shot seed once Neo4j is healthy, and the API once the seed has completed, the commands of
// both accepted by this binary's own settings parsers.
func TestDockerCompose(t *testing.T) {
	root := filepath.Join("..", "..")
	opts, err := cli.NewProjectOptions(
		[]string{filepath.Join(root, "docker-compose.yml")},
		cli.WithWorkingDirectory(root),
		cli.WithEnv(nil), // interpolate from nothing: the file must not depend on the caller's environment
	)
	if err != nil {
		t.Fatal(err)
	}
	p, err := cli.ProjectFromOptions(context.Background(), opts)
	if err != nil {
		t.Fatalf("docker-compose.yml does not load: %v", err)
	}
	service := func(name string) types.ServiceConfig {
		t.Helper()
		s, ok := p.Services[name]
		if !ok {
			t.Fatalf("no service %q among %v", name, slices.Sorted(func(yield func(string) bool) {
				for n := range p.Services {
					if !yield(n) {
						return
					}
				}
			}))
		}
		return s
	}
	env := func(s types.ServiceConfig) func(string) string {
		return func(k string) string {
			if v := s.Environment[k]; v != nil {
				return *v
			}
			return ""
		}
	}

	t.Run("neo4j", func(t *testing.T) {
		s := service("neo4j")
		if s.Image != "neo4j:5.26-community" {
			t.Errorf("image %q, want neo4j:5.26-community", s.Image)
		}
		if auth := env(s)("NEO4J_AUTH"); auth != "none" {
			t.Errorf("NEO4J_AUTH %q, want none (a password would have to come from the user's environment)", auth)
		}
		hc := s.HealthCheck
		if hc == nil || hc.Disable || len(hc.Test) == 0 || !strings.Contains(strings.Join(hc.Test, " "), "cypher-shell") {
			t.Errorf("health check %+v, want one running cypher-shell", hc)
		}
		if hc != nil && (hc.Interval == nil || hc.Retries == nil || hc.StartPeriod == nil) {
			t.Errorf("health check without interval, retries or start period: %+v", hc)
		}
		var data *types.ServiceVolumeConfig
		for i, v := range s.Volumes {
			if v.Target == "/data" {
				data = &s.Volumes[i]
			}
		}
		if data == nil || data.Type != types.VolumeTypeVolume {
			t.Fatalf("no named volume on /data: %+v", s.Volumes)
		}
		if _, ok := p.Volumes[data.Source]; !ok {
			t.Errorf("volume %q is not declared at the top level", data.Source)
		}
		for _, port := range s.Ports {
			if port.HostIP != "127.0.0.1" {
				t.Errorf("port %d is published on %q, want 127.0.0.1 only (no authentication)", port.Target, port.HostIP)
			}
		}
	})

	t.Run("seed", func(t *testing.T) {
		s := service("seed")
		if want := []string{"seed", "--replace"}; !slices.Equal(s.Command, want) {
			t.Errorf("command %q, want %q", s.Command, want)
		}
		wantDepends(t, s, "neo4j", types.ServiceConditionHealthy)
		c, err := parseSeedConfig(s.Command[1:], env(s), io.Discard)
		if err != nil {
			t.Fatalf("failgraph seed rejects the service's settings: %v", err)
		}
		if !c.Replace || c.Neo4j.URI != "bolt://neo4j:7687" {
			t.Errorf("seed settings %+v, want --replace into bolt://neo4j:7687", c)
		}
		if s.Build == nil {
			t.Errorf("seed has no build: it runs the image built from this repository")
		}
	})

	t.Run("failgraph", func(t *testing.T) {
		s := service("failgraph")
		if want := []string{"serve", "--store", "neo4j", "--addr", "0.0.0.0:8080"}; !slices.Equal(s.Command, want) {
			t.Errorf("command %q, want %q", s.Command, want)
		}
		wantDepends(t, s, "neo4j", types.ServiceConditionHealthy)
		wantDepends(t, s, "seed", types.ServiceConditionCompletedSuccessfully)
		if _, err := parseServeConfig(s.Command[1:], env(s), io.Discard); err != nil {
			t.Fatalf("failgraph serve rejects the service's settings: %v", err)
		}
		if got := env(s)("FAILGRAPH_NEO4J_URI"); got != "bolt://neo4j:7687" {
			t.Errorf("FAILGRAPH_NEO4J_URI %q, want bolt://neo4j:7687", got)
		}
		published := false
		for _, port := range s.Ports {
			published = published || (port.Target == 8080 && port.Published == "8080")
		}
		if !published {
			t.Errorf("port 8080 is not published: %+v", s.Ports)
		}
		if seed := service("seed"); s.Image != seed.Image || s.Build == nil {
			t.Errorf("failgraph (image %q) and seed (image %q) must run the same image built here", s.Image, seed.Image)
		}
	})

	t.Run("Dockerfile", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
		if err != nil {
			t.Fatal(err)
		}
		df := string(b)
		if n := strings.Count(df, "\nFROM "); n < 2 {
			t.Errorf("Dockerfile has %d stages after the first, want a multi-stage build", n)
		}
		for _, want := range []string{"./cmd/failgraph", `ENTRYPOINT ["/failgraph"]`, "CGO_ENABLED=0"} {
			if !strings.Contains(df, want) {
				t.Errorf("Dockerfile lacks %q", want)
			}
		}
		ignore, err := os.ReadFile(filepath.Join(root, ".dockerignore"))
		if err != nil || !strings.Contains(string(ignore), ".cache/") {
			t.Errorf(".dockerignore must leave out .cache/ (the local Neo4j jars): %v", err)
		}
	})
}

func wantDepends(tb testing.TB, s types.ServiceConfig, on, condition string) {
	tb.Helper()
	d, ok := s.DependsOn[on]
	if !ok {
		tb.Errorf("%s does not depend on %s", s.Name, on)
		return
	}
	if d.Condition != condition {
		tb.Errorf("%s depends on %s with condition %q, want %q", s.Name, on, d.Condition, condition)
	}
}
