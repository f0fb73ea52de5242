package netsim

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raft-playground/playground/kvstate"
)

// runOp runs until the client's operation id returned and returns it.
func runOp(t *testing.T, w *World, client string, id int) Op {
	t.Helper()
	require.NoError(t, w.RunUntil(func(w *World) bool {
		op, ok := w.LastReply(client)
		return ok && op.ID >= id
	}, 30*Second), "operation %d of %s did not return", id, client)
	op, _ := w.LastReply(client)
	require.Equal(t, id, op.ID)
	return op
}

// leaderIs makes sure member id leads (by transfer if needed).
func leaderIs(t *testing.T, w *World, id uint64) {
	t.Helper()
	electLeader(t, w)
	if l, _ := w.Leader(); l != id {
		require.NoError(t, w.Transfer(id))
	}
	require.NoError(t, w.RunUntil(func(w *World) bool { l, err := w.Leader(); return err == nil && l == id }, 10*Second))
	// Let every member hear from the new leader.
	require.NoError(t, w.RunFor(500*Millisecond))
}

func TestClientsFollowLeaderHints(t *testing.T) {
	w := newWorld(t, nil)
	leaderIs(t, w, 3)
	// c1 starts at s1, a follower; keep-alives only the leader serves.
	id, err := w.LeaseGrant("c1", "L1", 5*Second)
	require.NoError(t, err)
	op := runOp(t, w, "c1", id)
	require.Equal(t, StatusOK, op.Status, op.ErrText)
	assert.Equal(t, uint64(1), op.Member, "a write from a follower is forwarded, and answered where it was sent")
	since := len(w.Events(0))
	id, err = w.LeaseKeepAlive("c1", "L1", true)
	require.NoError(t, err)
	op = runOp(t, w, "c1", id)
	require.Equal(t, StatusOK, op.Status, op.ErrText)
	assert.Equal(t, uint64(3), op.Member, "the renewal reached the leader")
	assert.Equal(t, 2, op.Attempts, "one refusal with a hint, then the leader")
	redirects := recordsOf(w, since, "client-redirect")
	require.Len(t, redirects, 1)
	assert.Equal(t, uint64(1), redirects[0].Member)
	assert.Equal(t, uint64(3), redirects[0].Peer)
	assert.Positive(t, op.TTL)
}

