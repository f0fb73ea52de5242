//go:build js && wasm

package main

import "fmt"

// Error codes the page can switch on. The message is for people; the code is
// for code.
const (
	codeBadArgument = "bad_argument" // a call's argument has the wrong type or shape
	codeNoSession   = "no_session"   // a call that needs a cluster before create()
	codeRejected    = "rejected"     // the engine refused the input (a bad script line, say)
	codeInternal    = "internal"     // a Go panic, recovered at the boundary
)

// callError is what every method returns instead of throwing: the page sees
// it as {error: {code, message}}.
type callError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *callError) Error() string { return e.Code + ": " + e.Message }

func badArgument(format string, args ...any) *callError {
	return &callError{Code: codeBadArgument, Message: fmt.Sprintf(format, args...)}
}
