package concurrency_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/raft-playground/playground/kvstate"
	"github.com/raft-playground/playground/kvstate/concurrency"
)

// randomSeeds and randomSteps size the randomized histories: enough
// interleavings to reach pauses, expiries, give-ups and late answers in every
// state, in well under a second per recipe.
const (
	randomSeeds = 30
	randomSteps = 400
)

// queued is what the randomized histories need of a recipe that queues
// sessions under a name by create revision: the mutex and the election.
type queued interface {
	recipe
	SessionExpired() concurrency.Step
	// acquire starts Lock/TryLock or Campaign.
	acquire(rng *rand.Rand) (concurrency.Step, error)
	// release starts Unlock or Resign.
	release() (concurrency.Step, error)
	// extra starts an operation only a holder can run (Proclaim), if any.
	extra(rng *rand.Rand) (concurrency.Step, error, bool)
	// holds reports Held or IsLeader.
	holds() bool
	// idle reports a recipe that holds no key and runs no operation.
	idle() bool
	// releasing reports a release in progress.
	releasing() bool
	waiting() bool
	Key() string
	Revision() int64
	stateName() string
}

type queuedMutex struct{ *concurrency.Mutex }

func (m queuedMutex) acquire(rng *rand.Rand) (concurrency.Step, error) {
	if rng.IntN(4) == 0 {
		return m.TryLock()
	}
	return m.Lock()
}
func (m queuedMutex) release() (concurrency.Step, error) { return m.Unlock() }
func (m queuedMutex) extra(*rand.Rand) (concurrency.Step, error, bool) {
	return concurrency.Step{}, nil, false
}
func (m queuedMutex) holds() bool { return m.Held() }
func (m queuedMutex) idle() bool {
	return m.State() == concurrency.MutexIdle || m.State() == concurrency.MutexLost
}
func (m queuedMutex) releasing() bool   { return m.State() == concurrency.MutexReleasing }
func (m queuedMutex) waiting() bool     { return m.State() == concurrency.MutexWaiting }
func (m queuedMutex) stateName() string { return m.State().String() }

type queuedElection struct{ *concurrency.Election }

func (e queuedElection) acquire(rng *rand.Rand) (concurrency.Step, error) {
	return e.Campaign(fmt.Sprintf("v%d", rng.IntN(1000)))
}
func (e queuedElection) release() (concurrency.Step, error) { return e.Resign() }
func (e queuedElection) extra(rng *rand.Rand) (concurrency.Step, error, bool) {
	step, err := e.Proclaim(fmt.Sprintf("p%d", rng.IntN(1000)))
	return step, err, true
}
func (e queuedElection) holds() bool { return e.IsLeader() }
func (e queuedElection) idle() bool {
	return e.State() == concurrency.ElectionIdle || e.State() == concurrency.ElectionLost
}
func (e queuedElection) releasing() bool   { return e.State() == concurrency.ElectionResigning }
func (e queuedElection) waiting() bool     { return e.State() == concurrency.ElectionWaiting }
func (e queuedElection) stateName() string { return e.State().String() }

// TestMutexRandomHistories and TestElectionRandomHistories run 3–5 clients
// queuing, releasing, giving up and pausing (not renewing their leases) on
// one name, with every answer delivered late in a random interleaving and
// compactions that cancel watches asked for from older reads. After every
// delivery:
//   - at most one client holds while its key still exists (a paused client
//     whose lease expired may still believe it holds: that is the pause
//     problem, which the fencing token answers), and its key is first in the
//     queue;
//   - such real holders come in increasing create-revision (fencing token)
//     order.
//
// The election also has an observer, whose reports must come in order: a
// new leader has a larger create revision than the last, and a new value of
// the same leader a larger mod revision. At the end every client resumes and holders release until the queue
// is empty: nobody may be stuck.
func TestMutexRandomHistories(t *testing.T) {
	runRandomSeeds(t, func(s *concurrency.Session) queued { return queuedMutex{concurrency.NewMutex(s, "L")} }, false)
}

func TestElectionRandomHistories(t *testing.T) {
	runRandomSeeds(t, func(s *concurrency.Session) queued { return queuedElection{concurrency.NewElection(s, "L")} }, true)
}

func runRandomSeeds(t *testing.T, newQueued func(*concurrency.Session) queued, observe bool) {
	for seed := uint64(1); seed <= randomSeeds; seed++ {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			defer func() {
				if t.Failed() {
					t.Logf("failed with seed %d", seed)
				}
			}()
			runRandomHistory(t, seed, newQueued, observe)
		})
	}
}

// queuer is one client of the random histories with its current recipe.
type queuer struct {
	c *client
	q queued
}

