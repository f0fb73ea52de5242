package kvstate

import (
	"fmt"
	"sort"
	"time"
)

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

// lease is one lease of the lessor. Its ID, TTL and checkpointed remaining
// TTL are replicated (every replica applies the same grants, revokes and
// checkpoints); its expiry is this member's own, meaningful only while the
// lessor is primary.
type lease struct {
	id LeaseID
	// ttl is the granted TTL in seconds, after the minimum was applied.
	ttl int64
	// remainingTTL is the last checkpointed remaining TTL in seconds (0:
	// none); a promotion starts the countdown from it instead of ttl.
	remainingTTL int64
	// keys are the keys attached to the lease.
	keys map[string]bool

	// expiry is the virtual time the lease runs out, on the primary lessor.
	expiry time.Duration
	// reportedAt is when ExpiredLeases last reported the lease (reported is
	// false if never since its last promotion or renewal).
	reportedAt time.Duration
	reported   bool
	// nextCheckpoint is when Checkpoints next reports the lease.
	nextCheckpoint time.Duration
	// clearCheckpoint is set when a renewal made the replicated
	// remainingTTL stale: the next Checkpoints call clears it everywhere, or
	// a later leader would start this lease's countdown from the old value.
	clearCheckpoint bool
}

// lessor keeps the leases, as etcd's lessor. Only the primary lessor (the
// leader's) counts time down; the others keep leases alive until a revoke
// arrives through the log, so a lease expires once, where the leader decides.
type lessor struct {
	leases map[LeaseID]*lease
	// nextID is the next ID to try for a grant that names none.
	nextID  LeaseID
	primary bool
	// Invariant: digest is the sum of leaseRecordHash over every lease (see
	// Store.Digest).
	digest uint64
}

// init prepares an empty lessor; IDs the store picks start at 1.
func (l *lessor) init() {
	l.leases = map[LeaseID]*lease{}
	l.nextID = 1
}

