package raft

import (
	"errors"
	"fmt"
)

// raftLog is a node's log: the persisted part in storage followed by the
// unstable part not yet persisted, with the commit and apply positions.
type raftLog struct {
	storage  Storage
	unstable unstable
	// committed is the highest index known to be stored on a quorum.
	//
	// Invariant: applied <= committed <= lastIndex().
	committed uint64
	// applying is the highest index handed to the application to apply
	// (in a Ready) but perhaps not yet acknowledged by Advance.
	//
	// Invariant: applied <= applying <= committed.
	applying uint64
	// applied is the highest index the application has applied.
	applied uint64
}

// newRaftLog returns a log over storage, with committed and applied set to
// the storage's snapshot index (everything before it is applied by
// definition).
func newRaftLog(storage Storage) *raftLog {
	firstIndex, err := storage.FirstIndex()
	if err != nil {
		panic(err)
	}
	lastIndex, err := storage.LastIndex()
	if err != nil {
		panic(err)
	}
	l := &raftLog{storage: storage}
	l.unstable.offset = lastIndex + 1
	l.committed = firstIndex - 1
	l.applying = firstIndex - 1
	l.applied = firstIndex - 1
	return l
}

// firstIndex returns the first index readable from the log.
func (l *raftLog) firstIndex() uint64 {
	if i, ok := l.unstable.maybeFirstIndex(); ok {
		return i
	}
	i, err := l.storage.FirstIndex()
	if err != nil {
		panic(err)
	}
	return i
}

// lastIndex returns the index of the last entry.
func (l *raftLog) lastIndex() uint64 {
	if i, ok := l.unstable.maybeLastIndex(); ok {
		return i
	}
	i, err := l.storage.LastIndex()
	if err != nil {
		panic(err)
	}
	return i
}

// lastTerm returns the term of the last entry.
func (l *raftLog) lastTerm() uint64 {
	t, err := l.term(l.lastIndex())
	if err != nil {
		panic(fmt.Sprintf("raft: unexpected error reading the last term: %v", err))
	}
	return t
}

// term returns the term of entry i. Index firstIndex()-1 is answered too (it
// is the snapshot's); anything older gives ErrCompacted, anything newer than
// lastIndex() gives ErrUnavailable.
func (l *raftLog) term(i uint64) (uint64, error) {
	if t, ok := l.unstable.maybeTerm(i); ok {
		return t, nil
	}
	dummy := l.firstIndex() - 1
	if i < dummy {
		return 0, ErrCompacted
	}
	if i > l.lastIndex() {
		return 0, ErrUnavailable
	}
	t, err := l.storage.Term(i)
	if err == nil {
		return t, nil
	}
	if errors.Is(err, ErrCompacted) || errors.Is(err, ErrUnavailable) {
		return 0, err
	}
	panic(err)
}

// zeroTermOnOutOfBounds turns a term lookup outside the log into term 0,
// which matches no real entry.
func zeroTermOnOutOfBounds(t uint64, err error) uint64 {
	if err == nil {
		return t
	}
	if errors.Is(err, ErrCompacted) || errors.Is(err, ErrUnavailable) {
		return 0
	}
	panic(fmt.Sprintf("raft: unexpected error reading a term: %v", err))
}

// matchTerm reports whether entry i exists with term t: the Log Matching
// check of AppendEntries (Raft §5.3).
func (l *raftLog) matchTerm(i, t uint64) bool {
	lt, err := l.term(i)
	return err == nil && lt == t
}

// isUpToDate reports whether a log ending at (lasti, term) is at least as
// up to date as this one: a later last term wins, and with equal last terms
// the longer log wins (Raft §5.4.1).
func (l *raftLog) isUpToDate(lasti, term uint64) bool {
	lastTerm := l.lastTerm()
	return term > lastTerm || (term == lastTerm && lasti >= l.lastIndex())
}

