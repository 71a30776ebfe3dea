package graph

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/failgraph/failgraph/internal/kg"
)

// The error presenter below is the only place that shapes the errors clients see (STYLE habit 4).
// Every error carries extensions.code, one of Codes:
//
//   - errors of the domain (*kg.Error, context errors): kg.ErrorCode and kg.ErrorMessage, so
//     BAD_USER_INPUT, NOT_FOUND, TIMEOUT, CANCELLED, UNAVAILABLE or INTERNAL with a message safe
//     to show;
//   - gqlgen's own coded errors (GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED,
//     PERSISTED_QUERY_NOT_FOUND) and failgraph's limits (QUERY_TOO_COMPLEX, QUERY_TOO_DEEP):
//     unchanged, except gqlgen's COMPLEXITY_LIMIT_EXCEEDED, which becomes QUERY_TOO_COMPLEX;
//   - gqlgen's uncoded messages about the request itself: BAD_REQUEST;
//   - anything else (a bug, a panic, a raw driver error, a non-null field that resolved to null):
//     INTERNAL, with the message masked.
//
// INTERNAL, TIMEOUT and UNAVAILABLE errors are logged with the request id, which the client gets in
// extensions.requestId so that a report can be matched to the log line.

// Codes a client can find in extensions.code, with the HTTP status of a response whose first error
// has it. This is the one list: docs/OPERATIONS.md documents it, and tests hold every response to it.
const (
	// CodeBadUserInput: an argument is out of range or malformed (200, with data null where it
	// applies). The message names the argument.
	CodeBadUserInput = kg.EINVALID
	// CodeNotFound: a node the question requires does not exist (200).
	CodeNotFound = kg.ENOTFOUND
	// CodeQueryTooComplex: the operation is too big: too costly by the complexity model, too many
	// aliases, root fields, tokens or repetitions of one field (200; 400 for
	// application/graphql-response+json).
	CodeQueryTooComplex = "QUERY_TOO_COMPLEX"
	// CodeQueryTooDeep: fields nest deeper than the depth limit (200; 400 for
	// application/graphql-response+json).
	CodeQueryTooDeep = "QUERY_TOO_DEEP"
	// CodeTimeout: the request ran out of time; the store work was cancelled (200).
	CodeTimeout = kg.ETIMEOUT
	// CodeCancelled: the client closed its connection before the answer was ready, so the store
	// work was cancelled. Nobody reads it; it is the request's outcome in the log and the metrics,
	// apart from TIMEOUT, which is the server being too slow.
	CodeCancelled = kg.ECANCELED
	// CodeUnavailable: the store cannot be reached (200; /readyz answers 503 meanwhile).
	CodeUnavailable = kg.EUNAVAILABLE
	// CodeOverloaded: too many requests are in flight; retry after the Retry-After header (503).
	CodeOverloaded = "OVERLOADED"
	// CodeInternal: the server's fault; the message is masked and extensions.requestId names the
	// log line (200, or 500 when nothing could be answered).
	CodeInternal = kg.EINTERNAL
	// CodeParseFailed: the query is not GraphQL (gqlgen's code; 200, 400 for
	// application/graphql-response+json).
	CodeParseFailed = errcode.ParseFailed
	// CodeValidationFailed: the query does not fit the schema, the operation named does not exist
	// or a variable has the wrong type (gqlgen's code; 200, 400 for
	// application/graphql-response+json).
	CodeValidationFailed = errcode.ValidationFailed
	// CodePersistedQueryNotFound: an automatic persisted query's hash is not (or no longer) known;
	// the client sends the query again with its hash (gqlgen's code; 200).
	CodePersistedQueryNotFound = "PERSISTED_QUERY_NOT_FOUND"
	// CodeBadRequest: the HTTP request is not a GraphQL request: a body that is not a JSON object,
	// a content type or method the endpoint does not take, a bad persisted-query extension (400,
	// 405 or 415).
	CodeBadRequest = "BAD_REQUEST"
	// CodePayloadTooLarge: the request body is larger than the body limit (413).
	CodePayloadTooLarge = "PAYLOAD_TOO_LARGE"
)

