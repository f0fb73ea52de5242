package netsim

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"
)

// steadyLoad drives three clients until virtual time end: every 100 ms each
// idle client puts or reads one of ten keys, and once a virtual minute c1
// compacts the history older than 100 revisions, as etcd's periodic
// auto-compaction would.
func steadyLoad(tb testing.TB, w *World, end Time) {
	clients := []string{"c1", "c2", "c3"}
	var compacted int64
	for i := 0; w.Now() < end; i++ {
		if err := w.RunFor(100 * Millisecond); err != nil {
			tb.Fatal(err)
		}
		if i%600 == 599 && len(w.PendingOps("c1")) == 0 {
			if lead, err := w.Leader(); err == nil {
				if rev := w.nodes[lead].m.Store().Rev() - 100; rev > compacted {
					if _, err := w.Compact("c1", rev); err != nil {
						tb.Fatal(err)
					}
					compacted = rev
				}
			}
		}
		for j, c := range clients {
			if len(w.PendingOps(c)) > 0 {
				continue
			}
			key := "k" + strconv.Itoa((i+j)%10)
			var err error
			if (i+j)%3 == 0 {
				_, err = w.Get(c, GetOptions{Key: key})
			} else {
				_, err = w.Put(c, key, strconv.Itoa(i), "")
			}
			if err != nil {
				tb.Fatal(err)
			}
		}
	}
}

// BenchmarkVirtualHour runs five members under steady client load for one
// virtual hour per iteration and reports events per wall second, the
// virtual-to-wall speed-up and the history's size per virtual minute.
func BenchmarkVirtualHour(b *testing.B) { benchmarkLoad(b, time.Hour) }

// BenchmarkVirtualMinute is BenchmarkVirtualHour for one virtual minute:
// short enough to compare native and WebAssembly builds.
func BenchmarkVirtualMinute(b *testing.B) { benchmarkLoad(b, time.Minute) }

func benchmarkLoad(b *testing.B, length time.Duration) {
	for b.Loop() {
		cfg := DefaultConfig()
		cfg.CheckpointEvery = 0
		cfg.SnapshotEvery = 1000
		cfg.TraceKeep = Minute
		w, err := New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		steadyLoad(b, w, Time(length/time.Microsecond))
		wall := time.Since(start).Seconds()
		virtual := length.Seconds()
		hist, err := json.Marshal(w.History())
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(w.Steps())/wall, "events/s")
		b.ReportMetric(virtual/wall, "virtual-s/wall-s")
		b.ReportMetric(float64(len(hist))/(virtual/60), "history-B/virtual-min")
		b.ReportMetric(float64(len(w.History())), "ops")
		b.ReportMetric(float64(w.nRecords), "records")
	}
}

// BenchmarkSeek seeks to moments spread over a ten-minute session with
// client load, as a learner dragging the timeline does.
func BenchmarkSeek(b *testing.B) {
	cfg := DefaultConfig()
	cfg.SnapshotEvery = 1000
	w, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	end := Time(10 * Minute)
	steadyLoad(b, w, end)
	// The targets include the worst case, just before a checkpoint is due,
	// when a whole checkpoint interval must be replayed.
	targets := []Time{Time(9*Minute + 59*Second), Time(37 * Second), Time(5*Minute + 4321), Time(2*Minute + 2*Second + 999), end,
		Time(4*Minute + 59*Second + 990*Millisecond)}
	i := 0
	for b.Loop() {
		if err := w.Seek(targets[i%len(targets)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkCheckpoint copies the world of a ten-minute session, as every
// checkpoint and every rewind does.
func BenchmarkCheckpoint(b *testing.B) {
	cfg := DefaultConfig()
	cfg.SnapshotEvery = 1000
	cfg.CheckpointEvery = 0
	w, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	steadyLoad(b, w, Time(10*Minute))
	b.ResetTimer()
	for b.Loop() {
		snapshotWorld(w)
	}
}
