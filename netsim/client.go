package netsim

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/raft-playground/playground/kvstate"
)

// Client errors, besides the members' and the store's.
var (
	// ErrTimeout: no answer came within the client timeout. For a write the
	// outcome is unknown.
	ErrTimeout = errors.New("timed out waiting for an answer")
	// ErrConnRefused: the member was down when the request arrived, so the
	// request certainly had no effect.
	ErrConnRefused = errors.New("connection refused: the member is down")
	// ErrConnLost: the member crashed after it received the request; a
	// write's outcome is unknown.
	ErrConnLost = errors.New("connection lost: the member crashed before answering")
	// ErrClientCrashed: the client crashed before the operation returned.
	ErrClientCrashed = errors.New("the client crashed")
	// ErrGaveUp: the client tried every member it knows without success.
	ErrGaveUp = errors.New("gave up after trying every member")
)

// maxAttempts bounds the requests one operation sends before giving up.
const maxAttempts = 12

// retryBackoff is how long a client waits before retrying after a member
// said it knows no leader: an election takes about that long.
const retryBackoff = 100 * Millisecond

// client is one simulated client process: a name, a session with the
// cluster, the operations it has called and the leases, locks and watches it
// keeps.
type client struct {
	name  string
	index int
	// crashed clients send nothing more; paused ones act on nothing until
	// resumed (their timers and the replies they get wait in held).
	crashed, paused bool
	held            []event
	// target is the member the client currently talks to; it follows leader
	// hints and moves on when a member fails it.
	target uint64
	// ops are the foreground operations not yet returned, oldest first; the
	// first is in progress, the others wait (a client calls one at a time).
	ops []*pendingOp
	// lastReply is the ID of the last operation that returned (-1: none).
	lastReply int
	leases    []*clientLease
	locks     []*clientLock
	watches   []*clientWatch
	// watchesOpened numbers watches across the client's sessions, so that a
	// restarted client's watch 1 is not confused with the old session's.
	watchesOpened int
}

// opSpec is what a script asked a client to do.
type opSpec struct {
	Kind         string
	Key, Value   string
	Prefix       bool
	Rev          int64
	Serializable bool
	At           uint64
	Txn          *kvstate.TxnRequest
	Lease        string
	TTL          Duration
	Once         bool
	Name         string
}

// pendingOp is a foreground operation in progress or waiting.
type pendingOp struct {
	spec opSpec
	op   Op
	// reqID is the request of the current attempt (0: none in flight).
	reqID uint64
	// maybeApplied is set when an earlier attempt of a write may have taken
	// effect (it timed out or its member crashed).
	maybeApplied bool
	lastErr      error
}

// GetOptions qualify a get.
type GetOptions struct {
	Key          string
	Prefix       bool
	Rev          int64
	Serializable bool
	// At sends the request to this member only (0: the member the client
	// talks to, following leader hints).
	At uint64
}

// clientByName returns the client called name, creating it on first use.
func (w *World) clientByName(name string, create bool) (*client, error) {
	if err := checkClientName(name); err != nil {
		return nil, err
	}
	for _, c := range w.clients {
		if c.name == name {
			return c, nil
		}
	}
	if !create {
		return nil, fmt.Errorf("there is no client %s yet", name)
	}
	c := &client{name: name, index: len(w.clients), lastReply: -1}
	members := w.Members()
	c.target = members[c.index%len(members)]
	w.clients = append(w.clients, c)
	return c, nil
}

// checkClientName accepts c1, c2, ….
func checkClientName(name string) error {
	if len(name) < 2 || name[0] != 'c' {
		return fmt.Errorf("%q is not a client name: clients are c1, c2, …", name)
	}
	n, err := strconv.Atoi(name[1:])
	if err != nil || n < 1 || strconv.Itoa(n) != name[1:] {
		return fmt.Errorf("%q is not a client name: clients are c1, c2, …", name)
	}
	return nil
}

// Put writes key=value, attached to the named lease if lease is not "".
func (w *World) Put(clientName, key, value, lease string) (int, error) {
	return w.do(command{kind: cmdClientOp, client: clientName, op: opSpec{Kind: OpPut, Key: key, Value: value, Lease: lease}})
}

// Get reads a key or a prefix.
func (w *World) Get(clientName string, o GetOptions) (int, error) {
	return w.do(command{kind: cmdClientOp, client: clientName, op: opSpec{Kind: OpGet, Key: o.Key, Prefix: o.Prefix, Rev: o.Rev, Serializable: o.Serializable, At: o.At}})
}

// Delete removes a key or every key with the prefix.
func (w *World) Delete(clientName, key string, prefix bool) (int, error) {
	return w.do(command{kind: cmdClientOp, client: clientName, op: opSpec{Kind: OpDelete, Key: key, Prefix: prefix}})
}

// Txn runs an etcd transaction.
func (w *World) Txn(clientName string, t kvstate.TxnRequest) (int, error) {
	cp := deepCopy(&t, nil, nil)
	return w.do(command{kind: cmdClientOp, client: clientName, op: opSpec{Kind: OpTxn, Txn: cp}})
}

// Compact discards the store's history before revision rev.
func (w *World) Compact(clientName string, rev int64) (int, error) {
	return w.do(command{kind: cmdClientOp, client: clientName, op: opSpec{Kind: OpCompact, Rev: rev}})
}

