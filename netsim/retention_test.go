package netsim

import (
	"strconv"
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
	assert.Positive(t, cfg.AutoCompactRetention, "the leader auto-compacts the store's history")
	def := DefaultConfig()
	assert.Zero(t, def.AutoCompactRetention, "scripts and goldens keep auto-compaction off")
	def.SnapshotEvery, def.TraceKeep, def.AutoCompactRetention = cfg.SnapshotEvery, cfg.TraceKeep, cfg.AutoCompactRetention
	assert.Equal(t, def, cfg, "only retention differs from DefaultConfig")
}

func TestAutoCompactionKeepsEveryMembersHistoryShort(t *testing.T) {
	const retention = 50
	w := newWorld(t, func(c *Config) { c.AutoCompactRetention, c.AutoCompactEvery = retention, 2*Second })
	electLeader(t, w)
	for i := 0; w.Now() < Time(20*Second); i++ {
		if len(w.PendingOps("c1")) == 0 {
			_, err := w.Put("c1", "k"+strconv.Itoa(i%10), "v"+strconv.Itoa(i), "")
			require.NoError(t, err)
		}
		require.NoError(t, w.RunFor(50*Millisecond))
	}
	require.NoError(t, w.RunFor(Second))

	var proposals []Record
	for _, r := range w.Events(0) {
		if r.Kind == "member.auto-compact" {
			proposals = append(proposals, r)
		}
	}
	require.NotEmpty(t, proposals, "the leader proposed compactions")
	lead, err := w.Leader()
	require.NoError(t, err)
	want := w.nodes[lead].m.Store().CompactRev()
	assert.Equal(t, proposals[len(proposals)-1].Detail.(*MemberDetail).Revision, want)
	assert.Greater(t, w.nodes[lead].m.Store().Rev()-want, int64(retention-1), "the last retention revisions are kept")
	for _, id := range w.Members() {
		assert.Equal(t, want, w.nodes[id].m.Store().CompactRev(), "s%d compacted by applying the leader's entry", id)
	}
	assert.Equal(t, "s"+strconv.FormatUint(lead, 10)+", the leader, proposes compacting the store at revision "+
		strconv.FormatInt(want, 10)+" (keeping the last 50 revisions; etcd's auto-compaction)",
		English.Render(proposals[len(proposals)-1]))
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

func TestSeekWithAutoCompactionIsEquivalentToRunningStraight(t *testing.T) {
	// The compactor's tick count and last proposal live in the member, so
	// checkpoints must carry them: a seek lands on the world a straight run
	// reaches, and running on proposes the same compactions.
	cfg := DefaultConfig()
	cfg.Seed = 7
	cfg.CheckpointEvery = 2 * Second
	cfg.AutoCompactRetention, cfg.AutoCompactEvery = 3, 700*Millisecond
	end := 15 * Time(Second)
	straight := play(t, cfg, busyScenario(), end)
	proposals := 0
	for _, r := range straight.Events(0) {
		if r.Kind == "member.auto-compact" {
			proposals++
		}
	}
	require.Greater(t, proposals, 1, "the scenario auto-compacts more than once")
	for _, to := range []Time{3*Time(Second) + 123456, 6543210, 11 * Time(Second)} {
		t.Run(to.String(), func(t *testing.T) {
			w := play(t, cfg, busyScenario(), end)
			require.NoError(t, w.Seek(to))
			fresh := play(t, cfg, cut(busyScenario(), to), to)
			assert.Equal(t, traceHash(t, fresh), traceHash(t, w))
			require.NoError(t, w.Seek(end))
			assert.Equal(t, traceHash(t, straight), traceHash(t, w))
			assert.Equal(t, viewJSON(t, straight), viewJSON(t, w))
		})
	}
}

// Acting after a rewind to before the kept window forks there: the new
// timeline's explanations must be kept, not taken for dropped old ones.
func TestForkBeforeTheEventWindowKeepsTheNewTimeline(t *testing.T) {
	w := newWorld(t, func(c *Config) { c.TraceKeep = 5 * Second; c.CheckpointEvery = Second })
	steadyLoad(t, w, Time(40*Second))
	require.NoError(t, w.Seek(Time(2*Second)))
	before, _ := w.EventWindow()
	_, err := w.Put("c1", "forked", "yes", "")
	require.NoError(t, err)
	require.NoError(t, w.RunFor(3*Second))

	dropped, total := w.EventWindow()
	assert.Equal(t, before, dropped, "nothing of the new timeline counts as dropped")
	recs := w.Events(0)
	require.NotEmpty(t, recs, "the new timeline has its explanations")
	assert.Equal(t, dropped+1, recs[0].Seq)
	assert.Equal(t, total, recs[len(recs)-1].Seq)
	var sawPut bool
	for _, r := range recs {
		sawPut = sawPut || r.Kind == "client-call" && r.Client == "c1"
	}
	assert.True(t, sawPut, "the learner's own put after the rewind is in the trace")
}
