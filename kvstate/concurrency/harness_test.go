package concurrency_test

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/raft-playground/playground/kvstate"
	"github.com/raft-playground/playground/kvstate/concurrency"
)

// recipe is what the test driver needs from a lock, an election or an
// observer.
type recipe interface {
	HandleResponse(kvstate.Response) concurrency.Step
	HandleWatch(kvstate.WatchResponse) concurrency.Step
}

// world drives recipes against a real store the way a simulated client
// would: every request is encoded and applied through Store.Apply as a Raft
// entry, and every watch response is delivered from the client's own watch
// stream. By default delivery is immediate and in order. With rng set the
// world is asynchronous: a request still takes effect when sent (its commit),
// but its response and the watch responses wait in the client's inbox and
// are delivered in a random interleaving across clients (in order per
// client), so recipes see the store move on while their answers travel.
type world struct {
	t       *testing.T
	store   *kvstate.Store
	index   uint64
	now     time.Duration
	nextID  uint64
	clients []*client
	rng     *rand.Rand
	// check, when set, runs after every delivery.
	check func()
}

// delivery is one message waiting in a client's inbox: a response or a
// watch response.
type delivery struct {
	resp  *kvstate.Response
	watch *kvstate.WatchResponse
}

// client is one simulated client with one session and one recipe.
type client struct {
	name    string
	session *concurrency.Session
	r       recipe
	stream  *kvstate.WatchStream
	// keepAlive is true while the client renews its session's lease.
	keepAlive bool
	watchID   kvstate.WatchID
	watching  bool
	// results holds the Err of every Done step, in order.
	results []error
	// observed collects Step.Observed.
	observed []kvstate.KeyValue
	// sent counts the requests the recipe sent; watchEvents the events it
	// was handed.
	sent        int
	watchEvents int
	// inbox holds what the asynchronous world has not delivered yet.
	inbox []delivery
}

func newWorld(t *testing.T) *world {
	s := kvstate.New(kvstate.Options{})
	// The test store is the leader's: its lessor counts leases down.
	s.Promote(0, 0)
	return &world{t: t, store: s}
}

// addClient opens a session with the TTL (seconds) for a new client that
// keeps it alive.
func (w *world) addClient(name string, ttl int64) *client {
	c := &client{name: name, session: concurrency.NewSession(ttl), stream: w.store.NewWatchStream(0), keepAlive: true}
	w.clients = append(w.clients, c)
	step, err := c.session.Open()
	require.NoError(w.t, err)
	require.NotNil(w.t, step.Send)
	step = c.session.HandleResponse(w.apply(step.Send))
	require.True(w.t, step.Done)
	require.NoError(w.t, step.Err)
	require.Equal(w.t, concurrency.SessionLive, c.session.State())
	return c
}

// addObserver adds a client without a session that runs an observer.
func (w *world) addObserver(name, election string) (*client, *concurrency.Observer) {
	o := concurrency.NewObserver(election)
	c := &client{name: name, r: o, stream: w.store.NewWatchStream(0)}
	w.clients = append(w.clients, c)
	step, err := o.Start()
	require.NoError(w.t, err)
	w.run(c, step)
	return c, o
}

// apply sends a request through the store's apply path.
func (w *world) apply(req *kvstate.Request) kvstate.Response {
	w.t.Helper()
	w.nextID++
	req.ID = w.nextID
	data, err := req.Encode()
	require.NoError(w.t, err)
	w.index++
	resp, err := w.store.Apply(w.index, w.now, data)
	require.NoError(w.t, err)
	return resp
}

// run carries out a step for c and then delivers every watch response until
// nothing is pending.
func (w *world) run(c *client, step concurrency.Step) {
	w.t.Helper()
	w.do(c, step)
	w.pump()
}

// do carries out a step and the steps it leads to, without delivering watch
// responses.
func (w *world) do(c *client, step concurrency.Step) {
	w.t.Helper()
	for {
		if step.CancelWatch {
			require.True(w.t, c.watching, "%s: cancel without an open watch", c.name)
			// The store may have ended the watch already (its start was
			// compacted) with the news still on its way: nothing to cancel.
			if err := c.stream.Cancel(c.watchID); !errors.Is(err, kvstate.ErrWatchNotFound) {
				require.NoError(w.t, err)
			}
			c.watching = false
		}
		if step.Send != nil {
			require.Nil(w.t, step.Watch, "%s: a step both sends and watches", c.name)
			require.False(w.t, step.Done, "%s: a step both sends and ends", c.name)
			c.sent++
			resp := w.apply(step.Send)
			if w.rng != nil {
				c.inbox = append(c.inbox, delivery{resp: &resp})
				return
			}
			step = c.r.HandleResponse(resp)
			continue
		}
		if step.Watch != nil {
			require.False(w.t, c.watching, "%s: a second watch while one is open", c.name)
			id, err := c.stream.Watch(*step.Watch)
			require.NoError(w.t, err)
			c.watchID, c.watching = id, true
		}
		c.observed = append(c.observed, step.Observed...)
		if step.Done {
			c.results = append(c.results, step.Err)
		}
		return
	}
}

