package concurrency

import (
	"errors"
	"fmt"

	"github.com/raft-playground/playground/kvstate"
)

// ElectionState is where an Election is in campaigning, leading and
// resigning.
type ElectionState uint8

const (
	// ElectionIdle is not a candidate.
	ElectionIdle ElectionState = iota
	// ElectionCampaigning waits for the transaction that creates its
	// candidate key (or for the proclaim of a new value on a key the session
	// already had).
	ElectionCampaigning
	// ElectionWaiting is a candidate queued behind an earlier one (see
	// WaitingOn).
	ElectionWaiting
	// ElectionVerifying has seen every earlier candidate go and reads its
	// own key to be sure its session did not expire meanwhile.
	ElectionVerifying
	// ElectionLeader is the leader; its key holds the proclaimed value.
	ElectionLeader
	// ElectionProclaiming waits for the update of the leader's value.
	ElectionProclaiming
	// ElectionResigning waits for the delete of its key.
	ElectionResigning
	// ElectionLost was leader or candidate when its key went away (its
	// session expired).
	ElectionLost
)

var electionStateNames = [...]string{"idle", "campaigning", "waiting", "verifying", "leader", "proclaiming", "resigning", "lost"}

// String names the state for traces and views.
func (s ElectionState) String() string {
	if int(s) < len(electionStateNames) {
		return electionStateNames[s]
	}
	return fmt.Sprintf("ElectionState(%d)", uint8(s))
}

// Election is etcd's concurrency.Election as a state machine. Candidates
// queue exactly as mutex waiters do, under name/<lease hex>, with the value
// they want to proclaim as the key's value; the candidate with the lowest
// create revision is the leader, and the leader's key's value is what the
// election currently says (a service address, say). Observers follow the
// leader key (see Observer).
type Election struct {
	session *Session
	name    string
	key     string
	// Invariant: rev > 0 exactly when the store told us our key's create
	// revision; Proclaim and Resign act only while the key still has it.
	rev   int64
	value string
	state ElectionState
	// proclaiming is true while Campaigning waits for the proclaim of a new
	// value on a key the session already had, rather than for the creation.
	proclaiming bool
	// resignRequested records a Resign that came while a request was in
	// flight.
	resignRequested bool
	// resignErr is what the resign in progress reports when done: nil for
	// Resign, or the error that made a campaign give its key back.
	resignErr error
	x         exchange
	wait      queueWait
}

// NewElection returns an election under the name, used through the session.
func NewElection(s *Session, name string) *Election {
	return &Election{session: s, name: name}
}

// Campaign puts the session's candidate key with the value and waits until
// every earlier candidate is gone; it is Done once this session leads.
func (e *Election) Campaign(value string) (Step, error) {
	if e.state != ElectionIdle && e.state != ElectionLost {
		return Step{}, fmt.Errorf("%w: election %q is %s", ErrBusy, e.name, e.state)
	}
	if err := e.session.checkLive(); err != nil {
		return Step{}, err
	}
	lease := e.session.Lease()
	e.key, e.rev, e.value, e.state = KeyFor(e.name, lease), 0, value, ElectionCampaigning
	e.proclaiming, e.resignRequested, e.resignErr = false, false, nil
	return e.x.send(createIfAbsentTxn(e.key, value, lease)), nil
}

// Proclaim sets a new value while this session leads. It ends with
// ErrElectionNotLeader when the key is no longer ours.
func (e *Election) Proclaim(value string) (Step, error) {
	if e.state != ElectionLeader {
		return Step{}, fmt.Errorf("%w: election %q is %s", ErrElectionNotLeader, e.name, e.state)
	}
	e.state, e.value = ElectionProclaiming, value
	return e.x.send(e.proclaimRequest(value)), nil
}

func (e *Election) proclaimRequest(value string) *kvstate.Request {
	return ifCreatedAt(e.key, e.rev, kvstate.Op{Put: &kvstate.PutRequest{Key: e.key, Value: value, Lease: e.session.Lease()}})
}

