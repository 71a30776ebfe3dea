package kg

import (
	"context"
	"errors"
	"fmt"
)

// Error codes. They are the values clients see in a GraphQL error's extensions.code.
const (
	EINVALID     = "BAD_USER_INPUT" // an argument is out of range or malformed
	ENOTFOUND    = "NOT_FOUND"      // a required node does not exist
	EUNAVAILABLE = "UNAVAILABLE"    // the store cannot be reached
	ETIMEOUT     = "TIMEOUT"        // the request ran out of time
	ECANCELED    = "CANCELLED"      // the client went away (closed its connection): nobody reads the answer
	EINTERNAL    = "INTERNAL"       // anything else: logged, never shown
)

// Error is failgraph's error type: a code from the list above, a message safe to show a client, and
// the argument it concerns (if any). Internal causes are kept in Err for logs only.
type Error struct {
	Code    string
	Arg     string
	Message string
	Err     error
}

func (e *Error) Error() string {
	msg := e.Message
	if e.Arg != "" {
		msg = fmt.Sprintf("argument %q: %s", e.Arg, e.Message)
	}
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the internal cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the code, the argument it concerns ("" for none) and a message.
func Errorf(code, arg, format string, args ...any) *Error {
	return &Error{Code: code, Arg: arg, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an *Error with the code and message that keeps err as its internal cause.
func Wrap(code string, err error, msg string) *Error {
	return &Error{Code: code, Message: msg, Err: err}
}

// ErrorCode returns the code of err: the code of the first *Error in its chain, ETIMEOUT for an
// expired context, ECANCELED for a cancelled one, "" for nil and EINTERNAL for anything else.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	case errors.Is(err, context.DeadlineExceeded):
		return ETIMEOUT
	case errors.Is(err, context.Canceled):
		return ECANCELED
	default:
		return EINTERNAL
	}
}

// ErrorMessage returns the message of err that is safe to show a client.
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e) && e.Code != EINTERNAL:
		if e.Arg != "" {
			return fmt.Sprintf("argument %q: %s", e.Arg, e.Message)
		}
		return e.Message
	case ErrorCode(err) == ETIMEOUT:
		return "the request ran out of time"
	case ErrorCode(err) == ECANCELED:
		return "the request was cancelled"
	default:
		return "internal error"
	}
}

// CtxErr turns a context's error into ETIMEOUT (expired) or ECANCELED (cancelled: the client went
// away), or returns nil when ctx is live.
func CtxErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return CtxError(err, nil)
	}
	return nil
}

// CtxError wraps err, the error of a context that ended, with the code that says how it ended;
// cause, when not nil, is kept beside it for logs.
func CtxError(err, cause error) *Error {
	if cause != nil {
		err = errors.Join(err, cause)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return Wrap(ETIMEOUT, err, "the request ran out of time")
	}
	return Wrap(ECANCELED, err, "the request was cancelled")
}
