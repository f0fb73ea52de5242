package netsim

import (
	"fmt"
	"hash/fnv"

	"github.com/raft-playground/playground/core/member"
	"github.com/raft-playground/playground/core/raft"
)

// Safety rules, as SafetyViolation.Rule names them.
const (
	// RuleElectionSafety: at most one leader per term (Raft §5.2).
	RuleElectionSafety = "election-safety"
	// RuleLogMatching: two logs with an entry of the same index and term
	// hold the same entry there and agree on everything before (Raft §5.3).
	RuleLogMatching = "log-matching"
	// RuleLeaderAppendOnly: a leader never overwrites or deletes entries in
	// its log (Raft §5.3).
	RuleLeaderAppendOnly = "leader-append-only"
	// RuleLeaderCompleteness: a committed entry is in the log of every
	// later leader (Raft §5.4).
	RuleLeaderCompleteness = "leader-completeness"
	// RuleStateMachineSafety: no two members apply different entries at
	// the same index (Raft §5.4.3).
	RuleStateMachineSafety = "state-machine-safety"
	// RuleStoreHash: members that applied the same index hold equal stores:
	// equal state digests at every applied index, and equal full store
	// hashes where a member takes or restores a snapshot.
	RuleStoreHash = "store-hash"
)

// SafetyViolation is a broken Raft safety property: the simulator found a
// state that correct Raft can never reach.
type SafetyViolation struct {
	Rule    string   `json:"rule"`
	At      Time     `json:"at"`
	Members []uint64 `json:"members"`
	Index   uint64   `json:"index"`
	Term    uint64   `json:"term"`
	Detail  string   `json:"detail"`
}

func (v *SafetyViolation) Error() string {
	return fmt.Sprintf("safety violation (%s) at %s: %s", v.Rule, v.At, v.Detail)
}

// entryKey names a log entry by position and term; by Log Matching it names
// exactly one entry in the whole cluster.
type entryKey struct{ index, term uint64 }

// entryFact is what every log holding an entry must agree on.
type entryFact struct {
	dataHash uint64
	prevTerm uint64
}

// safety holds what the incremental checks have learned so far. Maps are
// only looked up, never iterated, so their order cannot reach any output.
type safety struct {
	// leaders maps a term to the member that won it.
	leaders map[uint64]uint64
	// entries maps every entry any member ever persisted to its fact.
	entries map[entryKey]entryFact
	// committed[i] is the term of the entry applied at index i (0: none yet).
	committed []uint64
	// digests[i-digestBase] is the store's state digest (kvstate's
	// Store.Digest, constant-time) that the first member to apply index i
	// had right after it. Indexes below digestBase were pruned.
	digests    []indexDigest
	digestBase uint64
	// hashes maps a snapshot index to the full store hash (Store.Hash,
	// which walks the whole store) of the first member to take or restore
	// a snapshot there: the digest's independent cross-check, computed
	// only where the member serializes its whole store anyway.
	hashes map[uint64]uint32
	// leading[id] is the term member id leads (0: not leading) and
	// leaderLast[id] the last index of its log while it leads.
	leading    [MaxMembers + 1]uint64
	leaderLast [MaxMembers + 1]uint64
	// commitMarks record, per term, the highest index a leader of that term
	// counted as committed, in term order. Leader Completeness only binds
	// leaders of later terms: a stale leader of an older term, cut off or
	// paused, may lack entries committed after its term.
	commitMarks []commitMark
}

// commitMark says a leader of term knew index committed.
type commitMark struct{ term, index uint64 }

// indexDigest is a store digest seen at one applied index (set: one was).
type indexDigest struct {
	digest uint64
	set    bool
}

// prune forgets what no member can touch again: entries, store digests and
// store hashes at or below floor, the lowest snapshot index of any member
// (a member never sends, stores or re-applies entries its snapshot covers).
// It keeps checkpoints small in long sessions. Deleting from a map in its random
// order is fine: the result does not depend on the order.
func (s *safety) prune(floor uint64) {
	for k := range s.entries {
		if k.index <= floor {
			delete(s.entries, k)
		}
	}
	for idx := range s.hashes {
		if idx <= floor {
			delete(s.hashes, idx)
		}
	}
	if floor >= s.digestBase {
		drop := min(floor-s.digestBase+1, uint64(len(s.digests)))
		// Copy so the dropped prefix's memory can be freed.
		s.digests = append([]indexDigest(nil), s.digests[drop:]...)
		s.digestBase = floor + 1
	}
}

