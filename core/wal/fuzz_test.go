package wal

import (
	"errors"
	"testing"
)

// FuzzReplayArbitraryBytes feeds Replay streams that start as a valid WAL and
// are then damaged arbitrarily. Whatever the bytes, Replay must not panic: it
// either reports a *CorruptionError, leaving the bytes untouched, or returns a
// consistent log and keeps accepting writes.
func FuzzReplayArbitraryBytes(f *testing.F) {
	w, err := New(Options{SegmentBytes: 128})
	if err != nil {
		f.Fatal(err)
	}
	if err := w.Save(HardState{Term: 1, Vote: 1, Commit: 2}, ents(1, 4, 1)); err != nil {
		f.Fatal(err)
	}
	if err := w.AppendSnapshot(SnapshotMarker{Index: 2, Term: 1}); err != nil {
		f.Fatal(err)
	}
	if err := w.AppendEntries(ents(3, 6, 2)...); err != nil {
		f.Fatal(err)
	}
	valid := append([]byte(nil), w.data...)
	f.Add(valid, uint16(0), byte(0), uint16(len(valid)))
	f.Add(valid, uint16(20), byte(0xff), uint16(len(valid)))
	f.Add(valid, uint16(3), byte(1), uint16(len(valid)-7))
	f.Fuzz(func(t *testing.T, data []byte, at uint16, xor byte, keep uint16) {
		data = append([]byte(nil), data...)
		if len(data) > 0 {
			data[int(at)%len(data)] ^= xor
		}
		data = data[:min(int(keep), len(data))]
		w, err := New(Options{SegmentBytes: 128})
		if err != nil {
			t.Fatal(err)
		}
		w.data = append([]byte(nil), data...)
		w.synced = len(w.data)
		w.needsReplay = true

		got, err := w.Replay()
		if err != nil {
			var ce *CorruptionError
			if !errors.As(err, &ce) {
				t.Fatalf("replay failed without a CorruptionError: %v", err)
			}
			if string(w.data) != string(data) {
				t.Fatal("a corrupt WAL was modified")
			}
			return
		}
		for i := 1; i < len(got.Entries); i++ {
			if got.Entries[i].Index != got.Entries[i-1].Index+1 {
				t.Fatalf("replayed entries are not consecutive: %d after %d", got.Entries[i].Index, got.Entries[i-1].Index)
			}
		}
		if len(got.Entries) > 0 && got.Snapshot.Index > 0 && got.Entries[0].Index != got.Snapshot.Index+1 {
			t.Fatalf("entries start at %d after a snapshot at %d", got.Entries[0].Index, got.Snapshot.Index)
		}
		next := got.Snapshot.Index + uint64(len(got.Entries)) + 1
		if len(got.Entries) > 0 {
			next = got.Entries[len(got.Entries)-1].Index + 1
		}
		if err := w.AppendEntries(Entry{Index: next, Term: 9}); err != nil {
			t.Fatalf("appending after a successful replay: %v", err)
		}
		w.Sync()
		if _, err := w.Replay(); err != nil {
			t.Fatalf("replaying what was just written: %v", err)
		}
	})
}
