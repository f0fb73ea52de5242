//go:build js && wasm

package main

import (
	"testing"

	"github.com/hack-pad/safejs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFromJSDecodesOptions(t *testing.T) {
	type options struct {
		Script string  `json:"script"`
		Size   *int    `json:"size"`
		Seed   *uint64 `json:"seed"`
		Slow   bool    `json:"slow"`
		Small  int8    `json:"small"`
	}
	five, seed := 5, uint64(1<<53-1)
	tests := []struct {
		name    string
		js      string
		want    options
		wantErr string
	}{
		{"every kind", `{"script":"cluster","size":5,"seed":9007199254740991,"slow":true,"small":-3}`,
			options{Script: "cluster", Size: &five, Seed: &seed, Slow: true, Small: -3}, ""},
		{"absent and null leave zero values", `{"size":null}`, options{}, ""},
		{"misspelt field", `{"sise":5}`, options{}, `unknown field "sise"`},
		{"string for a number", `{"size":"5"}`, options{}, `field "size": must be a number, not a string`},
		{"fraction", `{"size":2.5}`, options{}, "must be a whole number"},
		{"beyond exact integers", `{"seed":9007199254740993}`, options{}, "must be a whole number"},
		{"negative unsigned", `{"seed":-1}`, options{}, `field "seed": -1 is out of range`},
		{"overflowing int8", `{"small":300}`, options{}, `field "small": 300 is out of range`},
		{"number for a string", `{"script":1}`, options{}, "must be a string, not a number"},
		{"string for a boolean", `{"slow":"yes"}`, options{}, "must be true or false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := jsonObject.Call("parse", tt.js)
			require.NoError(t, err)
			var got options
			err = fromJS(v, &got)
			if tt.wantErr != "" {
				assert.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	t.Run("the target must be a struct pointer", func(t *testing.T) {
		assert.ErrorContains(t, fromJS(safejs.Null(), 3), "pointer to a struct")
	})
}
