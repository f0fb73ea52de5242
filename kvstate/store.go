package kvstate

import (
	"fmt"
	"time"

	"github.com/google/btree"
)

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
	// CheckpointInterval is how often Checkpoints reports a lease's
	// remaining TTL (default 5 minutes, etcd's checkpoint interval), so a
	// member may call Checkpoints on every tick without flooding the log.
	CheckpointInterval time.Duration
}

func (o Options) withDefaults() Options {
	if o.MinLeaseTTL <= 0 {
		o.MinLeaseTTL = 1
	}
	if o.MaxLeaseTTL <= 0 {
		o.MaxLeaseTTL = 9_000_000_000
	}
	if o.ExpiredLeaseRetry <= 0 {
		o.ExpiredLeaseRetry = 3 * time.Second
	}
	if o.CheckpointInterval <= 0 {
		o.CheckpointInterval = 5 * time.Minute
	}
	return o
}

// Store is one replica's etcd-v3 state: the MVCC key space with its history,
// the leases and the watchers. It is deterministic: applying the same entries
// gives the same state on every replica, and time only enters as arguments.
// It is not safe for concurrent use; the member drives it from one loop.
type Store struct {
	opts Options

	// index holds one keyIndex per key that has kept history, by key.
	index *btree.BTreeG[*keyIndex]
	// history holds every kept change by revision.
	history history
	// Invariant: currentRev ≥ 1 and ≥ every main revision in history.
	currentRev int64
	// Invariant: compactRev ≤ currentRev; reads below it fail.
	compactRev   int64
	appliedIndex uint64

	lessor lessor

	// streams are the open watch streams in creation order.
	streams      []*WatchStream
	nextStreamID int
}

// New returns an empty store at revision 1.
func New(opts Options) *Store {
	s := &Store{
		opts:       opts.withDefaults(),
		index:      btree.NewG(32, func(a, b *keyIndex) bool { return a.key < b.key }),
		history:    newHistory(),
		currentRev: 1,
	}
	s.lessor.init()
	return s
}

// Rev returns the current revision (1 for an empty store).
func (s *Store) Rev() int64 { return s.currentRev }

// CompactRev returns the revision of the last compaction (0: none).
func (s *Store) CompactRev() int64 { return s.compactRev }

// AppliedIndex returns the Raft index of the last applied entry.
func (s *Store) AppliedIndex() uint64 { return s.appliedIndex }

// Apply decodes a committed entry's data and applies it. index is the Raft
// index (it must be above AppliedIndex; empty data is a no-op entry, such as
// a new leader's, that only advances the applied index). now is the member's
// virtual time, used only by the leader's lessor to start a granted lease's
// countdown. The error is set only when the entry cannot be applied: a stale
// index (nothing changes) or undecodable data (the applied index advances,
// since every replica sees the same committed bytes and skips them alike). A
// request the store refuses comes back as Response.Err with the store
// unchanged apart from the applied index.
func (s *Store) Apply(index uint64, now time.Duration, data []byte) (Response, error) {
	if err := s.checkIndex(index); err != nil {
		return Response{}, err
	}
	if len(data) == 0 {
		s.appliedIndex = index
		return Response{Header: Header{Revision: s.currentRev}}, nil
	}
	req, err := Decode(data)
	if err != nil {
		s.appliedIndex = index
		return Response{}, fmt.Errorf("entry %d: %w", index, err)
	}
	return s.ApplyRequest(index, now, req)
}

// ApplyRequest is Apply for an already decoded request.
func (s *Store) ApplyRequest(index uint64, now time.Duration, req *Request) (Response, error) {
	if err := s.checkIndex(index); err != nil {
		return Response{}, err
	}
	s.appliedIndex = index
	resp := s.execute(now, req)
	resp.ID = req.ID
	return resp, nil
}

// MarkApplied advances the applied index over an entry that is not a kvstate
// command (a configuration change).
func (s *Store) MarkApplied(index uint64) error {
	if err := s.checkIndex(index); err != nil {
		return err
	}
	s.appliedIndex = index
	return nil
}

func (s *Store) checkIndex(index uint64) error {
	if index <= s.appliedIndex {
		return fmt.Errorf("%w: index %d, applied index %d", ErrAlreadyApplied, index, s.appliedIndex)
	}
	return nil
}

// execute validates and runs one request.
func (s *Store) execute(now time.Duration, req *Request) Response {
	if err := req.Validate(); err != nil {
		return s.refused(err)
	}
	var resp Response
	switch {
	case req.Range != nil:
		r, err := s.Range(req.Range)
		if err != nil {
			return s.refused(err)
		}
		resp.Range = r
	case req.Put != nil:
		r, err := s.put(req.Put)
		if err != nil {
			return s.refused(err)
		}
		resp.Put = r
	case req.DeleteRange != nil:
		resp.DeleteRange = s.deleteRange(req.DeleteRange)
	case req.Txn != nil:
		r, err := s.txn(req.Txn)
		if err != nil {
			return s.refused(err)
		}
		resp.Txn = r
	case req.Compaction != nil:
		if err := s.compact(req.Compaction.Revision); err != nil {
			return s.refused(err)
		}
		resp.Compaction = &CompactionResponse{Header: s.header()}
	case req.LeaseGrant != nil:
		r, err := s.grant(now, req.LeaseGrant)
		if err != nil {
			return s.refused(err)
		}
		resp.LeaseGrant = r
	case req.LeaseRevoke != nil:
		r, err := s.revoke(req.LeaseRevoke.ID)
		if err != nil {
			return s.refused(err)
		}
		resp.LeaseRevoke = r
	case req.LeaseCheckpoint != nil:
		s.checkpoint(req.LeaseCheckpoint.Checkpoints)
		resp.LeaseCheckpoint = &LeaseCheckpointResponse{Header: s.header()}
	}
	resp.Header = s.header()
	return resp
}

func (s *Store) refused(err error) Response {
	return Response{Header: s.header(), Err: err}
}

func (s *Store) header() Header { return Header{Revision: s.currentRev} }

// put runs a single put as its own write transaction.
func (s *Store) put(req *PutRequest) (*PutResponse, error) {
	if err := s.checkPut(req); err != nil {
		return nil, err
	}
	tx := s.beginWrite()
	r := tx.put(req)
	tx.end()
	r.Header = s.header()
	return r, nil
}

// deleteRange runs a single delete as its own write transaction.
func (s *Store) deleteRange(req *DeleteRangeRequest) *DeleteRangeResponse {
	tx := s.beginWrite()
	r := tx.deleteRange(req)
	tx.end()
	r.Header = s.header()
	return r
}

// checkPut refuses a put the current state cannot take: an unknown lease, or
// IgnoreValue / IgnoreLease on a key that does not exist.
func (s *Store) checkPut(req *PutRequest) error {
	if (req.IgnoreValue || req.IgnoreLease) && s.liveVersion(req.Key) == nil {
		return fmt.Errorf("%w: put of %q with ignore_value or ignore_lease needs an existing key", ErrKeyNotFound, req.Key)
	}
	if req.Lease != NoLease && s.lessor.leases[req.Lease] == nil {
		return fmt.Errorf("%w: put of %q with lease %d", ErrLeaseNotFound, req.Key, req.Lease)
	}
	return nil
}

// liveVersion returns the key's current version, or nil if it does not exist.
func (s *Store) liveVersion(key string) *KeyValue {
	ki, ok := s.index.Get(&keyIndex{key: key})
	if !ok || !ki.isLive() {
		return nil
	}
	kv := s.history.at(ki.modified).kv
	return &kv
}
