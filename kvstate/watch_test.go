package kvstate

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// eventSummary renders an event compactly for assertions: "PUT foo=bar@5".
func eventSummary(ev Event) string {
	if ev.Type == EventDelete {
		return fmt.Sprintf("DELETE %s@%d", ev.KV.Key, ev.KV.ModRevision)
	}
	return fmt.Sprintf("PUT %s=%s@%d", ev.KV.Key, ev.KV.Value, ev.KV.ModRevision)
}

// eventsOf flattens the events of responses for one watch.
func eventsOf(resps []WatchResponse, id WatchID) []string {
	out := []string{}
	for _, r := range resps {
		if r.WatchID != id {
			continue
		}
		for _, ev := range r.Events {
			out = append(out, eventSummary(ev))
		}
	}
	return out
}

func TestWatchSelectsKeys(t *testing.T) {
	tests := []struct {
		name string
		req  WatchRequest
		want []string
	}{
		{"single key", WatchRequest{Key: "a/1"}, []string{"PUT a/1=x@2", "PUT a/1=y@5", "DELETE a/1@6"}},
		{"prefix", WatchRequest{Key: "a/", RangeEnd: PrefixEnd("a/")}, []string{"PUT a/1=x@2", "PUT a/2=x@3", "PUT a/1=y@5", "DELETE a/1@6", "DELETE a/2@6"}},
		{"range", WatchRequest{Key: "a/2", RangeEnd: "b0"}, []string{"PUT a/2=x@3", "PUT b=x@4", "DELETE a/2@6"}},
		{"from key", WatchRequest{Key: "b", RangeEnd: FromKeyEnd}, []string{"PUT b=x@4"}},
		{"no put", WatchRequest{Key: "a/", RangeEnd: PrefixEnd("a/"), NoPut: true}, []string{"DELETE a/1@6", "DELETE a/2@6"}},
		{"no delete", WatchRequest{Key: "a/", RangeEnd: PrefixEnd("a/"), NoDelete: true}, []string{"PUT a/1=x@2", "PUT a/2=x@3", "PUT a/1=y@5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newReplica(t)
			ws := r.s.NewWatchStream(0)
			id, err := ws.Watch(tt.req)
			require.NoError(t, err)
			r.put("a/1", "x")
			r.put("a/2", "x")
			r.put("b", "x")
			r.put("a/1", "y")
			r.del("a/", PrefixEnd("a/"))
			out := ws.Take()
			require.NotEmpty(t, out)
			assert.Equal(t, WatchResponse{Header: Header{Revision: 1}, WatchID: id, Created: true}, out[0])
			assert.Equal(t, tt.want, eventsOf(out, id))
			assert.Empty(t, ws.Take(), "Take clears the queue")
		})
	}
}

func TestWatchPrevKV(t *testing.T) {
	r := newReplica(t)
	ws := r.s.NewWatchStream(0)
	id, err := ws.Watch(WatchRequest{Key: "k", PrevKV: true})
	require.NoError(t, err)
	r.put("k", "1") // 2
	r.put("k", "2") // 3
	r.del("k", "")  // 4
	var evs []Event
	for _, resp := range ws.Take() {
		if resp.WatchID == id {
			evs = append(evs, resp.Events...)
		}
	}
	require.Len(t, evs, 3)
	assert.Nil(t, evs[0].PrevKV, "a created key has no previous version")
	assert.Equal(t, &KeyValue{Key: "k", Value: "1", CreateRevision: 2, ModRevision: 2, Version: 1}, evs[1].PrevKV)
	assert.Equal(t, &KeyValue{Key: "k", Value: "2", CreateRevision: 2, ModRevision: 3, Version: 2}, evs[2].PrevKV)
	assert.Equal(t, KeyValue{Key: "k", ModRevision: 4}, evs[2].KV, "a delete event carries the key and the revision")
}

