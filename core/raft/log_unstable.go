package raft

import "fmt"

// minUnstableCap is the least capacity the unstable entries grow to, so that
// a stream of small proposals allocates only every so many entries.
const minUnstableCap = 64

// unstable holds the part of the log the application has not persisted yet:
// entries appended since the last Ready, and perhaps a snapshot received from
// the leader. Once the application persists them (and calls Advance) they
// move to Storage and leave unstable.
type unstable struct {
	// snapshot is a snapshot that is not persisted yet, or nil.
	snapshot *Snapshot
	// entries are not persisted yet.
	//
	// Invariant: entries[i].Index == offset+i.
	entries []Entry
	// offset is the index of entries[0], or where the next entry goes.
	//
	// Invariant: if snapshot != nil, offset == snapshot.Metadata.Index+1.
	offset uint64
}

// maybeFirstIndex returns the first index of the log if an unstable snapshot
// fixes it.
func (u *unstable) maybeFirstIndex() (uint64, bool) {
	if u.snapshot != nil {
		return u.snapshot.Metadata.Index + 1, true
	}
	return 0, false
}

// maybeLastIndex returns the last index if unstable holds entries or a
// snapshot.
func (u *unstable) maybeLastIndex() (uint64, bool) {
	if n := len(u.entries); n != 0 {
		return u.offset + uint64(n) - 1, true
	}
	if u.snapshot != nil {
		return u.snapshot.Metadata.Index, true
	}
	return 0, false
}

// maybeTerm returns the term of entry i if unstable knows it.
func (u *unstable) maybeTerm(i uint64) (uint64, bool) {
	if i < u.offset {
		if u.snapshot != nil && u.snapshot.Metadata.Index == i {
			return u.snapshot.Metadata.Term, true
		}
		return 0, false
	}
	last, ok := u.maybeLastIndex()
	if !ok || i > last {
		return 0, false
	}
	return u.entries[i-u.offset].Term, true
}

// stableTo marks the entries up to index i (of term t) as persisted. It does
// nothing if entry i was replaced in the meantime (a new leader overwrote it
// while the old one was being written), because then the persisted entry is
// not the one unstable holds.
func (u *unstable) stableTo(i, t uint64) {
	gt, ok := u.maybeTerm(i)
	if !ok || gt != t || i < u.offset {
		return
	}
	n := int(i + 1 - u.offset)
	u.entries = u.entries[n:]
	u.offset = i + 1
	// The array is kept: later appends write only past every slice handed
	// out so far, and reusing the spare capacity saves an allocation per
	// batch of proposals.
}

// stableSnapTo marks the unstable snapshot at index i as persisted.
func (u *unstable) stableSnapTo(i uint64) {
	if u.snapshot != nil && u.snapshot.Metadata.Index == i {
		u.snapshot = nil
	}
}

// restore replaces everything unstable holds with the snapshot.
func (u *unstable) restore(s Snapshot) {
	u.offset = s.Metadata.Index + 1
	u.entries = nil
	u.snapshot = &s
}

// truncateAndAppend appends ents, first dropping every unstable entry at or
// after ents[0].Index: the leader's entries replace a conflicting suffix.
func (u *unstable) truncateAndAppend(ents []Entry) {
	first := ents[0].Index
	switch {
	case first == u.offset+uint64(len(u.entries)):
		// The common case: ents directly follow the unstable entries.
		if cap(u.entries)-len(u.entries) < len(ents) {
			// Grow ahead: once persisted entries leave the front, the
			// slice is short again, and plain append would allocate for
			// every batch of proposals.
			grown := make([]Entry, len(u.entries), max(2*(len(u.entries)+len(ents)), minUnstableCap))
			copy(grown, u.entries)
			u.entries = grown
		}
		u.entries = append(u.entries, ents...)
	case first <= u.offset:
		// ents replace all unstable entries (and perhaps stable ones, which
		// the application overwrites when it persists these).
		u.offset = first
		u.entries = append([]Entry(nil), ents...)
	default:
		// Keep the unstable prefix before first, in a fresh array so that
		// slices handed out in an earlier Ready are not overwritten.
		kept := u.slice(u.offset, first)
		u.entries = make([]Entry, 0, len(kept)+len(ents))
		u.entries = append(u.entries, kept...)
		u.entries = append(u.entries, ents...)
	}
}

// slice returns the unstable entries in [lo, hi).
func (u *unstable) slice(lo, hi uint64) []Entry {
	if lo > hi || lo < u.offset || hi > u.offset+uint64(len(u.entries)) {
		panic(fmt.Sprintf("raft: unstable slice [%d, %d) out of bounds [%d, %d)", lo, hi, u.offset, u.offset+uint64(len(u.entries))))
	}
	return u.entries[lo-u.offset : hi-u.offset : hi-u.offset]
}
