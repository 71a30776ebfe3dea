package graph

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/failgraph/failgraph/internal/kg"
)

// The error presenter below is the only place that shapes the errors clients see (STYLE habit 4).
// Every error carries extensions.code:
//
//   - errors of the domain (*kg.Error, context errors): kg.ErrorCode and kg.ErrorMessage, so
//     BAD_USER_INPUT, NOT_FOUND, TIMEOUT, UNAVAILABLE or INTERNAL with a message safe to show;
//   - gqlgen's own coded errors (GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED,
//     PERSISTED_QUERY_NOT_FOUND, COMPLEXITY_LIMIT_EXCEEDED, ...): unchanged;
//   - gqlgen's uncoded messages about the request itself: BAD_REQUEST;
//   - anything else (a bug, a panic, a raw driver error, a non-null field that resolved to null):
//     INTERNAL, with the message masked.
//
// INTERNAL, TIMEOUT and UNAVAILABLE errors are logged with the request id, which the client gets in
// extensions.requestId so that a report can be matched to the log line.

// CodeBadRequest is the code of errors about the HTTP request rather than the GraphQL operation.
const CodeBadRequest = "BAD_REQUEST"

type requestIDKey struct{}

// WithRequestID returns ctx carrying the request id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the request id of ctx, or "" when there is none.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// NewRequestID returns a fresh random request id.
func NewRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand.Read documents it)
	return hex.EncodeToString(b[:])
}

// ErrorPresenter returns the presenter that turns every error of a response into what the client
// sees, logging the ones that are the server's fault to log.
func ErrorPresenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		in := graphql.DefaultErrorPresenter(ctx, err)
		out := &gqlerror.Error{
			Message:    in.Message,
			Path:       in.Path,
			Locations:  in.Locations,
			Rule:       in.Rule,
			Extensions: map[string]any{},
		}
		for k, v := range in.Extensions {
			out.Extensions[k] = v
		}

		var code string
		switch {
		case isDomainError(err):
			code = kg.ErrorCode(err)
			out.Message = kg.ErrorMessage(err)
		case in.Extensions["code"] != nil:
			return out
		case in.Err == nil:
			code = CodeBadRequest
		default:
			code = kg.EINTERNAL
			out.Message = kg.ErrorMessage(kg.Wrap(kg.EINTERNAL, err, ""))
		}
		out.Extensions["code"] = code

		if code == kg.EINTERNAL || code == kg.ETIMEOUT || code == kg.EUNAVAILABLE {
			id := RequestID(ctx)
			if id == "" {
				id = NewRequestID()
			}
			out.Extensions["requestId"] = id
			attrs := []any{"code", code, "requestId", id, "path", in.Path.String(), "err", err.Error()}
			var p *panicError
			if errors.As(err, &p) {
				attrs = append(attrs, "stack", string(p.stack))
			}
			level := slog.LevelWarn
			if code == kg.EINTERNAL {
				level = slog.LevelError
			}
			log.Log(ctx, level, "graphql error", attrs...)
		}
		return out
	}
}

// isDomainError reports whether err carries a code of the domain: a *kg.Error, or a context error
// (which kg.ErrorCode reads as TIMEOUT).
func isDomainError(err error) bool {
	var e *kg.Error
	return errors.As(err, &e) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}

// panicError is a panic recovered in a resolver, with the stack where it happened.
type panicError struct {
	value any
	stack []byte
}

func (p *panicError) Error() string { return fmt.Sprintf("panic: %v", p.value) }

// Recover turns a panic in a resolver into an INTERNAL error; the presenter logs it with its stack
// and the request id, and shows the client only the code and the id.
func Recover(ctx context.Context, v any) error {
	return kg.Wrap(kg.EINTERNAL, &panicError{value: v, stack: debug.Stack()}, "internal error")
}