// Resign deletes our key if it is still ours, giving up leadership or
// candidacy. Called while a Campaign or a Proclaim is still running, it
// abandons that operation: the Done that follows ends both.
func (e *Election) Resign() (Step, error) {
	switch {
	case e.state == ElectionIdle || e.state == ElectionLost:
		return Step{}, fmt.Errorf("%w: election %q is %s", ErrElectionNotLeader, e.name, e.state)
	case e.state == ElectionResigning || e.resignRequested:
		return Step{}, fmt.Errorf("%w: election %q is already resigning", ErrBusy, e.name)
	case e.x.busy():
		e.resignRequested = true
		return Step{}, nil
	}
	return e.resign(nil), nil
}

// resign deletes our key while it is still ours and reports err once the
// delete is done.
func (e *Election) resign(err error) Step {
	e.resignRequested = false
	cancel := e.wait.stop()
	if e.rev == 0 {
		// The campaign transaction was refused: there is no key to delete.
		e.state = ElectionIdle
		return Step{CancelWatch: cancel, Done: true, Err: err}
	}
	e.state, e.resignErr = ElectionResigning, err
	step := e.x.send(ifCreatedAt(e.key, e.rev, kvstate.Op{DeleteRange: &kvstate.DeleteRangeRequest{Key: e.key}}))
	step.CancelWatch = cancel
	return step
}

// HandleResponse consumes the response to the request in flight.
func (e *Election) HandleResponse(resp kvstate.Response) Step {
	if !e.x.accept(resp) {
		return Step{}
	}
	if e.resignRequested {
		if e.state == ElectionCampaigning && !e.proclaiming && resp.Err == nil {
			if rev, _, err := createdAt(resp.Txn); err == nil {
				e.rev = rev
			}
		}
		return e.resign(nil)
	}
	switch e.state {
	case ElectionCampaigning:
		if e.proclaiming {
			return e.onCampaignProclaim(resp)
		}
		return e.onCampaign(resp)
	case ElectionWaiting:
		if resp.Err != nil {
			return e.resign(resp.Err)
		}
		if w := e.wait.onRead(resp.Range); w != nil {
			return Step{Watch: w}
		}
		return e.verify()
	case ElectionVerifying:
		return e.onVerify(resp)
	case ElectionProclaiming:
		return e.onProclaim(resp)
	case ElectionResigning:
		err := e.resignErr
		if err == nil {
			err = resp.Err
		}
		e.state, e.key, e.rev, e.resignErr = ElectionIdle, "", 0, nil
		return Step{Done: true, Err: err}
	}
	return Step{}
}

// refused ends an operation whose request the store refused, in state
// otherwise. A refusal for an unknown lease means the session expired: a
// session that had a key has lost it.
func (e *Election) refused(err error, otherwise ElectionState) Step {
	if errors.Is(err, kvstate.ErrLeaseNotFound) {
		e.session.Expire()
		e.state = ElectionIdle
		if e.rev != 0 {
			e.state = ElectionLost
		}
		return Step{Done: true, Err: fmt.Errorf("%w: %w", ErrSessionExpired, err)}
	}
	e.state = otherwise
	return Step{Done: true, Err: err}
}

func (e *Election) onCampaign(resp kvstate.Response) Step {
	if resp.Err != nil {
		return e.refused(resp.Err, ElectionIdle)
	}
	rev, existing, err := createdAt(resp.Txn)
	if err != nil {
		return e.resign(err)
	}
	e.rev = rev
	if !resp.Txn.Succeeded && existing != e.value {
		// The session was already a candidate with another value: proclaim
		// the new one before waiting, as etcd's Campaign does.
		e.proclaiming = true
		return e.x.send(e.proclaimRequest(e.value))
	}
	return e.startWait()
}

func (e *Election) onCampaignProclaim(resp kvstate.Response) Step {
	e.proclaiming = false
	if errors.Is(resp.Err, kvstate.ErrLeaseNotFound) {
		return e.refused(resp.Err, ElectionLost)
	}
	if resp.Err != nil {
		return e.resign(resp.Err)
	}
	if !resp.Txn.Succeeded {
		e.state = ElectionLost
		return Step{Done: true, Err: fmt.Errorf("%w: key %q was deleted during the campaign", ErrElectionNotLeader, e.key)}
	}
	return e.startWait()
}