// fresh gives the client a new session and recipe (after its session
// expired, as netsim starts a new lock).
func (l *queuer) fresh(w *world, ttl int64, newQueued func(*concurrency.Session) queued) {
	old := l.c
	c := w.addClient(old.name, ttl)
	// The old client's messages die with its session.
	w.clients = removeClient(w.clients, old)
	old.stream.Close()
	l.c, l.q = c, newQueued(c.session)
	c.r = l.q
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

func runRandomHistory(t *testing.T, seed uint64, newQueued func(*concurrency.Session) queued, observe bool) {
	rng := rand.New(rand.NewPCG(seed, 0x6c6f636b))
	w := newWorld(t)
	w.rng = rng
	const ttl = 3
	queuers := make([]*queuer, 3+rng.IntN(3))
	for i := range queuers {
		c := w.addClient(fmt.Sprintf("c%d", i+1), ttl)
		q := newQueued(c.session)
		c.r = q
		queuers[i] = &queuer{c: c, q: q}
	}
	var obs *client
	var o *concurrency.Observer
	if observe {
		obs, o = w.addObserver("observer", "L")
	}

	var lastToken int64
	seen := 0
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
		for _, l := range queuers {
			if !l.q.holds() || keys[l.q.Key()] != l.q.Revision() {
				continue
			}
			holders++
			require.Equal(t, first, l.q.Key(), "%s holds but is not first in the queue", l.c.name)
			require.GreaterOrEqual(t, l.q.Revision(), lastToken, "%s holds with an older fencing token", l.c.name)
			lastToken = l.q.Revision()
		}
		require.LessOrEqual(t, holders, 1, "two clients hold with live keys")
		if obs != nil {
			for ; seen < len(obs.observed); seen++ {
				if seen == 0 {
					continue
				}
				// A leadership is one create revision: within it the
				// values must be newer, across them the leaderships.
				prev, next := obs.observed[seen-1], obs.observed[seen]
				if next.CreateRevision == prev.CreateRevision {
					require.Greater(t, next.ModRevision, prev.ModRevision, "observer reported an old value of the same leader")
				} else {
					require.Greater(t, next.CreateRevision, prev.CreateRevision, "observer went back to an older leader")
				}
			}
		}
	}

	for range randomSteps {
		l := queuers[rng.IntN(len(queuers))]
		switch {
		case l.c.session.State() == concurrency.SessionExpired:
			l.fresh(w, ttl, newQueued)
		case !l.c.keepAlive:
			if rng.IntN(3) == 0 {
				resume(w, l)
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
		if rng.IntN(15) == 0 && w.store.Rev() > w.store.CompactRev() {
			// A compaction at the current revision cancels every watch
			// that a recipe asks for from an earlier read: it must read
			// again.
			resp := w.apply(&kvstate.Request{Compaction: &kvstate.CompactionRequest{Revision: w.store.Rev()}})
			require.NoError(t, resp.Err)
		}
		w.check()
	}

	// Drain: everyone renews again, and holders release until nobody is
	// left.
	for _, l := range queuers {
		if !l.c.keepAlive {
			resume(w, l)
		}
	}
	w.pump()
	for round := 0; round < 4*len(queuers); round++ {
		for _, l := range queuers {
			if l.c.session.State() == concurrency.SessionExpired {
				l.fresh(w, ttl, newQueued)
			}
			if l.q.holds() {
				step, err := l.q.release()
				require.NoError(t, err)
				w.do(l.c, step)
			}
		}
		w.pump()
	}
	for _, l := range queuers {
		require.True(t, l.q.idle(), "%s is stuck %s", l.c.name, l.q.stateName())
	}
	require.Empty(t, w.keys("L/"), "keys left in the queue")
	if o != nil {
		_, ok := o.Leader()
		require.False(t, ok, "the observer still reports a leader after everyone resigned")
	}
}

// actRandomly makes a live client do something its recipe's state allows.
func actRandomly(t *testing.T, w *world, rng *rand.Rand, l *queuer) {
	t.Helper()
	var step concurrency.Step
	var err error
	switch q := l.q; {
	case q.idle():
		step, err = q.acquire(rng)
		require.NoError(t, err)
	case rng.IntN(20) == 0:
		// A pause: the client stops renewing, as in a long GC pause or a
		// crash, while its messages keep arriving.
		l.c.keepAlive = false
		return
	case q.holds() && rng.IntN(4) == 0:
		var ok bool
		if step, err, ok = q.extra(rng); !ok {
			return
		}
		require.NoError(t, err)
	case q.holds() && rng.IntN(3) == 0,
		q.waiting() && rng.IntN(8) == 0,
		!q.releasing() && rng.IntN(10) == 0:
		step, err = q.release()
		if err != nil {
			// A give-up already recorded while a request is in flight.
			require.ErrorIs(t, err, concurrency.ErrBusy)
		}
	}
	w.do(l.c, step)
}

// resume lets a paused client renew again; if its lease is gone, its driver
// tells the recipe.
func resume(w *world, l *queuer) {
	l.c.keepAlive = true
	if _, err := w.store.Renew(l.c.session.Lease(), w.now); err != nil {
		w.do(l.c, l.q.SessionExpired())
	}
}