// maybeAppend is the follower's side of AppendEntries: if the entry at index
// has term logTerm, the entries are appended (replacing any conflicting
// suffix) and the commit index advances to min(committed, last new index).
// It returns the last index the leader's message vouches for and whether
// the consistency check passed.
//
// It panics if a conflicting entry is already committed: the leader would be
// erasing committed history, which Raft's safety argument rules out.
func (l *raftLog) maybeAppend(index, logTerm, committed uint64, ents []Entry) (lastNewIndex uint64, cut truncation, ok bool) {
	if !l.matchTerm(index, logTerm) {
		return 0, truncation{}, false
	}
	lastNewIndex = index + uint64(len(ents))
	ci := l.findConflict(ents)
	switch {
	case ci == 0:
		// Every entry is already in the log.
	case ci <= l.committed:
		panic(fmt.Sprintf("raft: entry %d conflicts with a committed entry (committed=%d)", ci, l.committed))
	default:
		if last := l.lastIndex(); ci <= last {
			cut = truncation{from: ci, last: last, term: zeroTermOnOutOfBounds(l.term(ci))}
		}
		l.append(ents[ci-(index+1):]...)
	}
	l.commitTo(min(committed, lastNewIndex))
	return lastNewIndex, cut, true
}

// truncation describes entries a follower deleted because they conflicted
// with the leader's: from..last, the first of term term. from is 0 if
// nothing was deleted.
type truncation struct {
	from, last, term uint64
}

// append adds entries at the end of the log (after truncating a conflicting
// unstable suffix) and returns the new last index.
func (l *raftLog) append(ents ...Entry) uint64 {
	if len(ents) == 0 {
		return l.lastIndex()
	}
	if after := ents[0].Index - 1; after < l.committed {
		panic(fmt.Sprintf("raft: appending after index %d would truncate committed entries (committed=%d)", after, l.committed))
	}
	l.unstable.truncateAndAppend(ents)
	return l.lastIndex()
}

// findConflict returns the index of the first entry of ents that is not in
// the log with the same term: either a conflict or the first new entry. It
// returns 0 if every entry is already in the log. ents must be contiguous.
func (l *raftLog) findConflict(ents []Entry) uint64 {
	for i := range ents {
		if !l.matchTerm(ents[i].Index, ents[i].Term) {
			return ents[i].Index
		}
	}
	return 0
}

// findConflictByTerm finds the last index at or below index whose term is at
// most term, with that term. A follower answers a rejected append with it,
// and a leader uses it on the follower's hint, so that one round trip skips
// every entry of a conflicting term instead of one entry per round trip
// (the optimisation described at the end of Raft §5.3).
func (l *raftLog) findConflictByTerm(index, term uint64) (uint64, uint64) {
	for ; index > 0; index-- {
		// An index outside the log (compacted or too new) gives term 0 and
		// stops the search: nothing older can be examined.
		t, err := l.term(index)
		if err != nil {
			return index, 0
		}
		if t <= term {
			return index, t
		}
	}
	return 0, 0
}

// unstableEntries returns the entries not yet persisted.
func (l *raftLog) unstableEntries() []Entry {
	if len(l.unstable.entries) == 0 {
		return nil
	}
	n := len(l.unstable.entries)
	return l.unstable.entries[:n:n]
}

// hasNextCommittedEnts reports whether committed entries are waiting to be
// handed to the application.
func (l *raftLog) hasNextCommittedEnts() bool {
	if l.hasPendingSnapshot() {
		// The snapshot must be applied before any entry after it.
		return false
	}
	return l.committed > l.applying
}

// nextCommittedEnts returns the committed entries not yet handed to the
// application.
func (l *raftLog) nextCommittedEnts() []Entry {
	if !l.hasNextCommittedEnts() {
		return nil
	}
	lo, hi := max(l.applying+1, l.firstIndex()), l.committed+1
	ents, err := l.slice(lo, hi, noLimit)
	if err != nil {
		panic(fmt.Sprintf("raft: committed entries [%d, %d) unavailable: %v", lo, hi, err))
	}
	return ents
}

// hasPendingSnapshot reports whether an unpersisted snapshot is waiting.
func (l *raftLog) hasPendingSnapshot() bool {
	return l.unstable.snapshot != nil
}

// snapshot returns the newest snapshot: the unstable one if any, else the
// storage's.
func (l *raftLog) snapshot() (Snapshot, error) {
	if l.unstable.snapshot != nil {
		return *l.unstable.snapshot, nil
	}
	return l.storage.Snapshot()
}

