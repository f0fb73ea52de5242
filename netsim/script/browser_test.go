package script

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raft-playground/playground/netsim"
)

func TestRunScriptFromTakesUnsetOptionsFromTheBase(t *testing.T) {
	base := netsim.BrowserConfig()
	tests := []struct {
		name, script  string
		snapshotEvery uint64
	}{
		{"the base's snapshots", "cluster size=5 seed=7", base.SnapshotEvery},
		{"the script's own choice wins", "cluster size=5 seed=7 snapshot-every=0", 0},
		{"another value", "cluster snapshot-every=40", 40},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sess, err := RunScriptFrom(tc.script+"\n", nil, base)
			require.NoError(t, err)
			cfg := sess.World().Config()
			assert.Equal(t, tc.snapshotEvery, cfg.SnapshotEvery)
			assert.Equal(t, base.TraceKeep, cfg.TraceKeep, "settings no option reaches come from the base")
			assert.Equal(t, base.CheckpointDense, cfg.CheckpointDense)
			assert.Contains(t, sess.Script(), "snapshot-every="+strconv.FormatUint(tc.snapshotEvery, 10)+" ", "the recorded script states the value used")
		})
	}
	plain, err := RunScript("cluster size=5 seed=7\n", nil)
	require.NoError(t, err)
	assert.Equal(t, netsim.DefaultConfig().SnapshotEvery, plain.World().Config().SnapshotEvery, "scripts and goldens keep DefaultConfig")
}

// The browser's compaction interval is a minute; a cluster whose tick does
// not divide it still loads, with the interval rounded to whole ticks, and
// an interval the line states is still checked.
func TestTheBaseCompactionIntervalFitsAnyTick(t *testing.T) {
	tests := []struct {
		name, line string
		every      netsim.Duration
		wantErr    string
	}{
		{"a tick that divides a minute", "cluster size=3", netsim.Minute, ""},
		{"a 7 ms tick", "cluster size=3 tick=7ms election=140ms..280ms heartbeat=35ms", 8571 * 7 * netsim.Millisecond, ""},
		{"a stated interval is checked", "cluster size=3 tick=7ms election=140ms..280ms heartbeat=35ms auto-compact=10 auto-compact-every=1s", 0, "not a positive whole number of 7ms ticks"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sess, err := RunScriptFrom(tc.line+"\n", nil, netsim.BrowserConfig())
			if tc.wantErr != "" {
				assert.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.every, sess.World().Config().AutoCompactEvery)
		})
	}
}

func TestABrowserSessionReplaysTheSameFromItsScript(t *testing.T) {
	// A share link is the recorded script; whoever runs it (the CLI from
	// DefaultConfig, a page from BrowserConfig) sees the same story.
	sess, err := RunScriptFrom("cluster size=5 seed=3\n", nil, netsim.BrowserConfig())
	require.NoError(t, err)
	for i := range 150 {
		_, err := sess.Exec("put c1 k" + strconv.Itoa(i%7) + " v" + strconv.Itoa(i))
		require.NoError(t, err)
		require.NoError(t, sess.Run(60*netsim.Millisecond))
	}
	require.NoError(t, sess.Run(2*netsim.Second))
	fp := sess.World().Footprint()
	assert.LessOrEqual(t, fp.LogEntries, 110, "members compacted their logs")

	var a, b bytes.Buffer
	replay, err := RunScript(sess.Script(), &a)
	require.NoError(t, err)
	again, err := RunScriptFrom(sess.Script(), &b, netsim.BrowserConfig())
	require.NoError(t, err)
	assert.Equal(t, a.String(), b.String(), "the trace does not depend on the base")
	assert.Equal(t, viewOf(t, sess.World()), viewOf(t, replay.World()))
	assert.Equal(t, viewOf(t, sess.World()), viewOf(t, again.World()))
	assert.Contains(t, a.String(), "snapshot", "the snapshots are part of the story")
}

func viewOf(t *testing.T, w *netsim.World) string {
	t.Helper()
	b, err := json.Marshal(w.View(1))
	require.NoError(t, err)
	return string(b)
}

func TestLongBrowserSessionStaysBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("plays six virtual minutes")
	}
	s := newBrowserSession(t, func(text string) (*Session, error) { return RunScriptFrom(text, nil, netsim.BrowserConfig()) }, true)
	s.playTo(t, netsim.Time(6*netsim.Minute))
	w := s.sess.World()
	fp := w.Footprint()
	assert.LessOrEqual(t, fp.LogEntries, 110, "logs are compacted")
	assert.Less(t, fp.TraceRecords, fp.TraceTotal, "the trace is a window")
	dropped, total := w.EventWindow()
	assert.Equal(t, fp.TraceTotal-fp.TraceRecords, dropped)
	assert.Equal(t, total, s.cursor, "the reader kept up")
	// 72 checkpoint intervals: 24 dense, then every second one, and the start.
	assert.LessOrEqual(t, fp.Checkpoints, 50, "checkpoints are thinned")
	assert.False(t, strings.Contains(s.sess.Script(), "snapshot-every=0 "))
}