// sortedIDs returns the lease IDs in ascending order.
func (l *lessor) sortedIDs() []LeaseID {
	ids := make([]LeaseID, 0, len(l.leases))
	for id := range l.leases {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

func (l *lessor) attach(id LeaseID, key string) {
	if id == NoLease {
		return
	}
	le := l.leases[id]
	if le == nil {
		panic(fmt.Sprintf("kvstate: attach of %q to missing lease %d", key, id))
	}
	le.keys[key] = true
}

func (l *lessor) detach(id LeaseID, key string) {
	if le := l.leases[id]; le != nil {
		delete(le.keys, key)
	}
}

// startCountdown sets the lease's expiry from its remaining TTL.
func (le *lease) startCountdown(now, extend time.Duration) {
	le.expiry = now + extend + le.promotionTTL()
	le.reported = false
}

// promotionTTL is the time a countdown starts from: the checkpointed
// remaining TTL if there is one, else the granted TTL.
func (le *lease) promotionTTL() time.Duration {
	if le.remainingTTL > 0 {
		return time.Duration(le.remainingTTL) * time.Second
	}
	return time.Duration(le.ttl) * time.Second
}

// grant applies a LeaseGrant.
func (s *Store) grant(now time.Duration, req *LeaseGrantRequest) (*LeaseGrantResponse, error) {
	l := &s.lessor
	if req.TTL > s.opts.MaxLeaseTTL {
		return nil, fmt.Errorf("%w: TTL %ds, maximum %ds", ErrLeaseTTLTooLarge, req.TTL, s.opts.MaxLeaseTTL)
	}
	id := req.ID
	if id == NoLease {
		for l.leases[l.nextID] != nil {
			l.nextID++
		}
		id = l.nextID
		l.nextID++
	} else if l.leases[id] != nil {
		return nil, fmt.Errorf("%w: lease %d", ErrLeaseExists, id)
	}
	ttl := max(req.TTL, s.opts.MinLeaseTTL)
	le := &lease{id: id, ttl: ttl, keys: map[string]bool{}}
	if l.primary {
		le.startCountdown(now, 0)
		le.nextCheckpoint = now + s.opts.CheckpointInterval
	}
	s.lessor.add(le)
	return &LeaseGrantResponse{Header: s.header(), ID: id, TTL: ttl}, nil
}

// revoke applies a LeaseRevoke: the lease's keys are deleted in key order in
// one write transaction, so watchers see them go at one revision.
func (s *Store) revoke(id LeaseID) (*LeaseRevokeResponse, error) {
	le := s.lessor.leases[id]
	if le == nil {
		return nil, fmt.Errorf("%w: revoke of lease %d", ErrLeaseNotFound, id)
	}
	keys := sortedKeys(le.keys)
	tx := s.beginWrite()
	for _, k := range keys {
		ki, ok := s.index.Get(&keyIndex{key: k})
		if !ok || !ki.isLive() {
			panic(fmt.Sprintf("kvstate: lease %d holds %q, which is not live", id, k))
		}
		tx.deleteKey(ki)
	}
	s.lessor.remove(le)
	tx.end()
	return &LeaseRevokeResponse{Header: s.header(), Deleted: keys}, nil
}

// checkpoint applies a LeaseCheckpoint; leases revoked meanwhile are skipped.
func (s *Store) checkpoint(cps []LeaseCheckpoint) {
	for _, cp := range cps {
		if le := s.lessor.leases[cp.ID]; le != nil {
			s.lessor.setRemainingTTL(le, cp.RemainingTTL)
		}
	}
}

// Renew is a keep-alive, served by the leader's lessor without the log. It
// restarts the lease's countdown from its granted TTL and returns that TTL.
// It fails with ErrNotPrimary on a non-leader and ErrLeaseNotFound for an
// unknown or already expired lease (whose revocation is on its way).
func (s *Store) Renew(id LeaseID, now time.Duration) (int64, error) {
	if !s.lessor.primary {
		return 0, fmt.Errorf("%w: renew of lease %d", ErrNotPrimary, id)
	}
	le := s.lessor.leases[id]
	if le == nil {
		return 0, fmt.Errorf("%w: renew of lease %d", ErrLeaseNotFound, id)
	}
	if le.expiry <= now {
		return 0, fmt.Errorf("%w: lease %d expired at %v, renewed at %v", ErrLeaseNotFound, id, le.expiry, now)
	}
	// The renewal supersedes any checkpoint. The replicated remainingTTL is
	// left alone here, so every replica's state stays equal at each applied
	// index; the next Checkpoints clears it through the log, as etcd
	// proposes a clearing checkpoint.
	if le.remainingTTL > 0 {
		le.clearCheckpoint = true
	}
	le.startCountdown(now, 0)
	return le.ttl, nil
}

// TimeToLive reports a lease's TTL, and its keys when withKeys is set.
func (s *Store) TimeToLive(id LeaseID, now time.Duration, withKeys bool) (LeaseStatus, error) {
	le := s.lessor.leases[id]
	if le == nil {
		return LeaseStatus{}, fmt.Errorf("%w: time-to-live of lease %d", ErrLeaseNotFound, id)
	}
	return s.lessor.status(le, now, withKeys), nil
}

// Leases lists every lease (ascending ID) with its attached keys.
func (s *Store) Leases(now time.Duration) []LeaseStatus {
	out := make([]LeaseStatus, 0, len(s.lessor.leases))
	for _, id := range s.lessor.sortedIDs() {
		out = append(out, s.lessor.status(s.lessor.leases[id], now, true))
	}
	return out
}

func (l *lessor) status(le *lease, now time.Duration, withKeys bool) LeaseStatus {
	st := LeaseStatus{ID: le.id, GrantedTTL: le.ttl, Remaining: le.promotionTTL(), Counting: l.primary}
	if l.primary {
		st.Remaining = max(le.expiry-now, 0)
	}
	st.TTL = int64((st.Remaining + time.Second - 1) / time.Second)
	if withKeys {
		st.Keys = sortedKeys(le.keys)
	}
	return st
}

// Promote makes this lessor primary. The member calls it when, as leader,
// it applies the empty entry of its term — after every entry of earlier
// terms — as etcd's server does. Every lease's countdown restarts at now from
// its remaining TTL plus extend, so leases do not expire merely because
// leadership moved (etcd's Promote, where extend is the election timeout).
func (s *Store) Promote(now, extend time.Duration) {
	s.lessor.primary = true
	for _, le := range s.lessor.leases {
		le.startCountdown(now, extend)
		le.nextCheckpoint = now + s.opts.CheckpointInterval
		le.clearCheckpoint = false
	}
}

// Demote stops the countdowns (the member is no longer leader).
func (s *Store) Demote() { s.lessor.primary = false }

// IsPrimary reports whether the lessor is primary.
func (s *Store) IsPrimary() bool { return s.lessor.primary }

// ExpiredLeases returns, on the primary lessor, the leases whose countdown
// ran out by now, ascending by expiry then ID. The member proposes a
// LeaseRevoke for each. A lease reported once is reported again only after
// Options.ExpiredLeaseRetry, in case its revocation was lost.
func (s *Store) ExpiredLeases(now time.Duration) []LeaseID {
	if !s.lessor.primary {
		return nil
	}
	var expired []*lease
	for _, id := range s.lessor.sortedIDs() {
		le := s.lessor.leases[id]
		if le.expiry > now || (le.reported && now < le.reportedAt+s.opts.ExpiredLeaseRetry) {
			continue
		}
		expired = append(expired, le)
	}
	sort.SliceStable(expired, func(i, j int) bool { return expired[i].expiry < expired[j].expiry })
	ids := make([]LeaseID, len(expired))
	for i, le := range expired {
		le.reported, le.reportedAt = true, now
		ids[i] = le.id
	}
	return ids
}

// Checkpoints returns, on the primary lessor, the lease checkpoints that are
// due, for a LeaseCheckpointRequest: each lease's remaining TTL (rounded up
// to a second) once per Options.CheckpointInterval, so a later leader resumes
// the countdown near where this one is, and a zero checkpoint for a lease
// renewed since its last checkpoint, which clears the stale value. Expired
// leases are left to their revocation.
func (s *Store) Checkpoints(now time.Duration) []LeaseCheckpoint {
	if !s.lessor.primary {
		return nil
	}
	var cps []LeaseCheckpoint
	for _, id := range s.lessor.sortedIDs() {
		le := s.lessor.leases[id]
		st := s.lessor.status(le, now, false)
		switch {
		case st.Remaining <= 0:
			continue
		case le.clearCheckpoint:
			cps = append(cps, LeaseCheckpoint{ID: id, RemainingTTL: 0})
		case now >= le.nextCheckpoint:
			cps = append(cps, LeaseCheckpoint{ID: id, RemainingTTL: st.TTL})
		default:
			continue
		}
		le.clearCheckpoint = false
		le.nextCheckpoint = now + s.opts.CheckpointInterval
	}
	return cps
}
