package concurrency_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raft-playground/playground/kvstate"
	"github.com/raft-playground/playground/kvstate/concurrency"
)

// lockClient adds a client with a mutex on name and starts Lock.
func (w *world) lockClient(name, lock string, ttl int64) (*client, *concurrency.Mutex) {
	w.t.Helper()
	c := w.addClient(name, ttl)
	m := concurrency.NewMutex(c.session, lock)
	c.r = m
	step, err := m.Lock()
	require.NoError(w.t, err)
	w.run(c, step)
	return c, m
}

func unlock(w *world, c *client, m *concurrency.Mutex) {
	w.t.Helper()
	step, err := m.Unlock()
	require.NoError(w.t, err)
	w.run(c, step)
}

func TestMutexSecondLockerWaitsOnHolder(t *testing.T) {
	w := newWorld(t)
	c1, m1 := w.lockClient("c1", "mylock", 10)
	c1.requireDoneWith(t, 1, nil)
	require.True(t, m1.Held())
	assert.Equal(t, concurrency.KeyFor("mylock", c1.session.Lease()), m1.Key())
	assert.Equal(t, w.keys("mylock/")[m1.Key()], m1.Revision(), "the fencing token is the key's create revision")

	c2, m2 := w.lockClient("c2", "mylock", 10)
	assert.Empty(t, c2.results, "the second locker must not finish while the lock is held")
	assert.Equal(t, concurrency.MutexWaiting, m2.State())
	ahead, ok := m2.WaitingOn()
	require.True(t, ok)
	assert.Equal(t, m1.Key(), ahead.Key)
	lease, ok := concurrency.LeaseOf("mylock", ahead.Key)
	require.True(t, ok)
	assert.Equal(t, c1.session.Lease(), lease, "the waited-on key names the holder's session")
	assert.True(t, c2.watching, "a waiter watches the key ahead")

	firstToken := m1.Revision()
	unlock(w, c1, m1)
	c1.requireDoneWith(t, 2, nil)
	assert.Equal(t, concurrency.MutexIdle, m1.State())
	c2.requireDoneWith(t, 1, nil)
	require.True(t, m2.Held())
	assert.False(t, c2.watching, "the new holder canceled its watch")
	assert.Greater(t, m2.Revision(), firstToken, "every later holder has a larger fencing token")
	assert.Equal(t, map[string]int64{m2.Key(): m2.Revision()}, w.keys("mylock/"))
}

func TestMutexTryLock(t *testing.T) {
	tests := []struct {
		name       string
		heldByC1   bool
		wantErr    error
		wantHeld   bool
		wantC2Keys int
	}{
		{name: "free lock is taken", heldByC1: false, wantErr: nil, wantHeld: true, wantC2Keys: 1},
		{name: "held lock fails with ErrLocked and leaves no key", heldByC1: true, wantErr: concurrency.ErrLocked, wantHeld: false, wantC2Keys: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			var m1 *concurrency.Mutex
			if tt.heldByC1 {
				_, m1 = w.lockClient("c1", "mylock", 10)
				require.True(t, m1.Held())
			}
			c2 := w.addClient("c2", 10)
			m2 := concurrency.NewMutex(c2.session, "mylock")
			c2.r = m2
			step, err := m2.TryLock()
			require.NoError(t, err)
			w.run(c2, step)

			c2.requireDoneWith(t, 1, tt.wantErr)
			assert.Equal(t, tt.wantHeld, m2.Held())
			assert.False(t, c2.watching, "TryLock never waits")
			keys := w.keys("mylock/")
			_, has := keys[concurrency.KeyFor("mylock", c2.session.Lease())]
			assert.Equal(t, tt.wantC2Keys == 1, has)
			if tt.heldByC1 {
				assert.True(t, m1.Held(), "a failed TryLock does not disturb the holder")
				assert.Len(t, keys, 1)
				// The mutex can try again after failing.
				_, err := m2.TryLock()
				require.NoError(t, err)
			}
		})
	}
}

func TestMutexHandoffInCreateRevisionOrder(t *testing.T) {
	w := newWorld(t)
	c1, m1 := w.lockClient("c1", "mylock", 10)
	c2, m2 := w.lockClient("c2", "mylock", 10)
	c3, m3 := w.lockClient("c3", "mylock", 10)
	require.True(t, m1.Held())

	ahead2, _ := m2.WaitingOn()
	ahead3, _ := m3.WaitingOn()
	assert.Equal(t, m1.Key(), ahead2.Key, "c2 waits on the holder")
	assert.Equal(t, m2.Key(), ahead3.Key, "c3 waits on c2, not on the holder: no herd effect")
	sent3, events3 := c3.sent, c3.watchEvents

	unlock(w, c1, m1)
	require.True(t, m2.Held(), "the lock goes to the next create revision")
	assert.Equal(t, concurrency.MutexWaiting, m3.State(), "the third waiter is not woken early")
	assert.Equal(t, sent3, c3.sent, "the third waiter sent nothing when the holder released")
	assert.Equal(t, events3, c3.watchEvents, "the third waiter saw no event when the holder released")
	ahead3, _ = m3.WaitingOn()
	assert.Equal(t, m2.Key(), ahead3.Key)

	unlock(w, c2, m2)
	require.True(t, m3.Held())
	c3.requireDoneWith(t, 1, nil)
	assert.Less(t, m2.Revision(), m3.Revision(), "fencing tokens grow with every handoff")
}

