package netsim

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recordsOf returns the records of a kind after cursor since.
func recordsOf(w *World, since int, kind string) []Record {
	var out []Record
	for _, r := range w.Events(since) {
		if r.Kind == kind {
			out = append(out, r)
		}
	}
	return out
}

// between keeps the records whose member and peer are from and to.
func between(recs []Record, from, to uint64) []Record {
	var out []Record
	for _, r := range recs {
		if r.Member == from && r.Peer == to {
			out = append(out, r)
		}
	}
	return out
}

func TestLinkKnobs(t *testing.T) {
	cases := []struct {
		name  string
		s     LinkSettings
		check func(t *testing.T, w *World, since int)
	}{
		{"drop 100% loses every message", LinkSettings{LatencyMin: 5 * Millisecond, LatencyMax: 5 * Millisecond, DropPercent: 100},
			func(t *testing.T, w *World, since int) {
				sent := between(recordsOf(w, since, "send"), 1, 2)
				dropped := between(recordsOf(w, since, "drop"), 1, 2)
				require.NotEmpty(t, sent)
				assert.Len(t, dropped, len(sent))
				for _, d := range dropped {
					assert.Equal(t, DropLink, d.Reason)
				}
				assert.Empty(t, between(recordsOf(w, since, "deliver"), 2, 1), "s2 must receive nothing from s1")
				assert.NotEmpty(t, between(recordsOf(w, since, "deliver"), 1, 2), "the other direction still works")
			}},
		{"duplicate 100% sends every message twice", LinkSettings{LatencyMin: 5 * Millisecond, LatencyMax: 5 * Millisecond, DuplicatePercent: 100},
			func(t *testing.T, w *World, since int) {
				sent := between(recordsOf(w, since, "send"), 1, 2)
				dups := between(recordsOf(w, since, "duplicate"), 1, 2)
				require.NotEmpty(t, sent)
				assert.InDelta(t, len(sent), len(dups), 1)
			}},
		{"fixed latency", LinkSettings{LatencyMin: 40 * Millisecond, LatencyMax: 40 * Millisecond},
			func(t *testing.T, w *World, since int) {
				sentAt := map[uint64]Time{}
				for _, r := range between(recordsOf(w, since, "send"), 1, 2) {
					sentAt[r.MsgID] = r.At
				}
				got := 0
				for _, r := range between(recordsOf(w, since, "deliver"), 2, 1) {
					if at, ok := sentAt[r.MsgID]; ok {
						assert.Equal(t, 40*Millisecond, r.At.Sub(at))
						got++
					}
				}
				assert.NotZero(t, got)
			}},
		{"without reorder a link is first-in first-out", LinkSettings{LatencyMin: 1 * Millisecond, LatencyMax: 60 * Millisecond},
			func(t *testing.T, w *World, since int) {
				var last uint64
				for _, r := range between(recordsOf(w, since, "deliver"), 2, 1) {
					assert.Greater(t, r.MsgID, last, "message %d overtook %d", r.MsgID, last)
					last = r.MsgID
				}
			}},
		{"reorder lets messages overtake", LinkSettings{LatencyMin: 1 * Millisecond, LatencyMax: 60 * Millisecond, ReorderPercent: 100},
			func(t *testing.T, w *World, since int) {
				var last uint64
				overtaken := 0
				for _, r := range between(recordsOf(w, since, "deliver"), 2, 1) {
					if r.MsgID < last {
						overtaken++
					}
					last = max(last, r.MsgID)
				}
				assert.NotZero(t, overtaken)
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, func(c *Config) { c.Seed = 3 })
			lead := electLeader(t, w)
			// Make s1 the leader so that s1->s2 carries steady traffic.
			if lead != 1 {
				require.NoError(t, w.Transfer(1))
				require.NoError(t, w.RunUntil(func(w *World) bool { l, err := w.Leader(); return err == nil && l == 1 }, 5*Second))
			}
			require.NoError(t, w.SetLink(1, 2, tc.s))
			since := len(w.Events(0))
			for i := 0; i < 20; i++ {
				_, err := w.Put("c1", "k", "v", "")
				require.NoError(t, err)
			}
			require.NoError(t, w.RunFor(3*Second))
			tc.check(t, w, since)
			require.NoError(t, w.CheckSafety())
		})
	}
}