func (e *Election) startWait() Step {
	e.state = ElectionWaiting
	req := e.wait.begin(keyPrefix(e.name), e.rev)
	if req == nil {
		return e.verify()
	}
	return e.x.send(req)
}

func (e *Election) verify() Step {
	e.state = ElectionVerifying
	return e.x.send(getKey(e.key))
}

func (e *Election) onVerify(resp kvstate.Response) Step {
	if resp.Err != nil {
		return e.resign(resp.Err)
	}
	kvs := resp.Range.KVs
	if len(kvs) == 0 || kvs[0].CreateRevision != e.rev {
		e.state = ElectionLost
		return Step{Done: true, Err: fmt.Errorf("%w: our key %q was deleted while we waited", ErrSessionExpired, e.key)}
	}
	e.state, e.value = ElectionLeader, kvs[0].Value
	return Step{Done: true}
}

func (e *Election) onProclaim(resp kvstate.Response) Step {
	if resp.Err != nil {
		return e.refused(resp.Err, ElectionLeader)
	}
	if !resp.Txn.Succeeded {
		e.state = ElectionLost
		return Step{Done: true, Err: fmt.Errorf("%w: key %q is gone", ErrElectionNotLeader, e.key)}
	}
	e.state = ElectionLeader
	return Step{Done: true}
}

// HandleWatch consumes a response of the watch on the candidate ahead.
func (e *Election) HandleWatch(wr kvstate.WatchResponse) Step {
	if e.state != ElectionWaiting {
		return Step{}
	}
	again, cancel := e.wait.onWatch(wr)
	if !again {
		return Step{}
	}
	var step Step
	if req := e.wait.read(); req != nil {
		step = e.x.send(req)
	} else {
		step = e.verify()
	}
	step.CancelWatch = cancel
	return step
}

// SessionExpired tells the election that its session's lease is gone. A
// leader or candidate is now ElectionLost and the Step ends that with
// ErrSessionExpired; an idle or resigning election gets a zero Step.
func (e *Election) SessionExpired() Step {
	e.session.Expire()
	switch e.state {
	case ElectionIdle, ElectionLost, ElectionResigning:
		return Step{}
	}
	e.x.drop()
	e.state, e.proclaiming, e.resignRequested = ElectionLost, false, false
	return Step{CancelWatch: e.wait.stop(), Done: true, Err: fmt.Errorf("%w: election %q lost %q", ErrSessionExpired, e.name, e.key)}
}

// Leader returns the request that reads the election's current leader
// (etcd's Election.Leader); LeaderFrom reads its response.
func (e *Election) Leader() *kvstate.Request { return HolderQuery(e.name) }

// LeaderFrom returns the leader's key, with the value it proclaimed, from
// the response to Leader or HolderQuery, and ErrElectionNoLeader when nobody
// campaigns.
func LeaderFrom(resp kvstate.Response) (kvstate.KeyValue, error) {
	kv, ok, err := FirstCreated(resp)
	switch {
	case err != nil:
		return kvstate.KeyValue{}, err
	case !ok:
		return kvstate.KeyValue{}, ErrElectionNoLeader
	}
	return kv, nil
}

// Name returns the election name.
func (e *Election) Name() string { return e.name }

// State returns the election's state.
func (e *Election) State() ElectionState { return e.state }

// IsLeader reports whether this session leads the election.
func (e *Election) IsLeader() bool { return e.state == ElectionLeader }

// Key returns our candidate key ("" before the first Campaign).
func (e *Election) Key() string { return e.key }

// Revision returns our key's create revision (0 while unknown); while
// leading it orders this leadership among all leaderships of the election.
func (e *Election) Revision() int64 { return e.rev }

// Value returns the value this session campaigned with or last proclaimed.
func (e *Election) Value() string { return e.value }

// WaitingOn returns the candidate key just ahead of ours while campaigning.
func (e *Election) WaitingOn() (kvstate.KeyValue, bool) {
	if e.state != ElectionWaiting {
		return kvstate.KeyValue{}, false
	}
	return e.wait.waitingOn()
}
