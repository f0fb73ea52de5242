package netsim

import (
	"github.com/raft-playground/playground/kvstate"
)

// Operation kinds, as Op.Kind names them.
const (
	OpPut            = "put"
	OpGet            = "get"
	OpDelete         = "delete"
	OpTxn            = "txn"
	OpCompact        = "compact"
	OpLeaseGrant     = "lease-grant"
	OpLeaseKeepAlive = "lease-keepalive"
	OpLeaseRevoke    = "lease-revoke"
	OpLock           = "lock"
	OpUnlock         = "unlock"
	OpWatch          = "watch"
)

// Operation statuses.
const (
	StatusPending = "pending"
	StatusOK      = "ok"
	StatusError   = "error"
	// StatusUnknown is a write whose outcome the client cannot know: it
	// timed out, or the member crashed after receiving it. It may or may not
	// have taken effect, and a linearizability checker must allow both.
	StatusUnknown = "unknown"
)

// Op is one client operation as the history records it: what was asked,
// when (virtual µs), and what came back. It is what a linearizability
// checker reads.
type Op struct {
	ID     int    `json:"id"`
	Client string `json:"client"`
	Kind   string `json:"kind"`
	// Desc is the operation as a script would write it ("put foo bar").
	Desc string `json:"desc"`
	Call Time   `json:"callUs"`
	// Return is -1 while the operation is pending, and stays -1 for an
	// operation whose client crashed before it returned.
	Return Time   `json:"returnUs"`
	Status string `json:"status"`
	// Member is the member that answered (0: none did).
	Member uint64 `json:"member,omitempty"`
	// Req is the request as sent (for put, get, delete, txn, compact, lease
	// grant and revoke); Serializable and At qualify a get.
	Req          kvstate.Request `json:"req"`
	Serializable bool            `json:"serializable,omitempty"`
	At           uint64          `json:"at,omitempty"`
	// Resp is the store's response to a write; Range the result of a get.
	Resp  *kvstate.Response      `json:"resp,omitempty"`
	Range *kvstate.RangeResponse `json:"range,omitempty"`
	// Err is why the operation failed; ErrCode a stable short name of it
	// ("compacted", "timeout", "no-leader", ...).
	Err     error  `json:"-"`
	ErrCode string `json:"errCode,omitempty"`
	ErrText string `json:"err,omitempty"`
	// Lease is the lease name of lease operations and puts, LeaseID its ID,
	// TTL the TTL in seconds a grant or renewal reported.
	Lease   string          `json:"lease,omitempty"`
	LeaseID kvstate.LeaseID `json:"leaseId,omitempty"`
	TTL     int64           `json:"ttl,omitempty"`
	// Lock is the lock name of lock and unlock; Fence is the lock key's
	// create revision once held, the fencing token.
	Lock  string `json:"lock,omitempty"`
	Fence int64  `json:"fence,omitempty"`
	// Watch is the client's watch number for watch operations.
	Watch int `json:"watch,omitempty"`
	// Attempts counts the requests sent for the operation.
	Attempts int `json:"attempts"`
}

// Pending reports whether the operation has not returned.
func (o *Op) Pending() bool { return o.Status == StatusPending }

// historyEvent is one change to the history: an operation called or
// finished, with the operation as it stood then.
type historyEvent struct {
	op Op
}

// WatchDelivery is one watch response a client received, in the order it
// received them, for the watch checker.
type WatchDelivery struct {
	Client string `json:"client"`
	// Watch numbers the client's watches from 1, in the order opened,
	// across restarts of the client.
	Watch  int    `json:"watch"`
	At     Time   `json:"atUs"`
	Member uint64 `json:"member"`
	// Key and RangeEnd are what the watch covers.
	Key      string `json:"key"`
	RangeEnd string `json:"rangeEnd,omitempty"`
	// StartRev is the revision the client first asked to watch from (0: the
	// next one); CreatedRev the store revision when the watch was first
	// created (0 until then). A resumed watch keeps both.
	StartRev   int64                 `json:"startRev"`
	CreatedRev int64                 `json:"createdRev"`
	Response   kvstate.WatchResponse `json:"response"`
}

// addHistory records an operation's current state.
func (w *World) addHistory(op Op) {
	put(&w.tl.history, w.nHistory, historyEvent{op: op})
	w.nHistory++
}

// History returns every client operation so far, in call order, each as it
// stands now (pending ones with Return -1).
func (w *World) History() []Op {
	var ops []Op
	for _, ev := range w.tl.history[:w.nHistory] {
		if ev.op.ID == len(ops) {
			ops = append(ops, ev.op)
		} else {
			ops[ev.op.ID] = ev.op
		}
	}
	return ops
}

// WatchDeliveries returns every watch response clients received so far.
func (w *World) WatchDeliveries() []WatchDelivery {
	return w.tl.watch[:w.nWatch:w.nWatch]
}

// addWatchDelivery records a watch response a client received.
func (w *World) addWatchDelivery(d WatchDelivery) {
	put(&w.tl.watch, w.nWatch, d)
	w.nWatch++
}
