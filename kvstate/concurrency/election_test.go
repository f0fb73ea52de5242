package concurrency_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raft-playground/playground/kvstate"
	"github.com/raft-playground/playground/kvstate/concurrency"
)

// campaignClient adds a client with an election on name and campaigns with
// value.
func (w *world) campaignClient(name, election, value string, ttl int64) (*client, *concurrency.Election) {
	w.t.Helper()
	c := w.addClient(name, ttl)
	e := concurrency.NewElection(c.session, election)
	c.r = e
	step, err := e.Campaign(value)
	require.NoError(w.t, err)
	w.run(c, step)
	return c, e
}

// leader reads the election's leader the way a one-shot `get` would.
func (w *world) leader(election string) (kvstate.KeyValue, bool) {
	w.t.Helper()
	kv, ok, err := concurrency.FirstCreated(w.apply(concurrency.HolderQuery(election)))
	require.NoError(w.t, err)
	return kv, ok
}

// values lists the values of observed versions.
func values(kvs []kvstate.KeyValue) []string {
	out := make([]string, len(kvs))
	for i, kv := range kvs {
		out[i] = kv.Value
	}
	return out
}

func TestElectionCampaignProclaimResignObserve(t *testing.T) {
	w := newWorld(t)
	obs, o := w.addObserver("o1", "svc")
	_, ok := o.Leader()
	assert.False(t, ok, "no leader before any campaign")
	assert.Empty(t, obs.observed)

	idle := concurrency.NewElection(concurrency.NewSession(10), "svc")
	_, err := concurrency.LeaderFrom(w.apply(idle.Leader()))
	assert.ErrorIs(t, err, concurrency.ErrElectionNoLeader)

	c1, e1 := w.campaignClient("c1", "svc", "10.0.0.1", 10)
	c1.requireDoneWith(t, 1, nil)
	require.True(t, e1.IsLeader())
	kv, err := concurrency.LeaderFrom(w.apply(e1.Leader()))
	require.NoError(t, err)
	assert.Equal(t, e1.Key(), kv.Key)
	assert.Equal(t, "10.0.0.1", kv.Value)

	c2, e2 := w.campaignClient("c2", "svc", "10.0.0.2", 10)
	assert.Empty(t, c2.results, "a second candidate waits")
	assert.Equal(t, concurrency.ElectionWaiting, e2.State())
	ahead, ok := e2.WaitingOn()
	require.True(t, ok)
	assert.Equal(t, e1.Key(), ahead.Key)

	// Only the leader may proclaim.
	_, err = e2.Proclaim("10.0.0.22")
	assert.ErrorIs(t, err, concurrency.ErrElectionNotLeader)
	step, err := e1.Proclaim("10.0.0.11")
	require.NoError(t, err)
	w.run(c1, step)
	c1.requireDoneWith(t, 2, nil)
	kv, _ = w.leader("svc")
	assert.Equal(t, "10.0.0.11", kv.Value)
	assert.Equal(t, e1.Revision(), kv.CreateRevision, "proclaiming keeps the leadership's revision")
	assert.Equal(t, concurrency.ElectionWaiting, e2.State(), "a proclaim does not wake the next candidate")

	step, err = e1.Resign()
	require.NoError(t, err)
	w.run(c1, step)
	c1.requireDoneWith(t, 3, nil)
	assert.Equal(t, concurrency.ElectionIdle, e1.State())
	require.True(t, e2.IsLeader(), "resigning hands leadership to the next candidate")
	c2.requireDoneWith(t, 1, nil)
	assert.Equal(t, "10.0.0.2", e2.Value())

	assert.Equal(t, []string{"10.0.0.1", "10.0.0.11", "10.0.0.2"}, values(obs.observed),
		"the observer saw the first leader, its proclaim and the next leader, in order")
	got, ok := o.Leader()
	require.True(t, ok)
	assert.Equal(t, e2.Key(), got.Key)

	stop := o.Stop()
	assert.True(t, stop.CancelWatch)
	w.run(obs, stop)
	step, err = e2.Proclaim("10.0.0.3")
	require.NoError(t, err)
	w.run(c2, step)
	assert.Len(t, obs.observed, 3, "a stopped observer sees nothing")
}

