package wal

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newWAL(t *testing.T, segmentBytes int) *WAL {
	t.Helper()
	w, err := New(Options{SegmentBytes: segmentBytes})
	require.NoError(t, err)
	return w
}

// ents builds entries lo..hi (inclusive) of the given term with data
// "term/index".
func ents(lo, hi, term uint64) []Entry {
	var out []Entry
	for i := lo; i <= hi; i++ {
		out = append(out, Entry{Index: i, Term: term, Data: fmt.Appendf(nil, "%d/%d", term, i)})
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	w := newWAL(t, 0)
	require.NoError(t, w.Save(HardState{Term: 1, Vote: 2}, ents(1, 3, 1)))
	require.NoError(t, w.AppendEntries(Entry{Index: 4, Term: 2, Type: 1, Data: []byte("conf")}))
	require.NoError(t, w.AppendEntries(Entry{Index: 5, Term: 2})) // an empty no-op entry
	require.NoError(t, w.AppendHardState(HardState{Term: 2, Vote: 3, Commit: 4}))
	w.Sync()

	got, err := w.Replay()
	require.NoError(t, err)
	want := append(ents(1, 3, 1), Entry{Index: 4, Term: 2, Type: 1, Data: []byte("conf")}, Entry{Index: 5, Term: 2})
	assert.Equal(t, want, got.Entries)
	assert.Equal(t, HardState{Term: 2, Vote: 3, Commit: 4}, got.HardState)
	assert.Equal(t, SnapshotMarker{}, got.Snapshot)
	assert.Zero(t, got.TornBytes)
	assert.Equal(t, 8, got.Records, "a segment record, five entries, two hard states")

	// Replaying does not disturb writing: the next record chains on.
	require.NoError(t, w.AppendEntries(ents(6, 6, 2)...))
	got, err = w.Replay()
	require.NoError(t, err)
	assert.Len(t, got.Entries, 6)
}

// TestReplayOverwritesConflictingSuffix checks that the WAL keeps the Raft
// log's rule: an entry at an index already present replaces it and every
// entry after it (Raft §5.3).
func TestReplayOverwritesConflictingSuffix(t *testing.T) {
	w := newWAL(t, 0)
	require.NoError(t, w.AppendEntries(ents(1, 5, 1)...))
	require.NoError(t, w.AppendEntries(ents(3, 4, 2)...))
	got, err := w.Replay()
	require.NoError(t, err)
	assert.Equal(t, append(ents(1, 2, 1), ents(3, 4, 2)...), got.Entries)
}

func TestSnapshotMarkers(t *testing.T) {
	tests := []struct {
		name        string
		write       func(w *WAL) error
		wantSnap    SnapshotMarker
		wantEntries []Entry
	}{
		{"a local snapshot keeps the entries after it", func(w *WAL) error {
			if err := w.AppendEntries(ents(1, 6, 1)...); err != nil {
				return err
			}
			return w.AppendSnapshot(SnapshotMarker{Index: 4, Term: 1})
		}, SnapshotMarker{Index: 4, Term: 1}, ents(5, 6, 1)},
		{"a snapshot whose entry conflicts replaces the log", func(w *WAL) error {
			if err := w.AppendEntries(ents(1, 6, 1)...); err != nil {
				return err
			}
			return w.AppendSnapshot(SnapshotMarker{Index: 4, Term: 3})
		}, SnapshotMarker{Index: 4, Term: 3}, nil},
		{"a snapshot beyond the log replaces it", func(w *WAL) error {
			if err := w.AppendEntries(ents(1, 2, 1)...); err != nil {
				return err
			}
			if err := w.AppendSnapshot(SnapshotMarker{Index: 10, Term: 2}); err != nil {
				return err
			}
			return w.AppendEntries(ents(11, 12, 2)...)
		}, SnapshotMarker{Index: 10, Term: 2}, ents(11, 12, 2)},
		{"the latest of several snapshots wins", func(w *WAL) error {
			if err := w.AppendEntries(ents(1, 9, 1)...); err != nil {
				return err
			}
			if err := w.AppendSnapshot(SnapshotMarker{Index: 3, Term: 1}); err != nil {
				return err
			}
			return w.AppendSnapshot(SnapshotMarker{Index: 7, Term: 1})
		}, SnapshotMarker{Index: 7, Term: 1}, ents(8, 9, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWAL(t, 0)
			require.NoError(t, tt.write(w))
			got, err := w.Replay()
			require.NoError(t, err)
			assert.Equal(t, tt.wantSnap, got.Snapshot)
			assert.Equal(t, tt.wantEntries, got.Entries)
		})
	}
}

func TestInvalidRecordsAreRefused(t *testing.T) {
	snapshotAt := func(i uint64) func(w *WAL) error {
		return func(w *WAL) error { return w.AppendSnapshot(SnapshotMarker{Index: i, Term: 1}) }
	}
	tests := []struct {
		name    string
		prepare func(w *WAL) error
		bad     func(w *WAL) error
	}{
		{"entry index 0", nil, func(w *WAL) error { return w.AppendEntries(Entry{Index: 0, Term: 1}) }},
		{"gap after the last entry", nil, func(w *WAL) error { return w.AppendEntries(ents(5, 5, 1)...) }},
		{"non-consecutive batch", nil, func(w *WAL) error {
			return w.AppendEntries(Entry{Index: 4, Term: 1}, Entry{Index: 6, Term: 1})
		}},
		{"a bad batch writes none of its entries", nil, func(w *WAL) error {
			return w.Save(HardState{Term: 9}, []Entry{{Index: 4, Term: 1}, {Index: 4, Term: 1}})
		}},
		{"entry covered by a snapshot", snapshotAt(2), func(w *WAL) error { return w.AppendEntries(ents(2, 2, 1)...) }},
		{"snapshot going backwards", snapshotAt(3), snapshotAt(2)},
		{"snapshot index 0", nil, func(w *WAL) error { return w.AppendSnapshot(SnapshotMarker{}) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWAL(t, 0)
			require.NoError(t, w.AppendEntries(ents(1, 3, 1)...))
			if tt.prepare != nil {
				require.NoError(t, tt.prepare(w))
			}
			before := w.Stats()
			want, err := w.Replay()
			require.NoError(t, err)

			require.ErrorIs(t, tt.bad(w), ErrInvalidRecord)
			assert.Equal(t, before, w.Stats(), "a refused record writes nothing")
			got, err := w.Replay()
			require.NoError(t, err)
			assert.Equal(t, want, got)
		})
	}
	_, err := New(Options{SegmentBytes: -1})
	require.Error(t, err)
}

func TestCrashDropsUnsyncedTail(t *testing.T) {
	w := newWAL(t, 0)
	require.NoError(t, w.Save(HardState{Term: 1, Vote: 1, Commit: 2}, ents(1, 3, 1)))
	w.Sync()
	synced := w.Stats()
	require.NoError(t, w.Save(HardState{Term: 2, Vote: 2, Commit: 3}, ents(4, 6, 2)))
	require.NoError(t, w.AppendSnapshot(SnapshotMarker{Index: 2, Term: 1}))

	report, err := w.Crash(Fault{Mode: DropUnsynced})
	require.NoError(t, err)
	assert.Equal(t, DropUnsynced, report.Mode)
	assert.Positive(t, report.LostBytes)
	assert.False(t, report.Torn)

	_, err = w.AppendEntries(ents(4, 4, 2)...), error(nil)
	require.ErrorIs(t, w.AppendEntries(ents(4, 4, 2)...), ErrNeedsReplay, "a crashed WAL must be replayed first")
	_, err = w.Crash(Fault{})
	require.ErrorIs(t, err, ErrNeedsReplay)

	got, err := w.Replay()
	require.NoError(t, err)
	assert.Equal(t, HardState{Term: 1, Vote: 1, Commit: 2}, got.HardState)
	assert.Equal(t, ents(1, 3, 1), got.Entries)
	assert.Equal(t, SnapshotMarker{}, got.Snapshot)
	assert.Equal(t, synced.Bytes, w.Stats().Bytes)
	assert.Equal(t, synced.Records, w.Stats().Records)

	// The member carries on after the synced prefix.
	require.NoError(t, w.AppendEntries(ents(4, 4, 3)...))
	got, err = w.Replay()
	require.NoError(t, err)
	assert.Equal(t, append(ents(1, 3, 1), ents(4, 4, 3)...), got.Entries)
}

func TestTornTailIsTruncated(t *testing.T) {
	t.Run("the last unsynced record is torn, earlier unsynced ones survive", func(t *testing.T) {
		w := newWAL(t, 0)
		require.NoError(t, w.Save(HardState{Term: 1, Vote: 1}, ents(1, 2, 1)))
		w.Sync()
		require.NoError(t, w.AppendEntries(ents(3, 5, 1)...))
		lastBefore := w.Records()[w.Stats().Records-1]

		report, err := w.Crash(Fault{Mode: TearLastRecord})
		require.NoError(t, err)
		assert.True(t, report.Torn)
		assert.False(t, report.TornWasSynced)
		assert.Equal(t, lastBefore.Number, report.TornRecord)
		assert.Equal(t, lastBefore.Size/2, report.TornBytesKept)

		got, err := w.Replay()
		require.NoError(t, err)
		assert.Equal(t, lastBefore.Size/2, got.TornBytes)
		assert.Equal(t, ents(1, 4, 1), got.Entries, "entry 5 was torn; 3 and 4 reached the disk whole")
		assert.Equal(t, HardState{Term: 1, Vote: 1}, got.HardState)

		// The torn bytes are gone: new records chain after entry 4.
		require.NoError(t, w.AppendEntries(ents(5, 5, 2)...))
		w.Sync()
		got, err = w.Replay()
		require.NoError(t, err)
		assert.Zero(t, got.TornBytes)
		assert.Equal(t, append(ents(1, 4, 1), ents(5, 5, 2)...), got.Entries)
	})
	t.Run("with nothing unsynced the disk lied about the last synced record", func(t *testing.T) {
		w := newWAL(t, 0)
		require.NoError(t, w.AppendEntries(ents(1, 3, 1)...))
		require.NoError(t, w.AppendHardState(HardState{Term: 1, Commit: 3}))
		w.Sync()
		report, err := w.Crash(Fault{Mode: TearLastRecord})
		require.NoError(t, err)
		assert.True(t, report.TornWasSynced)
		got, err := w.Replay()
		require.NoError(t, err)
		assert.Equal(t, HardState{}, got.HardState, "the torn hard state is lost")
		assert.Equal(t, ents(1, 3, 1), got.Entries)
	})
	t.Run("every possible tear length", func(t *testing.T) {
		// A crash can cut the last record anywhere, even inside its header;
		// each cut must read as torn, never as corruption.
		w := newWAL(t, 0)
		require.NoError(t, w.AppendEntries(ents(1, 2, 1)...))
		w.Sync()
		require.NoError(t, w.AppendEntries(Entry{Index: 3, Term: 1, Data: []byte("abcdefgh")}))
		full := append([]byte(nil), w.data...)
		last := w.records[len(w.records)-1]
		for keep := 0; keep < last.size; keep++ {
			w2 := newWAL(t, 0)
			w2.data = append([]byte(nil), full[:last.offset+keep]...)
			w2.synced = len(w2.data)
			w2.needsReplay = true
			got, err := w2.Replay()
			require.NoError(t, err, "keep=%d", keep)
			assert.Equal(t, keep, got.TornBytes, "keep=%d", keep)
			assert.Equal(t, ents(1, 2, 1), got.Entries, "keep=%d", keep)
		}
	})
}

// TestCorruptionIsDetectedAtTheRightRecord flips every bit of the synced
// prefix in turn and checks that replay names the record holding that bit,
// and never mistakes the damage for a torn tail.
func TestCorruptionIsDetectedAtTheRightRecord(t *testing.T) {
	build := func() *WAL {
		w := newWAL(t, 96) // small segments, so segment records are hit too
		require.NoError(t, w.Save(HardState{Term: 1, Vote: 1}, ents(1, 3, 1)))
		require.NoError(t, w.AppendSnapshot(SnapshotMarker{Index: 2, Term: 1}))
		require.NoError(t, w.Save(HardState{Term: 2, Vote: 1, Commit: 3}, ents(4, 5, 2)))
		w.Sync()
		require.NoError(t, w.AppendEntries(ents(6, 7, 2)...)) // unsynced: dropped by the crash
		return w
	}
	syncedBits := uint64(build().Stats().SyncedBytes) * 8
	require.Greater(t, build().Stats().Segments, 1)
	for bit := range syncedBits {
		w := build()
		report, err := w.Crash(Fault{Mode: FlipBit, Bit: bit})
		require.NoError(t, err)
		require.Equal(t, bit, report.FlippedBit)
		before := append([]byte(nil), w.data...)
		_, err = w.Replay()
		var ce *CorruptionError
		require.ErrorAs(t, err, &ce, "bit %d", bit)
		require.ErrorIs(t, err, ErrCorrupt)
		require.Equal(t, report.FlippedRecord, ce.Record, "bit %d: %v", bit, err)
		require.Equal(t, before, w.data, "corruption is never repaired")
		require.ErrorIs(t, w.AppendEntries(ents(6, 6, 2)...), ErrNeedsReplay, "a corrupt WAL stays unusable")
	}
}

func TestCrashFaultErrors(t *testing.T) {
	w := newWAL(t, 0)
	require.NoError(t, w.AppendEntries(ents(1, 1, 1)...))
	_, err := w.Crash(Fault{Mode: FlipBit})
	require.ErrorIs(t, err, ErrNothingToCorrupt)
	_, err = w.Crash(Fault{Mode: 9})
	require.ErrorContains(t, err, "unknown crash mode 9")
	assert.False(t, w.Stats().NeedsReplay, "a refused fault changes nothing")
	assert.Equal(t, 2, w.Stats().Records)
	assert.Equal(t, "flip-bit", FlipBit.String())
	assert.Equal(t, "tear-last-record", TearLastRecord.String())
	assert.Equal(t, "drop-unsynced", DropUnsynced.String())
}

func TestStats(t *testing.T) {
	w := newWAL(t, 0)
	assert.Equal(t, Stats{}, w.Stats())
	require.NoError(t, w.AppendEntries(ents(1, 2, 1)...))
	w.Sync()
	require.NoError(t, w.AppendHardState(HardState{Term: 1}))
	s := w.Stats()
	assert.Equal(t, 4, s.Records)
	assert.Equal(t, 3, s.SyncedRecords)
	assert.Equal(t, 1, s.Segments)
	assert.Equal(t, len(w.data), s.Bytes)
	assert.Equal(t, headerSize*3+segmentSize+2*(entryFixedSize+3), s.SyncedBytes)
	assert.Equal(t, s.SyncedBytes+headerSize+hardStateSize, s.Bytes)

	recs := w.Records()
	require.Len(t, recs, 4)
	assert.Equal(t, RecordInfo{Number: 0, Type: RecordSegment, Offset: 0, Size: headerSize + segmentSize, Synced: true}, recs[0])
	assert.Equal(t, RecordEntry, recs[2].Type)
	assert.Equal(t, [2]uint64{2, 1}, [2]uint64{recs[2].Index, recs[2].Term})
	assert.Equal(t, HardState{Term: 1}, recs[3].HardState)
	assert.False(t, recs[3].Synced)
	assert.Equal(t, "hard-state", recs[3].Type.String())
}

// TestRebuiltMemberHasExactlyTheSyncedState drives a WAL through a random
// sequence of Raft-like writes, syncs, releases and crashes, and checks after
// every crash that replay returns exactly the hard state and log that were
// synced — or, after a torn write, everything written but the torn last
// record. The expected state comes from a model that applies the same writes
// to a plain slice.
func TestRebuiltMemberHasExactlyTheSyncedState(t *testing.T) {
	type model struct {
		hs   HardState
		snap SnapshotMarker
		log  []Entry // entries after snap
	}
	clone := func(m model) model { return model{hs: m.hs, snap: m.snap, log: append([]Entry(nil), m.log...)} }
	appendTo := func(m *model, batch []Entry) {
		if len(batch) > 0 {
			m.log = append(m.log[:batch[0].Index-m.snap.Index-1], batch...)
		}
	}
	for seed := uint64(1); seed <= 100; seed++ {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 0))
			w := newWAL(t, 64+rng.IntN(512))
			var cur, synced model
			// beforeLast is the state before the last write, and lastBatch
			// the entries that write appended (nil for a hard state or a
			// snapshot marker): tearing the last record undoes exactly the
			// last of them. unsynced is true while written records await a
			// Sync.
			var beforeLast model
			var lastBatch []Entry
			unsynced := false
			term := uint64(1)
			for step := range 300 {
				where := fmt.Sprintf("seed=%d step=%d", seed, step)
				switch r := rng.IntN(20); {
				case r < 9: // append a batch, possibly overwriting a suffix
					last := cur.snap.Index + uint64(len(cur.log))
					from := last + 1
					if last > cur.snap.Index && rng.IntN(4) == 0 {
						from = cur.snap.Index + 1 + uint64(rng.IntN(int(last-cur.snap.Index)))
						term++
					}
					batch := ents(from, from+uint64(rng.IntN(4)), term)
					require.NoError(t, w.AppendEntries(batch...), where)
					beforeLast, lastBatch, unsynced = clone(cur), batch, true
					appendTo(&cur, batch)
				case r < 12:
					beforeLast, lastBatch, unsynced = clone(cur), nil, true
					cur.hs = HardState{Term: term, Vote: uint64(rng.IntN(5)), Commit: uint64(rng.IntN(10))}
					require.NoError(t, w.AppendHardState(cur.hs))
				case r < 13 && len(cur.log) > 0: // snapshot at an index of the log
					e := cur.log[rng.IntN(len(cur.log))]
					m := SnapshotMarker{Index: e.Index, Term: e.Term}
					require.NoError(t, w.AppendSnapshot(m))
					beforeLast, lastBatch, unsynced = clone(cur), nil, true
					cur.log = append([]Entry(nil), cur.log[e.Index-cur.snap.Index:]...)
					cur.snap = m
				case r < 17:
					w.Sync()
					synced, unsynced = clone(cur), false
				case r < 18 && synced.snap.Index > 0:
					_, err := w.ReleaseTo(synced.snap.Index)
					require.NoError(t, err, where)
				default:
					fault, want := Fault{Mode: DropUnsynced}, synced
					if unsynced && rng.IntN(2) == 0 {
						// A torn write: every unsynced record survives but
						// the last, which is cut in half.
						fault.Mode = TearLastRecord
						want = clone(beforeLast)
						if len(lastBatch) > 0 {
							appendTo(&want, lastBatch[:len(lastBatch)-1])
						}
					}
					report, err := w.Crash(fault)
					require.NoError(t, err, where)
					require.False(t, report.TornWasSynced, where)
					got, err := w.Replay()
					require.NoError(t, err, where)
					require.Equal(t, want.hs, got.HardState, "%s %s", where, fault.Mode)
					require.Equal(t, want.snap, got.Snapshot, "%s %s", where, fault.Mode)
					require.Equal(t, len(want.log), len(got.Entries), "%s %s", where, fault.Mode)
					if len(want.log) > 0 {
						require.Equal(t, want.log, got.Entries, "%s %s", where, fault.Mode)
					}
					// What survived is on disk now: it is all durable.
					cur, synced, unsynced = clone(want), clone(want), false
				}
			}
		})
	}
}

func TestCorruptionErrorMessage(t *testing.T) {
	err := error(&CorruptionError{Record: 7, Offset: 120, Reason: CorruptChecksum, Detail: "stored 1, computed 2"})
	assert.Equal(t, "wal: record 7 at byte 120 is corrupt (checksum): stored 1, computed 2", err.Error())
	assert.True(t, errors.Is(err, ErrCorrupt))
	assert.Equal(t, "segment-link", CorruptSegmentLink.String())
}
