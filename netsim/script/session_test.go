package script

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raft-playground/playground/netsim"
)

// clusterLine is a small cluster for session tests.
const clusterLine = "cluster size=3 seed=5 prevote=on checkquorum=on"

// canonicalCluster is clusterLine in canonical form.
func canonicalCluster(t *testing.T) string {
	t.Helper()
	s, err := Parse(clusterLine)
	require.NoError(t, err)
	return s.Lines[0].Format()
}

func execAll(t *testing.T, sess *Session, lines ...string) {
	t.Helper()
	for _, l := range lines {
		_, err := sess.Exec(l)
		require.NoError(t, err, l)
	}
}

func TestSessionRecordsCanonicalLinesAndMergesRuns(t *testing.T) {
	sess := NewSession(nil)
	execAll(t, sess, clusterLine, "run 10ms")
	require.NoError(t, sess.Run(10*netsim.Millisecond))
	require.NoError(t, sess.Run(980*netsim.Millisecond))
	execAll(t, sess, "put c1 a 1   # a comment keeps its line", "run 100ms", "run 100ms")
	assert.Equal(t, canonicalCluster(t)+"\nrun 1s\nput c1 a 1  # a comment keeps its line\nrun 200ms\n", sess.Script())
	assert.Equal(t, netsim.Time(1200*netsim.Millisecond), sess.World().Now())
}

func TestSessionRefusedLinesChangeNothing(t *testing.T) {
	sess := NewSession(nil)
	_, err := sess.Exec("run 1s")
	require.Error(t, err, "nothing runs before the cluster line")
	execAll(t, sess, clusterLine, "run 500ms", "crash s2")
	before := sess.Script()
	events := len(sess.World().Events(0))

	for _, line := range []string{
		"crash s9",              // not a member (parser)
		"crash s2",              // already down (world)
		"link s1->s2 drop=150%", // out of range (parser)
		"expect leader=s2",      // a failed expectation
		"lease revoke c1 L1",    // never granted (parser)
	} {
		_, err := sess.Exec(line)
		var le *LineError
		require.ErrorAs(t, err, &le, line)
		assert.Equal(t, 4, le.Line, "the line number is the next line of the recorded script: %s", line)
	}
	assert.Equal(t, before, sess.Script(), "refused lines are not recorded")
	assert.Len(t, sess.World().Events(0), events, "refused lines add nothing to the trace")
}

func TestSessionExecReturnsWhatALinePrints(t *testing.T) {
	sess := NewSession(nil)
	execAll(t, sess, clusterLine)
	require.NoError(t, sess.RunUntilLeader(5*netsim.Second))
	out, err := sess.Exec("expect term>=2")
	require.NoError(t, err)
	assert.Equal(t, "term 2", out)
	out, err = sess.Exec("show cluster")
	require.NoError(t, err)
	assert.Contains(t, out, "leader")
	assert.Equal(t, 4, strings.Count(out, "\n"), "a header and one line per member")
}

func TestRunScriptNamesTheFailingLine(t *testing.T) {
	var trace bytes.Buffer
	_, err := RunScript(clusterLine+"\nrun until=leader max=5s\n\nexpect no-leader\nrun 1s\n", &trace)
	var le *LineError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, 4, le.Line)
	assert.Regexp(t, `^expected no leader, found s\d leads term \d+$`, le.Msg)
	assert.NotContains(t, trace.String(), "> run 1s", "the run stops at the failed expectation")
}

func TestRunScriptRefusesABadScriptBeforeRunning(t *testing.T) {
	var trace bytes.Buffer
	sess, err := RunScript(clusterLine+"\nrun 1s\nrun 1x\n", &trace)
	var le *LineError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, 3, le.Line)
	assert.Nil(t, sess)
	assert.Empty(t, trace.String(), "nothing ran")
}

// TestSessionScriptReplaysTheSession checks the promise share links rely on:
// running the recorded script gives the same world, event for event.
func TestSessionScriptReplaysTheSession(t *testing.T) {
	sess := NewSession(nil)
	execAll(t, sess, clusterLine, "run until=leader max=5s", "put c1 a 1", "crash leader")
	for i := 0; i < 50; i++ {
		require.NoError(t, sess.Run(20*netsim.Millisecond))
	}
	execAll(t, sess, "get c2 a", "run 300ms", "show cluster", "expect leader")
	replay, err := RunScript(sess.Script(), nil)
	require.NoError(t, err, sess.Script())
	assert.Equal(t, sess.World().Events(0), replay.World().Events(0))
	assert.Equal(t, sess.World().History(), replay.World().History())
}

