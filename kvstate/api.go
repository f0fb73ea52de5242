package kvstate

import "time"

// This file is the published surface of the package while the implementation
// lands; each declaration moves to its concept's file as it is implemented.

// Options tune a Store. The zero value gives etcd's defaults.
type Options struct {
	// MinLeaseTTL is the smallest lease TTL in seconds; shorter grants are
	// raised to it (default 1). etcd derives it from the election timeout so
	// that a lease outlives a leader election; the member can do the same.
	MinLeaseTTL int64
	// MaxLeaseTTL is the largest TTL in seconds a grant may ask for
	// (default 9,000,000,000 as in etcd).
	MaxLeaseTTL int64
	// ExpiredLeaseRetry is how long ExpiredLeases waits before reporting the
	// same expired lease again when its revocation has not been applied yet
	// (default 3s, etcd's expiredLeaseRetryInterval).
	ExpiredLeaseRetry time.Duration
}

// Store is one replica's etcd-v3 state: the MVCC key space with its history,
// the leases and the watchers. It is deterministic: applying the same entries
// gives the same state on every replica, and time only enters as arguments.
type Store struct{ notYet int }

// New returns an empty store at revision 1.
func New(opts Options) *Store { panic("kvstate: not implemented yet") }

// Apply decodes a committed entry's data and applies it. index is the Raft
// index (it must be above AppliedIndex; empty data is a no-op entry that only
// advances the applied index). now is the member's virtual time, used only by
// the leader's lessor to start a granted lease's countdown. The error is set
// only when the entry cannot be applied at all (stale index, undecodable
// data); a request the store refuses comes back as Response.Err.
func (s *Store) Apply(index uint64, now time.Duration, data []byte) (Response, error) {
	panic("kvstate: not implemented yet")
}

// ApplyRequest is Apply for an already decoded request.
func (s *Store) ApplyRequest(index uint64, now time.Duration, req *Request) (Response, error) {
	panic("kvstate: not implemented yet")
}

// MarkApplied advances the applied index over an entry that is not a kvstate
// command (a configuration change).
func (s *Store) MarkApplied(index uint64) error { panic("kvstate: not implemented yet") }

// Range serves a read from the local store (serializable, or linearizable
// after ReadIndex) without going through the log.
func (s *Store) Range(req *RangeRequest) (*RangeResponse, error) {
	panic("kvstate: not implemented yet")
}

// Encode returns the request's deterministic binary encoding for a Raft
// entry. It fails when the request does not carry exactly one operation.
func (r *Request) Encode() ([]byte, error) { panic("kvstate: not implemented yet") }

// Decode parses an encoded request; garbage gives an ErrDecode error.
func Decode(data []byte) (*Request, error) { panic("kvstate: not implemented yet") }

// Rev returns the current revision (1 for an empty store).
func (s *Store) Rev() int64 { panic("kvstate: not implemented yet") }

// CompactRev returns the revision of the last compaction (0: none).
func (s *Store) CompactRev() int64 { panic("kvstate: not implemented yet") }

// AppliedIndex returns the Raft index of the last applied entry.
func (s *Store) AppliedIndex() uint64 { panic("kvstate: not implemented yet") }

// Snapshot encodes the whole replicated state: every kept key version, the
// current and compacted revisions, the applied index and the leases.
func (s *Store) Snapshot() []byte { panic("kvstate: not implemented yet") }

// Restore replaces the replicated state with a snapshot. Watch streams stay
// and catch up from the restored history. A bad snapshot changes nothing.
func (s *Store) Restore(data []byte) error { panic("kvstate: not implemented yet") }

// HashKV hashes every kept key version with main revision ≤ rev (0: current)
// and the compacted revision, like etcd's HashKV, so replicas can be compared.
func (s *Store) HashKV(rev int64) (hash uint32, compactRev int64, err error) {
	panic("kvstate: not implemented yet")
}

// Hash hashes the whole replicated state (HashKV at the current revision and
// the leases).
func (s *Store) Hash() uint32 { panic("kvstate: not implemented yet") }

// LeaseStatus describes one lease as etcd's LeaseTimeToLive does.
type LeaseStatus struct {
	ID         LeaseID
	GrantedTTL int64
	// TTL is the remaining time in whole seconds, rounded up.
	TTL int64
	// Remaining is the exact remaining time. On a lessor that is not primary
	// the countdown is not running: Remaining is what a promotion would start
	// from (the checkpointed remaining TTL or the granted TTL).
	Remaining time.Duration
	// Counting is true on the primary lessor, where the lease can expire.
	Counting bool
	Keys     []string
}

// Renew is a keep-alive, served by the leader's lessor without the log. It
// restarts the lease's countdown and returns its TTL. It fails with
// ErrNotPrimary on a non-leader and ErrLeaseNotFound for an unknown or
// already expired lease.
func (s *Store) Renew(id LeaseID, now time.Duration) (int64, error) {
	panic("kvstate: not implemented yet")
}

// TimeToLive reports a lease's TTL, and its keys when withKeys is set.
func (s *Store) TimeToLive(id LeaseID, now time.Duration, withKeys bool) (LeaseStatus, error) {
	panic("kvstate: not implemented yet")
}

// Leases lists every lease (ascending ID) with its attached keys.
func (s *Store) Leases(now time.Duration) []LeaseStatus { panic("kvstate: not implemented yet") }