// markCommitted records that a leader of term counted index as committed.
func (s *safety) markCommitted(term, index uint64) {
	i := len(s.commitMarks)
	for i > 0 && s.commitMarks[i-1].term > term {
		i--
	}
	if i > 0 && s.commitMarks[i-1].term == term {
		s.commitMarks[i-1].index = max(s.commitMarks[i-1].index, index)
		return
	}
	s.commitMarks = append(s.commitMarks, commitMark{})
	copy(s.commitMarks[i+1:], s.commitMarks[i:])
	s.commitMarks[i] = commitMark{term, index}
}

// committedBefore is the highest index known committed in a term before
// term: what a leader of term must hold.
func (s *safety) committedBefore(term uint64) uint64 {
	var idx uint64
	for _, m := range s.commitMarks {
		if m.term >= term {
			break
		}
		idx = max(idx, m.index)
	}
	return idx
}

func (s *safety) init() {
	s.leaders = map[uint64]uint64{}
	s.entries = map[entryKey]entryFact{}
	s.hashes = map[uint64]uint32{}
}

// violate records the first violation and stops the world.
func (w *World) violate(v SafetyViolation) {
	if w.violation != nil {
		return
	}
	v.At = w.now
	w.violation = &v
	w.record(Record{Kind: "violation", Args: []Arg{{"rule", v.Rule}, {"detail", v.Detail}}})
}

// observe runs the incremental safety checks on the events a member
// produced. Each check costs only what the events touch, so the world can
// afford them after every event.
func (w *World) observe(n *node, events []member.Event) {
	applied := false
	var lastApplied, snapshotAt uint64
	for i := range events {
		e := &events[i]
		switch e.Kind {
		case member.EventRaft:
			w.observeRaft(n, &e.Raft)
		case member.EventPersisted:
			if e.Count > 0 {
				w.checkAppendOnly(n, e.Index, e.Index+uint64(e.Count)-1)
			}
		case member.EventApplied, member.EventSnapshotRestored:
			applied = true
			lastApplied = max(lastApplied, e.Index)
			w.checkApplied(n, e.Index, e.Term)
			w.checkDigest(n, e.Index, e.Digest)
			if e.Kind == member.EventSnapshotRestored {
				snapshotAt = e.Index
			}
		case member.EventSnapshotTaken:
			snapshotAt = e.Index
		}
	}
	if applied && w.violation == nil {
		w.advanceTruth(n, lastApplied)
	}
	// The full hash costs what the snapshot itself cost (both walk the
	// whole store); it is only taken while the store is still at the
	// snapshot's index.
	if snapshotAt > 0 && w.appliedIndex(n) == snapshotAt {
		w.checkHash(n, snapshotAt)
	}
}

// checkDigest verifies that the member's store digest right after applying
// index equals the one every other member had there. Members apply the same
// entries in the same order, so their stores must agree at every index; the
// digest makes that a constant-time comparison per applied entry.
func (w *World) checkDigest(n *node, index, digest uint64) {
	s := &w.safety
	if index == 0 || index < s.digestBase || w.violation != nil {
		return
	}
	k := index - s.digestBase
	if k >= uint64(len(s.digests)) {
		s.digests = append(s.digests, make([]indexDigest, k+1-uint64(len(s.digests)))...)
	}
	switch prev := s.digests[k]; {
	case !prev.set:
		s.digests[k] = indexDigest{digest: digest, set: true}
	case prev.digest != digest:
		w.violate(SafetyViolation{Rule: RuleStoreHash, Members: []uint64{n.id}, Index: index,
			Detail: fmt.Sprintf("%s's store digest at applied index %d is %016x, another member had %016x there", MemberName(n.id), index, digest, prev.digest)})
	}
}

// checkHash compares the member's full store hash at a snapshot index with
// the first one seen there: a check on the digest by a function computed
// independently of it.
func (w *World) checkHash(n *node, index uint64) {
	s := &w.safety
	if w.violation != nil {
		return
	}
	h := n.m.Store().Hash()
	if prev, ok := s.hashes[index]; ok && prev != h {
		w.violate(SafetyViolation{Rule: RuleStoreHash, Members: []uint64{n.id}, Index: index,
			Detail: fmt.Sprintf("%s's store hash at snapshot index %d is %08x, another member had %08x there", MemberName(n.id), index, h, prev)})
	} else if !ok {
		s.hashes[index] = h
	}
}

