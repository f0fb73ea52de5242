package raft

import (
	"errors"
	"fmt"
)

// ErrCompacted is returned by Storage when the requested index is older than
// the first index still held: it was discarded by log compaction and only a
// snapshot can stand in for it.
var ErrCompacted = errors.New("raft: requested index is unavailable because it was compacted")

// ErrSnapOutOfDate is returned by Storage when a snapshot older than the one
// already held is offered or requested.
var ErrSnapOutOfDate = errors.New("raft: requested index is older than the existing snapshot")

// ErrUnavailable is returned by Storage when the requested index is beyond
// the last index it holds.
var ErrUnavailable = errors.New("raft: requested entry at index is unavailable")

// ErrSnapshotTemporarilyUnavailable is returned by Storage.Snapshot when a
// snapshot is being prepared and is not ready yet; the leader tries again
// later.
var ErrSnapshotTemporarilyUnavailable = errors.New("raft: snapshot is temporarily unavailable")

// noLimit is the maxSize that asks for entries without a size limit.
const noLimit = ^uint64(0)

// Storage is the stable log a node reads: what the application has already
// persisted. The node never writes to it; the application appends the
// entries, hard state and snapshots handed out in Ready. Entries at or below
// the last snapshot are compacted away and reported as ErrCompacted.
type Storage interface {
	// InitialState returns the persisted hard state and configuration.
	InitialState() (HardState, ConfState, error)
	// Entries returns the entries in [lo, hi), limited to maxSize bytes but
	// always at least one entry if any is in range.
	Entries(lo, hi, maxSize uint64) ([]Entry, error)
	// Term returns the term of entry i, which must be in
	// [FirstIndex()-1, LastIndex()]; the term of FirstIndex()-1 is kept so
	// that the log-matching check works right after a snapshot.
	Term(i uint64) (uint64, error)
	// LastIndex returns the index of the last entry held.
	LastIndex() (uint64, error)
	// FirstIndex returns the index of the first entry that may be read with
	// Entries; older entries are covered by the snapshot.
	FirstIndex() (uint64, error)
	// Snapshot returns the most recent snapshot.
	Snapshot() (Snapshot, error)
}

// MemoryStorage is a Storage backed by memory. It is what a member keeps
// beside its write-ahead log: the log the node reads.
type MemoryStorage struct {
	hardState HardState
	snapshot  Snapshot
	// ents holds the log. ents[0] is a sentinel that carries only the index
	// and term of the last compacted entry (the snapshot's), so that the term
	// of FirstIndex()-1 stays known.
	//
	// Invariant: len(ents) >= 1 and ents[i].Index == ents[0].Index+i.
	ents []Entry
}

// NewMemoryStorage returns an empty MemoryStorage.
func NewMemoryStorage() *MemoryStorage {
	return &MemoryStorage{ents: make([]Entry, 1)}
}

// InitialState implements Storage.
func (ms *MemoryStorage) InitialState() (HardState, ConfState, error) {
	return ms.hardState, ms.snapshot.Metadata.ConfState, nil
}

// SetHardState saves the current hard state.
func (ms *MemoryStorage) SetHardState(hs HardState) error {
	ms.hardState = hs
	return nil
}

// HardState returns the saved hard state.
func (ms *MemoryStorage) HardState() HardState { return ms.hardState }

func (ms *MemoryStorage) offset() uint64    { return ms.ents[0].Index }
func (ms *MemoryStorage) lastIndex() uint64 { return ms.ents[0].Index + uint64(len(ms.ents)) - 1 }

// Entries implements Storage.
func (ms *MemoryStorage) Entries(lo, hi, maxSize uint64) ([]Entry, error) {
	offset := ms.offset()
	if lo <= offset {
		return nil, ErrCompacted
	}
	if hi > ms.lastIndex()+1 {
		return nil, fmt.Errorf("%w: entries [%d, %d) reach beyond the last index %d", ErrUnavailable, lo, hi, ms.lastIndex())
	}
	if lo >= hi {
		return nil, nil
	}
	// The full slice expression caps the capacity so that a caller appending
	// to the result can never overwrite the storage's own entries.
	ents := ms.ents[lo-offset : hi-offset : hi-offset]
	return limitSize(ents, maxSize), nil
}

// Term implements Storage.
func (ms *MemoryStorage) Term(i uint64) (uint64, error) {
	offset := ms.offset()
	if i < offset {
		return 0, ErrCompacted
	}
	if i-offset >= uint64(len(ms.ents)) {
		return 0, ErrUnavailable
	}
	return ms.ents[i-offset].Term, nil
}

// LastIndex implements Storage.
func (ms *MemoryStorage) LastIndex() (uint64, error) { return ms.lastIndex(), nil }

// FirstIndex implements Storage.
func (ms *MemoryStorage) FirstIndex() (uint64, error) { return ms.offset() + 1, nil }

// Snapshot implements Storage.
func (ms *MemoryStorage) Snapshot() (Snapshot, error) { return ms.snapshot, nil }