// Codes is every code a client can see, in the order documented.
var Codes = []string{
	CodeBadUserInput, CodeNotFound, CodeQueryTooComplex, CodeQueryTooDeep, CodeTimeout, CodeCancelled,
	CodeUnavailable, CodeOverloaded, CodeInternal, CodeParseFailed, CodeValidationFailed,
	CodePersistedQueryNotFound, CodeBadRequest, CodePayloadTooLarge,
}

// KnownCode reports whether code is one of Codes.
func KnownCode(code string) bool { return slices.Contains(Codes, code) }

// codeComplexityLimitExceeded is the code of gqlgen's own complexity extension; the presenter turns
// it into CodeQueryTooComplex, so that one limit has one code whichever extension enforced it.
const codeComplexityLimitExceeded = "COMPLEXITY_LIMIT_EXCEEDED"

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
			Message:    truncate(in.Message),
			Path:       in.Path,
			Locations:  in.Locations,
			Rule:       in.Rule,
			Extensions: map[string]any{},
		}
		for k, v := range in.Extensions {
			out.Extensions[k] = v
		}

		if len(in.Path) >= 2 && in.Path[0] == ast.PathName("variable") {
			out.Message = truncate(variableMessage(ctx, in.Path, in.Message))
		}

		var code string
		switch {
		case isDomainError(err):
			code = kg.ErrorCode(err)
			out.Message = kg.ErrorMessage(err)
		case in.Extensions["code"] == codeComplexityLimitExceeded:
			code = CodeQueryTooComplex
		case in.Extensions["code"] != nil:
			return out
		case in.Err == nil:
			code = CodeBadRequest
			// gqlgen's transports quote the whole body after a decoding error: a client needs the
			// reason, not a megabyte of its own request back.
			if i := strings.Index(out.Message, " body:"); i >= 0 && strings.HasPrefix(out.Message, "json request body could not be decoded") {
				out.Message = out.Message[:i]
			}
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

// variableMessage names the variable and its declared type in gqlparser's message about a
// variable's value, which says only "must be defined" or "cannot be null" with the variable in its
// path: `variable "$id" of type "ID!" must be defined (send it in "variables")`.
func variableMessage(ctx context.Context, path ast.Path, msg string) string {
	name, ok := path[1].(ast.PathName)
	if !ok {
		return msg
	}
	where := fmt.Sprintf("variable \"$%s\"", name)
	if graphql.HasOperationContext(ctx) {
		if op := graphql.GetOperationContext(ctx).Operation; op != nil {
			if def := op.VariableDefinitions.ForName(string(name)); def != nil {
				where += fmt.Sprintf(" of type \"%s\"", def.Type)
			}
		}
	}
	if rest := path[2:]; len(rest) > 0 {
		where += " at " + rest.String()
	}
	if msg == "must be defined" {
		return where + " must be defined (send it in \"variables\", or give it a default in the query)"
	}
	return where + ": " + msg
}

// maxMessageLen bounds the bytes of a message: gqlgen and gqlparser quote parts of the request in
// theirs (an unknown operationName, a value of the wrong type), and a request is up to a megabyte.
const maxMessageLen = 500

// truncate cuts msg to maxMessageLen bytes, on a rune boundary, marking the cut.
func truncate(msg string) string {
	if len(msg) <= maxMessageLen {
		return msg
	}
	cut := maxMessageLen
	for cut > 0 && !utf8.RuneStart(msg[cut]) {
		cut--
	}
	return msg[:cut] + "… (cut)"
}

// isDomainError reports whether err carries a code of the domain: a *kg.Error, or a context error
// (which kg.ErrorCode reads as TIMEOUT or CANCELLED).
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
