//go:build js && wasm

package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raft-playground/playground/netsim"
	"github.com/raft-playground/playground/netsim/script"
)

// sameAsEncodingJSON requires appendJSON and encoding/json to encode v to the
// same data. The bytes may differ only where JSON allows it (encoding/json
// escapes <, > and &), so both are decoded and compared, and also checked
// to be byte-identical once encoding/json's HTML escaping is turned off.
func sameAsEncodingJSON(t *testing.T, v any) {
	t.Helper()
	ours, err := appendJSON(nil, reflect.ValueOf(v))
	require.NoError(t, err)
	want, err := json.Marshal(v)
	require.NoError(t, err)
	require.True(t, json.Valid(ours), "not valid JSON: %s", ours)
	var gotData, wantData any
	require.NoError(t, json.Unmarshal(ours, &gotData))
	require.NoError(t, json.Unmarshal(want, &wantData))
	require.Equal(t, wantData, gotData)

	var plain []byte
	buf := &bytesWriter{b: &plain}
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(v))
	require.Equal(t, string(plain[:len(plain)-1]), string(ours), "byte-identical to encoding/json without HTML escaping")
}

type bytesWriter struct{ b *[]byte }

func (w *bytesWriter) Write(p []byte) (int, error) { *w.b = append(*w.b, p...); return len(p), nil }

type inner struct {
	Depth int `json:"depth"`
}

type shapes struct {
	Name      string            `json:"name"`
	Skipped   string            `json:"-"`
	hidden    int               //nolint:unused // proves unexported fields are left out
	Untagged  bool              // no tag: the Go name is the key
	Empty     string            `json:"empty,omitempty"`
	ZeroInt   int64             `json:"zeroInt,omitempty"`
	NilSlice  []int             `json:"nilSlice"`
	NoSlice   []int             `json:"noSlice,omitempty"`
	EmptyList []string          `json:"emptyList"`
	Pointer   *inner            `json:"pointer"`
	NilPtr    *inner            `json:"nilPtr"`
	Any       any               `json:"any"`
	ByName    map[string]uint8  `json:"byName"`
	ByID      map[uint64]string `json:"byID"`
	ByInt     map[int]bool      `json:"byInt"`
	NilMap    map[string]int    `json:"nilMap"`
	Array     [2]int8           `json:"array"`
	Floats    []float64         `json:"floats"`
	Float32   float32           `json:"float32"`
	inner
}

func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	tests := []struct {
		name string
		v    any
	}{
		{"nil", nil},
		{"every supported shape", shapes{
			Name: "s1", Skipped: "x", hidden: 3, Untagged: true,
			EmptyList: []string{}, Pointer: &inner{Depth: 2}, Any: []any{1, "two", nil, 3.5},
			ByName: map[string]uint8{"b": 2, "a": 1, "": 0}, ByID: map[uint64]string{10: "ten", 9: "nine"},
			ByInt: map[int]bool{-1: true, 2: false}, Array: [2]int8{-128, 127},
			Floats:  []float64{0, 0.1, -2.5, 1e20, 1e21, 1e-6, 1e-7, 123456789.125, math.MaxFloat64, math.SmallestNonzeroFloat64},
			Float32: 3.14, inner: inner{Depth: 7},
		}},
		{"strings that need escaping", []string{
			`quote " backslash \ slash /`, "tab\tnew\nline\rreturn\x00\x1f\x7f",
			"<img src=x onerror=alert(1)> & co", "line\u2028para\u2029", "bad utf-8: \xff\xfe end", "emoji 🐘 and 中文",
		}},
		{"extreme integers", []int64{math.MinInt64, math.MaxInt64, 0}},
		{"big unsigned", []uint64{math.MaxUint64}},
		{"error value", map[string]*callError{"error": {Code: codeRejected, Message: "line 1: bad"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { sameAsEncodingJSON(t, tt.v) })
	}
}

func TestAppendJSONRefusesWhatItCannotEncode(t *testing.T) {
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"function", func() {}, "unsupported type func()"},
		{"channel", make(chan int), "unsupported type chan int"},
		{"complex", complex(1, 2), "unsupported type complex128"},
		{"NaN", math.NaN(), "unsupported value NaN"},
		{"infinity inside a struct", struct{ F float64 }{math.Inf(1)}, "unsupported value +Inf"},
		{"bytes", []byte("x"), "unsupported type []uint8"},
		{"struct map key", map[inner]int{{}: 1}, "unsupported map key type main.inner"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := appendJSON(nil, reflect.ValueOf(tt.v))
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

// TestBridgeValuesEncodeLikeEncodingJSON encodes what the bridge really
// returns — views with key-value detail for every member, and the feed in
// both catalogues — after scenarios that exercise leases, locks, watches,
// snapshots and membership changes, so a view field of a kind appendJSON
// encodes differently from encoding/json cannot slip in unnoticed.
func TestBridgeValuesEncodeLikeEncodingJSON(t *testing.T) {
	scenarios := []string{
		"15-snapshot-install.txt", "18-replace-leader.txt", "19-learner-promoted.txt",
		"23-lease-expiry.txt", "24-lock-handover.txt", "25-watch-resume.txt",
	}
	for _, name := range scenarios {
		t.Run(name, func(t *testing.T) {
			text, err := os.ReadFile(filepath.Join("..", "..", "netsim", "testdata", name))
			require.NoError(t, err)
			sess, err := script.RunScript(string(text), nil)
			require.NoError(t, err)
			w := sess.World()
			sameAsEncodingJSON(t, w.View(0))
			for id := uint64(1); id <= netsim.MaxMembers; id++ {
				sameAsEncodingJSON(t, w.View(id))
			}
			sameAsEncodingJSON(t, eventBatch{Cursor: 0, Events: w.Feed(0, netsim.English)})
			sameAsEncodingJSON(t, w.Feed(0, netsim.Chinese))
		})
	}
}

// BenchmarkViewJSON compares encoding a nine-member view with key-value
// detail, the bridge's largest and most frequent result, with appendJSON
// and with encoding/json.
func BenchmarkViewJSON(b *testing.B) {
	sess, err := script.RunScript("cluster size=9 seed=7\nrun 2s\nput c1 k v\nrun 300ms\n", nil)
	require.NoError(b, err)
	view := sess.World().View(1)
	b.Run("appendJSON", func(b *testing.B) {
		var buf []byte
		for b.Loop() {
			buf, err = appendJSON(buf[:0], reflect.ValueOf(view))
			require.NoError(b, err)
		}
		b.SetBytes(int64(len(buf)))
	})
	b.Run("encoding-json", func(b *testing.B) {
		var out []byte
		for b.Loop() {
			out, err = json.Marshal(view)
			require.NoError(b, err)
		}
		b.SetBytes(int64(len(out)))
	})
}
