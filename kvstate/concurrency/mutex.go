package concurrency

import (
	"errors"
	"fmt"

	"github.com/raft-playground/playground/kvstate"
)

// MutexState is where a Mutex is in acquiring, holding and releasing the
// lock.
type MutexState uint8

const (
	// MutexIdle holds no key under the lock name.
	MutexIdle MutexState = iota
	// MutexAcquiring waits for the transaction that queues its key.
	MutexAcquiring
	// MutexWaiting is queued behind another session's key (see WaitingOn).
	MutexWaiting
	// MutexVerifying has seen every key ahead go and reads its own key, to
	// be sure it was not deleted meanwhile (its session expired).
	MutexVerifying
	// MutexHeld holds the lock; Revision is the fencing token.
	MutexHeld
	// MutexReleasing waits for the delete of its key.
	MutexReleasing
	// MutexLost held the lock or was queued for it when its key went away:
	// its session expired or someone deleted the key. It must stop acting
	// as the holder.
	MutexLost
)

var mutexStateNames = [...]string{"idle", "acquiring", "waiting", "verifying", "held", "releasing", "lost"}

// String names the state for traces and views.
func (s MutexState) String() string {
	if int(s) < len(mutexStateNames) {
		return mutexStateNames[s]
	}
	return fmt.Sprintf("MutexState(%d)", uint8(s))
}

// Mutex is etcd's concurrency.Mutex as a state machine. A session queues
// for the lock by creating the key name/<lease hex> attached to its lease;
// the keys' create revisions order the queue, and the key with the lowest
// one holds the lock. A waiter watches only the key just ahead of it, so a
// release wakes exactly one waiter. The holder's create revision grows with
// every acquisition, which makes it a fencing token: a resource that
// remembers the highest token it has seen can refuse a stale holder that
// was paused past its lease.
type Mutex struct {
	session *Session
	name    string
	// key is our key under the name (set by Lock or TryLock).
	key string
	// Invariant: rev > 0 exactly when the store told us our key's create
	// revision (from Acquiring on); it is the fencing token while Held.
	rev   int64
	state MutexState
	// try is true when the acquisition is a TryLock.
	try bool
	// releaseRequested records an Unlock that came while a request was in
	// flight; the release starts when the response arrives.
	releaseRequested bool
	// releaseErr is what the release in progress reports when done: nil for
	// Unlock, ErrLocked for a TryLock that gave up, or the error that made
	// the acquisition give its key back.
	releaseErr error
	x          exchange
	wait       queueWait
}

// NewMutex returns a mutex for the lock name, used through the session. The
// session must be open before Lock or TryLock.
func NewMutex(s *Session, name string) *Mutex {
	return &Mutex{session: s, name: name}
}

// Lock queues for the lock and waits until it is held. The Step sends the
// transaction that creates our key (if it does not exist yet) and reads the
// holder; the operation is Done when the lock is held, or with
// ErrSessionExpired when the session's lease went away first.
func (m *Mutex) Lock() (Step, error) { return m.acquire(false) }

// TryLock is Lock without waiting: when another session holds the lock it
// deletes our key again and ends with ErrLocked.
func (m *Mutex) TryLock() (Step, error) { return m.acquire(true) }

func (m *Mutex) acquire(try bool) (Step, error) {
	if m.state != MutexIdle && m.state != MutexLost {
		return Step{}, fmt.Errorf("%w: mutex %q is %s", ErrBusy, m.name, m.state)
	}
	if err := m.session.checkLive(); err != nil {
		return Step{}, err
	}
	lease := m.session.Lease()
	m.key, m.rev, m.try, m.state = KeyFor(m.name, lease), 0, try, MutexAcquiring
	m.releaseRequested, m.releaseErr = false, nil
	holder := kvstate.Op{Range: firstCreatedRange(keyPrefix(m.name))}
	return m.x.send(createIfAbsentTxn(m.key, "", lease, holder)), nil
}

// Unlock deletes our key, releasing the lock or leaving the queue. Called
// while a Lock is still waiting, it abandons the Lock (as canceling the
// context of etcd's Lock does): the Done that follows ends both.
func (m *Mutex) Unlock() (Step, error) {
	switch {
	case m.state == MutexIdle:
		return Step{}, fmt.Errorf("%w: mutex %q", ErrNotLocked, m.name)
	case m.state == MutexLost:
		return Step{}, fmt.Errorf("%w: mutex %q lost its key %q", ErrNotLocked, m.name, m.key)
	case m.state == MutexReleasing || m.releaseRequested:
		return Step{}, fmt.Errorf("%w: mutex %q is already releasing", ErrBusy, m.name)
	case m.x.busy():
		m.releaseRequested = true
		return Step{}, nil
	}
	return m.release(nil), nil
}

// release deletes our key and reports err once the delete is done.
func (m *Mutex) release(err error) Step {
	m.state, m.releaseErr, m.releaseRequested = MutexReleasing, err, false
	cancel := m.wait.stop()
	step := m.x.send(deleteKey(m.key))
	step.CancelWatch = cancel
	return step
}

