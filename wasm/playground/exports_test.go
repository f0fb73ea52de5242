//go:build js && wasm

package main

import (
	"errors"
	"testing"

	"github.com/hack-pad/safejs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// callJS calls a function of obj the way the page does and returns the
// result as JSON text, so assertions see exactly what JavaScript sees.
func callJS(t *testing.T, obj safejs.Value, name string, args ...any) string {
	t.Helper()
	result, err := obj.Call(name, args...)
	require.NoError(t, err, "calling %s must not throw", name)
	text, err := jsonObject.Call("stringify", result)
	require.NoError(t, err)
	s, err := text.String()
	require.NoError(t, err)
	return s
}

func TestExportObjectTranslatesOutcomes(t *testing.T) {
	type point struct {
		X    int    `json:"x"`
		Name string `json:"name"`
	}
	panics := 0
	obj, err := exportObject(map[string]method{
		"value": func([]safejs.Value) (any, error) { return point{X: 3, Name: "<b>s1</b>"}, nil },
		"plainError": func([]safejs.Value) (any, error) {
			return nil, errors.New("line 2: unknown command \"crsh\"")
		},
		"typedError": func([]safejs.Value) (any, error) { return nil, badArgument("want a string") },
		"panics": func([]safejs.Value) (any, error) {
			var m map[string]int
			m["boom"] = 1 // a nil-map write: a real runtime panic, not a panic(string)
			return nil, nil
		},
		"unencodable": func([]safejs.Value) (any, error) { return func() {}, nil },
	}, func() { panics++ })
	require.NoError(t, err)

	tests := []struct {
		method string
		want   string
	}{
		{"value", `{"x":3,"name":"<b>s1</b>"}`},
		{"plainError", `{"error":{"code":"rejected","message":"line 2: unknown command \"crsh\""}}`},
		{"typedError", `{"error":{"code":"bad_argument","message":"want a string"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			assert.JSONEq(t, tt.want, callJS(t, obj, tt.method))
		})
	}

	t.Run("a panic is reported, not thrown", func(t *testing.T) {
		got := callJS(t, obj, "panics")
		assert.Contains(t, got, `"code":"internal"`)
		assert.Contains(t, got, "assignment to entry in nil map")
		assert.Equal(t, 1, panics, "the owner hears of the panic")
	})
	t.Run("an unencodable result is an internal error", func(t *testing.T) {
		assert.Contains(t, callJS(t, obj, "unencodable"), `"code":"internal"`)
	})
	t.Run("the object still works after a panic", func(t *testing.T) {
		assert.JSONEq(t, `{"x":3,"name":"<b>s1</b>"}`, callJS(t, obj, "value"))
	})
}
