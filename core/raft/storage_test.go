package raft

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// storageWith returns a MemoryStorage whose log is ents, the first of which
// is the compaction sentinel.
func storageWith(ents ...Entry) *MemoryStorage {
	ms := NewMemoryStorage()
	ms.ents = append([]Entry(nil), ents...)
	return ms
}

func entriesOfTerms(first uint64, terms ...uint64) []Entry {
	ents := make([]Entry, len(terms))
	for i, t := range terms {
		ents[i] = Entry{Index: first + uint64(i), Term: t}
	}
	return ents
}

func TestMemoryStorageTerm(t *testing.T) {
	ms := storageWith(entriesOfTerms(3, 3, 4, 5)...)
	tests := []struct {
		name  string
		index uint64
		term  uint64
		err   error
	}{
		{"compacted", 2, 0, ErrCompacted},
		{"the snapshot's entry", 3, 3, nil},
		{"a held entry", 4, 4, nil},
		{"the last entry", 5, 5, nil},
		{"beyond the log", 6, 0, ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			term, err := ms.Term(tt.index)
			assert.ErrorIs(t, err, tt.err)
			if tt.err == nil {
				assert.NoError(t, err)
			}
			assert.Equal(t, tt.term, term)
		})
	}
}

func TestMemoryStorageEntries(t *testing.T) {
	ms := storageWith(entriesOfTerms(3, 3, 4, 5, 6)...)
	size := uint64(entrySizeOverhead)
	tests := []struct {
		name    string
		lo, hi  uint64
		maxSize uint64
		want    []Entry
		err     error
	}{
		{"compacted start", 2, 6, noLimit, nil, ErrCompacted},
		{"the sentinel is compacted", 3, 4, noLimit, nil, ErrCompacted},
		{"one entry", 4, 5, noLimit, entriesOfTerms(4, 4), nil},
		{"all entries", 4, 7, noLimit, entriesOfTerms(4, 4, 5, 6), nil},
		{"size limit of zero still gives one entry", 4, 7, 0, entriesOfTerms(4, 4), nil},
		{"size limit of two entries", 4, 7, 2 * size, entriesOfTerms(4, 4, 5), nil},
		{"size limit just below three entries", 4, 7, 3*size - 1, entriesOfTerms(4, 4, 5), nil},
		{"size limit of three entries", 4, 7, 3 * size, entriesOfTerms(4, 4, 5, 6), nil},
		{"beyond the log", 4, 8, noLimit, nil, ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ents, err := ms.Entries(tt.lo, tt.hi, tt.maxSize)
			if tt.err != nil {
				require.ErrorIs(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, ents)
		})
	}
}

func TestMemoryStorageEntriesCannotBeOverwrittenByCaller(t *testing.T) {
	ms := storageWith(entriesOfTerms(0, 0, 1, 1)...)
	ents, err := ms.Entries(1, 2, noLimit)
	require.NoError(t, err)
	// Appending to the returned slice must not overwrite entry 2.
	_ = append(ents, Entry{Index: 2, Term: 9})
	term, err := ms.Term(2)
	require.NoError(t, err)
	assert.Equal(t, uint64(1), term)
}

func TestMemoryStorageFirstAndLastIndex(t *testing.T) {
	ms := storageWith(entriesOfTerms(3, 3, 4, 5)...)
	first, err := ms.FirstIndex()
	require.NoError(t, err)
	last, err := ms.LastIndex()
	require.NoError(t, err)
	assert.Equal(t, uint64(4), first)
	assert.Equal(t, uint64(5), last)

	require.NoError(t, ms.Append(entriesOfTerms(6, 5)))
	last, err = ms.LastIndex()
	require.NoError(t, err)
	assert.Equal(t, uint64(6), last)

	require.NoError(t, ms.Compact(4))
	first, err = ms.FirstIndex()
	require.NoError(t, err)
	assert.Equal(t, uint64(5), first)
}

