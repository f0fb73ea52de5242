package wal

import (
	"fmt"
	"testing"
)

// BenchmarkSaveAndSync measures persisting one Ready: a batch of entries of
// 64 bytes and a hard state, then a sync, with a snapshot and release every
// 1,000 entries so the WAL stays bounded as it does in a member.
func BenchmarkSaveAndSync(b *testing.B) {
	for _, batch := range []int{1, 16} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			w, err := New(Options{})
			if err != nil {
				b.Fatal(err)
			}
			data := make([]byte, 64)
			ents := make([]Entry, batch)
			next := uint64(1)
			b.ReportAllocs()
			for b.Loop() {
				for i := range ents {
					ents[i] = Entry{Index: next, Term: 1, Data: data}
					next++
				}
				if err := w.Save(HardState{Term: 1, Vote: 1, Commit: next - 1}, ents); err != nil {
					b.Fatal(err)
				}
				w.Sync()
				if next%1000 < uint64(batch) {
					if err := w.AppendSnapshot(SnapshotMarker{Index: next - 1, Term: 1}); err != nil {
						b.Fatal(err)
					}
					w.Sync()
					if _, err := w.ReleaseTo(next - 1); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkReplay measures rebuilding a member from a WAL of 10,000 entries.
func BenchmarkReplay(b *testing.B) {
	w, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	data := make([]byte, 64)
	for i := uint64(1); i <= 10000; i++ {
		if err := w.Save(HardState{Term: 1, Vote: 1, Commit: i}, []Entry{{Index: i, Term: 1, Data: data}}); err != nil {
			b.Fatal(err)
		}
	}
	w.Sync()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := w.Replay(); err != nil {
			b.Fatal(err)
		}
	}
}
