package raft

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// logWithTerms returns a raftLog whose entries 1..len(terms) have the given
// terms, all persisted.
func logWithTerms(terms ...uint64) *raftLog {
	ms := NewMemoryStorage()
	if err := ms.Append(entriesOfTerms(1, terms...)); err != nil {
		panic(err)
	}
	return newRaftLog(ms)
}

func termsOf(ents []Entry) []uint64 {
	terms := make([]uint64, len(ents))
	for i, e := range ents {
		terms[i] = e.Term
	}
	return terms
}

func TestLogFindConflict(t *testing.T) {
	tests := []struct {
		name string
		ents []Entry
		want uint64
	}{
		{"no entries", nil, 0},
		{"all present", entriesOfTerms(1, 1, 2, 3), 0},
		{"suffix present", entriesOfTerms(2, 2, 3), 0},
		{"new entries after the log", entriesOfTerms(2, 2, 3, 4, 4), 4},
		{"new entries only", entriesOfTerms(4, 4, 4), 4},
		{"conflict at the first entry", entriesOfTerms(1, 4, 4), 1},
		{"conflict in the middle", entriesOfTerms(2, 1, 4, 4), 2},
		{"conflict at the last entry", entriesOfTerms(3, 4, 4), 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := logWithTerms(1, 2, 3)
			assert.Equal(t, tt.want, l.findConflict(tt.ents))
		})
	}
}

func TestLogFindConflictByTerm(t *testing.T) {
	tests := []struct {
		name      string
		terms     []uint64
		index     uint64
		term      uint64
		wantIndex uint64
		wantTerm  uint64
	}{
		{"matching term", []uint64{1, 2, 2, 5}, 4, 5, 4, 5},
		{"skips a whole higher term", []uint64{1, 2, 2, 5, 5, 5}, 6, 4, 3, 2},
		{"skips to the start of the log", []uint64{3, 3, 3}, 3, 2, 0, 0},
		{"term lower than asked stops at once", []uint64{1, 1, 1}, 3, 4, 3, 1},
		{"index beyond the log gives term 0", []uint64{1, 1}, 5, 1, 5, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := logWithTerms(tt.terms...)
			index, term := l.findConflictByTerm(tt.index, tt.term)
			assert.Equal(t, tt.wantIndex, index)
			assert.Equal(t, tt.wantTerm, term)
		})
	}
}

func TestLogIsUpToDate(t *testing.T) {
	// Reference: Raft §5.4.1 — the later last term wins; with equal last
	// terms the longer log wins.
	l := logWithTerms(1, 2, 3)
	tests := []struct {
		name        string
		lastIndex   uint64
		lastTerm    uint64
		wantUpToDay bool
	}{
		{"higher term, shorter log", 2, 4, true},
		{"higher term, same length", 3, 4, true},
		{"higher term, longer log", 4, 4, true},
		{"lower term, longer log", 4, 2, false},
		{"lower term, same length", 3, 2, false},
		{"same term, shorter log", 2, 3, false},
		{"same term, same length", 3, 3, true},
		{"same term, longer log", 4, 3, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.wantUpToDay, l.isUpToDate(tt.lastIndex, tt.lastTerm))
		})
	}
}

func TestLogMaybeAppend(t *testing.T) {
	tests := []struct {
		name       string
		index      uint64
		logTerm    uint64
		committed  uint64
		ents       []Entry
		wantLast   uint64
		wantOK     bool
		wantCommit uint64
		wantTerms  []uint64
	}{
		{"previous term mismatch", 3, 2, 3, entriesOfTerms(4, 4), 0, false, 1, []uint64{1, 2, 3}},
		{"previous index missing", 4, 3, 3, entriesOfTerms(5, 4), 0, false, 1, []uint64{1, 2, 3}},
		{"heartbeat-like empty append", 3, 3, 3, nil, 3, true, 3, []uint64{1, 2, 3}},
		{"commit is capped at the last new entry", 2, 2, 3, nil, 2, true, 2, []uint64{1, 2, 3}},
		{"append after the end", 3, 3, 4, entriesOfTerms(4, 4), 4, true, 4, []uint64{1, 2, 3, 4}},
		{"commit beyond the entries is capped", 3, 3, 9, entriesOfTerms(4, 4, 4), 5, true, 5, []uint64{1, 2, 3, 4, 4}},
		{"duplicate entries change nothing", 1, 1, 2, entriesOfTerms(2, 2, 3), 3, true, 2, []uint64{1, 2, 3}},
		{"conflicting suffix is replaced", 2, 2, 3, entriesOfTerms(3, 4, 4), 4, true, 3, []uint64{1, 2, 4, 4}},
		{"the commit index never goes back", 1, 1, 0, nil, 1, true, 1, []uint64{1, 2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := logWithTerms(1, 2, 3)
			l.commitTo(1)
			last, _, ok := l.maybeAppend(tt.index, tt.logTerm, tt.committed, tt.ents)
			assert.Equal(t, tt.wantOK, ok)
			assert.Equal(t, tt.wantLast, last)
			assert.Equal(t, tt.wantCommit, l.committed)
			assert.Equal(t, tt.wantTerms, termsOf(l.allEntries()))
		})
	}
}

func TestLogMaybeAppendPanicsOnTruncatingCommittedEntry(t *testing.T) {
	// Reference: Raft §5.4 — a committed entry is never overwritten; a
	// leader asking for it breaks the safety argument, so the follower
	// refuses loudly.
	l := logWithTerms(1, 2, 3)
	l.commitTo(3)
	require.PanicsWithValue(t, "raft: entry 3 conflicts with a committed entry (committed=3)", func() {
		l.maybeAppend(2, 2, 3, entriesOfTerms(3, 4))
	})
}