func TestMemoryStorageCompact(t *testing.T) {
	tests := []struct {
		name      string
		index     uint64
		err       bool
		errIs     error
		wantFirst uint64
		wantTerm  uint64
		wantLen   int
	}{
		{"already compacted", 2, true, ErrCompacted, 4, 3, 3},
		{"at the sentinel", 3, true, ErrCompacted, 4, 3, 3},
		{"one entry", 4, false, nil, 5, 4, 2},
		{"everything", 5, false, nil, 6, 5, 1},
		{"beyond the log", 6, true, nil, 4, 3, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := storageWith(entriesOfTerms(3, 3, 4, 5)...)
			err := ms.Compact(tt.index)
			if tt.err {
				require.Error(t, err)
				if tt.errIs != nil {
					require.ErrorIs(t, err, tt.errIs)
				}
			} else {
				require.NoError(t, err)
			}
			first, _ := ms.FirstIndex()
			assert.Equal(t, tt.wantFirst, first)
			assert.Equal(t, tt.wantTerm, ms.ents[0].Term)
			assert.Len(t, ms.ents, tt.wantLen)
		})
	}
}

func TestMemoryStorageCreateSnapshot(t *testing.T) {
	cs := &ConfState{Voters: []uint64{1, 2, 3}}
	data := []byte("data")
	tests := []struct {
		name  string
		index uint64
		err   error
		want  Snapshot
	}{
		{"at the last index", 5, nil, Snapshot{Metadata: SnapshotMetadata{Index: 5, Term: 5, ConfState: *cs}, Data: data}},
		{"inside the log", 4, nil, Snapshot{Metadata: SnapshotMetadata{Index: 4, Term: 4, ConfState: *cs}, Data: data}},
		{"not newer than the current snapshot", 3, ErrSnapOutOfDate, Snapshot{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := storageWith(entriesOfTerms(3, 3, 4, 5)...)
			ms.snapshot.Metadata = SnapshotMetadata{Index: 3, Term: 3}
			snap, err := ms.CreateSnapshot(tt.index, cs, data)
			require.ErrorIs(t, err, tt.err)
			assert.Equal(t, tt.want, snap)
		})
	}
	t.Run("beyond the last index", func(t *testing.T) {
		ms := storageWith(entriesOfTerms(3, 3, 4, 5)...)
		_, err := ms.CreateSnapshot(6, cs, data)
		require.ErrorContains(t, err, "beyond the last index 5")
	})
}

func TestMemoryStorageAppend(t *testing.T) {
	tests := []struct {
		name    string
		entries []Entry
		want    []Entry
		err     bool
	}{
		{"all compacted", entriesOfTerms(1, 1, 2), entriesOfTerms(3, 3, 4, 5), false},
		{"identical", entriesOfTerms(3, 3, 4, 5), entriesOfTerms(3, 3, 4, 5), false},
		{"conflict replaces the suffix", entriesOfTerms(4, 6, 6), entriesOfTerms(3, 3, 6, 6), false},
		{"extends", entriesOfTerms(3, 3, 4, 5, 5), entriesOfTerms(3, 3, 4, 5, 5), false},
		{"overlaps the compacted prefix", entriesOfTerms(2, 3, 3, 5), entriesOfTerms(3, 3, 5), false},
		{"directly after", entriesOfTerms(6, 5), entriesOfTerms(3, 3, 4, 5, 5), false},
		{"leaves a gap", entriesOfTerms(7, 5), entriesOfTerms(3, 3, 4, 5), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := storageWith(entriesOfTerms(3, 3, 4, 5)...)
			err := ms.Append(tt.entries)
			if tt.err {
				require.ErrorContains(t, err, "the log ends at index 5")
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tt.want, ms.ents)
		})
	}
}

func TestMemoryStorageApplySnapshot(t *testing.T) {
	ms := NewMemoryStorage()
	snap := Snapshot{Metadata: SnapshotMetadata{Index: 4, Term: 4, ConfState: ConfState{Voters: []uint64{1, 2}}}, Data: []byte("x")}
	require.NoError(t, ms.ApplySnapshot(snap))
	first, _ := ms.FirstIndex()
	last, _ := ms.LastIndex()
	assert.Equal(t, uint64(5), first)
	assert.Equal(t, uint64(4), last)
	_, cs, err := ms.InitialState()
	require.NoError(t, err)
	assert.Equal(t, []uint64{1, 2}, cs.Voters)

	older := Snapshot{Metadata: SnapshotMetadata{Index: 3, Term: 3}}
	require.ErrorIs(t, ms.ApplySnapshot(older), ErrSnapOutOfDate)
}

func TestMemoryStorageHardState(t *testing.T) {
	ms := NewMemoryStorage()
	hs := HardState{Term: 3, Vote: 2, Commit: 0}
	require.NoError(t, ms.SetHardState(hs))
	got, _, err := ms.InitialState()
	require.NoError(t, err)
	assert.Equal(t, hs, got)
	assert.Equal(t, hs, ms.HardState())
}
