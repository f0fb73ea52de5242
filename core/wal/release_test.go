package wal

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fillSegments writes entries 1..n of term 1 with a hard state after each
// batch of four, in segments of about 200 bytes.
func fillSegments(t *testing.T, n uint64) *WAL {
	t.Helper()
	w := newWAL(t, 200)
	for lo := uint64(1); lo <= n; lo += 4 {
		hi := min(lo+3, n)
		require.NoError(t, w.Save(HardState{Term: 1, Vote: 1, Commit: hi}, ents(lo, hi, 1)))
	}
	w.Sync()
	return w
}

func TestReleaseToKeepsTheChainVerifiable(t *testing.T) {
	w := fillSegments(t, 40)
	require.Greater(t, w.Stats().Segments, 3)
	require.NoError(t, w.AppendSnapshot(SnapshotMarker{Index: 30, Term: 1}))
	w.Sync()

	rel, err := w.ReleaseTo(30)
	require.NoError(t, err)
	assert.Positive(t, rel.Records)
	assert.Positive(t, rel.Segments)
	s := w.Stats()
	assert.Equal(t, uint64(rel.Records), s.FirstRecord, "records keep their numbers")
	assert.Equal(t, uint64(rel.Bytes), s.ReleasedBytes)
	assert.Equal(t, s.Bytes, s.SyncedBytes)

	got, err := w.Replay()
	require.NoError(t, err)
	assert.Equal(t, SnapshotMarker{Index: 30, Term: 1}, got.Snapshot)
	assert.Equal(t, ents(31, 40, 1), got.Entries)
	assert.Equal(t, HardState{Term: 1, Vote: 1, Commit: 40}, got.HardState)

	// The chain still holds: new records verify, and a flipped bit is
	// reported at its absolute record number.
	require.NoError(t, w.Save(HardState{Term: 2, Vote: 2, Commit: 41}, ents(41, 41, 2)))
	w.Sync()
	got, err = w.Replay()
	require.NoError(t, err)
	assert.Equal(t, append(ents(31, 40, 1), ents(41, 41, 2)...), got.Entries)

	lastRecord := w.Stats().FirstRecord + uint64(w.Stats().Records) - 1
	report, err := w.Crash(Fault{Mode: FlipBit, Bit: 8*uint64(w.Stats().Bytes) - 3})
	require.NoError(t, err)
	_, err = w.Replay()
	var ce *CorruptionError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, report.FlippedRecord, ce.Record)
	assert.Equal(t, lastRecord, ce.Record, "the last record is the damaged one")
}

// TestReleaseAcrossSegmentHardState checks that the hard state survives when
// the segment that last wrote it is released: the kept segment starts with a
// copy.
func TestReleaseAcrossSegmentHardState(t *testing.T) {
	w := newWAL(t, 100)
	require.NoError(t, w.Save(HardState{Term: 3, Vote: 2, Commit: 8}, ents(1, 8, 3)))
	require.NoError(t, w.AppendSnapshot(SnapshotMarker{Index: 8, Term: 3}))
	require.NoError(t, w.AppendEntries(ents(9, 9, 3)...))
	w.Sync()
	_, err := w.ReleaseTo(8)
	require.NoError(t, err)
	got, err := w.Replay()
	require.NoError(t, err)
	assert.Equal(t, HardState{Term: 3, Vote: 2, Commit: 8}, got.HardState)
	assert.Equal(t, SnapshotMarker{Index: 8, Term: 3}, got.Snapshot)
	assert.Equal(t, ents(9, 9, 3), got.Entries)
}

func TestReleaseToRefusals(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(w *WAL)
		index   uint64
		wantErr error
	}{
		{"no snapshot", func(*WAL) {}, 10, ErrNotCovered},
		{"snapshot below the index", func(w *WAL) {
			require.NoError(t, w.AppendSnapshot(SnapshotMarker{Index: 5, Term: 1}))
			w.Sync()
		}, 10, ErrNotCovered},
		{"snapshot not synced", func(w *WAL) {
			require.NoError(t, w.AppendSnapshot(SnapshotMarker{Index: 20, Term: 1}))
		}, 10, ErrNotCovered},
		{"after a crash", func(w *WAL) {
			_, err := w.Crash(Fault{})
			require.NoError(t, err)
		}, 10, ErrNeedsReplay},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := fillSegments(t, 24)
			tt.prepare(w)
			before := w.Stats()
			_, err := w.ReleaseTo(tt.index)
			require.ErrorIs(t, err, tt.wantErr)
			assert.Equal(t, before, w.Stats(), "a refused release changes nothing")
		})
	}
}

// TestReleaseKeepsEntriesAfterTheSnapshot: entries above the snapshot index
// that sit in an early segment pin that segment.
func TestReleaseKeepsEntriesAfterTheSnapshot(t *testing.T) {
	w := fillSegments(t, 40)
	require.NoError(t, w.AppendSnapshot(SnapshotMarker{Index: 3, Term: 1}))
	w.Sync()
	rel, err := w.ReleaseTo(3)
	require.NoError(t, err)
	assert.Zero(t, rel.Records, "the first segment holds entries above 3")
	got, err := w.Replay()
	require.NoError(t, err)
	assert.Equal(t, ents(4, 40, 1), got.Entries)
	_, err = w.ReleaseTo(0)
	require.NoError(t, err)
}

// TestReleaseThenCrashKeepsOlderSyncedSnapshot: a newer marker that is not
// synced yet must not let release drop what the older synced one needs.
func TestReleaseThenCrashKeepsOlderSyncedSnapshot(t *testing.T) {
	w := fillSegments(t, 40)
	require.NoError(t, w.AppendSnapshot(SnapshotMarker{Index: 20, Term: 1}))
	w.Sync()
	require.NoError(t, w.AppendEntries(ents(41, 60, 1)...))
	require.NoError(t, w.AppendSnapshot(SnapshotMarker{Index: 50, Term: 1}))
	_, err := w.ReleaseTo(20)
	require.NoError(t, err)
	_, err = w.Crash(Fault{Mode: DropUnsynced})
	require.NoError(t, err)
	got, err := w.Replay()
	require.NoError(t, err)
	assert.Equal(t, SnapshotMarker{Index: 20, Term: 1}, got.Snapshot)
	assert.Equal(t, ents(21, 40, 1), got.Entries)
}