func TestLogAppendPanicsBelowCommit(t *testing.T) {
	l := logWithTerms(1, 2, 3)
	l.commitTo(2)
	require.Panics(t, func() { l.append(entriesOfTerms(2, 4)...) })
}

func TestLogCommitToBeyondLastIndexPanics(t *testing.T) {
	l := logWithTerms(1, 2)
	require.Panics(t, func() { l.commitTo(3) })
}

func TestLogMaybeCommitOnlyCurrentTerm(t *testing.T) {
	// Reference: Raft §5.4.2 — a leader commits by counting replicas only
	// entries of its own term.
	l := logWithTerms(1, 2, 2, 3)
	assert.False(t, l.maybeCommit(3, 3), "entry 3 has term 2, not the leader's term 3")
	assert.Equal(t, uint64(0), l.committed)
	assert.True(t, l.maybeCommit(4, 3))
	assert.Equal(t, uint64(4), l.committed)
	assert.False(t, l.maybeCommit(2, 2), "the commit index never goes back")
}

func TestLogUnstableAndStable(t *testing.T) {
	l := logWithTerms(1, 1)
	l.append(entriesOfTerms(3, 2, 2)...)
	assert.Equal(t, entriesOfTerms(3, 2, 2), l.unstableEntries())
	assert.Equal(t, uint64(4), l.lastIndex())

	// A stale stableTo (the entry was replaced meanwhile) changes nothing.
	l.stableTo(4, 1)
	assert.Len(t, l.unstableEntries(), 2)

	l.stableTo(3, 2)
	assert.Equal(t, entriesOfTerms(4, 2), l.unstableEntries())

	// Entries across storage and unstable read as one log.
	require.NoError(t, l.storage.(*MemoryStorage).Append(entriesOfTerms(3, 2)))
	ents, err := l.slice(2, 5, noLimit)
	require.NoError(t, err)
	assert.Equal(t, entriesOfTerms(2, 1, 2, 2), ents)
}

func TestLogUnstableTruncateAndAppend(t *testing.T) {
	tests := []struct {
		name      string
		ents      []Entry
		wantTerms []uint64
	}{
		{"directly after", entriesOfTerms(5, 3), []uint64{1, 1, 2, 2, 3}},
		{"replaces part of unstable", entriesOfTerms(4, 3, 3), []uint64{1, 1, 2, 3, 3}},
		{"replaces all of unstable", entriesOfTerms(3, 3), []uint64{1, 1, 3}},
		{"replaces stable entries too", entriesOfTerms(2, 3), []uint64{1, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := logWithTerms(1, 1)
			l.append(entriesOfTerms(3, 2, 2)...)
			l.append(tt.ents...)
			assert.Equal(t, tt.wantTerms, termsOf(l.allEntries()))
		})
	}
}

func TestLogTermAfterCompaction(t *testing.T) {
	ms := storageWith(entriesOfTerms(3, 3, 4, 5)...)
	l := newRaftLog(ms)
	assert.Equal(t, uint64(4), l.firstIndex())
	assert.Equal(t, uint64(3), l.committed, "the snapshot's index is committed")
	tests := []struct {
		index uint64
		term  uint64
		err   error
	}{
		{2, 0, ErrCompacted},
		{3, 3, nil},
		{5, 5, nil},
		{6, 0, ErrUnavailable},
	}
	for _, tt := range tests {
		term, err := l.term(tt.index)
		assert.ErrorIs(t, err, tt.err, "index %d", tt.index)
		assert.Equal(t, tt.term, term, "index %d", tt.index)
	}
	_, err := l.slice(3, 5, noLimit)
	assert.ErrorIs(t, err, ErrCompacted)
}

func TestLogRestore(t *testing.T) {
	l := logWithTerms(1, 1)
	snap := Snapshot{Metadata: SnapshotMetadata{Index: 10, Term: 4}}
	l.restore(snap)
	assert.Equal(t, uint64(10), l.committed)
	assert.Equal(t, uint64(10), l.lastIndex())
	assert.Equal(t, uint64(11), l.firstIndex())
	assert.True(t, l.matchTerm(10, 4))
	assert.False(t, l.hasNextCommittedEnts(), "the snapshot is applied before any entry")
	l.stableSnapTo(10)
	assert.False(t, l.hasPendingSnapshot())
}

func TestLogNextCommittedEnts(t *testing.T) {
	l := logWithTerms(1, 1, 1)
	l.append(entriesOfTerms(4, 2)...)
	l.commitTo(4)
	assert.Equal(t, entriesOfTerms(1, 1, 1, 1, 2), l.nextCommittedEnts(), "spans storage and unstable")
	l.acceptApplying(2)
	assert.Equal(t, entriesOfTerms(3, 1, 2), l.nextCommittedEnts(), "what is being applied is not handed out twice")
	l.appliedTo(4)
	assert.Nil(t, l.nextCommittedEnts())
	assert.Panics(t, func() { l.appliedTo(5) }, "cannot apply beyond the commit index")
}

// allEntries returns every entry still in the log.
func (l *raftLog) allEntries() []Entry {
	ents, err := l.entries(l.firstIndex(), noLimit)
	if err != nil {
		panic(err)
	}
	return ents
}
