package netsim

import (
	"testing"

	"github.com/raft-playground/playground/core/wal"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// follower returns some running member that is not the leader.
func follower(t *testing.T, w *World) uint64 {
	lead, err := w.Leader()
	require.NoError(t, err)
	for _, id := range w.Members() {
		if id != lead && w.nodes[id].state == StateUp {
			return id
		}
	}
	t.Fatal("no follower")
	return 0
}

func TestCrashLosesOnlyTheUnsyncedTail(t *testing.T) {
	for _, who := range []string{"leader", "follower"} {
		t.Run(who, func(t *testing.T) {
			// A slow disk leaves a visible window between write and sync.
			w := newWorld(t, func(c *Config) { c.FsyncLatency = 100 * Millisecond })
			lead := electLeader(t, w)
			victim := lead
			if who == "follower" {
				victim = follower(t, w)
			}
			for i := 0; i < 5; i++ {
				_, err := w.Put("c1", "k", "v", "")
				require.NoError(t, err)
			}
			var before MemberView
			require.NoError(t, w.RunUntil(func(w *World) bool {
				mv, err := w.Member(victim)
				require.NoError(t, err)
				before = mv
				return mv.LastIndex > mv.SyncedIndex
			}, 10*Second), "the victim never had an unsynced tail")

			require.NoError(t, w.Crash(victim, CrashLoseUnsynced))
			crashed, err := w.Member(victim)
			require.NoError(t, err)
			assert.Equal(t, StateCrashed, crashed.State)
			assert.Equal(t, before.SyncedIndex, crashed.LastIndex, "a crashed member shows what survives")
			require.NoError(t, w.Restart(victim))
			after, err := w.Member(victim)
			require.NoError(t, err)
			assert.Equal(t, before.SyncedIndex, after.LastIndex, "exactly the synced prefix survives")
			assert.Less(t, after.LastIndex, before.LastIndex)
			for i, e := range after.Log {
				assert.Equal(t, before.Log[i].Term, e.Term, "entry %d", e.Index)
			}
			require.NoError(t, w.RunFor(3*Second))
			require.NoError(t, w.CheckSafety())
		})
	}
}

func TestCorruptWALKeepsMemberDown(t *testing.T) {
	w := newWorld(t, nil)
	electLeader(t, w)
	f := follower(t, w)
	require.NoError(t, w.Crash(f, CrashCorrupt))
	err := w.Restart(f)
	var rf *RestartFailedError
	require.ErrorAs(t, err, &rf)
	var ce *wal.CorruptionError
	assert.ErrorAs(t, err, &ce, "the WAL's own error is inside")
	mv, _ := w.Member(f)
	assert.Equal(t, StateFailed, mv.State)
	assert.NotEmpty(t, recordsOf(w, 0, "restart-failed"))
	assert.Error(t, w.Restart(f), "a failed member does not restart")
	at := w.Now()
	require.NoError(t, w.RunFor(6*Second))
	require.NoError(t, w.CheckSafety())
	require.NoError(t, w.Seek(at))
	mv, _ = w.Member(f)
	assert.Equal(t, StateFailed, mv.State, "a rewind replays the failed restart too")
}

func TestCrashRefusals(t *testing.T) {
	w := newWorld(t, nil)
	assert.ErrorContains(t, w.Crash(7, CrashLoseUnsynced), "s7 is not part of this world")
	assert.ErrorContains(t, w.Crash(12, CrashLoseUnsynced), "no member 12")
	assert.ErrorContains(t, w.Restart(1), "only a crashed member can restart")
	require.NoError(t, w.Crash(1, CrashLoseUnsynced))
	assert.ErrorContains(t, w.Crash(1, CrashLoseUnsynced), "already down")
	assert.ErrorContains(t, w.Pause(1), "only a running member")
}

func TestPauseFreezesAMember(t *testing.T) {
	w := newWorld(t, nil)
	electLeader(t, w)
	f := follower(t, w)
	require.NoError(t, w.Pause(f))
	frozen, _ := w.Member(f)
	since := len(w.Events(0))
	require.NoError(t, w.RunFor(2*Second))
	still, _ := w.Member(f)
	assert.Equal(t, StatePaused, still.State)
	assert.Equal(t, frozen.ElectionElapsed, still.ElectionElapsed, "a paused member's clock stands still")
	assert.Equal(t, frozen.Commit, still.Commit)
	for _, r := range recordsOf(w, since, "deliver") {
		assert.NotEqual(t, f, r.Member, "a paused member receives nothing")
	}
	assert.NotEmpty(t, w.nodes[f].held, "messages wait for it")

	since = len(w.Events(0))
	require.NoError(t, w.Resume(f))
	res := recordsOf(w, since, "resume")
	require.Len(t, res, 1)
	held, _ := res[0].Arg("held")
	assert.NotEqual(t, "0", held)
	delivered := 0
	for _, r := range recordsOf(w, since, "deliver") {
		if r.Member == f {
			delivered++
		}
	}
	assert.NotZero(t, delivered, "what waited is handed over at once")
	require.NoError(t, w.RunFor(2*Second))
	after, _ := w.Member(f)
	lead, _ := w.Member(mustLeader(t, w))
	assert.Equal(t, lead.Commit, after.Commit, "it catches up after the pause")
	require.NoError(t, w.CheckSafety())
}

func mustLeader(t *testing.T, w *World) uint64 {
	t.Helper()
	l, err := w.Leader()
	require.NoError(t, err)
	return l
}

func TestPausedLeaderIsReplacedAndStepsDownOnResume(t *testing.T) {
	w := newWorld(t, nil)
	old := electLeader(t, w)
	oldTerm := w.Term()
	require.NoError(t, w.Pause(old))
	require.NoError(t, w.RunUntil(func(w *World) bool { l, err := w.Leader(); return err == nil && l != old }, 10*Second))
	assert.Greater(t, w.Term(), oldTerm)
	require.NoError(t, w.Resume(old))
	require.NoError(t, w.RunFor(500*Millisecond))
	mv, _ := w.Member(old)
	assert.Equal(t, "follower", mv.Role)
	require.NoError(t, w.CheckSafety())
}
