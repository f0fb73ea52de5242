package netsim

import (
	"errors"
	"strconv"

	"github.com/raft-playground/playground/core/member"
	"github.com/raft-playground/playground/kvstate"
	"github.com/raft-playground/playground/kvstate/concurrency"
)

// lockPhase is where a client's lock is in its life.
type lockPhase uint8

const (
	lockOpening   lockPhase = iota // the session lease is being granted
	lockAcquiring                  // queued for the lock
	lockHeld                       // holding it
	lockLost                       // the session expired while holding or waiting
	lockReleasing                  // deleting our key
	lockClosing                    // revoking the session lease
)

// clientLock drives etcd's lock recipe (kvstate/concurrency) for a client:
// a session lease kept alive, a key under the lock's prefix, a watch on the
// predecessor.
type clientLock struct {
	name    string
	ttl     Duration
	session *concurrency.Session
	mutex   *concurrency.Mutex
	phase   lockPhase
	// lease is the client's lease slot of the session (-1: none yet);
	// watch is the watch slot of the recipe's watch (-1: none).
	lease, watch int
	// send is the recipe's request to (re)send; reqID its attempt in flight.
	send  *kvstate.Request
	reqID uint64
	// opID is the lock or unlock operation waiting on the recipe (-1: none);
	// unlockErr is an error Unlock already reported.
	opID      int
	unlockErr error
	closed    bool
}

// lock finds the client's lock called name (the newest).
func (c *client) lock(name string) *clientLock {
	for i := len(c.locks) - 1; i >= 0; i-- {
		if c.locks[i].name == name {
			return c.locks[i]
		}
	}
	return nil
}

// lockSlot is the position of l among the client's locks.
func lockSlot(c *client, l *clientLock) int {
	for i, x := range c.locks {
		if x == l {
			return i
		}
	}
	panic("netsim: lock not held by its client")
}

// startLock opens the lock's session; acquisition follows once it is live.
func (w *World) startLock(c *client, p *pendingOp) {
	l := c.lock(p.spec.Name)
	l.opID = p.op.ID
	l.session = concurrency.NewSession(int64(l.ttl / Second))
	l.mutex = concurrency.NewMutex(l.session, l.name)
	l.phase = lockOpening
	step, err := l.session.Open()
	if err != nil {
		w.lockFinished(c, l, err)
		return
	}
	w.drive(c, lockSlot(c, l), step)
}

// startUnlock releases the lock (or stops waiting) and then closes the
// session.
func (w *World) startUnlock(c *client, p *pendingOp) {
	l := c.lock(p.spec.Name)
	l.opID = p.op.ID
	step, err := l.mutex.Unlock()
	if err != nil {
		// The lock was lost with its session: there is no key to delete,
		// but the session is still closed, and the caller learns it.
		l.unlockErr = err
		w.closeSession(c, l)
		return
	}
	l.phase = lockReleasing
	w.drive(c, lockSlot(c, l), step)
}

// drive carries out a recipe step, in the order the recipe package asks.
func (w *World) drive(c *client, slot int, step concurrency.Step) {
	l := c.locks[slot]
	if step.CancelWatch && l.watch >= 0 {
		w.cancelWatch(c, l.watch)
		l.watch = -1
	}
	if step.Send != nil {
		l.send = step.Send
		w.sendRecipe(c, slot)
	}
	if step.Watch != nil {
		// The mutex watches only the key just ahead of its own, so a
		// release wakes one waiter: the trace says which key that is.
		if ahead, ok := l.mutex.WaitingOn(); ok {
			w.record(Record{Kind: "lock-waiting", Client: c.name, Args: []Arg{{"lock", l.name}, {"waitingOn", ahead.Key}}})
		}
		l.watch = len(c.watches)
		w.openWatch(c, *step.Watch, slot, -1)
	}
	if step.Done {
		w.recipeDone(c, slot, step.Err)
	}
}

// sendRecipe sends the recipe's current request with a fresh ID.
func (w *World) sendRecipe(c *client, slot int) {
	l := c.locks[slot]
	req := member.Request{}
	if l.send.Range != nil {
		r := *l.send.Range
		req.Kind, req.Read = member.RequestRead, &r
	} else {
		cp := *l.send
		req.Kind, req.Write = member.RequestWrite, &cp
	}
	l.reqID = w.sendRequest(c, c.target, req, purposeRecipe, slot, true)
	// The recipe matches the response by the ID of the request it handed out.
	l.send.ID = l.reqID
}

// onRecipeReply hands the store's answer to the recipe, or resends the
// request after a transport failure: every recipe request is safe to repeat.
func (w *World) onRecipeReply(c *client, slot int, reqID uint64, r member.Reply) {
	if slot >= len(c.locks) {
		return
	}
	l := c.locks[slot]
	if l.reqID != reqID || l.closed {
		return
	}
	l.reqID = 0
	var resp kvstate.Response
	var notLeader *member.NotLeaderError
	switch {
	case r.Write != nil:
		resp = *r.Write
	case r.Range != nil && r.Err == nil:
		resp = kvstate.Response{ID: reqID, Header: r.Range.Header, Range: r.Range}
	case errors.As(r.Err, &notLeader):
		w.follow(c, r.From, notLeader.Leader)
		w.sendRecipe(c, slot)
		return
	case isTransportError(r.Err):
		w.rotate(c, r.From)
		w.sched.schedule(event{at: w.now.Add(retryBackoff), kind: evRecipeRetry, client: c.index, id: uint64(slot)})
		return
	default:
		resp = kvstate.Response{ID: reqID, Err: r.Err}
	}
	var step concurrency.Step
	if l.phase == lockOpening || l.phase == lockClosing {
		step = l.session.HandleResponse(resp)
	} else {
		step = l.mutex.HandleResponse(resp)
	}
	w.drive(c, slot, step)
}

