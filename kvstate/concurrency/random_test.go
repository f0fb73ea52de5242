package concurrency_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/raft-playground/playground/kvstate/concurrency"
)

// randomLockSeeds and randomLockSteps size TestMutexRandomHistories: enough
// interleavings to reach pauses, expiries, give-ups and late answers in every
// state, in well under a second.
const (
	randomLockSeeds = 30
	randomLockSteps = 400
)

// TestMutexRandomHistories runs 3–5 clients locking, trying, unlocking,
// giving up and pausing (not renewing their leases) on one lock, with every
// answer delivered late in a random interleaving. After every delivery:
//   - at most one client holds the lock while its key still exists (a paused
//     client whose lease expired may still believe it holds it: that is the
//     pause problem, which the fencing token answers), and that client's key
//     is the first in the queue;
//   - such real holders come in increasing fencing-token order.
//
// At the end every client resumes and holders unlock until the queue is
// empty: no waiter may be stuck.
func TestMutexRandomHistories(t *testing.T) {
	for seed := uint64(1); seed <= randomLockSeeds; seed++ {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			defer func() {
				if t.Failed() {
					t.Logf("failed with seed %d", seed)
				}
			}()
			runRandomLocks(t, seed)
		})
	}
}

// locker is one client of the random histories with its current mutex.
type locker struct {
	c *client
	m *concurrency.Mutex
}

// fresh gives the client a new session and mutex (after its session
// expired, as netsim starts a new lock).
func (l *locker) fresh(w *world, ttl int64) {
	old := l.c
	c := w.addClient(old.name, ttl)
	// The old client's messages die with its session.
	w.clients = removeClient(w.clients, old)
	old.stream.Close()
	l.c, l.m = c, concurrency.NewMutex(c.session, "L")
	c.r = l.m
}

func removeClient(cs []*client, c *client) []*client {
	out := cs[:0]
	for _, x := range cs {
		if x != c {
			out = append(out, x)
		}
	}
	return out
}

func runRandomLocks(t *testing.T, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 0x6c6f636b))
	w := newWorld(t)
	w.rng = rng
	const ttl = 3
	lockers := make([]*locker, 3+rng.IntN(3))
	for i := range lockers {
		c := w.addClient(fmt.Sprintf("c%d", i+1), ttl)
		m := concurrency.NewMutex(c.session, "L")
		c.r = m
		lockers[i] = &locker{c: c, m: m}
	}

	var lastToken int64
	w.check = func() {
		t.Helper()
		keys := w.keys("L/")
		first := ""
		for k, rev := range keys {
			if first == "" || rev < keys[first] {
				first = k
			}
		}
		holders := 0
		for _, l := range lockers {
			if !l.m.Held() || keys[l.m.Key()] != l.m.Revision() {
				continue
			}
			holders++
			require.Equal(t, first, l.m.Key(), "%s holds the lock but is not first in the queue", l.c.name)
			require.GreaterOrEqual(t, l.m.Revision(), lastToken, "%s holds with an older fencing token", l.c.name)
			lastToken = l.m.Revision()
		}
		require.LessOrEqual(t, holders, 1, "two clients hold the lock with live keys")
	}

	for range randomLockSteps {
		l := lockers[rng.IntN(len(lockers))]
		switch {
		case l.c.session.State() == concurrency.SessionExpired:
			l.fresh(w, ttl)
		case !l.c.keepAlive:
			if rng.IntN(3) == 0 {
				resumeLocker(w, l)
			}
		default:
			actRandomly(t, w, rng, l)
		}
		for range rng.IntN(4) {
			w.deliverOne()
		}
		if rng.IntN(8) == 0 {
			w.advance(time.Duration(rng.IntN(3000)) * time.Millisecond)
		}
		w.check()
	}

	// Drain: everyone renews again, and holders unlock until nobody is left.
	for _, l := range lockers {
		if !l.c.keepAlive {
			resumeLocker(w, l)
		}
	}
	w.pump()
	for round := 0; round < 4*len(lockers); round++ {
		for _, l := range lockers {
			if l.c.session.State() == concurrency.SessionExpired {
				l.fresh(w, ttl)
			}
			if l.m.Held() {
				step, err := l.m.Unlock()
				require.NoError(t, err)
				w.do(l.c, step)
			}
		}
		w.pump()
	}
	for _, l := range lockers {
		require.Contains(t, []concurrency.MutexState{concurrency.MutexIdle, concurrency.MutexLost}, l.m.State(),
			"%s is stuck %s", l.c.name, l.m.State())
	}
	require.Empty(t, w.keys("L/"), "keys left in the queue")
}

// actRandomly makes a live client do something its mutex's state allows.
func actRandomly(t *testing.T, w *world, rng *rand.Rand, l *locker) {
	t.Helper()
	var step concurrency.Step
	var err error
	switch st := l.m.State(); {
	case st == concurrency.MutexIdle || st == concurrency.MutexLost:
		if rng.IntN(4) == 0 {
			step, err = l.m.TryLock()
		} else {
			step, err = l.m.Lock()
		}
		require.NoError(t, err)
	case rng.IntN(20) == 0:
		// A pause: the client stops renewing, as in a long GC pause or a
		// crash, while its messages keep arriving.
		l.c.keepAlive = false
		return
	case st == concurrency.MutexHeld && rng.IntN(3) == 0,
		st == concurrency.MutexWaiting && rng.IntN(8) == 0,
		st != concurrency.MutexReleasing && rng.IntN(10) == 0:
		step, err = l.m.Unlock()
		if err != nil {
			// A give-up already recorded while a request is in flight.
			require.ErrorIs(t, err, concurrency.ErrBusy)
		}
	}
	w.do(l.c, step)
}

// resumeLocker lets a paused client renew again; if its lease is gone, its
// driver tells the mutex.
func resumeLocker(w *world, l *locker) {
	l.c.keepAlive = true
	if _, err := w.store.Renew(l.c.session.Lease(), w.now); err != nil {
		w.do(l.c, l.m.SessionExpired())
	}
}
