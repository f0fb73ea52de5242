//go:build js && wasm

package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hack-pad/safejs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newEngine exports a fresh session the way main does and returns the
// JavaScript object.
func newEngine(t *testing.T) safejs.Value {
	t.Helper()
	s := newSession()
	obj, err := exportObject(s.methods(), s.abandon)
	require.NoError(t, err)
	return obj
}

// callInto calls a method and decodes its JavaScript result into v, failing
// the test when the call returned an error value.
func callInto(t *testing.T, obj safejs.Value, v any, name string, args ...any) {
	t.Helper()
	text := callJS(t, obj, name, args...)
	require.NotContains(t, text, `"error":{"code"`, "%s(%v) failed: %s", name, args, text)
	require.NoError(t, json.Unmarshal([]byte(text), v), text)
}

// errorCode calls a method that must fail and returns the error's code and message.
func errorCode(t *testing.T, obj safejs.Value, name string, args ...any) (code, message string) {
	t.Helper()
	var out struct {
		Error *callError `json:"error"`
	}
	text := callJS(t, obj, name, args...)
	require.NoError(t, json.Unmarshal([]byte(text), &out), text)
	require.NotNil(t, out.Error, "%s(%v) should fail, got %s", name, args, text)
	return out.Error.Code, out.Error.Message
}

type testView struct {
	NowUs   int64 `json:"nowUs"`
	Leader  int   `json:"leader"`
	Term    int   `json:"term"`
	Members []struct {
		Name  string `json:"name"`
		Role  string `json:"role"`
		State string `json:"state"`
	} `json:"members"`
	KV *struct {
		Keys []struct {
			Key   string `json:"key"`
			Value string `json:"value"`
		} `json:"keys"`
	} `json:"kv"`
	Events int `json:"events"`
}

func TestCallsBeforeCreateNeedASession(t *testing.T) {
	engine := newEngine(t)
	for _, call := range []struct {
		name string
		args []any
	}{
		{"exec", []any{"crash s1"}}, {"run", []any{"1s"}}, {"step", nil}, {"view", nil},
		{"events", []any{0}}, {"seek", []any{0}}, {"script", nil}, {"runUntil", []any{"leader"}},
	} {
		t.Run(call.name, func(t *testing.T) {
			code, _ := errorCode(t, engine, call.name, call.args...)
			assert.Equal(t, codeNoSession, code)
		})
	}
}

func TestSessionThroughTheBridge(t *testing.T) {
	engine := newEngine(t)
	var st status
	callInto(t, engine, &st, "create", "cluster size=3 seed=7\nrun until=leader max=5s\n")
	assert.Positive(t, st.NowUs)

	var v testView
	callInto(t, engine, &v, "view")
	require.Len(t, v.Members, 3)
	assert.NotZero(t, v.Leader, "the script ran until a leader existed")
	assert.Nil(t, v.KV, "no member asked for, no key-value detail")

	var res execResult
	callInto(t, engine, &res, "exec", `put c1 greeting "<b>hello</b>"`)
	callInto(t, engine, &st, "run", "2s")
	callInto(t, engine, &v, "view", "s2")
	require.NotNil(t, v.KV)
	require.Len(t, v.KV.Keys, 1)
	assert.Equal(t, "greeting", v.KV.Keys[0].Key)
	assert.Equal(t, "<b>hello</b>", v.KV.Keys[0].Value, "values are data, passed through untouched")

	var batch eventBatch
	callInto(t, engine, &batch, "events", 0)
	assert.Equal(t, v.Events, batch.Cursor)
	assert.Len(t, batch.Events, batch.Cursor)
	callInto(t, engine, &batch, "events", batch.Cursor)
	assert.Empty(t, batch.Events)
	callInto(t, engine, &batch, "events", 1<<40)
	assert.Equal(t, v.Events, batch.Cursor, "a cursor past the end is clamped")

	var text string
	callInto(t, engine, &text, "script")
	assert.Contains(t, text, "put c1 greeting")

	t.Run("the script replays to the same view", func(t *testing.T) {
		replay := newEngine(t)
		var replayed testView
		callInto(t, replay, &st, "create", map[string]any{"script": text})
		callInto(t, replay, &replayed, "view", "s2")
		assert.Equal(t, v, replayed)
	})

	t.Run("acting after a seek back forks the session there", func(t *testing.T) {
		callInto(t, engine, &st, "seek", 1_000_000)
		assert.EqualValues(t, 1_000_000, st.NowUs)
		var unchanged string
		callInto(t, engine, &unchanged, "script")
		assert.Equal(t, text, unchanged, "looking back changes nothing")

		callInto(t, engine, &res, "exec", "crash s3")
		var forked string
		callInto(t, engine, &forked, "script")
		assert.True(t, strings.HasSuffix(forked, "\ncrash s3\n"), "the new line ends the script:\n%s", forked)
		assert.Contains(t, forked, "put c1 greeting", "the put came before the moment the session forked at")
		assert.NotContains(t, forked, "run 2s", "the run after the put is cut at the fork")
		var after testView
		callInto(t, engine, &after, "view")
		assert.EqualValues(t, 1_000_000, after.NowUs)
	})
}

