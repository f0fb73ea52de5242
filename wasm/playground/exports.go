//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"reflect"
	"runtime/debug"
	"sort"

	"github.com/hack-pad/safejs"
)

// method is one function of the global object. It receives the JavaScript
// arguments and returns plain data that appendJSON can encode, or an error.
type method func(args []safejs.Value) (any, error)

// exportObject builds a JavaScript object whose functions call the given
// methods. Each call's result crosses into JavaScript as plain data (JSON
// encoded in Go, parsed in JavaScript), an error becomes {error: {code,
// message}}, and a panic is recovered and reported the same way, so nothing
// the engine does can throw into the page. After a recovered panic,
// onPanic runs (if not nil) so the owner can drop state the panic may have
// left half-changed.
func exportObject(methods map[string]method, onPanic func()) (safejs.Value, error) {
	object, err := safejs.Global().Get("Object")
	if err != nil {
		return safejs.Value{}, err
	}
	obj, err := object.New()
	if err != nil {
		return safejs.Value{}, err
	}
	names := make([]string, 0, len(methods))
	for name := range methods {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fn, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
			return callMethod(name, methods[name], args, onPanic)
		})
		if err != nil {
			return safejs.Value{}, err
		}
		// The functions live as long as the page: the object is never
		// released, so neither are they.
		if err := obj.Set(name, fn.Value()); err != nil {
			return safejs.Value{}, err
		}
	}
	return obj, nil
}

// callMethod runs one method and converts its outcome into a JavaScript value.
func callMethod(name string, m method, args []safejs.Value, onPanic func()) (result any) {
	defer func() {
		if r := recover(); r != nil {
			result = errorValue(&callError{
				Code:    codeInternal,
				Message: fmt.Sprintf("%s: internal error: %v\n%s", name, r, debug.Stack()),
			})
			if onPanic != nil {
				onPanic()
			}
		}
	}()
	value, err := m(args)
	if err != nil {
		return errorValue(asCallError(err))
	}
	js, err := toJS(value)
	if err != nil {
		return errorValue(&callError{Code: codeInternal, Message: fmt.Sprintf("%s: encode result: %v", name, err)})
	}
	return js
}

// asCallError keeps a callError as it is and wraps any other error as a
// rejected input: the engine's errors (a script LineError, ErrNotLeader…)
// are the learner's input being refused, not a bug.
func asCallError(err error) *callError {
	var ce *callError
	if errors.As(err, &ce) {
		return ce
	}
	return &callError{Code: codeRejected, Message: err.Error()}
}

func errorValue(e *callError) any {
	js, err := toJS(map[string]*callError{"error": e})
	if err != nil {
		// Marshalling two strings cannot fail and JSON.parse of our own
		// output cannot either; if it did, the page still gets a message.
		return e.Error()
	}
	return js
}

// jsonObject is JavaScript's JSON, looked up once: every call crosses the
// boundary through it.
var jsonObject = safejs.MustGetGlobal("JSON")

// toJS converts a Go value to plain JavaScript data by way of JSON: one
// string crosses the boundary instead of one call per field, which is much
// faster for large views.
func toJS(v any) (safejs.Value, error) {
	data, err := appendJSON(nil, reflect.ValueOf(v))
	if err != nil {
		return safejs.Value{}, err
	}
	return jsonObject.Call("parse", string(data))
}
