package netsim

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// scenarioStep is an action at a virtual time.
type scenarioStep struct {
	at Time
	do func(w *World) error
}

// busyScenario exercises every kind of event: elections, client writes and
// reads, a crash and restart, a partition and heal, a lossy link, a lease
// with keep-alive, a lock and a watch.
func busyScenario() []scenarioStep {
	ignore := func(_ int, err error) error { return err }
	return []scenarioStep{
		{1 * Time(Second), func(w *World) error { return ignore(w.Watch("c3", "k", true, 0)) }},
		{1 * Time(Second), func(w *World) error { return ignore(w.Put("c1", "k1", "a", "")) }},
		{1200 * Time(Millisecond), func(w *World) error { return ignore(w.LeaseGrant("c2", "L1", 3*Second)) }},
		{1500 * Time(Millisecond), func(w *World) error { return ignore(w.LeaseKeepAlive("c2", "L1", false)) }},
		{2 * Time(Second), func(w *World) error { return ignore(w.Lock("c2", "m", 2*Second)) }},
		{2 * Time(Second), func(w *World) error {
			return w.SetLink(2, 3, LinkSettings{LatencyMin: Millisecond, LatencyMax: 40 * Millisecond, DropPercent: 20, DuplicatePercent: 10, ReorderPercent: 30})
		}},
		{3 * Time(Second), func(w *World) error { l, _ := w.Leader(); return w.Crash(l, CrashLoseUnsynced) }},
		{3500 * Time(Millisecond), func(w *World) error { return ignore(w.Put("c1", "k2", "b", "")) }},
		{5 * Time(Second), func(w *World) error { return w.Partition([][]uint64{{1, 2}, {3, 4, 5}}) }},
		{6 * Time(Second), func(w *World) error { return ignore(w.Get("c1", GetOptions{Key: "k", Prefix: true})) }},
		{8 * Time(Second), func(w *World) error { w.Heal(); return nil }},
		{9 * Time(Second), func(w *World) error {
			for _, id := range w.Members() {
				if w.nodes[id].state == StateCrashed {
					return w.Restart(id)
				}
			}
			return nil
		}},
		{10 * Time(Second), func(w *World) error { return w.CrashClient("c2") }},
		{11 * Time(Second), func(w *World) error { return ignore(w.Put("c3", "k3", "c", "")) }},
	}
}

// play runs a scenario up to end and returns the world.
func play(t *testing.T, cfg Config, steps []scenarioStep, end Time) *World {
	t.Helper()
	w, err := New(cfg)
	require.NoError(t, err)
	for _, s := range steps {
		require.NoError(t, w.RunFor(s.at.Sub(w.Now())))
		require.NoError(t, s.do(w))
	}
	require.NoError(t, w.RunFor(end.Sub(w.Now())))
	return w
}

// traceHash renders the whole trace in English and hashes it.
func traceHash(t *testing.T, w *World) string {
	var b strings.Builder
	require.NoError(t, English.WriteTrace(&b, w.Events(0)))
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// viewJSON is the view of every member's store as JSON.
func viewJSON(t *testing.T, w *World) string {
	b, err := json.Marshal(w.View(1))
	require.NoError(t, err)
	return string(b)
}

func TestTraceIsDeterministic(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Seed = 42
	end := 15 * Time(Second)
	a := play(t, cfg, busyScenario(), end)
	b := play(t, cfg, busyScenario(), end)
	require.NoError(t, a.CheckSafety())
	assert.Greater(t, len(a.Events(0)), 1000, "the scenario is busy")
	assert.Equal(t, traceHash(t, a), traceHash(t, b), "same config and commands, same trace")
	assert.Equal(t, viewJSON(t, a), viewJSON(t, b))
	assert.Equal(t, a.History(), b.History())

	cfg.Seed = 43
	c := play(t, cfg, busyScenario(), end)
	assert.NotEqual(t, traceHash(t, a), traceHash(t, c), "another seed tells another story")
}

func TestSeekIsEquivalentToRunningStraight(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Seed = 7
	cfg.CheckpointEvery = 2 * Second
	end := 15 * Time(Second)
	straight := play(t, cfg, busyScenario(), end)
	want := traceHash(t, straight)

	cases := []struct {
		name string
		to   Time
	}{
		{"to a checkpoint", 4 * Time(Second)},
		{"between checkpoints", 6543210},
		{"before the first command", 500 * Time(Millisecond)},
		{"to the start", 0},
		{"to the end", end},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := play(t, cfg, busyScenario(), end)
			require.NoError(t, w.Seek(tc.to))
			assert.Equal(t, tc.to, w.Now())
			// The world at tc.to is the one a straight run reaches there.
			fresh := play(t, cfg, cut(busyScenario(), tc.to), tc.to)
			assert.Equal(t, traceHash(t, fresh), traceHash(t, w), "seeking back to %s", tc.to)
			assert.Equal(t, viewJSON(t, fresh), viewJSON(t, w))
			// Running on replays the recorded commands: the same end.
			require.NoError(t, w.Seek(end))
			assert.Equal(t, want, traceHash(t, w))
			assert.Equal(t, straight.History(), w.History())
			assert.Equal(t, viewJSON(t, straight), viewJSON(t, w))
		})
	}
}

// cut keeps the steps at or before t.
func cut(steps []scenarioStep, t Time) []scenarioStep {
	var out []scenarioStep
	for _, s := range steps {
		if s.at <= t {
			out = append(out, s)
		}
	}
	return out
}

func TestActingAfterSeekForks(t *testing.T) {
	cfg := DefaultConfig()
	cfg.CheckpointEvery = 2 * Second
	end := 15 * Time(Second)
	w := play(t, cfg, busyScenario(), end)
	require.NoError(t, w.Seek(4*Time(Second)))
	_, err := w.Put("c1", "forked", "yes", "")
	require.NoError(t, err)
	require.NoError(t, w.RunFor(11*Second))
	// The recorded future (the partition at 5s, the client crash at 10s…)
	// is gone: the fork went its own way.
	assert.Empty(t, recordsOf(w, 0, "partition"))
	assert.Empty(t, recordsOf(w, 0, "client-crash"))
	_, found, err := w.LocalGet(mustLeader(t, w), "forked")
	require.NoError(t, err)
	assert.True(t, found)

	off := DefaultConfig()
	off.CheckpointEvery = 0
	x := play(t, off, nil, 3*Time(Second))
	assert.ErrorIs(t, x.Seek(Time(Second)), ErrNoCheckpoint)
}