// appliedIndex is a running member's applied index (0 when down).
func (w *World) appliedIndex(n *node) uint64 {
	if n.m == nil {
		return 0
	}
	return n.m.AppliedIndex()
}

// observeRaft checks election safety and leader completeness when a member
// wins an election, and tracks who leads for the append-only rule.
func (w *World) observeRaft(n *node, e *raft.Event) {
	s := &w.safety
	switch e.Kind {
	case raft.EventBecameLeader:
		if other, ok := s.leaders[e.Term]; ok && other != n.id {
			w.violate(SafetyViolation{Rule: RuleElectionSafety, Members: []uint64{other, n.id}, Term: e.Term,
				Detail: fmt.Sprintf("%s and %s both won term %d", MemberName(other), MemberName(n.id), e.Term)})
			return
		}
		s.leaders[e.Term] = n.id
		s.leading[n.id] = e.Term
		// The empty entry at e.Index is the leader's first append.
		s.leaderLast[n.id] = e.Index - 1
		if n.m != nil {
			w.checkComplete(n, e.Term, n.m.LogEntries())
		}
	case raft.EventCommitAdvanced:
		if e.Reason == raft.ReasonQuorumReplicated {
			s.markCommitted(e.Term, e.Commit)
		}
	case raft.EventBecameFollower, raft.EventSteppedDown, raft.EventBecameCandidate, raft.EventBecamePreCandidate:
		s.leading[n.id] = 0
	}
}

// checkComplete verifies that a new leader of term holds every entry known
// to have been committed in an earlier term.
func (w *World) checkComplete(n *node, term uint64, log []raft.Entry) {
	s := &w.safety
	if v := completeness(n.id, term, log, s); v != nil {
		w.violate(*v)
	}
}

// completeness checks one leader's log against the entries committed before
// its term.
func completeness(id, term uint64, log []raft.Entry, s *safety) *SafetyViolation {
	if len(log) == 0 {
		// Everything is compacted into a snapshot, which only ever holds
		// committed entries.
		return nil
	}
	first := log[0].Index
	required := min(s.committedBefore(term), uint64(len(s.committed))-1)
	if len(s.committed) == 0 {
		return nil
	}
	for idx := first; idx <= required; idx++ {
		want := s.committed[idx]
		if want == 0 {
			continue
		}
		var got uint64
		if k := idx - first; k < uint64(len(log)) {
			got = log[k].Term
		}
		if got != want {
			return &SafetyViolation{Rule: RuleLeaderCompleteness, Members: []uint64{id}, Index: idx, Term: want,
				Detail: fmt.Sprintf("%s leads term %d without the entry %d of term %d committed before (its log has term %d there)", MemberName(id), term, idx, want, got)}
		}
	}
	return nil
}

// rangeReader is a member that can hand out part of its log without
// copying all of it.
type rangeReader interface {
	Entries(lo, hi uint64) []raft.Entry
}

// entriesIn returns the entries lo..hi of a running member's log, cheaply
// when the member can (see rangeReader), else by copying the whole log.
func entriesIn(n *node, lo, hi uint64) []raft.Entry {
	if n.m == nil {
		return nil
	}
	if r, ok := any(n.m).(rangeReader); ok {
		return r.Entries(lo, hi)
	}
	return n.m.LogEntries()
}

// checkAppendOnly verifies the leader's append-only rule for the entries
// lo..hi a member just wrote.
func (w *World) checkAppendOnly(n *node, lo, hi uint64) {
	s := &w.safety
	t := s.leading[n.id]
	if t == 0 {
		return
	}
	if lo <= s.leaderLast[n.id] {
		w.violate(SafetyViolation{Rule: RuleLeaderAppendOnly, Members: []uint64{n.id}, Index: lo, Term: t,
			Detail: fmt.Sprintf("%s, leader of term %d, rewrote its log from index %d although it ended at %d", MemberName(n.id), t, lo, s.leaderLast[n.id])})
		return
	}
	s.leaderLast[n.id] = hi
}