func TestWatchStartRevision(t *testing.T) {
	r := newReplica(t)
	r.put("k", "2") // 2
	r.put("k", "3") // 3
	r.put("k", "4") // 4
	r.compact(3)

	t.Run("from the past replays history", func(t *testing.T) {
		ws := r.s.NewWatchStream(0)
		id, err := ws.Watch(WatchRequest{Key: "k", StartRevision: 4})
		require.NoError(t, err)
		assert.Equal(t, []string{"PUT k=4@4"}, eventsOf(ws.Take(), id))
		ws.Close()
	})
	t.Run("from a compacted revision is canceled with the compact revision", func(t *testing.T) {
		for _, start := range []int64{1, 2, 3} {
			ws := r.s.NewWatchStream(0)
			id, err := ws.Watch(WatchRequest{Key: "k", StartRevision: start})
			require.NoError(t, err)
			out := ws.Take()
			require.Len(t, out, 2, "created, then canceled")
			assert.True(t, out[0].Created)
			assert.True(t, out[1].Canceled)
			assert.Equal(t, id, out[1].WatchID)
			assert.Equal(t, int64(3), out[1].CompactRevision)
			require.ErrorIs(t, out[1].Err, ErrCompacted)
			assert.Empty(t, r.s.Watchers(), "the compacted watch is gone")
			r.put("k", "again")
			assert.Empty(t, ws.Take(), "no events after the cancel")
			ws.Close()
		}
	})
	t.Run("from the future waits for that revision", func(t *testing.T) {
		ws := r.s.NewWatchStream(0)
		start := r.s.Rev() + 2
		id, err := ws.Watch(WatchRequest{Key: "k", StartRevision: start})
		require.NoError(t, err)
		r.put("k", "skipped")
		r.put("k", "seen")
		r.put("k", "seen too")
		assert.Equal(t, []string{
			fmt.Sprintf("PUT k=seen@%d", start), fmt.Sprintf("PUT k=seen too@%d", start+1),
		}, eventsOf(ws.Take(), id))
	})
	t.Run("zero starts after the current revision", func(t *testing.T) {
		ws := r.s.NewWatchStream(0)
		id, err := ws.Watch(WatchRequest{Key: "k"})
		require.NoError(t, err)
		assert.Empty(t, eventsOf(ws.Take(), id))
	})
}

func TestWatchLosesNoEventAcrossCompaction(t *testing.T) {
	r := newReplica(t)
	ws := r.s.NewWatchStream(0)
	id, err := ws.Watch(WatchRequest{Key: "k"})
	require.NoError(t, err)
	r.put("k", "1") // 2
	r.put("k", "2") // 3
	r.del("k", "")  // 4
	r.put("x", "")  // 5
	r.compact(5)    // before the client took the events
	r.put("k", "3") // 6
	assert.Equal(t, []string{"PUT k=1@2", "PUT k=2@3", "DELETE k@4", "PUT k=3@6"}, eventsOf(ws.Take(), id))
}

func TestWatchNeverSplitsARevision(t *testing.T) {
	r := newReplica(t)
	ws := r.s.NewWatchStream(2)
	id, err := ws.Watch(WatchRequest{Key: "a", RangeEnd: "z"})
	require.NoError(t, err)
	r.put("a", "1")                                     // 2
	r.mustApply(Request{Txn: &TxnRequest{Success: []Op{ // 3: three events
		{Put: &PutRequest{Key: "b", Value: "1"}},
		{Put: &PutRequest{Key: "c", Value: "1"}},
		{Put: &PutRequest{Key: "d", Value: "1"}},
	}}})
	r.put("e", "1") // 4
	r.put("f", "1") // 5
	r.put("g", "1") // 6
	out := ws.Take()
	var batches [][]string
	for _, resp := range out {
		if resp.WatchID == id && len(resp.Events) > 0 {
			var b []string
			for _, ev := range resp.Events {
				b = append(b, eventSummary(ev))
			}
			batches = append(batches, b)
			last := resp.Events[len(resp.Events)-1].KV.ModRevision
			assert.GreaterOrEqual(t, resp.Header.Revision, last, "the header covers every event of the response")
		}
	}
	assert.Equal(t, [][]string{
		{"PUT a=1@2"},
		{"PUT b=1@3", "PUT c=1@3", "PUT d=1@3"}, // above the cap, yet whole
		{"PUT e=1@4", "PUT f=1@5"},
		{"PUT g=1@6"},
	}, batches)
}

func TestWatchResumesAfterCancel(t *testing.T) {
	r := newReplica(t)
	ws := r.s.NewWatchStream(0)
	id, err := ws.Watch(WatchRequest{Key: "k"})
	require.NoError(t, err)
	r.put("k", "1") // 2
	r.put("k", "2") // 3
	seen := eventsOf(ws.Take(), id)
	require.Equal(t, []string{"PUT k=1@2", "PUT k=2@3"}, seen)
	r.put("k", "3") // 4: queued, then dropped by the cancel

	require.NoError(t, ws.Cancel(id))
	out := ws.Take()
	require.Len(t, out, 1)
	assert.Equal(t, WatchResponse{Header: Header{Revision: 4}, WatchID: id, Canceled: true, CancelReason: "canceled by the client"}, out[0])
	require.ErrorIs(t, ws.Cancel(id), ErrWatchNotFound)

	r.put("k", "4") // 5
	// The client resumes from the revision after the last one it saw.
	id2, err := ws.Watch(WatchRequest{Key: "k", StartRevision: 4})
	require.NoError(t, err)
	assert.NotEqual(t, id, id2)
	r.put("k", "5") // 6
	assert.Equal(t, []string{"PUT k=3@4", "PUT k=4@5", "PUT k=5@6"}, eventsOf(ws.Take(), id2))
}

