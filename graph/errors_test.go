package graph_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/failgraph/failgraph/graph"
	"github.com/failgraph/failgraph/internal/kg"
)

func TestErrorPresenter(t *testing.T) {
	parse := gqlerror.Errorf("Unexpected <EOF>")
	errcode.Set(parse, errcode.ParseFailed)
	tests := []struct {
		name      string
		err       error
		code      string
		message   string
		requestID bool // the error carries the request id and is logged
	}{
		{"bad input names the argument", kg.Errorf(kg.EINVALID, "depth", "must be between 1 and 3, got 9"),
			kg.EINVALID, `argument "depth": must be between 1 and 3, got 9`, false},
		{"not found", fmt.Errorf("wrapped: %w", kg.Errorf(kg.ENOTFOUND, "id", "no node with id %q", "x")),
			kg.ENOTFOUND, `argument "id": no node with id "x"`, false},
		{"unavailable", kg.Wrap(kg.EUNAVAILABLE, errors.New("dial tcp 10.0.0.1:7687"), "the graph database cannot be reached"),
			kg.EUNAVAILABLE, "the graph database cannot be reached", true},
		{"timeout from a context", context.DeadlineExceeded, kg.ETIMEOUT, "the request ran out of time", true},
		{"internal domain error is masked", kg.Wrap(kg.EINTERNAL, errors.New("MATCH (n) secret"), "query failed"),
			kg.EINTERNAL, "internal error", true},
		{"a plain error is masked", errors.New("nil pointer somewhere secret"), kg.EINTERNAL, "internal error", true},
		{"a panic is masked", graph.Recover(context.Background(), "boom secret"), kg.EINTERNAL, "internal error", true},
		{"gqlgen's coded errors are kept", parse, "GRAPHQL_PARSE_FAILED", "Unexpected <EOF>", false},
		{"gqlgen's uncoded request errors are BAD_REQUEST", gqlerror.Errorf("transport not supported"),
			graph.CodeBadRequest, "transport not supported", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			present := graph.ErrorPresenter(slog.New(slog.NewTextHandler(&logs, nil)))
			ctx := graph.WithRequestID(context.Background(), "req-42")
			got := present(ctx, tt.err)
			if got.Extensions["code"] != tt.code || got.Message != tt.message {
				t.Errorf("got code %v message %q, want %s %q", got.Extensions["code"], got.Message, tt.code, tt.message)
			}
			if strings.Contains(got.Message, "secret") {
				t.Errorf("message leaks the cause: %q", got.Message)
			}
			_, hasID := got.Extensions["requestId"]
			if hasID != tt.requestID || (hasID && got.Extensions["requestId"] != "req-42") {
				t.Errorf("requestId %v, want present=%v", got.Extensions["requestId"], tt.requestID)
			}
			if logged := strings.Contains(logs.String(), "req-42"); logged != tt.requestID {
				t.Errorf("logged=%v, want %v:\n%s", logged, tt.requestID, logs.String())
			}
		})
	}
}

func TestPanicsAreLoggedWithTheirStack(t *testing.T) {
	var logs bytes.Buffer
	present := graph.ErrorPresenter(slog.New(slog.NewTextHandler(&logs, nil)))
	present(context.Background(), graph.Recover(context.Background(), "boom"))
	for _, want := range []string{"panic: boom", "stack=", "requestId="} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
}
