package script

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raft-playground/playground/kvstate"
	"github.com/raft-playground/playground/netsim"
)

func TestParseClusterAutoCompact(t *testing.T) {
	def := netsim.DefaultConfig()
	tests := []struct {
		name      string
		line      string
		retention int64
		every     netsim.Duration
		format    string // the auto-compaction part of the canonical line
	}{
		{"off unless asked", "cluster", 0, def.AutoCompactEvery, ""},
		{"stated off stays stated", "cluster auto-compact=off", 0, def.AutoCompactEvery, " auto-compact=off"},
		{"on with the default interval", "cluster auto-compact=1000", 1000, netsim.Minute, " auto-compact=1000 auto-compact-every=60s"},
		{"on with its own interval", "cluster auto-compact=20 auto-compact-every=500ms", 20, 500 * netsim.Millisecond, " auto-compact=20 auto-compact-every=500ms"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse(tc.line + "\n")
			require.NoError(t, err)
			c := s.Lines[0].Cmd.(*Cluster)
			assert.Equal(t, tc.retention, c.Config.AutoCompactRetention)
			assert.Equal(t, tc.every, c.Config.AutoCompactEvery)
			canonical := c.Format()
			assert.Equal(t, tc.format, canonical[len(canonical)-len(tc.format):])
			if tc.format == "" {
				assert.NotContains(t, canonical, "auto-compact", "scripts that never mention it format as before")
			}
			again, err := Parse(canonical + "\n")
			require.NoError(t, err)
			assert.Equal(t, c, again.Lines[0].Cmd, "the canonical line parses to the same command")
			assert.Equal(t, canonical, again.Lines[0].Format(), "the canonical line is a fixed point")
		})
	}
}

func TestParseClusterAutoCompactErrors(t *testing.T) {
	tests := []struct {
		name, line string
		col        int
		message    string
	}{
		{"on is not a retention", "cluster auto-compact=on", 22, "auto-compact must be off or a number of revisions"},
		{"zero revisions", "cluster auto-compact=0", 22, "at least 1"},
		{"negative", "cluster auto-compact=-5", 22, "auto-compact must be off or a number"},
		{"too large", "cluster auto-compact=5000000000", 22, "too large"},
		{"interval not whole ticks", "cluster auto-compact=10 auto-compact-every=15ms", 44, "not a positive whole number of 10ms ticks"},
		{"interval zero", "cluster auto-compact=10 auto-compact-every=0s", 44, "positive whole number"},
		{"interval not a duration", "cluster auto-compact=10 auto-compact-every=soon", 44, "auto-compact-every"},
		{"interval without auto-compaction", "cluster auto-compact-every=30s", 28, "auto-compaction is off"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.line + "\n")
			var le *LineError
			require.ErrorAs(t, err, &le)
			assert.Equal(t, 1, le.Line)
			assert.Equal(t, tc.col, le.Col, "column (message: %s)", le.Msg)
			assert.Contains(t, le.Msg, tc.message)
		})
	}
}

func TestBrowserSessionsAutoCompactAndSayWhereTheyStand(t *testing.T) {
	base := netsim.BrowserConfig()
	tests := []struct {
		name, line string
		retention  int64
		recorded   string
	}{
		{"the page's cluster takes the base's auto-compaction", "cluster size=5 seed=7", base.AutoCompactRetention,
			" auto-compact=" + strconv.FormatInt(base.AutoCompactRetention, 10) + " auto-compact-every=" + base.AutoCompactEvery.String()},
		{"a script's own off wins", "cluster size=5 seed=7 auto-compact=off", 0, " auto-compact=off"},
		{"a script's own retention wins", "cluster size=5 seed=7 auto-compact=30", 30, " auto-compact=30 auto-compact-every=" + base.AutoCompactEvery.String()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sess, err := RunScriptFrom(tc.line+"\n", nil, base)
			require.NoError(t, err)
			assert.Equal(t, tc.retention, sess.World().Config().AutoCompactRetention)
			assert.Contains(t, sess.Script(), tc.recorded+"\n", "the recorded script states it")
			replay, err := RunScript(sess.Script(), nil)
			require.NoError(t, err)
			assert.Equal(t, tc.retention, replay.World().Config().AutoCompactRetention, "the CLI replays it the same")
		})
	}
}

func TestAutoCompactedSessionReplaysTheSame(t *testing.T) {
	// A short interval and retention so the leader compacts several times,
	// across a leader crash; the recorded script replays byte for byte from
	// either base, and the watch and linearizability checks pass.
	sess, err := RunScriptFrom("cluster size=3 seed=5 auto-compact=40 auto-compact-every=1s\nrun until=leader max=5s\nwatch c2 k prefix\n", nil, netsim.BrowserConfig())
	require.NoError(t, err)
	var crashed uint64
	for i := range 300 {
		if i == 150 {
			crashed, err = sess.World().Leader()
			require.NoError(t, err)
			_, err = sess.Exec("crash " + netsim.MemberName(crashed))
			require.NoError(t, err)
		}
		if i == 200 {
			_, err = sess.Exec("restart " + netsim.MemberName(crashed))
			require.NoError(t, err)
		}
		if len(sess.World().PendingOps("c1")) == 0 {
			_, err := sess.Exec("put c1 k" + strconv.Itoa(i%5) + " v" + strconv.Itoa(i))
			require.NoError(t, err)
		}
		require.NoError(t, sess.Run(50*netsim.Millisecond))
	}
	require.NoError(t, sess.Run(3*netsim.Second))
	for _, check := range []string{"check linearizable", "check watches", "check safety"} {
		_, err := sess.Exec(check)
		require.NoError(t, err, check)
	}

	var a, b bytes.Buffer
	_, err = RunScript(sess.Script(), &a)
	require.NoError(t, err)
	_, err = RunScriptFrom(sess.Script(), &b, netsim.DefaultConfig())
	require.NoError(t, err)
	assert.Equal(t, a.String(), b.String())
	assert.Contains(t, a.String(), ", the leader, proposes compacting the store at revision ")
}

func TestAWatchFromAnAutoCompactedRevisionIsCanceledAsCompacted(t *testing.T) {
	// Scenario 33: s1 auto-compacts at revision 8, then c2 watches k from
	// revision 2. As in etcd, the watch is created and then canceled with
	// the compacted error and the compaction's revision, so the client knows
	// to read the state at that revision and watch again after it.
	text, err := os.ReadFile(filepath.Join("..", "testdata", "33-auto-compaction.txt"))
	require.NoError(t, err)
	sess, err := RunScript(string(text), nil)
	require.NoError(t, err)
	var got []kvstate.WatchResponse
	for _, d := range sess.World().WatchDeliveries() {
		if d.Client == "c2" {
			assert.Equal(t, int64(2), d.StartRev)
			got = append(got, d.Response)
		}
	}
	require.Len(t, got, 2)
	assert.True(t, got[0].Created)
	assert.True(t, got[1].Canceled)
	assert.ErrorIs(t, got[1].Err, kvstate.ErrCompacted)
	assert.Equal(t, int64(8), got[1].CompactRevision)
}
