package concurrency

import (
	"fmt"

	"github.com/raft-playground/playground/kvstate"
)

// observerPhase is where an Observer is in following the leader.
type observerPhase uint8

const (
	// observerStopped is not observing.
	observerStopped observerPhase = iota
	// observerReading waits for the read of the current leader.
	observerReading
	// observerAwaitingLeader watches the whole prefix for the first
	// candidate, because the election had no leader when read.
	observerAwaitingLeader
	// observerFollowing watches the leader's key for new values and for
	// its deletion.
	observerFollowing
)

// Observer is etcd's Election.Observe as a state machine: it reports every
// leader of an election, and every new value a leader proclaims, in order.
// It needs no session, since it only reads and watches.
//
// It reads the leader (the lowest create revision under the name). With no
// leader it watches the prefix until the first candidate's key appears;
// with one it watches that key from the read's revision on: a put is a new
// proclaimed value, a delete means the leader resigned or its session
// expired, and the observer reads the next leader.
type Observer struct {
	name  string
	phase observerPhase
	// leader is the last leader version reported; valid while hasLeader.
	leader    kvstate.KeyValue
	hasLeader bool
	// watching is true while the observer's watch is open.
	watching bool
	x        exchange
}

// NewObserver returns an observer of the election with the given name.
func NewObserver(name string) *Observer {
	return &Observer{name: name}
}

// Start reads the current leader; the Steps that follow report it and every
// later change in Step.Observed until Stop.
func (o *Observer) Start() (Step, error) {
	if o.phase != observerStopped {
		return Step{}, fmt.Errorf("%w: observer of %q is already running", ErrBusy, o.name)
	}
	return o.read(), nil
}

// Stop ends the observation, canceling the watch if one is open.
func (o *Observer) Stop() Step {
	step := Step{CancelWatch: o.watching, Done: true}
	o.x.drop()
	o.phase, o.watching = observerStopped, false
	return step
}

func (o *Observer) read() Step {
	o.phase = observerReading
	return o.x.send(HolderQuery(o.name))
}

// HandleResponse consumes the read of the current leader.
func (o *Observer) HandleResponse(resp kvstate.Response) Step {
	if !o.x.accept(resp) || o.phase != observerReading {
		return Step{}
	}
	kv, ok, err := FirstCreated(resp)
	if err != nil {
		o.phase = observerStopped
		return Step{Done: true, Err: err}
	}
	o.watching = true
	if !ok {
		o.hasLeader = false
		o.phase = observerAwaitingLeader
		prefix := keyPrefix(o.name)
		return Step{Watch: &kvstate.WatchRequest{
			Key: prefix, RangeEnd: kvstate.PrefixEnd(prefix), StartRevision: resp.Header.Revision + 1, NoDelete: true,
		}}
	}
	step := o.follow(kv, resp.Header.Revision)
	// The same leader read again (after a canceled watch) is no news.
	if o.hasLeader && o.leader.Key == kv.Key && o.leader.ModRevision == kv.ModRevision {
		step.Observed = nil
	}
	o.leader, o.hasLeader = kv, true
	return step
}

// follow reports kv as the leader and watches its key after revision rev.
func (o *Observer) follow(kv kvstate.KeyValue, rev int64) Step {
	o.phase = observerFollowing
	return Step{
		Watch:    &kvstate.WatchRequest{Key: kv.Key, StartRevision: rev + 1},
		Observed: []kvstate.KeyValue{kv},
	}
}

// HandleWatch consumes a response of the observer's watch.
func (o *Observer) HandleWatch(wr kvstate.WatchResponse) Step {
	if !o.watching {
		return Step{}
	}
	if wr.Canceled {
		// The store ended the watch (its start was compacted away): read
		// the leader afresh and watch again from there.
		o.watching = false
		return o.read()
	}
	switch o.phase {
	case observerAwaitingLeader:
		for _, ev := range wr.Events {
			if ev.Type == kvstate.EventPut {
				o.leader, o.hasLeader = ev.KV, true
				step := o.follow(ev.KV, ev.KV.ModRevision)
				step.CancelWatch = true
				return step
			}
		}
	case observerFollowing:
		var step Step
		for _, ev := range wr.Events {
			if ev.KV.Key != o.leader.Key || ev.KV.ModRevision <= o.leader.ModRevision {
				continue
			}
			if ev.Type == kvstate.EventDelete {
				o.watching, o.hasLeader = false, false
				next := o.read()
				next.CancelWatch, next.Observed = true, step.Observed
				return next
			}
			o.leader = ev.KV
			step.Observed = append(step.Observed, ev.KV)
		}
		return step
	}
	return Step{}
}

// Leader returns the leader as last observed, and false while the election
// has no leader (or the observer is between leaders).
func (o *Observer) Leader() (kvstate.KeyValue, bool) { return o.leader, o.hasLeader }
