package netsim

import (
	"strconv"
	"testing"
)

// hourWorlds caches the hour-long sessions BenchmarkSeekAfterAnHour seeks
// in, by load: building one takes a while.
var hourWorlds = map[bool]*World{}

// browserHour is a page's session after a virtual hour: BrowserConfig, five
// members, and with puts set a client writing five times a second.
func browserHour(b *testing.B, puts bool) *World {
	if w, ok := hourWorlds[puts]; ok {
		return w
	}
	cfg := BrowserConfig()
	cfg.Seed = 7
	w, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; w.Now() < Time(60*Minute); i++ {
		if puts && len(w.PendingOps("c1")) == 0 {
			if _, err := w.Put("c1", "k"+strconv.Itoa(i%10), "v"+strconv.Itoa(i), ""); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.RunFor(200 * Millisecond); err != nil {
			b.Fatal(err)
		}
	}
	hourWorlds[puts] = w
	return w
}

// widestGap returns the moment just before the checkpoint that ends the
// widest gap between two kept checkpoints: the seek that replays the most.
func widestGap(w *World) Time {
	cps := w.tl.checkpoints
	var at Time
	var widest Duration
	for i := 1; i < len(cps); i++ {
		if gap := cps[i].at.Sub(cps[i-1].at); gap > widest {
			widest, at = gap, cps[i].at.Add(-Millisecond)
		}
	}
	return at
}

// BenchmarkSeekAfterAnHour seeks from the end of an hour-long page session
// (checkpoints thinned) to moments at various distances back, as a learner
// dragging the timeline does; after each seek the world returns to the end
// (not timed). It reports the checkpoints held and how much virtual time the
// seek replayed.
func BenchmarkSeekAfterAnHour(b *testing.B) {
	for _, load := range []struct {
		name string
		puts bool
	}{{"idle", false}, {"puts", true}} {
		targets := []struct {
			name string
			at   func(w *World) Time
		}{
			{"3s-back", func(w *World) Time { return w.Now().Add(-3 * Second) }},
			{"1m-back", func(w *World) Time { return w.Now().Add(-Minute) }},
			{"5m-back", func(w *World) Time { return w.Now().Add(-5 * Minute) }},
			{"30m-back", func(w *World) Time { return w.Now().Add(-30*Minute + 1234) }},
			{"near-start", func(*World) Time { return Time(90*Second + 4321) }},
			{"widest-gap", widestGap},
		}
		for _, target := range targets {
			b.Run(load.name+"/"+target.name, func(b *testing.B) {
				w := browserHour(b, load.puts)
				end := w.Now()
				to := target.at(w)
				var from Time
				for i := range w.tl.checkpoints {
					if w.tl.checkpoints[i].at <= to {
						from = w.tl.checkpoints[i].at
					}
				}
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if err := w.Seek(to); err != nil {
						b.Fatal(err)
					}
					b.StopTimer()
					if err := w.Seek(end); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
				b.ReportMetric(float64(len(w.tl.checkpoints)), "checkpoints")
				b.ReportMetric(float64(to.Sub(from))/float64(Second), "replayed-virtual-s")
			})
		}
	}
}
