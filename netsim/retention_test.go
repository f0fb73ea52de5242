package netsim

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBrowserConfigBoundsWhatASessionKeeps(t *testing.T) {
	cfg := BrowserConfig()
	require.NoError(t, cfg.Validate())
	assert.Positive(t, cfg.SnapshotEvery, "members compact their logs")
	assert.Less(t, cfg.SnapshotCatchUp, cfg.SnapshotEvery)
	assert.Positive(t, cfg.TraceKeep, "the trace is a window")
	assert.Positive(t, cfg.CheckpointEvery, "the page can rewind")
	assert.Positive(t, cfg.CheckpointDense, "checkpoints are thinned")
	def := DefaultConfig()
	def.SnapshotEvery, def.TraceKeep = cfg.SnapshotEvery, cfg.TraceKeep
	assert.Equal(t, def, cfg, "only retention differs from DefaultConfig")
}

func TestEventWindow(t *testing.T) {
	w := newWorld(t, func(c *Config) { c.TraceKeep = 5 * Second; c.CheckpointEvery = Second })
	steadyLoad(t, w, Time(40*Second))
	dropped, total := w.EventWindow()
	require.Positive(t, dropped, "old records were dropped")
	assert.Equal(t, w.View(0).Events, total, "total is the view's event count")
	recs := w.Events(0)
	require.NotEmpty(t, recs)
	assert.Equal(t, dropped+1, recs[0].Seq, "the window starts right after the dropped records")
	assert.Equal(t, total, recs[len(recs)-1].Seq)
	assert.Equal(t, recs, w.Events(dropped-100), "a cursor before the window gets what is kept")
	fp := w.Footprint()
	assert.Equal(t, total, fp.TraceTotal)
	assert.Equal(t, total-dropped, fp.TraceRecords)

	// Rewound to before the window, the world holds none of its own
	// records, and says so.
	require.NoError(t, w.Seek(Time(2*Second)))
	dropped, total = w.EventWindow()
	assert.Equal(t, dropped, total)
	assert.Empty(t, w.Events(0))
	// Back at the end, the window is what it was.
	require.NoError(t, w.Seek(Time(40*Second)))
	d2, t2 := w.EventWindow()
	assert.Equal(t, recs[0].Seq-1, d2)
	assert.Equal(t, recs[len(recs)-1].Seq, t2)
}