func TestClientRetriesAndUnknownOutcomes(t *testing.T) {
	t.Run("a refused connection is retried elsewhere, even for a write", func(t *testing.T) {
		w := newWorld(t, nil)
		leaderIs(t, w, 3)
		require.NoError(t, w.Crash(1, CrashLoseUnsynced))
		id, err := w.Put("c1", "k", "v", "")
		require.NoError(t, err)
		op := runOp(t, w, "c1", id)
		assert.Equal(t, StatusOK, op.Status, op.ErrText)
		assert.Equal(t, 2, op.Attempts)
		assert.Equal(t, uint64(2), op.Member)
	})
	t.Run("a write that times out has an unknown outcome", func(t *testing.T) {
		w := newWorld(t, nil)
		leaderIs(t, w, 3)
		require.NoError(t, w.Isolate(1)) // c1's member cannot reach the leader
		id, err := w.Put("c1", "k", "v", "")
		require.NoError(t, err)
		op := runOp(t, w, "c1", id)
		assert.Equal(t, StatusUnknown, op.Status)
		assert.Equal(t, "timeout", op.ErrCode)
		assert.Equal(t, 1, op.Attempts, "a write of unknown outcome is not repeated")
		// The next operation goes elsewhere and succeeds.
		id, err = w.Put("c1", "k", "w", "")
		require.NoError(t, err)
		op = runOp(t, w, "c1", id)
		assert.Equal(t, StatusOK, op.Status, op.ErrText)
	})
	t.Run("a read that times out is retried elsewhere", func(t *testing.T) {
		w := newWorld(t, nil)
		leaderIs(t, w, 3)
		require.NoError(t, w.Isolate(1))
		require.NoError(t, w.RunFor(2*Second))
		id, err := w.Get("c1", GetOptions{Key: "k"})
		require.NoError(t, err)
		op := runOp(t, w, "c1", id)
		assert.Equal(t, StatusOK, op.Status, op.ErrText)
		assert.GreaterOrEqual(t, op.Attempts, 2)
		assert.NotEqual(t, uint64(1), op.Member)
	})
	t.Run("a pending write at a crashing member has an unknown outcome", func(t *testing.T) {
		w := newWorld(t, func(c *Config) {
			c.FsyncLatency = 300 * Millisecond
			c.ElectionMin, c.ElectionMax = Second, 2*Second
		})
		leaderIs(t, w, 3)
		id, err := w.Put("c1", "k", "v", "")
		require.NoError(t, err)
		require.NoError(t, w.RunFor(50*Millisecond))
		require.NoError(t, w.Crash(1, CrashLoseUnsynced))
		op := runOp(t, w, "c1", id)
		assert.Equal(t, StatusUnknown, op.Status)
		assert.Equal(t, "connection-lost", op.ErrCode)
	})
	t.Run("a serializable read at a partitioned member may be stale", func(t *testing.T) {
		w := newWorld(t, nil)
		leaderIs(t, w, 3)
		id, _ := w.Put("c2", "k", "old", "")
		runOp(t, w, "c2", id)
		require.NoError(t, w.RunFor(Second))
		require.NoError(t, w.Isolate(5))
		id, _ = w.Put("c2", "k", "new", "")
		runOp(t, w, "c2", id)
		id, _ = w.Get("c1", GetOptions{Key: "k", Serializable: true, At: 5})
		op := runOp(t, w, "c1", id)
		require.Equal(t, StatusOK, op.Status, op.ErrText)
		require.Len(t, op.Range.KVs, 1)
		assert.Equal(t, "old", op.Range.KVs[0].Value)
		id, _ = w.Get("c1", GetOptions{Key: "k", At: 5})
		op = runOp(t, w, "c1", id)
		assert.NotEqual(t, StatusOK, op.Status, "a linearizable read cannot be served by a cut-off member")
	})
}

func TestLeaseExpiresAfterClientCrash(t *testing.T) {
	w := newWorld(t, nil)
	electLeader(t, w)
	id, _ := w.LeaseGrant("c1", "L1", 2*Second)
	require.Equal(t, StatusOK, runOp(t, w, "c1", id).Status)
	id, _ = w.LeaseKeepAlive("c1", "L1", false)
	require.Equal(t, StatusOK, runOp(t, w, "c1", id).Status)
	id, _ = w.Put("c1", "svc/a", "up", "L1")
	require.Equal(t, StatusOK, runOp(t, w, "c1", id).Status)
	require.NoError(t, w.RunFor(5*Second))
	for _, m := range w.Members() {
		_, found, err := w.LocalGet(m, "svc/a")
		require.NoError(t, err)
		assert.True(t, found, "kept alive, the key stays on %s", MemberName(m))
	}
	require.NoError(t, w.CrashClient("c1"))
	require.NoError(t, w.RunFor(5*Second))
	for _, m := range w.Members() {
		_, found, err := w.LocalGet(m, "svc/a")
		require.NoError(t, err)
		assert.False(t, found, "the lease expired and took the key on %s", MemberName(m))
	}
	require.NoError(t, w.CheckSafety())
}