func TestWatchProgress(t *testing.T) {
	r := newReplica(t)
	ws := r.s.NewWatchStream(0)
	quiet, err := ws.Watch(WatchRequest{Key: "quiet", ProgressNotify: true})
	require.NoError(t, err)
	busy, err := ws.Watch(WatchRequest{Key: "busy", ProgressNotify: true})
	require.NoError(t, err)
	plain, err := ws.Watch(WatchRequest{Key: "plain"})
	require.NoError(t, err)
	ws.Take()

	r.put("busy", "1") // 2
	r.put("other", "") // 3
	ws.NotifyProgress()
	out := ws.Take()
	require.Len(t, out, 2)
	assert.Equal(t, busy, out[0].WatchID)
	assert.Equal(t, WatchResponse{Header: Header{Revision: 3}, WatchID: quiet}, out[1],
		"only the progress-notify watch without queued events gets an empty response")

	ws.RequestProgress()
	out = ws.Take()
	assert.Equal(t, []WatchResponse{{Header: Header{Revision: 3}, WatchID: ProgressWatchID}}, out)
	_ = plain

	// A progress response closes the open events response, so later events
	// never travel ahead of it.
	r.put("busy", "2") // 4
	ws.RequestProgress()
	r.put("busy", "3") // 5
	out = ws.Take()
	require.Len(t, out, 3)
	assert.Equal(t, []string{"PUT busy=2@4"}, eventsOf(out[:1], busy))
	assert.Equal(t, ProgressWatchID, out[1].WatchID)
	assert.Equal(t, []string{"PUT busy=3@5"}, eventsOf(out[2:], busy))
}

func TestWatchBadInput(t *testing.T) {
	r := newReplica(t)
	ws := r.s.NewWatchStream(0)
	tests := []struct {
		name string
		req  WatchRequest
		want error
	}{
		{"empty key", WatchRequest{}, ErrEmptyKey},
		{"range end before key", WatchRequest{Key: "b", RangeEnd: "a"}, ErrKeyRangeInvalid},
		{"negative start", WatchRequest{Key: "a", StartRevision: -3}, ErrInvalidRevision},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ws.Watch(tt.req)
			require.ErrorIs(t, err, tt.want)
			assert.Zero(t, ws.Pending(), "a refused watch queues nothing")
			assert.Empty(t, r.s.Watchers())
		})
	}
	require.ErrorIs(t, ws.Cancel(12), ErrWatchNotFound)
	ws.Close()
	_, err := ws.Watch(WatchRequest{Key: "a"})
	require.ErrorIs(t, err, ErrWatchStreamClosed)
	require.ErrorIs(t, ws.Cancel(0), ErrWatchStreamClosed)
}

func TestWatchersView(t *testing.T) {
	r := newReplica(t)
	ws1 := r.s.NewWatchStream(0)
	ws2 := r.s.NewWatchStream(0)
	_, err := ws2.Watch(WatchRequest{Key: "b"})
	require.NoError(t, err)
	_, err = ws1.Watch(WatchRequest{Key: "a", RangeEnd: "c"})
	require.NoError(t, err)
	r.put("b", "1")
	assert.Equal(t, []WatcherView{
		{Stream: 0, ID: 0, Request: WatchRequest{Key: "a", RangeEnd: "c"}, NextRevision: 3, QueuedEvents: 1},
		{Stream: 1, ID: 0, Request: WatchRequest{Key: "b"}, NextRevision: 3, QueuedEvents: 1},
	}, r.s.Watchers())
	ws1.Close()
	assert.Len(t, r.s.Watchers(), 1)
}

func TestWatchCatchesUpAfterRestore(t *testing.T) {
	leader := newReplica(t)
	leader.put("k", "1") // 2
	behind := newReplica(t)
	behind.put("k", "1") // 2, the same entry
	ws := behind.s.NewWatchStream(0)
	id, err := ws.Watch(WatchRequest{Key: "k"})
	require.NoError(t, err)
	ws.Take()

	leader.put("k", "2") // 3
	leader.put("k", "3") // 4
	require.NoError(t, behind.s.Restore(leader.s.Snapshot()))
	assert.Equal(t, []string{"PUT k=2@3", "PUT k=3@4"}, eventsOf(ws.Take(), id),
		"the watch replays what the snapshot brought")

	leader.put("k", "4") // 5
	leader.compact(5)
	require.NoError(t, behind.s.Restore(leader.s.Snapshot()))
	out := ws.Take()
	require.Len(t, out, 1)
	assert.True(t, out[0].Canceled, "the events at 5 were compacted away before the watch saw them")
	assert.Equal(t, int64(5), out[0].CompactRevision)
}

