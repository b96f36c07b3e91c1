package p2p

import (
	"context"
	"errors"
	"fmt"

	p2ppb "github.com/trustedpods/tpod/api/proto/p2p"
)

// Code classifies an error sent over the wire. The values are those of
// p2ppb.ErrorCode.
type Code int32

// Error codes (docs/protocol.md, "Errors").
const (
	CodeInvalid           = Code(p2ppb.ErrorCode_ERROR_CODE_INVALID)
	CodeUnauthorized      = Code(p2ppb.ErrorCode_ERROR_CODE_UNAUTHORIZED)
	CodeNotFound          = Code(p2ppb.ErrorCode_ERROR_CODE_NOT_FOUND)
	CodeUnavailable       = Code(p2ppb.ErrorCode_ERROR_CODE_UNAVAILABLE)
	CodeInsufficientFunds = Code(p2ppb.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS)
	CodeNoCapacity        = Code(p2ppb.ErrorCode_ERROR_CODE_NO_CAPACITY)
	CodeExpired           = Code(p2ppb.ErrorCode_ERROR_CODE_EXPIRED)
	CodeReplayed          = Code(p2ppb.ErrorCode_ERROR_CODE_REPLAYED)
	CodeWrongProvider     = Code(p2ppb.ErrorCode_ERROR_CODE_WRONG_PROVIDER)
	CodePayloadMismatch   = Code(p2ppb.ErrorCode_ERROR_CODE_PAYLOAD_MISMATCH)
	CodeTermsMismatch     = Code(p2ppb.ErrorCode_ERROR_CODE_TERMS_MISMATCH)
	CodeConflict          = Code(p2ppb.ErrorCode_ERROR_CODE_CONFLICT)
	CodeBusy              = Code(p2ppb.ErrorCode_ERROR_CODE_BUSY)
	CodeUnimplemented     = Code(p2ppb.ErrorCode_ERROR_CODE_UNIMPLEMENTED)
	CodeInternal          = Code(p2ppb.ErrorCode_ERROR_CODE_INTERNAL)
	CodeBundleBinding     = Code(p2ppb.ErrorCode_ERROR_CODE_BUNDLE_BINDING)
)

// String returns the short name of the code, such as "invalid".
func (c Code) String() string {
	if n, ok := codeNames[c]; ok {
		return n
	}
	return fmt.Sprintf("code %d", int32(c))
}

var codeNames = map[Code]string{
	CodeInvalid:           "invalid",
	CodeUnauthorized:      "unauthorized",
	CodeNotFound:          "not found",
	CodeUnavailable:       "unavailable",
	CodeInsufficientFunds: "insufficient funds",
	CodeNoCapacity:        "no capacity",
	CodeExpired:           "expired",
	CodeReplayed:          "replayed",
	CodeWrongProvider:     "wrong provider",
	CodePayloadMismatch:   "payload mismatch",
	CodeTermsMismatch:     "terms mismatch",
	CodeConflict:          "conflict",
	CodeBusy:              "busy",
	CodeUnimplemented:     "unimplemented",
	CodeInternal:          "internal",
	CodeBundleBinding:     "bundle binding",
}

// Error is an error with a wire code. A Service returns one (usually by
// wrapping a sentinel such as ErrNotFound) to choose the code the caller sees;
// a Client returns one for every error response, so callers can test
// errors.Is(err, p2p.ErrNotFound).
type Error struct {
	Code    Code
	Message string
}

// Error is the message, or the code's name when there is none.
func (e *Error) Error() string {
	if e.Message == "" {
		return e.Code.String()
	}
	return e.Message
}

// Is reports whether target is an *Error with the same code, which makes the
// sentinels below match any error of their code.
func (e *Error) Is(target error) bool {
	var t *Error
	return errors.As(target, &t) && t.Code == e.Code
}

// Sentinels, one per code. Wrap them: fmt.Errorf("pod %x: %w", id, ErrNotFound).
var (
	ErrInvalid           = &Error{Code: CodeInvalid}
	ErrUnauthorized      = &Error{Code: CodeUnauthorized}
	ErrNotFound          = &Error{Code: CodeNotFound}
	ErrUnavailable       = &Error{Code: CodeUnavailable}
	ErrInsufficientFunds = &Error{Code: CodeInsufficientFunds}
	ErrNoCapacity        = &Error{Code: CodeNoCapacity}
	ErrExpired           = &Error{Code: CodeExpired}
	ErrReplayed          = &Error{Code: CodeReplayed}
	ErrWrongProvider     = &Error{Code: CodeWrongProvider}
	ErrPayloadMismatch   = &Error{Code: CodePayloadMismatch}
	ErrTermsMismatch     = &Error{Code: CodeTermsMismatch}
	ErrConflict          = &Error{Code: CodeConflict}
	ErrBusy              = &Error{Code: CodeBusy}
	ErrUnimplemented     = &Error{Code: CodeUnimplemented}
	ErrInternal          = &Error{Code: CodeInternal}
	ErrBundleBinding     = &Error{Code: CodeBundleBinding}
)

// errorf returns an *Error of code c with a formatted message.
func errorf(c Code, format string, args ...any) *Error {
	return &Error{Code: c, Message: fmt.Sprintf(format, args...)}
}

// toWire turns an error from the Service or from validation into the wire
// error. Errors that carry no code become CodeInternal with a generic message,
// so internal details do not leak to the caller; the server logs them.
func toWire(err error) (*p2ppb.Error, bool) {
	var e *Error
	if !errors.As(err, &e) && errors.Is(err, context.DeadlineExceeded) {
		return &p2ppb.Error{Code: p2ppb.ErrorCode_ERROR_CODE_UNAVAILABLE, Message: "timed out"}, true
	}
	if !errors.As(err, &e) || e.Code == CodeInternal || codeNames[e.Code] == "" {
		return &p2ppb.Error{Code: p2ppb.ErrorCode_ERROR_CODE_INTERNAL, Message: "internal error"}, false
	}
	msg := err.Error()
	if len(msg) > MaxErrorMessage {
		msg = truncateUTF8(msg, MaxErrorMessage)
	}
	return &p2ppb.Error{Code: p2ppb.ErrorCode(e.Code), Message: msg}, true
}

// fromWire turns a wire error into an *Error. An unknown or missing code
// becomes CodeInternal.
func fromWire(pe *p2ppb.Error) *Error {
	c := Code(pe.GetCode())
	if codeNames[c] == "" {
		c = CodeInternal
	}
	msg := pe.GetMessage()
	if len(msg) > MaxErrorMessage {
		msg = truncateUTF8(msg, MaxErrorMessage)
	}
	if msg == "" {
		msg = c.String()
	}
	return &Error{Code: c, Message: "provider: " + msg}
}

func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