func TestBadInputChangesNothing(t *testing.T) {
	engine := newEngine(t)
	var st status
	callInto(t, engine, &st, "create", map[string]any{"size": 3, "seed": 2})
	var before string
	callInto(t, engine, &before, "script")

	tests := []struct {
		name     string
		method   string
		args     []any
		wantCode string
	}{
		{"misspelt command", "exec", []any{"crsh s1"}, codeRejected},
		{"unknown member", "exec", []any{"crash s8"}, codeRejected},
		{"exec of a number", "exec", []any{5}, codeBadArgument},
		{"negative duration", "run", []any{"-1s"}, codeBadArgument},
		{"zero duration", "run", []any{0}, codeBadArgument},
		{"fractional microseconds", "run", []any{1.5}, codeBadArgument},
		{"duration without unit", "run", []any{"10"}, codeBadArgument},
		{"unknown condition", "runUntil", []any{"sunrise"}, codeBadArgument},
		{"run until a message for no time", "runUntil", []any{"message", 0}, codeBadArgument},
		{"member name out of range", "view", []any{"s10"}, codeBadArgument},
		{"member as a number", "view", []any{3}, codeBadArgument},
		{"negative cursor", "events", []any{-1}, codeBadArgument},
		{"seek to a string", "seek", []any{"1s"}, codeBadArgument},
		{"misspelt create option", "create", []any{map[string]any{"sise": 3}}, codeBadArgument},
		{"script and size", "create", []any{map[string]any{"script": "cluster", "size": 3}}, codeBadArgument},
		{"size out of range", "create", []any{map[string]any{"size": 12}}, codeRejected},
		{"script with a bad line", "create", []any{"cluster size=3\nrun 1s\nfly s1\n"}, codeRejected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, msg := errorCode(t, engine, tt.method, tt.args...)
			assert.Equal(t, tt.wantCode, code, msg)
			assert.NotEmpty(t, msg)
			var after string
			callInto(t, engine, &after, "script")
			assert.Equal(t, before, after, "a refused call changes nothing")
		})
	}

	t.Run("a bad script line is named", func(t *testing.T) {
		_, msg := errorCode(t, engine, "create", "cluster size=3\nrun 1s\nfly s1\n")
		assert.Contains(t, msg, "line 3")
	})
}

func TestRunUntilMessage(t *testing.T) {
	t.Run("stops soon after a member sends", func(t *testing.T) {
		engine := newEngine(t)
		var st status
		callInto(t, engine, &st, "create", "cluster size=3 seed=4\nrun until=leader max=5s\nrun 5ms\n")
		var quiet testView
		callInto(t, engine, &quiet, "view")
		var before string
		callInto(t, engine, &before, "script")

		callInto(t, engine, &st, "runUntil", "message", "10s")
		var v struct {
			NowUs    int64 `json:"nowUs"`
			Messages []struct {
				SentUs int64 `json:"sentUs"`
			} `json:"messages"`
		}
		callInto(t, engine, &v, "view")
		require.NotEmpty(t, v.Messages, "a message is on the wire")
		var newest int64
		for _, m := range v.Messages {
			newest = max(newest, m.SentUs)
		}
		assert.Equal(t, newest, v.NowUs, "the run stops at the moment of the send")
		assert.Less(t, v.NowUs, quiet.NowUs+10_000_000, "well before max")

		var after string
		callInto(t, engine, &after, "script")
		assert.Equal(t, strings.Count(before, "\n"), strings.Count(after, "\n"), "the steps coalesce into the last run line")

		replay := newEngine(t)
		callInto(t, replay, &st, "create", after)
		var replayed, live testView
		callInto(t, replay, &replayed, "view")
		callInto(t, engine, &live, "view")
		assert.Equal(t, live, replayed, "the recorded script replays to the same world")
	})

	t.Run("reaching max without a message is a normal return", func(t *testing.T) {
		engine := newEngine(t)
		var st status
		callInto(t, engine, &st, "create", "cluster size=1\nrun until=leader max=5s\n")
		start := st.NowUs
		callInto(t, engine, &st, "runUntil", "message", "50ms")
		assert.EqualValues(t, start+50_000, st.NowUs)
	})
}