func TestElectionLeaderSessionExpiry(t *testing.T) {
	w := newWorld(t)
	obs, _ := w.addObserver("o1", "svc")
	c1, e1 := w.campaignClient("c1", "svc", "a", 5)
	c2, e2 := w.campaignClient("c2", "svc", "b", 5)
	require.True(t, e1.IsLeader())

	c1.keepAlive = false
	w.advance(6 * time.Second)
	require.True(t, e2.IsLeader(), "the expired leader's key went with its lease")
	c2.requireDoneWith(t, 1, nil)

	w.noticeExpiry(c1)
	c1.requireDoneWith(t, 2, concurrency.ErrSessionExpired)
	assert.Equal(t, concurrency.ElectionLost, e1.State())
	_, err := e1.Proclaim("a2")
	assert.ErrorIs(t, err, concurrency.ErrElectionNotLeader)
	assert.Equal(t, []string{"a", "b"}, values(obs.observed))
}

func TestElectionProclaimAfterKeyDeleted(t *testing.T) {
	w := newWorld(t)
	c1, e1 := w.campaignClient("c1", "svc", "a", 10)
	require.True(t, e1.IsLeader())
	// Someone deletes the leader key behind the leader's back.
	resp := w.apply(&kvstate.Request{DeleteRange: &kvstate.DeleteRangeRequest{Key: e1.Key()}})
	require.NoError(t, resp.Err)

	step, err := e1.Proclaim("a2")
	require.NoError(t, err)
	w.run(c1, step)
	c1.requireDoneWith(t, 2, concurrency.ErrElectionNotLeader)
	assert.Equal(t, concurrency.ElectionLost, e1.State())
	_, ok := w.leader("svc")
	assert.False(t, ok, "a failed proclaim does not recreate the key")
}

func TestElectionCampaignAgainWithNewValueProclaims(t *testing.T) {
	w := newWorld(t)
	c1, e1 := w.campaignClient("c1", "svc", "a", 10)
	rev := e1.Revision()
	// A second election object on the same session finds the key already
	// there, as a retried campaign does, and proclaims its own value.
	e1b := concurrency.NewElection(c1.session, "svc")
	c1.r = e1b
	step, err := e1b.Campaign("b")
	require.NoError(t, err)
	w.run(c1, step)
	c1.requireDoneWith(t, 2, nil)
	require.True(t, e1b.IsLeader())
	assert.Equal(t, rev, e1b.Revision(), "the existing key keeps its create revision")
	kv, _ := w.leader("svc")
	assert.Equal(t, "b", kv.Value)
}

func TestObserverWithExistingLeaderAndRereadAfterCanceledWatch(t *testing.T) {
	w := newWorld(t)
	_, e1 := w.campaignClient("c1", "svc", "a", 10)
	obs, o := w.addObserver("o1", "svc")
	assert.Equal(t, []string{"a"}, values(obs.observed), "the current leader is reported at once")

	// The store ends the observer's watch; reading the same leader again is
	// not reported twice.
	step := o.HandleWatch(kvstate.WatchResponse{WatchID: obs.watchID, Canceled: true})
	require.NotNil(t, step.Send)
	obs.watching = false
	w.run(obs, step)
	assert.Equal(t, []string{"a"}, values(obs.observed))
	got, ok := o.Leader()
	require.True(t, ok)
	assert.Equal(t, e1.Key(), got.Key)
	_, err := o.Start()
	assert.ErrorIs(t, err, concurrency.ErrBusy)
}

func TestSessionClose(t *testing.T) {
	w := newWorld(t)
	c1, m1 := w.lockClient("c1", "mylock", 10)
	c2, m2 := w.lockClient("c2", "mylock", 10)
	require.True(t, m1.Held())

	// Closing the session revokes the lease, which deletes the lock key:
	// the way a client that is done with a session lets go of everything.
	step, err := c1.session.Close()
	require.NoError(t, err)
	require.NotNil(t, step.Send)
	done := c1.session.HandleResponse(w.apply(step.Send))
	assert.Equal(t, concurrency.Step{Done: true}, done)
	w.pump()
	assert.Equal(t, concurrency.SessionClosed, c1.session.State())
	assert.True(t, m2.Held())
	c2.requireDoneWith(t, 1, nil)
	_, err = c1.session.Close()
	assert.ErrorIs(t, err, concurrency.ErrBusy)
}