func TestMutexWaiterLeavingRelinksTheQueue(t *testing.T) {
	w := newWorld(t)
	c1, m1 := w.lockClient("c1", "mylock", 10)
	c2, m2 := w.lockClient("c2", "mylock", 10)
	c3, m3 := w.lockClient("c3", "mylock", 10)

	// c2 gives up while waiting (etcd: Lock's context canceled).
	unlock(w, c2, m2)
	c2.requireDoneWith(t, 1, nil)
	assert.Equal(t, concurrency.MutexIdle, m2.State())
	assert.False(t, c2.watching)

	assert.Equal(t, concurrency.MutexWaiting, m3.State(), "c3 is still behind the holder")
	ahead, ok := m3.WaitingOn()
	require.True(t, ok)
	assert.Equal(t, m1.Key(), ahead.Key, "c3 now waits on the key ahead of the one that left")

	unlock(w, c1, m1)
	assert.True(t, m3.Held())
	c3.requireDoneWith(t, 1, nil)
}

func TestMutexHolderSessionExpiryReleasesLock(t *testing.T) {
	w := newWorld(t)
	c1, m1 := w.lockClient("c1", "mylock", 5)
	c2, m2 := w.lockClient("c2", "mylock", 5)
	require.True(t, m1.Held())

	// c1 crashes: nobody renews its lease any more.
	c1.keepAlive = false
	w.advance(4 * time.Second)
	assert.Equal(t, concurrency.MutexWaiting, m2.State(), "the lease has not run out yet")
	w.advance(2 * time.Second)
	assert.True(t, m2.Held(), "the revoke of c1's lease deleted its key and handed the lock on")
	c2.requireDoneWith(t, 1, nil)
	assert.NotContains(t, w.keys("mylock/"), m1.Key())

	// c1 comes back and its driver finds the lease gone.
	w.noticeExpiry(c1)
	c1.requireDoneWith(t, 2, concurrency.ErrSessionExpired)
	assert.Equal(t, concurrency.MutexLost, m1.State())
	assert.False(t, m1.Held())
	assert.Equal(t, concurrency.SessionExpired, c1.session.State())
	_, err := m1.Lock()
	assert.ErrorIs(t, err, concurrency.ErrSessionExpired, "an expired session cannot lock again")
	_, err = m1.Unlock()
	assert.ErrorIs(t, err, concurrency.ErrNotLocked)
}

func TestMutexWaiterSessionExpiry(t *testing.T) {
	w := newWorld(t)
	_, m1 := w.lockClient("c1", "mylock", 5)
	c2, m2 := w.lockClient("c2", "mylock", 5)
	c3, m3 := w.lockClient("c3", "mylock", 5)

	c2.keepAlive = false
	w.advance(6 * time.Second)
	assert.True(t, m1.Held())
	ahead, ok := m3.WaitingOn()
	require.True(t, ok)
	assert.Equal(t, m1.Key(), ahead.Key, "c3 re-linked to the holder when c2's key expired")
	assert.Empty(t, c3.results)

	w.noticeExpiry(c2)
	c2.requireDoneWith(t, 1, concurrency.ErrSessionExpired)
	assert.Equal(t, concurrency.MutexLost, m2.State())
	assert.False(t, c2.watching, "the expired waiter canceled its watch")
}

func TestMutexLockWithUnnoticedExpiredLease(t *testing.T) {
	w := newWorld(t)
	c1 := w.addClient("c1", 5)
	c1.keepAlive = false
	w.advance(6 * time.Second)
	// The driver has not noticed yet: the session still looks live, but the
	// store refuses the put for the unknown lease.
	m := concurrency.NewMutex(c1.session, "mylock")
	c1.r = m
	step, err := m.Lock()
	require.NoError(t, err)
	w.run(c1, step)
	c1.requireDoneWith(t, 1, concurrency.ErrSessionExpired)
	assert.Equal(t, concurrency.SessionExpired, c1.session.State())
	assert.Empty(t, w.keys("mylock/"))
}

func TestMutexUnlockWhileRequestInFlight(t *testing.T) {
	w := newWorld(t)
	c1 := w.addClient("c1", 10)
	m := concurrency.NewMutex(c1.session, "mylock")
	c1.r = m
	step, err := m.Lock()
	require.NoError(t, err)
	require.NotNil(t, step.Send)

	// The driver asks to unlock before the lock's response arrives.
	unlockStep, err := m.Unlock()
	require.NoError(t, err)
	assert.Equal(t, concurrency.Step{}, unlockStep, "nothing to send until the response is in")
	_, err = m.Unlock()
	assert.ErrorIs(t, err, concurrency.ErrBusy)

	w.run(c1, step)
	c1.requireDoneWith(t, 1, nil)
	assert.Equal(t, concurrency.MutexIdle, m.State())
	assert.Empty(t, w.keys("mylock/"), "the key created by the lock was deleted again")
}