func TestResetLinkRestoresDefaults(t *testing.T) {
	w := newWorld(t, nil)
	require.NoError(t, w.SetLink(1, 2, LinkSettings{DropPercent: 100}))
	require.NoError(t, w.ResetLink(1, 2))
	got, err := w.Link(1, 2)
	require.NoError(t, err)
	assert.Equal(t, LinkSettings{LatencyMin: 5 * Millisecond, LatencyMax: 15 * Millisecond}, got)
	assert.Error(t, w.SetLink(1, 1, LinkSettings{}), "a link joins two members")
	assert.Error(t, w.SetLink(1, 12, LinkSettings{}))
	assert.ErrorContains(t, w.SetLink(1, 9, LinkSettings{}), "s9 is not part of this world", "s9 in a 5-member cluster")
}

func TestPartitionsBlockBothWays(t *testing.T) {
	cases := []struct {
		name  string
		cut   func(w *World) error
		sideA []uint64
		sideB []uint64
	}{
		{"minority and majority", func(w *World) error { return w.Partition([][]uint64{{1, 2}, {3, 4, 5}}) }, []uint64{1, 2}, []uint64{3, 4, 5}},
		{"isolate one member", func(w *World) error { return w.Isolate(3) }, []uint64{3}, []uint64{1, 2, 4, 5}},
		{"unnamed members end up alone", func(w *World) error { return w.Partition([][]uint64{{1, 2, 3}}) }, []uint64{1, 2, 3}, []uint64{4}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, nil)
			electLeader(t, w)
			require.NoError(t, tc.cut(w))
			since := len(w.Events(0))
			require.NoError(t, w.RunFor(3*Second))
			for _, r := range w.Events(since) {
				if r.Kind != "deliver" {
					continue
				}
				inA := func(id uint64) bool { return contains(tc.sideA, id) }
				inB := func(id uint64) bool { return contains(tc.sideB, id) }
				crosses := inA(r.Member) && inB(r.Peer) || inB(r.Member) && inA(r.Peer)
				assert.False(t, crosses, "%s received a message from %s across the partition", MemberName(r.Member), MemberName(r.Peer))
			}
			drops := recordsOf(w, since, "drop")
			aToB, bToA := false, false
			for _, d := range drops {
				if d.Reason == DropPartition && contains(tc.sideA, d.Member) && contains(tc.sideB, d.Peer) {
					aToB = true
				}
				if d.Reason == DropPartition && contains(tc.sideB, d.Member) && contains(tc.sideA, d.Peer) {
					bToA = true
				}
			}
			assert.True(t, aToB || bToA, "somebody tried to cross the partition")

			w.Heal()
			since = len(w.Events(0))
			require.NoError(t, w.RunFor(3*Second))
			crossed := false
			for _, r := range recordsOf(w, since, "deliver") {
				if contains(tc.sideA, r.Member) && contains(tc.sideB, r.Peer) {
					crossed = true
				}
			}
			assert.True(t, crossed, "after heal messages cross again")
			require.NoError(t, w.CheckSafety())
		})
	}
}

func TestPartitionRefusesBadGroups(t *testing.T) {
	w := newWorld(t, nil)
	before := w.net.group
	assert.ErrorContains(t, w.Partition([][]uint64{{1, 2}, {2, 3}}), "named in two groups")
	assert.ErrorContains(t, w.Partition([][]uint64{{1, 7}}), "s7 is not part of this world")
	assert.ErrorContains(t, w.Partition([][]uint64{{}}), "empty")
	assert.Equal(t, before, w.net.group)
}

func TestForwardedProposalsAreNeverDuplicated(t *testing.T) {
	w := newWorld(t, nil)
	leaderIs(t, w, 3)
	// c1 talks to s1, which forwards its proposals to the leader s3.
	require.NoError(t, w.SetLink(1, 3, LinkSettings{LatencyMin: 5 * Millisecond, LatencyMax: 5 * Millisecond, DuplicatePercent: 100}))
	since := len(w.Events(0))
	id, err := w.Put("c1", "k", "v", "")
	require.NoError(t, err)
	op := runOp(t, w, "c1", id)
	require.Equal(t, StatusOK, op.Status, op.ErrText)
	props := 0
	for _, r := range between(recordsOf(w, since, "send"), 1, 3) {
		if r.Reason == "propose" {
			props++
		}
	}
	assert.Equal(t, 1, props)
	assert.NotEmpty(t, recordsOf(w, since, "no-duplicate"), "the trace says why the proposal was not duplicated")
	for _, r := range between(recordsOf(w, since, "duplicate"), 1, 3) {
		assert.NotEqual(t, "propose", r.Reason)
	}
	kv, _, _ := w.LocalGet(3, "k")
	assert.Equal(t, int64(1), kv.Version, "the put was applied once")
}
