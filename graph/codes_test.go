package graph_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/failgraph/failgraph/graph"
)

func TestEveryCodeIsDocumented(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "OPERATIONS.md"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, c := range graph.Codes {
		if seen[c] {
			t.Errorf("%s is listed twice", c)
		}
		seen[c] = true
		if !strings.Contains(string(doc), "`"+c+"`") {
			t.Errorf("docs/OPERATIONS.md does not document `%s`", c)
		}
	}
}

func TestPresenterMapsForeignCodesAndTrimsEchoes(t *testing.T) {
	present := graph.ErrorPresenter(slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx := context.Background()

	complexity := gqlerror.Errorf("operation has complexity 9000, which exceeds the limit of 10")
	errcode.Set(complexity, "COMPLEXITY_LIMIT_EXCEEDED")
	if got := present(ctx, complexity); got.Extensions["code"] != graph.CodeQueryTooComplex {
		t.Errorf("gqlgen's complexity error: code %v, want %s", got.Extensions["code"], graph.CodeQueryTooComplex)
	}

	echo := gqlerror.Errorf("json request body could not be decoded: json: cannot unmarshal number body:{\"query\": 42, \"secret\": 1}")
	got := present(ctx, echo)
	if got.Extensions["code"] != graph.CodeBadRequest || strings.Contains(got.Message, "secret") || !strings.Contains(got.Message, "cannot unmarshal") {
		t.Errorf("decoding error: %v %q", got.Extensions["code"], got.Message)
	}

	long := gqlerror.Errorf("operation %s not found", strings.Repeat("é", 100_000))
	errcode.Set(long, graph.CodeValidationFailed)
	if got := present(ctx, long); len(got.Message) > 600 || !utf8.ValidString(got.Message) || !strings.HasSuffix(got.Message, "(cut)") {
		t.Errorf("a long message: %d bytes, valid UTF-8 %v", len(got.Message), utf8.ValidString(got.Message))
	}

	ours := gqlerror.Errorf("too deep")
	errcode.Set(ours, graph.CodeQueryTooDeep)
	if got := present(ctx, ours); got.Extensions["code"] != graph.CodeQueryTooDeep || got.Message != "too deep" {
		t.Errorf("a limit's error: %v %q", got.Extensions["code"], got.Message)
	}
}