// ApplySnapshot replaces the storage's contents with the snapshot: every
// entry is dropped and the log restarts after the snapshot's index.
func (ms *MemoryStorage) ApplySnapshot(snap Snapshot) error {
	if snap.Metadata.Index <= ms.snapshot.Metadata.Index {
		return ErrSnapOutOfDate
	}
	ms.snapshot = snap
	ms.ents = []Entry{{Term: snap.Metadata.Term, Index: snap.Metadata.Index}}
	return nil
}

// CreateSnapshot records a snapshot of the application state at index i
// (which the application has applied), with configuration cs if it is not
// nil. It does not compact the log; call Compact for that.
func (ms *MemoryStorage) CreateSnapshot(i uint64, cs *ConfState, data []byte) (Snapshot, error) {
	if i <= ms.snapshot.Metadata.Index {
		return Snapshot{}, ErrSnapOutOfDate
	}
	if i > ms.lastIndex() {
		return Snapshot{}, fmt.Errorf("raft: cannot snapshot at index %d beyond the last index %d", i, ms.lastIndex())
	}
	ms.snapshot.Metadata.Index = i
	ms.snapshot.Metadata.Term = ms.ents[i-ms.offset()].Term
	if cs != nil {
		ms.snapshot.Metadata.ConfState = cloneConfState(*cs)
	}
	ms.snapshot.Data = data
	return ms.snapshot, nil
}

// Compact discards every entry up to and including compactIndex. The
// application calls it once a snapshot covers those entries.
func (ms *MemoryStorage) Compact(compactIndex uint64) error {
	offset := ms.offset()
	if compactIndex <= offset {
		return ErrCompacted
	}
	if compactIndex > ms.lastIndex() {
		return fmt.Errorf("raft: cannot compact to index %d beyond the last index %d", compactIndex, ms.lastIndex())
	}
	i := compactIndex - offset
	// A fresh array lets the compacted prefix be garbage collected and keeps
	// slices handed out earlier unchanged.
	ents := make([]Entry, 1, uint64(len(ms.ents))-i)
	ents[0] = Entry{Index: ms.ents[i].Index, Term: ms.ents[i].Term}
	ms.ents = append(ents, ms.ents[i+1:]...)
	return nil
}

// Append adds entries to the log. Entries that overlap the log replace the
// overlapping suffix (the leader overwrote it); entries already compacted are
// skipped. A gap between the log and the first new entry is an error.
func (ms *MemoryStorage) Append(entries []Entry) error {
	if len(entries) == 0 {
		return nil
	}
	first := ms.offset() + 1
	last := entries[0].Index + uint64(len(entries)) - 1
	if last < first {
		return nil // everything offered is already compacted
	}
	if first > entries[0].Index {
		entries = entries[first-entries[0].Index:]
	}
	offset := entries[0].Index - ms.offset()
	switch {
	case uint64(len(ms.ents)) > offset:
		// Copy into a fresh array so that slices handed out by Entries
		// never see the overwritten entries change under them.
		ents := make([]Entry, offset, offset+uint64(len(entries)))
		copy(ents, ms.ents[:offset])
		ms.ents = append(ents, entries...)
	case uint64(len(ms.ents)) == offset:
		ms.ents = append(ms.ents, entries...)
	default:
		return fmt.Errorf("raft: cannot append entries starting at index %d: the log ends at index %d", entries[0].Index, ms.lastIndex())
	}
	return nil
}

// entrySizeOverhead approximates the bytes an entry takes besides its data
// (term, index and type), so that empty entries still count against
// MaxSizePerMsg.
const entrySizeOverhead = 24

// entrySize is the size an entry counts for against a message size limit.
func entrySize(e *Entry) uint64 { return uint64(len(e.Data)) + entrySizeOverhead }

// entriesSize sums entrySize over ents.
func entriesSize(ents []Entry) uint64 {
	var size uint64
	for i := range ents {
		size += entrySize(&ents[i])
	}
	return size
}

// limitSize returns the longest prefix of ents whose size is within maxSize,
// but at least one entry, so that a large entry can still be sent alone.
func limitSize(ents []Entry, maxSize uint64) []Entry {
	if len(ents) <= 1 || maxSize == noLimit {
		return ents
	}
	size := entrySize(&ents[0])
	for i := 1; i < len(ents); i++ {
		size += entrySize(&ents[i])
		if size > maxSize {
			return ents[:i:i]
		}
	}
	return ents
}

// cloneConfState returns a copy of cs that shares no slices with it.
func cloneConfState(cs ConfState) ConfState {
	return ConfState{
		Voters:         cloneIDs(cs.Voters),
		Learners:       cloneIDs(cs.Learners),
		VotersOutgoing: cloneIDs(cs.VotersOutgoing),
		LearnersNext:   cloneIDs(cs.LearnersNext),
		AutoLeave:      cs.AutoLeave,
	}
}

func cloneIDs(ids []uint64) []uint64 {
	if len(ids) == 0 {
		return nil
	}
	return append([]uint64(nil), ids...)
}