// Promote makes this lessor primary (the member became leader): every lease's
// countdown restarts at now from its remaining TTL plus extend, so leases do
// not expire merely because leadership moved (etcd's Promote).
func (s *Store) Promote(now, extend time.Duration) { panic("kvstate: not implemented yet") }

// Demote stops the countdowns (the member is no longer leader).
func (s *Store) Demote() { panic("kvstate: not implemented yet") }

// IsPrimary reports whether the lessor is primary.
func (s *Store) IsPrimary() bool { panic("kvstate: not implemented yet") }

// ExpiredLeases returns, on the primary lessor, the leases whose countdown
// ran out by now, ascending by expiry then ID. The member proposes a
// LeaseRevoke for each. A lease reported once is reported again only after
// Options.ExpiredLeaseRetry, in case its revocation was lost.
func (s *Store) ExpiredLeases(now time.Duration) []LeaseID { panic("kvstate: not implemented yet") }

// Checkpoints returns, on the primary lessor, each lease's remaining TTL for
// a LeaseCheckpointRequest, so a later leader resumes the countdown.
func (s *Store) Checkpoints(now time.Duration) []LeaseCheckpoint {
	panic("kvstate: not implemented yet")
}

// WatchID identifies a watch within its stream. Progress responses that
// concern the whole stream carry ProgressWatchID.
type WatchID int64

// ProgressWatchID is the WatchID of a progress response requested for the
// whole stream (etcd's InvalidWatchID).
const ProgressWatchID WatchID = -1

// WatchRequest creates a watch.
type WatchRequest struct {
	// Key and RangeEnd select keys as in RangeRequest.
	Key      string
	RangeEnd string
	// StartRevision is the first revision to report (0: the next one). A
	// start in the past replays history; one below the compacted revision
	// gets a compacted response; one in the future waits for it.
	StartRevision int64
	PrevKV        bool
	NoPut         bool
	NoDelete      bool
	// ProgressNotify lets NotifyProgress send this watch empty responses
	// carrying the current revision while it has no events.
	ProgressNotify bool
}

// WatchResponse is one message of a watch stream. A response never splits
// the events of one revision, and events arrive in revision order, once.
type WatchResponse struct {
	Header  Header
	WatchID WatchID
	Created bool
	// Canceled ends the watch; CompactRevision is set when the cause is that
	// the start revision was compacted (Err is then ErrCompacted), and the
	// client may retry from CompactRevision.
	Canceled        bool
	CompactRevision int64
	CancelReason    string
	Err             error
	Events          []Event
}

// WatchStream is one client's set of watches on one store, like one gRPC
// watch stream. The member creates one per client, applies entries, then
// takes the pending responses.
type WatchStream struct{ notYet int }

// NewWatchStream opens a stream. maxEvents caps events per response (0: no
// cap); a revision with more events than the cap still goes in one response.
func (s *Store) NewWatchStream(maxEvents int) *WatchStream { panic("kvstate: not implemented yet") }

// Watch creates a watch and queues its created response (and its replayed
// history, or a compacted response). It fails only on an invalid request.
func (ws *WatchStream) Watch(req WatchRequest) (WatchID, error) {
	panic("kvstate: not implemented yet")
}

// Cancel ends a watch, drops its undelivered events and queues a canceled
// response.
func (ws *WatchStream) Cancel(id WatchID) error { panic("kvstate: not implemented yet") }

// RequestProgress queues a stream-wide progress response carrying the
// current revision (every watch in the stream has seen all events up to it).
func (ws *WatchStream) RequestProgress() { panic("kvstate: not implemented yet") }

// NotifyProgress queues an empty response with the current revision for
// every ProgressNotify watch that has no pending events; the member calls it
// on its progress interval.
func (ws *WatchStream) NotifyProgress() { panic("kvstate: not implemented yet") }

// Take returns and clears the pending responses, oldest first.
func (ws *WatchStream) Take() []WatchResponse { panic("kvstate: not implemented yet") }

// Pending returns the number of queued responses.
func (ws *WatchStream) Pending() int { panic("kvstate: not implemented yet") }

// Close cancels every watch of the stream without queuing responses.
func (ws *WatchStream) Close() { panic("kvstate: not implemented yet") }

// GenerationView is one generation of a key in the key index: the versions
// from a creation to a delete (the tombstone) or to now.
type GenerationView struct {
	Created   Revision
	Revisions []Revision
	// Tombstone is true when the generation ended with a delete (its last
	// revision is the tombstone).
	Tombstone bool
}

// WatcherView describes one active watch for the UI.
type WatcherView struct {
	Stream  int
	ID      WatchID
	Request WatchRequest
	// NextRevision is the first revision the watch has not yet reported.
	NextRevision int64
	Pending      int
}

// Each calls fn for every current key in ascending order until fn returns
// false.
func (s *Store) Each(fn func(KeyValue) bool) { panic("kvstate: not implemented yet") }

// KeyHistory returns the key index entry of key: its generations, oldest
// first (nil for a key the index does not hold).
func (s *Store) KeyHistory(key string) []GenerationView { panic("kvstate: not implemented yet") }

// Watchers lists every active watch, by stream then ID.
func (s *Store) Watchers() []WatcherView { panic("kvstate: not implemented yet") }
