//go:build js && wasm

package main

// session holds the one simulated world the page works with.
type session struct{}

func newSession() *session { return &session{} }

// methods lists the functions of the global object.
func (s *session) methods() map[string]method {
	return map[string]method{}
}