func TestLockIsHandedOverWhenTheHolderCrashes(t *testing.T) {
	w := newWorld(t, nil)
	electLeader(t, w)
	id1, err := w.Lock("c1", "mylock", 2*Second)
	require.NoError(t, err)
	op := runOp(t, w, "c1", id1)
	require.Equal(t, StatusOK, op.Status, op.ErrText)
	fence1 := op.Fence
	holder, err := w.LockHolder("mylock")
	require.NoError(t, err)
	assert.Equal(t, "c1", holder)

	id2, err := w.Lock("c2", "mylock", 2*Second)
	require.NoError(t, err)
	require.NoError(t, w.RunFor(3*Second))
	assert.Len(t, w.PendingOps("c2"), 1, "c2 waits while c1 holds the lock")
	v := w.View(0)
	require.Len(t, v.Clients, 2)
	require.Len(t, v.Clients[1].Locks, 1)
	assert.False(t, v.Clients[1].Locks[0].Held)
	assert.NotEmpty(t, v.Clients[1].Locks[0].WaitingOn)

	require.NoError(t, w.CrashClient("c1"))
	op = runOp(t, w, "c2", id2)
	require.Equal(t, StatusOK, op.Status, op.ErrText)
	assert.Greater(t, op.Fence, fence1, "the fencing token grows")
	holder, err = w.LockHolder("mylock")
	require.NoError(t, err)
	assert.Equal(t, "c2", holder)

	id, err := w.Unlock("c2", "mylock")
	require.NoError(t, err)
	assert.Equal(t, StatusOK, runOp(t, w, "c2", id).Status)
	holder, _ = w.LockHolder("mylock")
	assert.Equal(t, "", holder)
	require.NoError(t, w.CheckSafety())
}

func TestWatchResumesAfterMemberCrash(t *testing.T) {
	w := newWorld(t, nil)
	leaderIs(t, w, 3)
	id, err := w.Watch("c1", "/svc/", true, 0)
	require.NoError(t, err)
	op := runOp(t, w, "c1", id)
	require.Equal(t, StatusOK, op.Status, op.ErrText)
	watchMember := op.Member
	for i := 0; i < 3; i++ {
		pid, _ := w.Put("c2", "/svc/a", string(rune('a'+i)), "")
		runOp(t, w, "c2", pid)
	}
	require.NoError(t, w.Crash(watchMember, CrashLoseUnsynced))
	for i := 3; i < 6; i++ {
		pid, _ := w.Put("c2", "/svc/a", string(rune('a'+i)), "")
		runOp(t, w, "c2", pid)
	}
	require.NoError(t, w.RunFor(2*Second))
	var revs []int64
	members := map[uint64]bool{}
	for _, d := range w.WatchDeliveries() {
		members[d.Member] = true
		for _, ev := range d.Response.Events {
			revs = append(revs, ev.KV.ModRevision)
		}
	}
	require.Len(t, revs, 6, "every put seen once: %v", revs)
	for i := 1; i < len(revs); i++ {
		assert.Greater(t, revs[i], revs[i-1], "revisions in order without repeats")
	}
	assert.Len(t, members, 2, "the watch moved to another member")
	for _, d := range w.WatchDeliveries() {
		assert.Equal(t, int64(0), d.StartRev)
		assert.Positive(t, d.CreatedRev, "the creation revision stays with the resumed watch")
		assert.Equal(t, w.WatchDeliveries()[0].CreatedRev, d.CreatedRev)
	}
	assert.NotEmpty(t, recordsOf(w, 0, "watch-resume"))
}

func TestTxnCompareAndSwap(t *testing.T) {
	w := newWorld(t, nil)
	electLeader(t, w)
	id, _ := w.Put("c1", "x", "1", "")
	runOp(t, w, "c1", id)
	cas := func(client, from, to string) Op {
		id, err := w.Txn(client, kvstate.TxnRequest{
			Compare: []kvstate.Compare{{Key: "x", Target: kvstate.CompareValue, Result: kvstate.CompareEqual, Value: from}},
			Success: []kvstate.Op{{Put: &kvstate.PutRequest{Key: "x", Value: to}}},
		})
		require.NoError(t, err)
		return runOp(t, w, client, id)
	}
	op := cas("c1", "1", "2")
	require.Equal(t, StatusOK, op.Status, op.ErrText)
	assert.True(t, op.Resp.Txn.Succeeded)
	op = cas("c2", "1", "3")
	require.Equal(t, StatusOK, op.Status, op.ErrText)
	assert.False(t, op.Resp.Txn.Succeeded, "the value moved on")
	kv, _, _ := w.LocalGet(mustLeader(t, w), "x")
	assert.Equal(t, "2", kv.Value)
}