func TestMutexIgnoresStaleAndDuplicateResponses(t *testing.T) {
	w := newWorld(t)
	c1 := w.addClient("c1", 10)
	m := concurrency.NewMutex(c1.session, "mylock")
	c1.r = m
	step, err := m.Lock()
	require.NoError(t, err)
	resp := w.apply(step.Send)

	stale := resp
	stale.ID = resp.ID + 100
	assert.Equal(t, concurrency.Step{}, m.HandleResponse(stale), "a response to another request is ignored")
	assert.Equal(t, concurrency.MutexAcquiring, m.State())

	done := m.HandleResponse(resp)
	assert.True(t, done.Done)
	assert.True(t, m.Held())
	assert.Equal(t, concurrency.Step{}, m.HandleResponse(resp), "a duplicate response is ignored")
	assert.True(t, m.Held())
}

func TestMutexRereadsWhenStoreCancelsItsWatch(t *testing.T) {
	w := newWorld(t)
	c1, m1 := w.lockClient("c1", "mylock", 10)
	c2, m2 := w.lockClient("c2", "mylock", 10)
	require.True(t, c2.watching)

	// The store ends the watch, as it does when the start revision was
	// compacted away: the waiter must read the queue again.
	step := m2.HandleWatch(kvstate.WatchResponse{WatchID: c2.watchID, Canceled: true, CompactRevision: w.store.Rev()})
	require.NotNil(t, step.Send)
	assert.False(t, step.CancelWatch, "a canceled watch needs no cancel")
	c2.watching = false
	w.run(c2, step)
	assert.Equal(t, concurrency.MutexWaiting, m2.State())
	ahead, _ := m2.WaitingOn()
	assert.Equal(t, m1.Key(), ahead.Key)
	require.True(t, c2.watching, "the waiter watches again")

	unlock(w, c1, m1)
	assert.True(t, m2.Held())
}

func TestMutexCallsRefusedInWrongState(t *testing.T) {
	w := newWorld(t)
	c1 := w.addClient("c1", 10)
	m := concurrency.NewMutex(c1.session, "mylock")
	_, err := m.Unlock()
	assert.ErrorIs(t, err, concurrency.ErrNotLocked, "unlock before lock")

	unopened := concurrency.NewMutex(concurrency.NewSession(10), "mylock")
	_, err = unopened.Lock()
	assert.ErrorIs(t, err, concurrency.ErrSessionNotOpen)

	c1.r = m
	step, err := m.Lock()
	require.NoError(t, err)
	_, err = m.Lock()
	assert.ErrorIs(t, err, concurrency.ErrBusy, "a second Lock while the first runs")
	w.run(c1, step)
	_, err = m.TryLock()
	assert.ErrorIs(t, err, concurrency.ErrBusy, "TryLock while holding")
	assert.Equal(t, concurrency.MutexHeld, m.State(), "refused calls change nothing")
}

func TestKeyForAndLeaseOf(t *testing.T) {
	tests := []struct {
		name, lockName, key string
		wantLease           kvstate.LeaseID
		wantOK              bool
	}{
		{name: "own key", lockName: "mylock", key: "mylock/2a", wantLease: 42, wantOK: true},
		{name: "other lock", lockName: "mylock", key: "mylock2/2a", wantOK: false},
		{name: "no lease", lockName: "mylock", key: "mylock/", wantOK: false},
		{name: "not hex", lockName: "mylock", key: "mylock/zz", wantOK: false},
		{name: "upper-case hex is not KeyFor's", lockName: "mylock", key: "mylock/2A", wantOK: false},
		{name: "leading zero is not KeyFor's", lockName: "mylock", key: "mylock/02a", wantOK: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lease, ok := concurrency.LeaseOf(tt.lockName, tt.key)
			assert.Equal(t, tt.wantOK, ok)
			assert.Equal(t, tt.wantLease, lease)
			if ok {
				assert.Equal(t, tt.key, concurrency.KeyFor(tt.lockName, lease))
			}
		})
	}
}

func TestMutexWaiterWithExpiredSessionDoesNotTakeTheLock(t *testing.T) {
	w := newWorld(t)
	c1, m1 := w.lockClient("c1", "mylock", 5)
	c2, m2 := w.lockClient("c2", "mylock", 5)

	// c2 stops renewing while it waits; its key goes with its lease, but its
	// driver has not noticed yet when the holder releases.
	c2.keepAlive = false
	w.advance(6 * time.Second)
	require.NotContains(t, w.keys("mylock/"), m2.Key())
	unlock(w, c1, m1)

	// Nobody is ahead any more, yet the key is gone: the waiter must not
	// report the lock as its own (etcd's Lock reads its key for this).
	c2.requireDoneWith(t, 1, concurrency.ErrSessionExpired)
	assert.Equal(t, concurrency.MutexLost, m2.State())
	assert.False(t, m2.Held())
}