// commitTo raises the commit index to tocommit. It never lowers it.
func (l *raftLog) commitTo(tocommit uint64) {
	if tocommit <= l.committed {
		return
	}
	if tocommit > l.lastIndex() {
		panic(fmt.Sprintf("raft: commit index %d is beyond the last index %d; was the log lost?", tocommit, l.lastIndex()))
	}
	l.committed = tocommit
}

// maybeCommit commits up to maxIndex if that entry has term term. A leader
// passes its own term: it commits only by counting replicas of an entry of
// its current term, never an older one (Raft §5.4.2, figure 8).
func (l *raftLog) maybeCommit(maxIndex, term uint64) bool {
	if maxIndex > l.committed && zeroTermOnOutOfBounds(l.term(maxIndex)) == term {
		l.commitTo(maxIndex)
		return true
	}
	return false
}

// acceptApplying records that the entries up to i were handed to the
// application.
func (l *raftLog) acceptApplying(i uint64) {
	if i > l.committed {
		panic(fmt.Sprintf("raft: handing out index %d beyond commit %d", i, l.committed))
	}
	l.applying = max(l.applying, i)
}

// appliedTo records that the application applied everything up to i.
func (l *raftLog) appliedTo(i uint64) {
	if i == 0 {
		return
	}
	if i > l.committed || i < l.applied {
		panic(fmt.Sprintf("raft: applied index %d is out of range [%d, %d]", i, l.applied, l.committed))
	}
	l.applied = i
	l.applying = max(l.applying, i)
}

// stableTo records that entries up to i (of term t) were persisted.
func (l *raftLog) stableTo(i, t uint64) { l.unstable.stableTo(i, t) }

// stableSnapTo records that the snapshot at index i was persisted.
func (l *raftLog) stableSnapTo(i uint64) { l.unstable.stableSnapTo(i) }

// restore replaces the log with a snapshot; the snapshot's index is
// committed by definition.
func (l *raftLog) restore(s Snapshot) {
	l.committed = s.Metadata.Index
	l.unstable.restore(s)
}

// entries returns the entries from i to the end, limited to maxSize bytes.
func (l *raftLog) entries(i, maxSize uint64) ([]Entry, error) {
	if i > l.lastIndex() {
		return nil, nil
	}
	return l.slice(i, l.lastIndex()+1, maxSize)
}

// slice returns the entries in [lo, hi), limited to maxSize bytes, reading
// the persisted part from storage and the rest from unstable.
func (l *raftLog) slice(lo, hi, maxSize uint64) ([]Entry, error) {
	if err := l.mustCheckOutOfBounds(lo, hi); err != nil {
		return nil, err
	}
	if lo == hi {
		return nil, nil
	}
	var ents []Entry
	if lo < l.unstable.offset {
		stored, err := l.storage.Entries(lo, min(hi, l.unstable.offset), maxSize)
		if errors.Is(err, ErrCompacted) {
			return nil, err
		} else if errors.Is(err, ErrUnavailable) {
			panic(fmt.Sprintf("raft: entries [%d, %d) are unavailable from storage", lo, min(hi, l.unstable.offset)))
		} else if err != nil {
			panic(err)
		}
		// Storage stopped early because of the size limit: do not add more.
		if uint64(len(stored)) < min(hi, l.unstable.offset)-lo {
			return stored, nil
		}
		ents = stored
	}
	if hi > l.unstable.offset {
		unst := l.unstable.slice(max(lo, l.unstable.offset), hi)
		if len(ents) > 0 {
			combined := make([]Entry, len(ents)+len(unst))
			copy(combined, ents)
			copy(combined[len(ents):], unst)
			ents = combined
		} else {
			ents = unst
		}
	}
	return limitSize(ents, maxSize), nil
}

// mustCheckOutOfBounds checks firstIndex <= lo <= hi <= lastIndex+1. A range
// starting before the first index gives ErrCompacted; any other bad range
// is a bug in the caller.
func (l *raftLog) mustCheckOutOfBounds(lo, hi uint64) error {
	if lo > hi {
		panic(fmt.Sprintf("raft: invalid slice %d > %d", lo, hi))
	}
	fi := l.firstIndex()
	if lo < fi {
		return ErrCompacted
	}
	if length := l.lastIndex() + 1 - fi; hi > fi+length {
		panic(fmt.Sprintf("raft: slice [%d, %d) out of bound [%d, %d]", lo, hi, fi, l.lastIndex()))
	}
	return nil
}