// HandleResponse consumes the response to the request in flight.
func (m *Mutex) HandleResponse(resp kvstate.Response) Step {
	if !m.x.accept(resp) {
		return Step{}
	}
	if m.releaseRequested {
		return m.release(nil)
	}
	switch m.state {
	case MutexAcquiring:
		return m.onAcquire(resp)
	case MutexWaiting:
		return m.onReadAhead(resp)
	case MutexVerifying:
		return m.onVerify(resp)
	case MutexReleasing:
		m.state = MutexIdle
		err := m.releaseErr
		if err == nil {
			err = resp.Err
		}
		m.key, m.rev, m.releaseErr = "", 0, nil
		return Step{Done: true, Err: err}
	}
	return Step{}
}

func (m *Mutex) onAcquire(resp kvstate.Response) Step {
	if resp.Err != nil {
		// The transaction was refused as a whole, so no key was created.
		m.state, m.key = MutexIdle, ""
		if errors.Is(resp.Err, kvstate.ErrLeaseNotFound) {
			m.session.Expire()
			return Step{Done: true, Err: fmt.Errorf("%w: %w", ErrSessionExpired, resp.Err)}
		}
		return Step{Done: true, Err: resp.Err}
	}
	rev, _, err := createdAt(resp.Txn)
	if err != nil {
		return m.release(err)
	}
	m.rev = rev
	holder := resp.Txn.Responses[1].Range.KVs
	if len(holder) == 0 || holder[0].CreateRevision == rev {
		m.state = MutexHeld
		return Step{Done: true}
	}
	if m.try {
		return m.release(fmt.Errorf("%w: %q holds %q", ErrLocked, holder[0].Key, m.name))
	}
	m.state = MutexWaiting
	return m.readAhead(m.wait.begin(keyPrefix(m.name), m.rev))
}

// readAhead sends the read of the key ahead, or verifies our key when
// nothing can be ahead.
func (m *Mutex) readAhead(req *kvstate.Request) Step {
	if req == nil {
		return m.verify()
	}
	return m.x.send(req)
}

func (m *Mutex) onReadAhead(resp kvstate.Response) Step {
	if resp.Err != nil {
		return m.release(resp.Err)
	}
	if w := m.wait.onRead(resp.Range); w != nil {
		return Step{Watch: w}
	}
	return m.verify()
}

// verify reads our own key once nobody is ahead: if the session expired
// while we waited, the key is gone and the lock was never ours.
func (m *Mutex) verify() Step {
	m.state = MutexVerifying
	return m.x.send(getKey(m.key))
}

func (m *Mutex) onVerify(resp kvstate.Response) Step {
	if resp.Err != nil {
		return m.release(resp.Err)
	}
	if kvs := resp.Range.KVs; len(kvs) == 0 || kvs[0].CreateRevision != m.rev {
		m.state = MutexLost
		return Step{Done: true, Err: fmt.Errorf("%w: our key %q was deleted while we waited", ErrSessionExpired, m.key)}
	}
	m.state = MutexHeld
	return Step{Done: true}
}

// HandleWatch consumes a response of the watch on the key ahead.
func (m *Mutex) HandleWatch(wr kvstate.WatchResponse) Step {
	if m.state != MutexWaiting {
		return Step{}
	}
	again, cancel := m.wait.onWatch(wr)
	if !again {
		return Step{}
	}
	step := m.readAhead(m.wait.read())
	step.CancelWatch = cancel
	return step
}

// SessionExpired tells the mutex that its session's lease is gone (the
// driver's renewal found it unknown). A mutex that held the lock, or was
// acquiring it, is now MutexLost and the Step ends that with
// ErrSessionExpired, canceling its watch; an idle or releasing mutex gets a
// zero Step.
func (m *Mutex) SessionExpired() Step {
	m.session.Expire()
	switch m.state {
	case MutexIdle, MutexLost, MutexReleasing:
		return Step{}
	}
	m.x.drop()
	m.state, m.releaseRequested = MutexLost, false
	return Step{CancelWatch: m.wait.stop(), Done: true, Err: fmt.Errorf("%w: mutex %q lost %q", ErrSessionExpired, m.name, m.key)}
}

// Name returns the lock name.
func (m *Mutex) Name() string { return m.name }

// State returns the mutex's state.
func (m *Mutex) State() MutexState { return m.state }

// Held reports whether the mutex holds the lock.
func (m *Mutex) Held() bool { return m.state == MutexHeld }

// Key returns our key under the lock name ("" before the first Lock and
// after a release).
func (m *Mutex) Key() string { return m.key }

// Revision returns our key's create revision (0 while unknown). While the
// lock is held it is the fencing token: every later holder has a larger one.
func (m *Mutex) Revision() int64 { return m.rev }

// WaitingOn returns the key just ahead of ours, whose deletion we wait for,
// while the mutex is waiting and knows it. LeaseOf(name, key) tells which
// session that is.
func (m *Mutex) WaitingOn() (kvstate.KeyValue, bool) {
	if m.state != MutexWaiting {
		return kvstate.KeyValue{}, false
	}
	return m.wait.waitingOn()
}