func TestSessionSeekThenExecForks(t *testing.T) {
	sess := NewSession(nil)
	execAll(t, sess, clusterLine, "run 1s", "put c1 a 1", "run 1s", "put c1 b 2", "run 1s")
	require.NoError(t, sess.Seek(netsim.Time(1500*netsim.Millisecond)))
	full := sess.Script()
	// Looking does not fork, and is not recorded.
	_, err := sess.Exec("show cluster")
	require.NoError(t, err)
	assert.Equal(t, full, sess.Script())

	execAll(t, sess, "put c2 c 3")
	assert.Equal(t, canonicalCluster(t)+"\nrun 1s\nput c1 a 1\nrun 500ms\nput c2 c 3\n", sess.Script(),
		"the script is cut at the moment of the fork, with a run up to it")

	replay, err := RunScript(sess.Script(), nil)
	require.NoError(t, err)
	assert.Equal(t, sess.World().Now(), replay.World().Now())
	assert.Equal(t, sess.World().History(), replay.World().History())
}

func TestSessionSeekThenRunReplaysWithoutRecording(t *testing.T) {
	sess := NewSession(nil)
	execAll(t, sess, clusterLine, "run 1s", "put c1 a 1", "run 1s")
	full := sess.Script()
	require.NoError(t, sess.Seek(netsim.Time(500*netsim.Millisecond)))
	require.NoError(t, sess.Run(1*netsim.Second))
	assert.Equal(t, full, sess.Script(), "running through the recorded span adds nothing")
	require.NoError(t, sess.Run(1*netsim.Second))
	assert.Equal(t, full+"run 500ms\n", sess.Script(), "only the part beyond the recorded end is new")
}

func TestSessionSeekPastTheEndRecordsTheRun(t *testing.T) {
	sess := NewSession(nil)
	execAll(t, sess, clusterLine, "run 1s", "put c1 a 1")
	require.NoError(t, sess.Seek(netsim.Time(3*netsim.Second)))
	assert.Equal(t, canonicalCluster(t)+"\nrun 1s\nput c1 a 1\nrun 2s\n", sess.Script())
	replay, err := RunScript(sess.Script(), nil)
	require.NoError(t, err)
	assert.Equal(t, sess.World().Events(0), replay.World().Events(0))
}

func TestSessionRunUntilMessageRecordsAReplayableRun(t *testing.T) {
	sess := NewSession(nil)
	execAll(t, sess, clusterLine, "run until=leader max=5s", "run 5ms")
	quiet := 0
	for i := 0; i < 20; i++ {
		sent, err := sess.RunUntilMessage(2 * netsim.Second)
		require.NoError(t, err)
		if !sent {
			quiet++
		}
	}
	assert.Zero(t, quiet, "a cluster with a leader sends heartbeats well within 2s")
	assert.Equal(t, 3, strings.Count(sess.Script(), "\n"), "the skips coalesce into one run line after the first")
	replay, err := RunScript(sess.Script(), nil)
	require.NoError(t, err, sess.Script())
	assert.Equal(t, sess.World().Steps(), replay.World().Steps(), "the replay stops after the same event")
	assert.Equal(t, sess.World().Events(0), replay.World().Events(0))
}

func TestSessionRunUntilMessageStopsAtMax(t *testing.T) {
	sess := NewSession(nil)
	execAll(t, sess, clusterLine, "run 10ms", "isolate s1", "isolate s2", "isolate s3")
	before := sess.World().Now()
	_, err := sess.RunUntilMessage(netsim.Millisecond)
	require.NoError(t, err)
	assert.LessOrEqual(t, sess.World().Now().Sub(before), netsim.Millisecond)
	_, err = sess.RunUntilMessage(0)
	require.Error(t, err)
}

// TestExpectLogSeesTheWholeLog checks `expect log` on a log longer than the
// UI view shows.
func TestExpectLogSeesTheWholeLog(t *testing.T) {
	sess := NewSession(nil)
	execAll(t, sess, "cluster size=3 seed=2 prevote=off checkquorum=off", "run 10ms", "timeout s1", "run until=leader max=2s", "expect leader=s1")
	terms := []string{"1", "1", "1", "2"}
	for i := 0; i < 80; i++ {
		execAll(t, sess, "put c1 k v")
		terms = append(terms, "2")
	}
	execAll(t, sess, "run 10s", "expect committed>=84 on=all")
	out, err := sess.Exec("expect log terms=" + strings.Join(terms, ",") + " on=s2")
	require.NoError(t, err)
	assert.Contains(t, out, "s2 has terms 1,1,1,2,2")
}
