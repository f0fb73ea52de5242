package netsim

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTeachingSetUps(t *testing.T) {
	t.Run("figure 7 logs elect a leader with the most up-to-date log", func(t *testing.T) {
		// Reference: Raft §5.4.1, figure 7 (a subset: the leader's log and
		// followers a, b, e that a term-8 leader could face).
		w := newWorld(t, func(c *Config) { c.Size = 4 })
		logs := map[uint64][]uint64{
			1: {1, 1, 1, 4, 4, 5, 5, 6, 6, 6},
			2: {1, 1, 1, 4, 4, 5, 5, 6, 6},
			3: {1, 1, 1, 4},
			4: {1, 1, 1, 4, 4, 4, 4},
		}
		for id := uint64(1); id <= 4; id++ {
			require.NoError(t, w.SetLog(id, logs[id]))
			require.NoError(t, w.SetTerm(id, 8))
		}
		mv, err := w.Member(1)
		require.NoError(t, err)
		assert.Equal(t, uint64(8), mv.Term)
		assert.Equal(t, uint64(10), mv.LastIndex)
		assert.Equal(t, uint64(10), mv.SyncedIndex, "a set-up log is durable")
		lead := electLeader(t, w)
		assert.Contains(t, []uint64{1, 2}, lead, "only a member whose log ends in term 6 can win")
		require.NoError(t, w.RunFor(2*Second))
		for id := uint64(1); id <= 4; id++ {
			mv, _ := w.Member(id)
			for i, term := range logs[1] {
				if lead == 1 || i < 9 {
					assert.Equal(t, term, mv.Log[i].Term, "%s entry %d", MemberName(id), i+1)
				}
			}
		}
		kv, found, err := w.LocalGet(lead, "fig")
		require.NoError(t, err)
		require.True(t, found, "set-up entries carry commands")
		assert.Equal(t, "i"+strconv.Itoa(len(logs[lead]))+"t6", kv.Value, "the leader's last set-up entry was applied last")
		require.NoError(t, w.CheckSafety())
	})

	refusals := []struct {
		name  string
		setup func(w *World) error
		msg   string
	}{
		{"decreasing terms", func(w *World) error { return w.SetLog(1, []uint64{1, 3, 2}) }, "never decrease"},
		{"term zero", func(w *World) error { return w.SetLog(1, []uint64{0, 1}) }, "term 0"},
		{"log term above the member's term", func(w *World) error {
			if err := w.SetTerm(1, 3); err != nil {
				return err
			}
			return w.SetLog(1, []uint64{1, 4})
		}, "above s1's current term 3"},
		{"term below the log's last term", func(w *World) error {
			if err := w.SetLog(1, []uint64{1, 4}); err != nil {
				return err
			}
			return w.SetTerm(1, 3)
		}, "never below its log's last term"},
		{"two leaders in one term", func(w *World) error {
			if err := w.SetLog(1, []uint64{1, 2, 3}); err != nil {
				return err
			}
			return w.SetLog(2, []uint64{1, 1, 3})
		}, "both hold entries of term 3"},
		{"entries of one term at different places", func(w *World) error {
			if err := w.SetLog(1, []uint64{1, 2, 2}); err != nil {
				return err
			}
			return w.SetLog(2, []uint64{1, 1, 1, 2})
		}, "Log Matching"},
		{"after the cluster started", func(w *World) error {
			if err := w.RunFor(Millisecond); err != nil {
				return err
			}
			return w.SetLog(1, []uint64{1})
		}, "before the cluster starts"},
		{"a member that does not exist", func(w *World) error { return w.SetTerm(8, 2) }, "s8 is not part of this world"},
	}
	for _, tc := range refusals {
		t.Run("refuses "+tc.name, func(t *testing.T) {
			w := newWorld(t, nil)
			err := tc.setup(w)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}

	t.Run("a refused set-up changes nothing", func(t *testing.T) {
		w := newWorld(t, nil)
		require.NoError(t, w.SetLog(1, []uint64{1, 2}))
		before, _ := w.Member(1)
		require.Error(t, w.SetLog(1, []uint64{2, 1}))
		after, _ := w.Member(1)
		assert.Equal(t, before, after)
	})
}

func TestMembershipChanges(t *testing.T) {
	w := newWorld(t, func(c *Config) { c.Size = 3 })
	electLeader(t, w)
	require.NoError(t, w.RunFor(500*Millisecond))
	id, _ := w.Put("c1", "k", "v", "")
	runOp(t, w, "c1", id)

	require.NoError(t, w.AddMember(4, true))
	require.NoError(t, w.RunFor(2*Second))
	mv, err := w.Member(4)
	require.NoError(t, err)
	assert.True(t, mv.Learner)
	kv, found, err := w.LocalGet(4, "k")
	require.NoError(t, err)
	require.True(t, found, "the learner caught up")
	assert.Equal(t, "v", kv.Value)

	require.NoError(t, w.PromoteMember(4))
	require.NoError(t, w.RunFor(2*Second))
	mv, _ = w.Member(4)
	assert.False(t, mv.Learner)
	assert.Contains(t, mv.Voters, uint64(4))

	lead := mustLeader(t, w)
	require.NoError(t, w.RemoveMember(lead))
	require.NoError(t, w.RunUntil(func(w *World) bool { l, err := w.Leader(); return err == nil && l != lead }, 10*Second))
	newLead := mustLeader(t, w)
	nv, _ := w.Member(newLead)
	assert.NotContains(t, nv.Voters, lead)
	assert.Len(t, nv.Voters, 3)

	assert.ErrorContains(t, w.AddMember(4, false), "already exists")
	assert.ErrorContains(t, w.PromoteMember(4), "not a learner")
	require.NoError(t, w.CheckSafety())
}

func TestSnapshotAndCatchUp(t *testing.T) {
	w := newWorld(t, func(c *Config) { c.SnapshotCatchUp = 2 })
	electLeader(t, w)
	f := follower(t, w)
	require.NoError(t, w.Crash(f, CrashLoseUnsynced))
	for i := 0; i < 10; i++ {
		id, _ := w.Put("c1", "k", string(rune('a'+i)), "")
		runOp(t, w, "c1", id)
	}
	lead := mustLeader(t, w)
	require.NoError(t, w.Snapshot(lead))
	lv, _ := w.Member(lead)
	assert.Positive(t, lv.CompactedIndex)
	since := len(w.Events(0))
	require.NoError(t, w.Restart(f))
	require.NoError(t, w.RunFor(2*Second))
	sent := false
	for _, r := range w.Events(since) {
		if r.Kind == "send" && r.Reason == "snapshot" && r.Peer == f {
			sent = true
		}
	}
	assert.True(t, sent, "the leader sends the restarted member a snapshot")
	kv, found, err := w.LocalGet(f, "k")
	require.NoError(t, err)
	require.True(t, found)
	assert.Equal(t, "j", kv.Value)
	assert.ErrorContains(t, w.Snapshot(12), "no member 12")
	require.NoError(t, w.CheckSafety())
}