// LeaseGrant asks for a lease with the given TTL (whole seconds) and names it
// lease for the client's later operations.
func (w *World) LeaseGrant(clientName, lease string, ttl Duration) (int, error) {
	return w.do(command{kind: cmdClientOp, client: clientName, op: opSpec{Kind: OpLeaseGrant, Lease: lease, TTL: ttl}})
}

// LeaseKeepAlive renews the named lease: once, or from now on about every
// third of its TTL until it is revoked or the client crashes.
func (w *World) LeaseKeepAlive(clientName, lease string, once bool) (int, error) {
	return w.do(command{kind: cmdClientOp, client: clientName, op: opSpec{Kind: OpLeaseKeepAlive, Lease: lease, Once: once}})
}

// LeaseRevoke revokes the named lease, deleting the keys attached to it.
func (w *World) LeaseRevoke(clientName, lease string) (int, error) {
	return w.do(command{kind: cmdClientOp, client: clientName, op: opSpec{Kind: OpLeaseRevoke, Lease: lease}})
}

// Lock acquires the lock name the etcd way, with a session lease of the
// given TTL (whole seconds) that the client keeps alive until Unlock or a
// crash. The operation returns when the lock is held.
func (w *World) Lock(clientName, name string, ttl Duration) (int, error) {
	return w.do(command{kind: cmdClientOp, client: clientName, op: opSpec{Kind: OpLock, Name: name, TTL: ttl}})
}

// Unlock releases the lock name (or stops waiting for it) and closes its
// session.
func (w *World) Unlock(clientName, name string) (int, error) {
	return w.do(command{kind: cmdClientOp, client: clientName, op: opSpec{Kind: OpUnlock, Name: name}})
}

// Watch opens a watch on a key or a prefix, from revision from (0: from the
// next revision). The client keeps it open across member crashes, resuming
// after the last revision it received.
func (w *World) Watch(clientName, key string, prefix bool, from int64) (int, error) {
	return w.do(command{kind: cmdClientOp, client: clientName, op: opSpec{Kind: OpWatch, Key: key, Prefix: prefix, Rev: from}})
}

// CrashClient stops a client: it sends nothing more, so its leases lapse;
// operations it had not returned stay without a return.
func (w *World) CrashClient(name string) error {
	_, err := w.do(command{kind: cmdClientCrash, client: name})
	return err
}

// RestartClient gives a crashed client a new, empty session.
func (w *World) RestartClient(name string) error {
	_, err := w.do(command{kind: cmdClientRestart, client: name})
	return err
}

// PauseClient freezes a client, as a long garbage-collection pause does: it
// renews no lease and acts on no reply until resumed — the pause problem of
// locks.
func (w *World) PauseClient(name string) error {
	_, err := w.do(command{kind: cmdClientPause, client: name})
	return err
}

// ResumeClient continues a paused client.
func (w *World) ResumeClient(name string) error {
	_, err := w.do(command{kind: cmdClientResume, client: name})
	return err
}

// LastReply returns the last operation of the client that returned.
func (w *World) LastReply(clientName string) (Op, bool) {
	c, err := w.clientByName(clientName, false)
	if err != nil || c.lastReply < 0 {
		return Op{}, false
	}
	return w.opByID(c.lastReply), true
}

// PendingOps returns the client's operations that have not returned.
func (w *World) PendingOps(clientName string) []Op {
	c, err := w.clientByName(clientName, false)
	if err != nil {
		return nil
	}
	out := make([]Op, len(c.ops))
	for i, p := range c.ops {
		out[i] = p.op
	}
	return out
}

// opByID finds the latest state of operation id in the history.
func (w *World) opByID(id int) Op {
	for i := w.nHistory - 1; i >= 0; i-- {
		if w.tl.history[i].op.ID == id {
			return w.tl.history[i].op
		}
	}
	panic(fmt.Sprintf("netsim: operation %d is not in the history", id))
}

// clientOp validates a client operation, records its call and starts it if
// the client is idle.
func (w *World) clientOp(name string, spec opSpec) (int, error) {
	c, err := w.clientByName(name, true)
	if err != nil {
		return 0, err
	}
	if c.crashed {
		return 0, fmt.Errorf("%s has crashed; restart it first", name)
	}
	op, err := w.prepareOp(c, spec)
	if err != nil {
		return 0, err
	}
	op.ID = w.nOps
	w.nOps++
	op.Client, op.Kind, op.Call, op.Return, op.Status = name, spec.Kind, w.now, -1, StatusPending
	op.Desc = describeOp(spec)
	w.addHistory(op)
	w.record(Record{Kind: "client-call", Client: name, Args: []Arg{{"desc", op.Desc}}})
	switch spec.Kind {
	case OpLeaseGrant:
		// The name is known from the call on, so that operations queued
		// behind the grant can refer to it.
		c.leases = append(c.leases, &clientLease{name: spec.Lease, lock: -1, keepOp: -1})
	case OpLock:
		c.locks = append(c.locks, &clientLock{name: spec.Name, ttl: spec.TTL, lease: -1, watch: -1})
	}
	c.ops = append(c.ops, &pendingOp{spec: spec, op: op})
	if len(c.ops) == 1 && !c.paused {
		w.startOp(c)
	}
	return op.ID, nil
}