func TestClientInputIsValidated(t *testing.T) {
	w := newWorld(t, nil)
	cases := []struct {
		name string
		call func() error
		msg  string
	}{
		{"bad client name", func() error { _, err := w.Put("x1", "k", "v", ""); return err }, "not a client name"},
		{"unknown lease", func() error { _, err := w.Put("c1", "k", "v", "L9"); return err }, "no lease called L9"},
		{"empty key", func() error { _, err := w.Put("c1", "", "v", ""); return err }, "needs a key"},
		{"fractional lease TTL", func() error { _, err := w.LeaseGrant("c1", "L1", 1500*Millisecond); return err }, "whole number of seconds"},
		{"unlock without lock", func() error { _, err := w.Unlock("c1", "m"); return err }, "neither holds nor waits"},
		{"get at a missing member", func() error { _, err := w.Get("c1", GetOptions{Key: "k", At: 8}); return err }, "s8 is not part of this world"},
		{"compact at zero", func() error { _, err := w.Compact("c1", 0); return err }, "must be positive"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := len(w.History())
			assert.ErrorContains(t, tc.call(), tc.msg)
			assert.Len(t, w.History(), before, "a refused operation leaves no trace")
		})
	}
}

func TestWatchNumbersSurviveClientRestarts(t *testing.T) {
	w := newWorld(t, nil)
	electLeader(t, w)
	id, _ := w.Watch("c1", "a", false, 0)
	op := runOp(t, w, "c1", id)
	assert.Equal(t, 1, op.Watch)
	require.NoError(t, w.CrashClient("c1"))
	require.NoError(t, w.RestartClient("c1"))
	id, _ = w.Watch("c1", "b", false, 0)
	op = runOp(t, w, "c1", id)
	assert.Equal(t, 2, op.Watch, "the new session's watch gets a new number")
}

func TestPausedClientLosesItsLock(t *testing.T) {
	// The pause problem: a holder that stops renewing its session for longer
	// than the TTL loses the lock without noticing, and another client gets
	// it while the first still believes it holds it.
	w := newWorld(t, nil)
	electLeader(t, w)
	id, _ := w.Lock("c1", "m", 2*Second)
	require.Equal(t, StatusOK, runOp(t, w, "c1", id).Status)
	id2, _ := w.Lock("c2", "m", 2*Second)
	require.NoError(t, w.PauseClient("c1"))
	assert.ErrorContains(t, w.PauseClient("c1"), "paused already")
	op := runOp(t, w, "c2", id2)
	require.Equal(t, StatusOK, op.Status, op.ErrText)
	holder, _ := w.LockHolder("m")
	assert.Equal(t, "c2", holder)
	require.NoError(t, w.ResumeClient("c1"))
	require.NoError(t, w.RunFor(2*Second))
	assert.NotEmpty(t, recordsOf(w, 0, "lock-lost"), "c1 learns of the loss only after it resumes")
	id, _ = w.Unlock("c1", "m")
	op = runOp(t, w, "c1", id)
	assert.Equal(t, StatusError, op.Status, "there is nothing left to unlock")
}

func TestClientRestartForgetsTheOldSession(t *testing.T) {
	w := newWorld(t, nil)
	electLeader(t, w)
	id, _ := w.Watch("c1", "w", false, 0)
	runOp(t, w, "c1", id)
	id, _ = w.Lock("c1", "m", 2*Second)
	runOp(t, w, "c1", id)
	// The watch's member crashes, so c1 schedules a resume; c1 crashes and
	// restarts before it runs.
	watchAt := w.WatchDeliveries()[0].Member
	require.NoError(t, w.Crash(watchAt, CrashLoseUnsynced))
	require.NoError(t, w.RunFor(40*Millisecond))
	require.NoError(t, w.CrashClient("c1"))
	require.NoError(t, w.RestartClient("c1"))
	require.NoError(t, w.RunFor(5*Second), "timers of the old session must not touch the new one")
	v := w.View(0)
	assert.Empty(t, v.Clients[0].Watches)
	assert.Empty(t, v.Clients[0].Locks)
	holder, err := w.LockHolder("m")
	require.NoError(t, err)
	assert.Equal(t, "", holder, "the crashed session's lease expired and freed the lock")
}
