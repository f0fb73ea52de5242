package netsim

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raft-playground/playground/kvstate"
)

func TestStoreEventsAreTheWholeChangeHistory(t *testing.T) {
	w := newWorld(t, func(c *Config) { c.SnapshotEvery = 10 })
	electLeader(t, w)
	revOf := map[int64]string{}
	for i := 0; i < 25; i++ {
		id, _ := w.Put("c1", "k", string(rune('a'+i)), "")
		op := runOp(t, w, "c1", id)
		require.Equal(t, StatusOK, op.Status, op.ErrText)
		revOf[op.Resp.Header.Revision] = string(rune('a' + i))
		if i == 10 {
			// Crash a follower that c1 does not talk to: the history must
			// not depend on which member is up.
			lead := mustLeader(t, w)
			for _, id := range w.Members() {
				if id != lead && id != 1 {
					require.NoError(t, w.Crash(id, CrashLoseUnsynced))
					break
				}
			}
		}
	}
	id, _ := w.Delete("c2", "k", false)
	del := runOp(t, w, "c2", id)
	require.Equal(t, StatusOK, del.Status, del.ErrText)
	id, _ = w.Compact("c2", del.Resp.Header.Revision)
	require.Equal(t, StatusOK, runOp(t, w, "c2", id).Status)
	require.NoError(t, w.RunFor(Second))

	evs := w.StoreEvents()
	require.Len(t, evs, 26, "25 puts and a delete, compaction notwithstanding")
	for i, ev := range evs {
		if i > 0 {
			assert.Greater(t, ev.KV.ModRevision, evs[i-1].KV.ModRevision, "revision order")
		}
		if ev.Type == kvstate.EventPut {
			assert.Equal(t, revOf[ev.KV.ModRevision], ev.KV.Value, "the put the client saw at revision %d", ev.KV.ModRevision)
		}
	}
	assert.Equal(t, kvstate.EventDelete, evs[25].Type)
	assert.Empty(t, recordsOf(w, 0, "store-events-gap"))
}
