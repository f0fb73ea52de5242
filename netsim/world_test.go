package netsim

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newWorld builds a world from DefaultConfig changed by edit.
func newWorld(t *testing.T, edit func(*Config)) *World {
	t.Helper()
	cfg := DefaultConfig()
	if edit != nil {
		edit(&cfg)
	}
	w, err := New(cfg)
	require.NoError(t, err)
	return w
}

// hasLeader is the predicate of `run until=leader`.
func hasLeader(w *World) bool {
	_, err := w.Leader()
	return err == nil
}

// electLeader runs until a leader exists and returns it.
func electLeader(t *testing.T, w *World) uint64 {
	t.Helper()
	require.NoError(t, w.RunUntil(hasLeader, 10*Second))
	lead, err := w.Leader()
	require.NoError(t, err)
	return lead
}

func TestFirstElectionAndAPut(t *testing.T) {
	w := newWorld(t, nil)
	lead := electLeader(t, w)
	assert.NotZero(t, lead)
	id, err := w.Put("c1", "foo", "bar", "")
	require.NoError(t, err)
	require.NoError(t, w.RunFor(Second))
	op, ok := w.LastReply("c1")
	require.True(t, ok)
	assert.Equal(t, id, op.ID)
	assert.Equal(t, StatusOK, op.Status, op.ErrText)
	for _, m := range w.Members() {
		kv, found, err := w.LocalGet(m, "foo")
		require.NoError(t, err)
		require.True(t, found, "member %s", MemberName(m))
		assert.Equal(t, "bar", kv.Value)
	}
	_, err = w.Get("c1", GetOptions{Key: "foo"})
	require.NoError(t, err)
	require.NoError(t, w.RunFor(Second))
	op, _ = w.LastReply("c1")
	require.Equal(t, StatusOK, op.Status, op.ErrText)
	require.Len(t, op.Range.KVs, 1)
	assert.Equal(t, "bar", op.Range.KVs[0].Value)
	require.NoError(t, w.CheckSafety())
}

func TestTraceKeepDropsOldRecords(t *testing.T) {
	w := newWorld(t, func(c *Config) { c.TraceKeep = 5 * Second; c.CheckpointEvery = 0 })
	steadyLoad(t, w, Time(40*Second))
	recs := w.Events(0)
	require.NotEmpty(t, recs)
	first := recs[0]
	assert.Greater(t, first.Seq, 1, "old records were dropped")
	assert.Positive(t, first.At, "the oldest records are gone")
	assert.LessOrEqual(t, first.At, w.Now().Add(-5*Second), "the whole window is kept")
	for i, r := range recs {
		assert.Equal(t, first.Seq+i, r.Seq, "cursors stay continuous")
	}
	last := recs[len(recs)-1].Seq
	assert.Empty(t, w.Events(last))
	assert.Len(t, w.Events(last-3), 3)
	assert.Equal(t, recs, w.Events(1), "a cursor before the window gives what is kept")
}
