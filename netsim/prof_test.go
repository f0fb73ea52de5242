package netsim

import (
	"testing"
	"time"
)

func TestProfMinute(t *testing.T) {
	cfg := DefaultConfig()
	cfg.CheckpointEvery = 0
	w, _ := New(cfg)
	start := time.Now()
	steadyLoad(t, w, Time(Minute))
	t.Logf("1 virtual minute: %v wall, %d steps, %d records, %d ops", time.Since(start), w.Steps(), len(w.Events(0)), len(w.History()))
}