func TestAPanicAbandonsTheSession(t *testing.T) {
	s := newSession()
	engine, err := exportObject(s.methods(), s.abandon)
	require.NoError(t, err)
	var st status
	callInto(t, engine, &st, "create", "cluster size=3\n")

	s.abandon() // what callMethod does after recovering a panic
	code, msg := errorCode(t, engine, "view")
	assert.Equal(t, codeNoSession, code)
	assert.Contains(t, msg, "internal error")

	callInto(t, engine, &st, "create", "cluster size=3\n")
	var v testView
	callInto(t, engine, &v, "view")
	assert.Len(t, v.Members, 3, "create starts afresh")
}

func TestCreateStartsFromTheBrowserDefaults(t *testing.T) {
	tests := []struct {
		name string
		arg  any
		want string
	}{
		{"no argument", nil, "snapshot-every=100 "},
		{"size and seed", map[string]any{"size": 5, "seed": 7}, "snapshot-every=100 "},
		{"script text", "cluster size=5 seed=7\n", "snapshot-every=100 "},
		{"a script's own choice wins", "cluster size=5 seed=7 snapshot-every=0\n", "snapshot-every=0 "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			engine := newEngine(t)
			var st status
			if tt.arg == nil {
				callInto(t, engine, &st, "create")
			} else {
				callInto(t, engine, &st, "create", tt.arg)
			}
			var text string
			callInto(t, engine, &text, "script")
			assert.Contains(t, text, tt.want, "the recorded cluster line states the snapshot setting")
		})
	}
}

func TestEventsBeforeTheKeptWindowSayHowManyWereDropped(t *testing.T) {
	engine := newEngine(t)
	var st status
	callInto(t, engine, &st, "create", map[string]any{"size": 5, "seed": 7})
	// A browser session keeps the last five virtual minutes of the trace.
	callInto(t, engine, &st, "run", "400s")

	var batch eventBatch
	callInto(t, engine, &batch, "events", 0)
	require.Positive(t, batch.Dropped, "the oldest events are gone, and the answer says so")
	require.NotEmpty(t, batch.Events)
	assert.Equal(t, batch.Dropped+1, batch.Events[0].Seq, "the batch starts right after the dropped events")
	assert.Equal(t, st.Events, batch.Cursor, "the cursor is the end of the whole trace")
	assert.Equal(t, st.Events, batch.Events[len(batch.Events)-1].Seq, "sequence numbers still count every event")
	assert.Len(t, batch.Events, batch.Cursor-batch.Dropped)

	var v testView
	callInto(t, engine, &v, "view")
	assert.Equal(t, st.Events, v.Events, "the view and the status count alike")

	var later eventBatch
	callInto(t, engine, &later, "events", batch.Cursor)
	assert.Empty(t, later.Events)
	assert.Zero(t, later.Dropped, "a reader that keeps up misses nothing")
	callInto(t, engine, &later, "events", batch.Cursor-5)
	assert.Len(t, later.Events, 5)
	assert.Zero(t, later.Dropped)
	callInto(t, engine, &later, "events", 10)
	assert.Equal(t, batch.Dropped-10, later.Dropped, "counted from the cursor asked for")

	t.Run("a seek back before the window", func(t *testing.T) {
		callInto(t, engine, &st, "seek", 30_000_000)
		var back eventBatch
		callInto(t, engine, &back, "events", 0)
		assert.Empty(t, back.Events, "the events of that moment are no longer kept")
		assert.Equal(t, st.Events, back.Cursor)
		assert.Equal(t, st.Events, back.Dropped)
		callInto(t, engine, &v, "view")
		assert.EqualValues(t, 30_000_000, v.NowUs, "the world itself is exact")
		assert.NotZero(t, v.Leader)
	})
}
