package script

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/raft-playground/playground/netsim"
)

// BenchmarkParseScenarios parses every scenario script: the cost of opening
// a share link or a lesson before anything runs.
func BenchmarkParseScenarios(b *testing.B) {
	files, err := filepath.Glob(filepath.Join(scenarioDir, "*.txt"))
	if err != nil || len(files) == 0 {
		b.Fatal("no scenarios", err)
	}
	var texts []string
	lines := 0
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		texts = append(texts, string(text))
		s, err := Parse(string(text))
		if err != nil {
			b.Fatal(err)
		}
		lines += len(s.Lines)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, text := range texts {
			if _, err := Parse(text); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*lines), "ns/line")
}

// BenchmarkSessionFrame is what the browser does every animation frame: let
// 16ms of virtual time pass in a five-member cluster with a client writing,
// through Session.Run (which records the run). It measures the session's
// overhead on top of the world.
func BenchmarkSessionFrame(b *testing.B) {
	sess := NewSession(nil)
	for _, line := range []string{"cluster size=5 seed=1", "run until=leader max=5s"} {
		if _, err := sess.Exec(line); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%10 == 0 {
			if _, err := sess.Exec("put c1 k v"); err != nil {
				b.Fatal(err)
			}
		}
		if err := sess.Run(16 * netsim.Millisecond); err != nil {
			b.Fatal(err)
		}
	}
}