// TestWatchGuaranteesRandomized checks the etcd watch guarantees over random
// writes, compactions, takes and resumed watches: every watcher sees exactly
// the changes of its range, in revision order, once, with no revision split
// across responses.
func TestWatchGuaranteesRandomized(t *testing.T) {
	for seed := uint64(1); seed <= 30; seed++ {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 0))
			r := newReplica(t)
			keySpace := []string{"a", "b", "c", "d", "e"}
			type client struct {
				ws      *WatchStream
				cap     int
				id      WatchID
				want    WatchRequest
				seen    []string
				lastRev int64
			}
			var clients []*client
			for i := range 3 {
				c := &client{cap: 1 + rng.IntN(3)}
				c.ws = r.s.NewWatchStream(c.cap)
				c.want = WatchRequest{Key: keySpace[i], RangeEnd: keySpace[i+2]}
				var err error
				c.id, err = c.ws.Watch(c.want)
				require.NoError(t, err)
				clients = append(clients, c)
			}
			// expected lists, per revision, the changes a naive model predicts.
			var expected []Event
			live := map[string]bool{}
			take := func(c *client) {
				for _, resp := range c.ws.Take() {
					if resp.WatchID != c.id || len(resp.Events) == 0 {
						continue
					}
					first := resp.Events[0].KV.ModRevision
					// A revision is never split, so a response never starts
					// with the revision the previous one ended with.
					require.Greater(t, first, c.lastRev, "seed %d: revisions arrive whole, in order and once", seed)
					if len(resp.Events) > c.cap {
						last := resp.Events[len(resp.Events)-1].KV.ModRevision
						require.Equal(t, first, last, "seed %d: only a single revision may exceed the cap", seed)
					}
					for _, ev := range resp.Events {
						c.seen = append(c.seen, eventSummary(ev))
						c.lastRev = ev.KV.ModRevision
					}
				}
			}
			for step := 0; step < 200; step++ {
				switch op := rng.IntN(10); {
				case op < 5:
					k := keySpace[rng.IntN(len(keySpace))]
					rev := r.put(k, fmt.Sprint(step))
					live[k] = true
					expected = append(expected, Event{Type: EventPut, KV: KeyValue{Key: k, Value: fmt.Sprint(step), ModRevision: rev}})
				case op < 7:
					from := rng.IntN(len(keySpace) - 1)
					lo, hi := keySpace[from], keySpace[from+1+rng.IntN(len(keySpace)-from-1)]
					var dels []string
					for _, k := range keySpace {
						if k >= lo && k < hi && live[k] {
							dels = append(dels, k)
						}
					}
					resp := r.del(lo, hi)
					require.Equal(t, int64(len(dels)), resp.Deleted)
					for _, k := range dels {
						delete(live, k)
						expected = append(expected, Event{Type: EventDelete, KV: KeyValue{Key: k, ModRevision: resp.Header.Revision}})
					}
				case op < 8:
					if r.s.Rev() > r.s.CompactRev() {
						r.compact(r.s.CompactRev() + 1 + rng.Int64N(r.s.Rev()-r.s.CompactRev()))
					}
				case op < 9:
					take(clients[rng.IntN(len(clients))])
				default:
					// Break a watch and resume it from the last revision seen.
					c := clients[rng.IntN(len(clients))]
					take(c)
					require.NoError(t, c.ws.Cancel(c.id))
					c.ws.Take()
					var err error
					req := c.want
					req.StartRevision = c.lastRev + 1
					if req.StartRevision <= r.s.CompactRev() {
						// Everything up to the compaction was seen already:
						// the client resumes after the compacted revision,
						// which reads could not reveal changes of.
						require.GreaterOrEqual(t, c.lastRev, lastChangeAtOrBelow(expected, c.want, r.s.CompactRev()),
							"seed %d: resuming past a compaction must not skip unseen events", seed)
						req.StartRevision = r.s.CompactRev() + 1
					}
					c.id, err = c.ws.Watch(req)
					require.NoError(t, err)
				}
			}
			for _, c := range clients {
				take(c)
				want := []string{}
				for _, ev := range expected {
					if (keyRange{key: c.want.Key, end: c.want.RangeEnd}).contains(ev.KV.Key) {
						want = append(want, eventSummary(ev))
					}
				}
				assert.Equal(t, want, c.seen, "seed %d: watch %s..%s", seed, c.want.Key, c.want.RangeEnd)
			}
		})
	}
}

// lastChangeAtOrBelow returns the revision of the last expected change in
// the watch's range at or below rev (0 if none).
func lastChangeAtOrBelow(expected []Event, req WatchRequest, rev int64) int64 {
	last := int64(0)
	for _, ev := range expected {
		if ev.KV.ModRevision <= rev && (keyRange{key: req.Key, end: req.RangeEnd}).contains(ev.KV.Key) {
			last = ev.KV.ModRevision
		}
	}
	return last
}
