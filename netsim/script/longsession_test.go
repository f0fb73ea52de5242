package script

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"testing"
	"time"

	"github.com/raft-playground/playground/netsim"
)

// frameUs is one animation frame at 60 frames per second, played at 1×
// speed: the page runs this much virtual time per frame.
const frameUs = 16667

// browserSession plays what the page does while a learner leaves it running:
// it creates the cluster the page creates (`cluster size=5 seed=7`), then
// every frame runs frameUs of virtual time, reads the view and the events
// after its cursor, and every two seconds the script. With puts set, a
// learner (or a load button) also writes five times a virtual second.
type browserSession struct {
	sess   *Session
	cursor int
	frames int
	puts   bool
	// dropped counts events the feed reported as gone before they were read.
	dropped int
}

func newBrowserSession(tb testing.TB, create func(string) (*Session, error), puts bool) *browserSession {
	tb.Helper()
	sess, err := create("cluster size=5 seed=7\n")
	if err != nil {
		tb.Fatal(err)
	}
	return &browserSession{sess: sess, puts: puts}
}

// playTo runs frames until virtual time end.
func (b *browserSession) playTo(tb testing.TB, end netsim.Time) {
	tb.Helper()
	for b.sess.World().Now() < end {
		w := b.sess.World()
		if b.puts && b.frames%12 == 0 && len(w.PendingOps("c1")) == 0 {
			line := "put c1 k" + strconv.Itoa(b.frames%10) + " v" + strconv.Itoa(b.frames)
			if _, err := b.sess.Exec(line); err != nil {
				tb.Fatal(err)
			}
		}
		if err := b.sess.Run(frameUs); err != nil {
			tb.Fatal(err)
		}
		_ = w.View(0)
		b.readEvents()
		if b.frames%120 == 0 {
			_ = b.sess.Script()
		}
		b.frames++
	}
}

// readEvents reads the feed after the cursor as the page does.
func (b *browserSession) readEvents() {
	w := b.sess.World()
	fp := w.Footprint()
	if first := fp.TraceTotal - fp.TraceRecords; b.cursor < first {
		b.dropped += first - b.cursor
		b.cursor = first
	}
	feed := w.Feed(b.cursor, netsim.English)
	if len(feed) > 0 {
		b.cursor = feed[len(feed)-1].Seq
	}
}

// heapInuseMB is the heap in use after a full collection, in MB.
func heapInuseMB() float64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapInuse) / (1 << 20)
}

// footprintLine describes a session's memory for a benchmark's log.
func footprintLine(at netsim.Time, heapMB float64, fp netsim.Footprint, wall time.Duration) string {
	return fmt.Sprintf("at %s: heap in use %.1f MB, %d checkpoints, log %d entries, WAL %d records (%d KB), trace %d of %d records held, %d history events, wall %s",
		at, heapMB, fp.Checkpoints, fp.LogEntries, fp.WALRecords, fp.WALBytes/1024, fp.TraceRecords, fp.TraceTotal, fp.HistoryEvents, wall.Round(time.Millisecond))
}

// BenchmarkLongBrowserSession plays the page's default session for 10 and
// 60 virtual minutes, idle and with a client writing, and reports the heap in
// use (after a collection), the checkpoints, the longest log and the trace.
// Run it with -benchtime=1x; it takes a while.
//
// The "browser" sessions start from netsim.BrowserConfig, as the page's
// create does; the "unbounded" ones from the old settings (no snapshots, the
// whole trace, every checkpoint), for comparison: unbounded/puts/60m needs
// tens of GB.
func BenchmarkLongBrowserSession(b *testing.B) {
	unbounded := netsim.DefaultConfig()
	unbounded.CheckpointDense = 0
	for _, cfg := range []struct {
		name string
		base netsim.Config
	}{{"browser", netsim.BrowserConfig()}, {"unbounded", unbounded}} {
		for _, load := range []struct {
			name string
			puts bool
		}{{"idle", false}, {"puts", true}} {
			for _, minutes := range []int{10, 60} {
				b.Run(fmt.Sprintf("%s/%s/%dm", cfg.name, load.name, minutes), func(b *testing.B) {
					benchmarkLongSession(b, cfg.base, load.puts, minutes)
				})
			}
		}
	}
}

func benchmarkLongSession(b *testing.B, cfg netsim.Config, puts bool, minutes int) {
	for b.Loop() {
		base := heapInuseMB()
		start := time.Now()
		s := newBrowserSession(b, func(text string) (*Session, error) { return RunScriptFrom(text, nil, cfg) }, puts)
		s.playTo(b, netsim.Time(minutes)*netsim.Time(netsim.Minute))
		wall := time.Since(start)
		heap := heapInuseMB() - base
		fp := s.sess.World().Footprint()
		b.Log(footprintLine(s.sess.World().Now(), heap, fp, wall))
		if path := os.Getenv("LONGSESSION_HEAPPROFILE"); path != "" {
			writeHeapProfile(b, path)
		}
		b.ReportMetric(heap, "heap-MB")
		b.ReportMetric(float64(fp.Checkpoints), "checkpoints")
		b.ReportMetric(float64(fp.LogEntries), "log-entries")
		b.ReportMetric(float64(fp.TraceRecords), "trace-held")
		b.ReportMetric(float64(fp.TraceTotal), "trace-total")
		runtime.KeepAlive(s)
	}
}

// writeHeapProfile saves a heap profile while the session is still alive.
func writeHeapProfile(tb testing.TB, path string) {
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if err := pprof.WriteHeapProfile(f); err != nil {
		tb.Fatal(err)
	}
}