// checkEntries verifies Log Matching for a run of entries that member who
// holds, the entry before them being of term prevTerm: every entry of
// a given index and term must have the same content and follow an entry of
// the same term wherever it appears. It runs on every append a member
// sends, which shows the sender's log without copying it; followers only
// ever store what such appends carry, and CheckSafety compares whole logs.
func (w *World) checkEntries(who, prevTerm uint64, ents []raft.Entry) {
	s := &w.safety
	for _, e := range ents {
		fact := entryFact{dataHash: entryHash(e), prevTerm: prevTerm}
		key := entryKey{e.Index, e.Term}
		old, seen := s.entries[key]
		switch {
		case !seen:
			s.entries[key] = fact
		case old.dataHash != fact.dataHash:
			w.violate(SafetyViolation{Rule: RuleLogMatching, Members: []uint64{who}, Index: e.Index, Term: e.Term,
				Detail: fmt.Sprintf("%s holds a different entry at index %d, term %d than another member did", MemberName(who), e.Index, e.Term)})
			return
		case old.prevTerm != fact.prevTerm:
			w.violate(SafetyViolation{Rule: RuleLogMatching, Members: []uint64{who}, Index: e.Index, Term: e.Term,
				Detail: fmt.Sprintf("%s's entry %d of term %d follows an entry of term %d, another member's follows term %d", MemberName(who), e.Index, e.Term, fact.prevTerm, old.prevTerm)})
			return
		}
		prevTerm = e.Term
	}
}

// checkApplied verifies that every member applies the same entry at index.
func (w *World) checkApplied(n *node, index, term uint64) {
	s := &w.safety
	if index == 0 {
		return
	}
	for uint64(len(s.committed)) <= index {
		s.committed = append(s.committed, 0)
	}
	switch prev := s.committed[index]; {
	case prev == 0:
		s.committed[index] = term
	case prev != term:
		w.violate(SafetyViolation{Rule: RuleStateMachineSafety, Members: []uint64{n.id}, Index: index, Term: term,
			Detail: fmt.Sprintf("%s applied an entry of term %d at index %d, another member applied one of term %d", MemberName(n.id), term, index, prev)})
	}
}

// entryHash fingerprints an entry's content.
func entryHash(e raft.Entry) uint64 {
	h := fnv.New64a()
	h.Write([]byte{byte(e.Type)})
	h.Write(e.Data)
	return h.Sum64()
}

// CheckSafety returns the first violation found so far, or checks the
// members' current logs against each other from scratch: Log Matching for
// every pair of running members and Leader Completeness for the current
// leader. It changes nothing.
func (w *World) CheckSafety() error {
	if w.violation != nil {
		return w.violation
	}
	var logs [MaxMembers + 1][]raft.Entry
	for _, n := range w.nodes[1:] {
		if n.m != nil && n.alive() {
			logs[n.id] = n.m.LogEntries()
		}
	}
	for a := 1; a <= MaxMembers; a++ {
		for b := a + 1; b <= MaxMembers; b++ {
			if v := logsMatch(uint64(a), logs[a], uint64(b), logs[b]); v != nil {
				v.At = w.now
				return v
			}
		}
	}
	for _, n := range w.nodes[1:] {
		if n.m == nil || !n.alive() || !n.isLeader() {
			continue
		}
		if v := completeness(n.id, n.term(), logs[n.id], &w.safety); v != nil {
			v.At = w.now
			return v
		}
	}
	return nil
}

// logsMatch checks Log Matching between two logs: wherever both hold an
// entry of the same term at the same index, the entries and every entry
// before them (as far as both logs reach back) are identical.
func logsMatch(a uint64, la []raft.Entry, b uint64, lb []raft.Entry) *SafetyViolation {
	if len(la) == 0 || len(lb) == 0 {
		return nil
	}
	lo := max(la[0].Index, lb[0].Index)
	hi := min(la[len(la)-1].Index, lb[len(lb)-1].Index)
	// Walk down from the highest common index: once an index with equal
	// terms is found, everything below must be identical.
	matched := false
	for idx := hi; idx >= lo && idx > 0; idx-- {
		ea, eb := la[idx-la[0].Index], lb[idx-lb[0].Index]
		if ea.Term == eb.Term {
			matched = true
		}
		if matched && (ea.Term != eb.Term || entryHash(ea) != entryHash(eb)) {
			return &SafetyViolation{Rule: RuleLogMatching, Members: []uint64{a, b}, Index: idx, Term: ea.Term,
				Detail: fmt.Sprintf("%s and %s agree on a later entry but differ at index %d (terms %d and %d)", MemberName(a), MemberName(b), idx, ea.Term, eb.Term)}
		}
	}
	return nil
}
