package member

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raft-playground/playground/kvstate"
)

// autoCompactions returns the auto-compact events the cluster emitted.
func (c *testCluster) autoCompactions() []Event {
	var out []Event
	for _, e := range c.events {
		if e.Kind == EventAutoCompact {
			out = append(out, e)
		}
	}
	return out
}

// writeN puts n values through member at, with request IDs from *id on.
func (c *testCluster) writeN(at uint64, n int, id *uint64) {
	c.t.Helper()
	for range n {
		*id++
		c.submit(at, put("c1", *id, "k", "v"))
		require.NoError(c.t, c.reply(*id).Err)
	}
}

// requireCompactedEverywhere checks that every live member's store was
// compacted at rev by applying the same entry.
func (c *testCluster) requireCompactedEverywhere(rev int64) {
	c.t.Helper()
	for _, id := range c.ids() {
		if !c.down[id] {
			require.Equal(c.t, rev, c.members[id].Store().CompactRev(), "s%d's store", id)
		}
	}
}

func TestAutoCompactionConfigValidation(t *testing.T) {
	tests := []struct {
		name          string
		retention     int64
		intervalTicks int
		wantErr       string
	}{
		{"off", 0, 0, ""},
		{"on", 10, 5, ""},
		{"negative retention", -1, 5, "AutoCompactRetention must not be negative"},
		{"on without an interval", 10, 0, "AutoCompactIntervalTicks must be positive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(1, []uint64{1, 2, 3}, newTestCluster(t, 1, nil).rng)
			cfg.AutoCompactRetention, cfg.AutoCompactIntervalTicks = tt.retention, tt.intervalTicks
			_, err := New(cfg)
			if tt.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

func TestOnlyTheLeaderAutoCompactsThroughRaft(t *testing.T) {
	const retention, interval = 10, 5
	c := newTestCluster(t, 3, func(cfg *Config) {
		cfg.AutoCompactRetention, cfg.AutoCompactIntervalTicks = retention, interval
	})
	lead := c.electLeader()
	c.tick(interval) // a check with too few revisions proposes nothing
	require.Empty(t, c.autoCompactions())

	var id uint64
	c.writeN(c.follower(), 25, &id)
	rev := c.members[lead].Store().Rev()
	c.events = nil
	c.tick(interval)

	got := c.autoCompactions()
	require.Len(t, got, 1, "one proposal per check, by the leader only")
	assert.Equal(t, lead, got[0].Member)
	assert.Equal(t, rev-retention, got[0].Revision)
	assert.Equal(t, retention, got[0].Count)
	c.requireCompactedEverywhere(rev - retention)
	applied := 0
	for _, e := range c.events {
		if e.Kind == EventApplied && e.Op == "compact" {
			require.NoError(t, e.Err)
			applied++
		}
	}
	assert.Equal(t, 3, applied, "every member applies the compaction entry")

	// A read below the compaction fails on every member, as etcd's does.
	for _, m := range c.ids() {
		id++
		c.submit(m, Request{Client: "c1", ID: id, Kind: RequestRead, Serializable: true,
			Read: &kvstate.RangeRequest{Key: "k", Revision: rev - retention - 1}})
		assert.ErrorIs(t, c.reply(id).Err, kvstate.ErrCompacted, "s%d", m)
	}

	// Without new writes the target does not move: nothing more is proposed.
	c.events = nil
	c.tick(3 * interval)
	assert.Empty(t, c.autoCompactions())
}

func TestAutoCompactionContinuesUnderANewLeader(t *testing.T) {
	const retention, interval = 10, 5
	c := newTestCluster(t, 3, func(cfg *Config) {
		cfg.AutoCompactRetention, cfg.AutoCompactIntervalTicks = retention, interval
	})
	old := c.electLeader()
	var id uint64
	c.writeN(old, 20, &id)
	c.tick(interval)
	first := c.members[old].Store().CompactRev()
	require.Positive(t, first)
	c.requireCompactedEverywhere(first)

	next := c.follower()
	c.members[old].TransferLeader(next)
	c.settle()
	for range 50 {
		if c.leader() == next {
			break
		}
		c.tick(1)
	}
	require.Equal(t, next, c.leader())

	c.events = nil
	c.writeN(next, 20, &id)
	rev := c.members[next].Store().Rev()
	c.tick(interval)
	got := c.autoCompactions()
	require.Len(t, got, 1)
	assert.Equal(t, next, got[0].Member, "the new leader's compactor runs; the old leader's stopped")
	assert.Equal(t, rev-retention, got[0].Revision)
	c.requireCompactedEverywhere(rev - retention)
}

func TestAutoCompactionOffByDefault(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	lead := c.electLeader()
	var id uint64
	c.writeN(lead, 30, &id)
	c.tick(100)
	assert.Empty(t, c.autoCompactions())
	c.requireCompactedEverywhere(0)
}
