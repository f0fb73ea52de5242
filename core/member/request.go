package member

import "github.com/raft-playground/playground/kvstate"

// RequestKind says what a client asks a member to do.
type RequestKind uint8

const (
	// RequestWrite goes through the Raft log: put, delete, txn, compaction,
	// lease grant and lease revoke. The member that received it answers when
	// it applies the entry that carries the request's ID.
	RequestWrite RequestKind = iota
	// RequestRead is a range. A linearizable read waits for ReadIndex and for
	// the member to apply up to the read index; a serializable one is served
	// from the local store at once and may be stale.
	RequestRead
	// RequestKeepAlive renews a lease. Only the leader's lessor can, as in
	// etcd; other members answer ErrNotLeader with a hint.
	RequestKeepAlive
	// RequestWatch opens a watch on this member's store. Its responses keep
	// coming as replies with the same request ID until it is canceled or the
	// member crashes.
	RequestWatch
	// RequestCancelWatch cancels a watch the client opened on this member.
	RequestCancelWatch
)

// String names the kind for traces.
func (k RequestKind) String() string {
	switch k {
	case RequestWrite:
		return "write"
	case RequestRead:
		return "read"
	case RequestKeepAlive:
		return "keepalive"
	case RequestWatch:
		return "watch"
	case RequestCancelWatch:
		return "cancel-watch"
	}
	return "unknown"
}

// Request is a client request that arrived at this member. ID must be unique
// across every client of the cluster: the member puts it into the Raft entry,
// and every member applies every entry, so two clients sharing an ID would
// receive each other's answers.
type Request struct {
	Client string
	ID     uint64
	Kind   RequestKind

	// Write is the command for RequestWrite; the member sets its ID.
	Write *kvstate.Request
	// Read is the range for RequestRead.
	Read *kvstate.RangeRequest
	// Serializable serves a read from the local store without ReadIndex.
	Serializable bool
	// Lease is the lease to renew for RequestKeepAlive.
	Lease kvstate.LeaseID
	// Watch is the watch to open for RequestWatch.
	Watch *kvstate.WatchRequest
	// WatchID names the watch for RequestCancelWatch.
	WatchID kvstate.WatchID
}

// Reply answers a Request. Err is a member error (ErrNotLeader, ErrNoLeader,
// ErrProposalDropped, a refused request); a write the store refused comes
// back with Err set to the store's error as well.
type Reply struct {
	Client string
	ID     uint64
	Kind   RequestKind
	// From is the member that answered.
	From uint64

	Err error
	// LeaderHint names the leader this member knows of (0: none), so a
	// client can go there next.
	LeaderHint uint64

	// Write is the applied write's response (RequestWrite).
	Write *kvstate.Response
	// Range is the read's result (RequestRead).
	Range *kvstate.RangeResponse
	// ReadIndex is the commit index a linearizable read waited for; 0 for a
	// serializable read.
	ReadIndex uint64
	// TTL is the renewed lease's TTL in seconds (RequestKeepAlive).
	TTL int64
	// Watch carries watch responses (RequestWatch). A watch's first reply
	// has the created response.
	Watch []kvstate.WatchResponse
}
