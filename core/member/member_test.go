package member

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raft-playground/playground/core/raft"
	"github.com/raft-playground/playground/core/wal"
	"github.com/raft-playground/playground/kvstate"
)

func TestConfigValidation(t *testing.T) {
	tests := []struct {
		name  string
		tweak func(*Config)
		want  string
	}{
		{"zero ID", func(c *Config) { c.ID = 0 }, "ID must be non-zero"},
		{"no tick duration", func(c *Config) { c.TickUs = 0 }, "TickUs must be positive"},
		{"no random source", func(c *Config) { c.Rand = nil }, "Rand must be set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(1, []uint64{1, 2, 3}, newTestCluster(t, 1, nil).rng)
			tt.tweak(&cfg)
			_, err := New(cfg)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestWriteThroughFollowerIsForwardedAndAnsweredOnApply(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	c.electLeader()
	f := c.follower()
	c.submit(f, put("c1", 1, "foo", "bar"))

	r := c.reply(1)
	require.NoError(t, r.Err)
	assert.Equal(t, f, r.From, "the member the client asked answers it")
	require.NotNil(t, r.Write)
	assert.Equal(t, int64(2), r.Write.Header.Revision, "the first write makes revision 2")

	// Every member applied the same entry and holds the same store.
	hashes := map[uint32]bool{}
	for _, id := range c.ids() {
		resp, err := c.members[id].Store().Range(&kvstate.RangeRequest{Key: "foo"})
		require.NoError(t, err)
		require.Len(t, resp.KVs, 1, "s%d", id)
		assert.Equal(t, "bar", resp.KVs[0].Value)
		hashes[c.members[id].Store().Hash()] = true
	}
	assert.Len(t, hashes, 1, "replicas agree")
}

func TestLinearizableReadSeesLatestWriteButIsolatedSerializableReadIsStale(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	lead := c.electLeader()
	c.submit(lead, put("c1", 1, "k", "v1"))
	stale := c.follower()
	c.isolated[stale] = true
	c.submit(lead, put("c1", 2, "k", "v2"))
	require.NoError(t, c.reply(2).Err)

	// A linearizable read through the other follower waits for ReadIndex.
	other := c.follower(stale)
	c.submit(other, get("c2", 3, "k", false))
	r := c.reply(3)
	require.NoError(t, r.Err)
	assert.NotZero(t, r.ReadIndex)
	assert.Equal(t, "v2", r.Range.KVs[0].Value)

	// The isolated follower serves a serializable read from its own, stale store.
	c.submit(stale, get("c3", 4, "k", true))
	r = c.reply(4)
	require.NoError(t, r.Err)
	assert.Zero(t, r.ReadIndex)
	assert.Equal(t, "v1", r.Range.KVs[0].Value, "serializable reads may be stale")
}

func TestReadWithoutLeaderFailsAtOnce(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	c.submit(1, get("c1", 1, "k", false))
	assert.ErrorIs(t, c.reply(1).Err, ErrNoLeader)
}

func TestKeepAliveOnlyOnLeader(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	lead := c.electLeader()
	c.submit(lead, Request{Client: "c1", ID: 1, Kind: RequestWrite,
		Write: &kvstate.Request{LeaseGrant: &kvstate.LeaseGrantRequest{ID: 7, TTL: 5}}})
	require.NoError(t, c.reply(1).Err)

	f := c.follower()
	c.submit(f, Request{Client: "c1", ID: 2, Kind: RequestKeepAlive, Lease: 7})
	var nle *NotLeaderError
	require.True(t, errors.As(c.reply(2).Err, &nle))
	assert.Equal(t, lead, nle.Leader)
	assert.Equal(t, lead, c.reply(2).LeaderHint)

	c.submit(lead, Request{Client: "c1", ID: 3, Kind: RequestKeepAlive, Lease: 7})
	r := c.reply(3)
	require.NoError(t, r.Err)
	assert.Equal(t, int64(5), r.TTL)
}

func TestLeaderExpiresLeaseThroughRaft(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	lead := c.electLeader()
	c.submit(lead, Request{Client: "c1", ID: 1, Kind: RequestWrite,
		Write: &kvstate.Request{LeaseGrant: &kvstate.LeaseGrantRequest{ID: 9, TTL: 1}}})
	c.submit(lead, Request{Client: "c1", ID: 2, Kind: RequestWrite,
		Write: &kvstate.Request{Put: &kvstate.PutRequest{Key: "eph", Value: "x", Lease: 9}}})
	require.NoError(t, c.reply(2).Err)

	// The minimum TTL is derived from the election timeout (100ms here), so
	// the 1 s lease expires after about a second of ticks with no keep-alive.
	c.tick(150)
	var expired bool
	for _, e := range c.events {
		if e.Kind == EventLeaseExpired && e.Lease == 9 {
			expired = true
			assert.Equal(t, lead, e.Member, "only the leader decides a lease expired")
		}
	}
	require.True(t, expired)
	for _, id := range c.ids() {
		resp, err := c.members[id].Store().Range(&kvstate.RangeRequest{Key: "eph"})
		require.NoError(t, err)
		assert.Empty(t, resp.KVs, "s%d deleted the lease's key by applying the revocation", id)
	}
}

func TestCrashLosesUnsyncedTailAndRestartReplaysSyncedState(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	lead := c.electLeader()
	c.submit(lead, put("c1", 1, "a", "1"))
	require.NoError(t, c.reply(1).Err)
	f := c.follower()
	appliedBefore := c.members[f].AppliedIndex()

	// The follower writes the next entry to its WAL but crashes before the fsync.
	c.holdSync[f] = true
	c.submit(lead, put("c1", 2, "b", "2"))
	require.True(t, c.members[f].NeedsSync())
	statsBefore := c.members[f].WALStats()
	require.Greater(t, statsBefore.Records, statsBefore.SyncedRecords, "an unsynced tail exists")

	disk := c.members[f].Disk()
	crash(t, disk)
	m, err := Restart(testConfig(f, []uint64{1, 2, 3}, c.rng), disk)
	require.NoError(t, err)
	last := m.LogEntries()
	require.NotEmpty(t, last)
	assert.LessOrEqual(t, last[len(last)-1].Index, appliedBefore, "the unsynced entry is gone")

	// Back in the cluster it catches up from the leader and converges.
	c.members[f] = m
	delete(c.holdSync, f)
	c.tick(5)
	resp, err := m.Store().Range(&kvstate.RangeRequest{Key: "b"})
	require.NoError(t, err)
	require.Len(t, resp.KVs, 1)
	assert.Equal(t, c.members[lead].Store().Hash(), m.Store().Hash())
}

func TestSnapshotCompactsAndLaggingFollowerInstallsIt(t *testing.T) {
	c := newTestCluster(t, 3, func(cfg *Config) { cfg.SnapshotEvery = 5; cfg.SnapshotCatchUp = 1 })
	lead := c.electLeader()
	lag := c.follower()
	c.down[lag] = true
	for i := range 12 {
		c.submit(lead, put("c1", uint64(10+i), "k", string(rune('a'+i))))
	}
	first, _ := c.members[lead].storage.FirstIndex()
	require.Greater(t, first, uint64(2), "the leader compacted its log")
	require.NotZero(t, c.members[lead].SnapshotIndex())

	delete(c.down, lag)
	c.tick(5)
	var restored bool
	for _, e := range c.events {
		if e.Kind == EventSnapshotRestored && e.Member == lag {
			restored = true
		}
	}
	assert.True(t, restored, "the lagging follower installed a snapshot")
	assert.Equal(t, c.members[lead].Store().Hash(), c.members[lag].Store().Hash())
}

func TestRestartFromSnapshotAndWAL(t *testing.T) {
	c := newTestCluster(t, 3, func(cfg *Config) { cfg.SnapshotEvery = 4 })
	lead := c.electLeader()
	for i := range 7 {
		c.submit(lead, put("c1", uint64(1+i), "k", string(rune('a'+i))))
	}
	f := c.follower()
	want := c.members[f].Store().Hash()
	disk := c.members[f].Disk()
	crash(t, disk)
	m, err := Restart(testConfig(f, []uint64{1, 2, 3}, c.rng), disk)
	require.NoError(t, err)
	c.members[f] = m
	c.settle()
	c.tick(3)
	assert.Equal(t, want, m.Store().Hash(), "snapshot plus replayed entries rebuild the store")
}

func TestWatchOnMemberStreamsAppliedEvents(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	lead := c.electLeader()
	f := c.follower()
	c.submit(f, Request{Client: "c2", ID: 100, Kind: RequestWatch, Watch: &kvstate.WatchRequest{Key: "w"}})
	c.submit(lead, put("c1", 1, "w", "x"))
	var events []kvstate.Event
	for _, r := range c.replies {
		if r.ID == 100 && r.Kind == RequestWatch {
			for _, wr := range r.Watch {
				events = append(events, wr.Events...)
			}
		}
	}
	require.Len(t, events, 1)
	assert.Equal(t, "x", events[0].KV.Value)
}

func TestBadRequestsAreRefusedWithoutEffect(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	lead := c.electLeader()
	before := c.members[lead].Status().LastIndex
	c.submit(lead, put("c1", 1, "", "v"))
	assert.ErrorIs(t, c.reply(1).Err, kvstate.ErrEmptyKey)
	c.submit(lead, Request{Client: "c1", ID: 2, Kind: RequestWrite})
	assert.ErrorIs(t, c.reply(2).Err, ErrBadRequest)
	assert.Equal(t, before, c.members[lead].Status().LastIndex, "nothing was proposed")
}

func TestProposalWithoutLeaderFails(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	c.submit(2, put("c1", 1, "k", "v"))
	assert.ErrorIs(t, c.reply(1).Err, ErrNoLeader)
}

func TestRoleChangesMoveTheLessor(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	lead := c.electLeader()
	assert.True(t, c.members[lead].Store().IsPrimary())
	for _, id := range c.ids() {
		if id != lead {
			assert.False(t, c.members[id].Store().IsPrimary())
		}
	}
	require.Equal(t, raft.StateLeader, c.members[lead].Status().RaftState)
}

func crash(t *testing.T, d *Disk) {
	t.Helper()
	_, err := d.WAL.Crash(wal.Fault{Mode: wal.DropUnsynced})
	require.NoError(t, err)
}

func TestLogEntriesListsTheWholeLog(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	lead := c.electLeader()
	for i := range 5 {
		c.submit(lead, put("c1", uint64(1+i), "k", "v"))
	}
	for _, id := range c.ids() {
		ents := c.members[id].LogEntries()
		last := c.members[id].Status().LastIndex
		require.Len(t, ents, int(last), "s%d", id)
		for i, e := range ents {
			assert.Equal(t, uint64(i+1), e.Index, "s%d entries are consecutive", id)
		}
	}
}

func TestRemovedOnlyWhenAChangeTakesTheMemberOut(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	lead := c.electLeader()
	gone := c.follower()
	require.NoError(t, c.members[lead].ProposeConfChange(raft.ConfChange{
		Changes: []raft.ConfChangeSingle{{Type: raft.ConfChangeRemoveNode, NodeID: gone}}}))
	c.settle()
	c.tick(3)
	var removed []uint64
	for _, e := range c.events {
		if e.Kind == EventRemoved {
			removed = append(removed, e.Member)
		}
	}
	assert.Equal(t, []uint64{gone}, removed, "only the removed member is told it was removed")
	assert.True(t, c.members[gone].Removed())
	assert.False(t, c.members[lead].Removed())
}

func TestEntriesAndTermMatchTheWholeLog(t *testing.T) {
	c := newTestCluster(t, 3, func(cfg *Config) { cfg.SnapshotEvery = 6; cfg.SnapshotCatchUp = 2 })
	lead := c.electLeader()
	f := c.follower()
	for i := range 9 {
		c.submit(lead, put("c1", uint64(1+i), "k", "v"))
	}
	// Leave a Ready pending on the follower so its unsynced tail counts too.
	c.holdSync[f] = true
	c.submit(lead, put("c1", 50, "k", "tail"))
	require.True(t, c.members[f].NeedsSync())

	for _, id := range c.ids() {
		m := c.members[id]
		all := m.LogEntries()
		require.NotEmpty(t, all)
		first, last := all[0].Index, all[len(all)-1].Index
		for lo := first - 1; lo <= last+1; lo++ {
			for hi := lo; hi <= last+1; hi++ {
				var want []raft.Entry
				for _, e := range all {
					if e.Index >= lo && e.Index <= hi {
						want = append(want, e)
					}
				}
				assert.Equal(t, want, m.Entries(lo, hi), "s%d Entries(%d, %d)", id, lo, hi)
			}
		}
		for _, e := range all {
			term, ok := m.Term(e.Index)
			require.True(t, ok, "s%d Term(%d)", id, e.Index)
			assert.Equal(t, e.Term, term)
		}
		_, ok := m.Term(last + 1)
		assert.False(t, ok, "s%d knows no term beyond its log", id)
	}
}

// TestLessorIsPromotedWhenTheNewLeaderAppliesItsEmptyEntry follows etcd: a
// new leader makes its lessor primary only once it applies its term's empty
// entry, and then every lease runs for an election timeout plus its TTL from
// that moment, not from when the lease was last renewed elsewhere.
func TestLessorIsPromotedWhenTheNewLeaderAppliesItsEmptyEntry(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	old := c.electLeader()
	c.submit(old, Request{Client: "c1", ID: 1, Kind: RequestWrite,
		Write: &kvstate.Request{LeaseGrant: &kvstate.LeaseGrantRequest{ID: 7, TTL: 5}}})
	require.NoError(t, c.reply(1).Err)
	c.tick(3)

	c.isolated[old] = true
	c.events = nil
	var lead uint64
	for range 200 {
		c.tick(1)
		if l := c.leader(); l != 0 && l != old {
			lead = l
			break
		}
	}
	require.NotZero(t, lead, "the majority elects a new leader")
	st := c.members[lead].Status()

	var order []string
	for _, e := range c.events {
		switch {
		case e.Member != lead:
		case e.Kind == EventRaft && e.Raft.Kind == raft.EventBecameLeader:
			order = append(order, "became-leader")
		case e.Kind == EventApplied && e.Op == "no-op" && e.Term == st.Term:
			order = append(order, "applied-own-no-op")
		case e.Kind == EventLeasesPromoted:
			order = append(order, "promoted")
			assert.Equal(t, 1, e.Count, "the event counts the leases the lessor took over")
		}
	}
	assert.Equal(t, []string{"became-leader", "applied-own-no-op", "promoted"}, order)

	require.True(t, c.members[lead].Store().IsPrimary())
	now := time.Duration(c.nowUs) * time.Microsecond
	ls, err := c.members[lead].Store().TimeToLive(7, now, false)
	require.NoError(t, err)
	electionTimeout := 10 * testTickUs * time.Microsecond
	assert.Equal(t, electionTimeout+5*time.Second, ls.Remaining,
		"the lease runs for an election timeout plus its full TTL from the promotion")
}