// isTransportError reports failures of the way to the store rather than
// answers of the store.
func isTransportError(err error) bool {
	for _, e := range []error{ErrTimeout, ErrConnLost, ErrConnRefused, member.ErrNoLeader, member.ErrProposalDropped} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// onRecipeRetry resends a recipe request after a pause.
func (w *World) onRecipeRetry(ev event) {
	c := w.clients[ev.client]
	if w.clientHolds(c, ev) {
		return
	}
	slot := int(ev.id)
	if slot >= len(c.locks) {
		// The client restarted since: the lock belonged to its old session.
		return
	}
	if l := c.locks[slot]; !l.closed && l.reqID == 0 && l.send != nil {
		w.sendRecipe(c, slot)
	}
}

// onRecipeWatch hands a watch response to the lock's recipe.
func (w *World) onRecipeWatch(c *client, slot int, resp kvstate.WatchResponse) {
	l := c.locks[slot]
	if l.closed || l.phase != lockAcquiring {
		return
	}
	w.drive(c, slot, l.mutex.HandleWatch(resp))
}

// recipeDone moves the lock on when the recipe finished an operation.
func (w *World) recipeDone(c *client, slot int, err error) {
	l := c.locks[slot]
	l.send = nil
	switch l.phase {
	case lockOpening:
		if err != nil {
			w.lockFinished(c, l, err)
			return
		}
		c.leases = append(c.leases, &clientLease{id: l.session.Lease(), ttl: Duration(l.session.TTL()) * Second, keepAlive: true, lock: slot, keepOp: -1})
		l.lease = len(c.leases) - 1
		w.sched.schedule(keepAliveEvent(w.now.Add(max(c.leases[l.lease].ttl/3, 100*Millisecond)), c, l.lease, 0))
		l.phase = lockAcquiring
		step, err := l.mutex.Lock()
		if err != nil {
			w.lockFinished(c, l, err)
			return
		}
		w.drive(c, slot, step)
	case lockAcquiring:
		if err != nil {
			w.lockFinished(c, l, err)
			return
		}
		l.phase = lockHeld
		w.record(Record{Kind: "lock-acquired", Client: c.name, Args: []Arg{{"lock", l.name}, {"key", l.mutex.Key()}, {"rev", strconv.FormatInt(l.mutex.Revision(), 10)}}})
		w.finishLockOp(c, l, StatusOK, nil)
	case lockReleasing:
		l.unlockErr = err
		w.closeSession(c, l)
	case lockClosing:
		w.stopSession(c, l)
		l.closed = true
		if err == nil {
			err = l.unlockErr
		}
		status := StatusOK
		if err != nil {
			status = StatusError
		}
		w.finishLockOp(c, l, status, err)
	}
}

// closeSession revokes the lock's session lease.
func (w *World) closeSession(c *client, l *clientLock) {
	l.phase = lockClosing
	step, err := l.session.Close()
	if err != nil {
		w.recipeDone(c, lockSlot(c, l), err)
		return
	}
	w.drive(c, lockSlot(c, l), step)
}

// stopSession stops renewing the lock's session lease.
func (w *World) stopSession(c *client, l *clientLock) {
	if l.lease >= 0 {
		c.leases[l.lease].keepAlive = false
		c.leases[l.lease].revoked = true
	}
}

// lockFinished ends a lock that could not be acquired.
func (w *World) lockFinished(c *client, l *clientLock, err error) {
	w.stopSession(c, l)
	l.closed = true
	w.finishLockOp(c, l, StatusError, err)
}

// finishLockOp ends the lock or unlock operation waiting on l.
func (w *World) finishLockOp(c *client, l *clientLock, status string, err error) {
	id := l.opID
	l.opID = -1
	if id < 0 || len(c.ops) == 0 || c.ops[0].op.ID != id {
		return
	}
	p := c.ops[0]
	if l.mutex != nil && p.spec.Kind == OpLock {
		p.op.Fence = l.mutex.Revision()
	}
	w.finishOp(c, p, status, err, 0)
}

// sessionLost tells a lock that its session lease is gone: a holder loses
// the lock without knowing when — the pause problem — and a waiter fails.
func (w *World) sessionLost(c *client, slot int) {
	l := c.locks[slot]
	if l.closed {
		return
	}
	wasHeld := l.phase == lockHeld
	step := l.mutex.SessionExpired()
	if wasHeld {
		l.phase = lockLost
		w.record(Record{Kind: "lock-lost", Client: c.name, Args: []Arg{{"lock", l.name}}})
	}
	w.drive(c, slot, step)
}