// pump delivers pending responses until none is left: in the synchronous
// world client by client, in the asynchronous one in a random interleaving.
func (w *world) pump() {
	w.t.Helper()
	if w.rng != nil {
		for w.deliverOne() {
		}
		return
	}
	for progressed := true; progressed; {
		progressed = false
		for _, c := range w.clients {
			for _, wr := range c.stream.Take() {
				progressed = true
				if !c.watching || wr.WatchID != c.watchID {
					continue
				}
				w.deliverWatch(c, wr)
			}
		}
	}
}

// deliverOne delivers the oldest message of a randomly chosen client of the
// asynchronous world, after moving every stream's queued watch responses to
// the inboxes. It reports false when nothing was left to deliver.
func (w *world) deliverOne() bool {
	w.t.Helper()
	var ready []*client
	for _, c := range w.clients {
		for _, wr := range c.stream.Take() {
			c.inbox = append(c.inbox, delivery{watch: &wr})
		}
		if len(c.inbox) > 0 {
			ready = append(ready, c)
		}
	}
	if len(ready) == 0 {
		return false
	}
	c := ready[w.rng.IntN(len(ready))]
	d := c.inbox[0]
	c.inbox = c.inbox[1:]
	switch {
	case d.resp != nil:
		w.do(c, c.r.HandleResponse(*d.resp))
	case c.watching && d.watch.WatchID == c.watchID:
		// Responses of a canceled watch are not delivered, as a driver
		// routes by watch ID.
		w.deliverWatch(c, *d.watch)
	}
	if w.check != nil {
		w.check()
	}
	return true
}

// deliverWatch hands a response of the client's open watch to its recipe.
// A canceled response (the store ended the watch) closes it for the driver.
func (w *world) deliverWatch(c *client, wr kvstate.WatchResponse) {
	w.t.Helper()
	if wr.Canceled {
		c.watching = false
	}
	c.watchEvents += len(wr.Events)
	w.do(c, c.r.HandleWatch(wr))
}

// advance moves virtual time on by d in one-second ticks. Each tick the
// clients that keep their sessions alive renew them and the leader revokes
// the leases that expired; the synchronous world then delivers the
// resulting watch responses (the asynchronous one leaves them in flight).
func (w *world) advance(d time.Duration) {
	w.t.Helper()
	for end := w.now + d; w.now < end; {
		w.now = min(w.now+time.Second, end)
		for _, c := range w.clients {
			if c.session == nil || c.session.State() != concurrency.SessionLive || !c.keepAlive {
				continue
			}
			_, err := w.store.Renew(c.session.Lease(), w.now)
			require.NoError(w.t, err, "%s renews", c.name)
		}
		for _, id := range w.store.ExpiredLeases(w.now) {
			resp := w.apply(&kvstate.Request{LeaseRevoke: &kvstate.LeaseRevokeRequest{ID: id}})
			require.NoError(w.t, resp.Err)
		}
		if w.rng == nil {
			w.pump()
		}
	}
}

// noticeExpiry is the driver of a client that was not renewing (crashed,
// paused) trying again: the renewal fails and the recipe is told.
func (w *world) noticeExpiry(c *client) {
	w.t.Helper()
	_, err := w.store.Renew(c.session.Lease(), w.now)
	require.ErrorIs(w.t, err, kvstate.ErrLeaseNotFound)
	type expirer interface{ SessionExpired() concurrency.Step }
	w.run(c, c.r.(expirer).SessionExpired())
}

// keys returns the keys under a prefix with their create revisions.
func (w *world) keys(prefix string) map[string]int64 {
	w.t.Helper()
	resp, err := w.store.Range(&kvstate.RangeRequest{Key: prefix, RangeEnd: kvstate.PrefixEnd(prefix)})
	require.NoError(w.t, err)
	out := map[string]int64{}
	for _, kv := range resp.KVs {
		out[kv.Key] = kv.CreateRevision
	}
	return out
}

// lastResult returns the Err of the client's last Done step, and fails the
// test when the client has none.
func (c *client) lastResult(t *testing.T) error {
	t.Helper()
	require.NotEmpty(t, c.results, "%s: no operation finished", c.name)
	return c.results[len(c.results)-1]
}

// requireDoneWith checks that the client's operations ended exactly n times
// and the last one with an error matching want (nil: success).
func (c *client) requireDoneWith(t *testing.T, n int, want error) {
	t.Helper()
	require.Len(t, c.results, n, "%s: finished operations", c.name)
	err := c.lastResult(t)
	if want == nil {
		require.NoError(t, err, "%s", c.name)
		return
	}
	require.True(t, errors.Is(err, want), "%s: got %v, want %v", c.name, err, want)
}
