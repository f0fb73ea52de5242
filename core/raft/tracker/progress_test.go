package tracker

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestStateTypeString(t *testing.T) {
	assert.Equal(t, "probe", StateProbe.String())
	assert.Equal(t, "replicate", StateReplicate.String())
	assert.Equal(t, "snapshot", StateSnapshot.String())
	assert.Equal(t, "StateType(9)", StateType(9).String())
}

func TestProgressBecomeStates(t *testing.T) {
	tests := []struct {
		name     string
		from     StateType
		pending  uint64
		become   func(*Progress)
		want     StateType
		wantNext uint64
	}{
		{"replicate to probe restarts after match", StateReplicate, 0, (*Progress).BecomeProbe, StateProbe, 2},
		{"snapshot to probe continues after the snapshot", StateSnapshot, 10, (*Progress).BecomeProbe, StateProbe, 11},
		{"snapshot to probe when match passed the snapshot", StateSnapshot, 0, (*Progress).BecomeProbe, StateProbe, 2},
		{"probe to replicate", StateProbe, 0, (*Progress).BecomeReplicate, StateReplicate, 2},
		{"probe to snapshot", StateProbe, 0, func(pr *Progress) { pr.BecomeSnapshot(10) }, StateSnapshot, 11},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr := NewProgress(5, 8, 0, false)
			pr.Match = 1
			pr.State = tt.from
			pr.PendingSnapshot = tt.pending
			pr.Inflights.Add(4, 1)
			pr.MsgAppFlowPaused = true
			tt.become(pr)
			assert.Equal(t, tt.want, pr.State)
			assert.Equal(t, tt.wantNext, pr.Next)
			assert.Equal(t, uint64(1), pr.Match)
			assert.Zero(t, pr.Inflights.Count(), "changing state clears the window")
			if tt.want != StateSnapshot {
				assert.False(t, pr.IsPaused())
				assert.Zero(t, pr.PendingSnapshot)
			} else {
				assert.True(t, pr.IsPaused(), "no appends while a snapshot is pending")
			}
		})
	}
}

// Reference: Raft §5.3 — when an AppendEntries succeeds the leader updates
// nextIndex and matchIndex for the follower; stale answers change nothing.
func TestProgressMaybeUpdate(t *testing.T) {
	tests := []struct {
		name      string
		ack       uint64
		wantOK    bool
		wantMatch uint64
		wantNext  uint64
	}{
		{"older than match", 2, false, 3, 5},
		{"equal to match", 3, false, 3, 5},
		{"raises match, next unchanged", 4, true, 4, 5},
		{"raises match and next", 7, true, 7, 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr := NewProgress(5, 8, 0, false)
			pr.Match = 3
			pr.MsgAppFlowPaused = true
			ok := pr.MaybeUpdate(tt.ack)
			assert.Equal(t, tt.wantOK, ok)
			assert.Equal(t, tt.wantMatch, pr.Match)
			assert.Equal(t, tt.wantNext, pr.Next)
			assert.Equal(t, !tt.wantOK, pr.MsgAppFlowPaused, "an accepted append resumes the flow")
		})
	}
}

// Reference: Raft §5.3 — after a rejection the leader decrements nextIndex
// and retries; with the conflict optimisation it skips a whole term at once.
func TestProgressMaybeDecrTo(t *testing.T) {
	tests := []struct {
		name      string
		state     StateType
		match     uint64
		next      uint64
		rejected  uint64
		hint      uint64
		wantOK    bool
		wantNext  uint64
		wantState StateType
	}{
		{"replicate: stale rejection at match", StateReplicate, 5, 10, 5, 5, false, 10, StateReplicate},
		{"replicate: stale rejection below match", StateReplicate, 5, 10, 4, 4, false, 10, StateReplicate},
		{"replicate: genuine rejection probes after match", StateReplicate, 5, 10, 9, 9, true, 6, StateProbe},
		{"probe: rejection of an older probe is stale", StateProbe, 0, 10, 5, 5, false, 10, StateProbe},
		{"probe: one-by-one back-off", StateProbe, 0, 10, 9, 8, true, 9, StateProbe},
		{"probe: conflict hint jumps back", StateProbe, 0, 10, 9, 3, true, 4, StateProbe},
		{"probe: hint above rejected is ignored", StateProbe, 0, 10, 9, 20, true, 9, StateProbe},
		{"probe: never below match+1", StateProbe, 5, 10, 9, 1, true, 6, StateProbe},
		{"probe: zero hint goes to the start", StateProbe, 0, 2, 1, 0, true, 1, StateProbe},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr := NewProgress(tt.next, 8, 0, false)
			pr.Match = tt.match
			pr.State = tt.state
			pr.MsgAppFlowPaused = true
			pr.SentCommit(tt.next - 1)
			ok := pr.MaybeDecrTo(tt.rejected, tt.hint)
			assert.Equal(t, tt.wantOK, ok)
			assert.Equal(t, tt.wantNext, pr.Next)
			assert.Equal(t, tt.wantState, pr.State)
			if tt.wantOK {
				assert.False(t, pr.IsPaused(), "a genuine rejection allows the next probe at once")
				assert.LessOrEqual(t, pr.SentCommitIndex(), pr.Next-1, "sent commit regresses with next")
			}
		})
	}
}

// TestProgressOneByOneBackOffWalksTheLog shows the paper's basic algorithm:
// passing rejected-1 as the hint moves the probe back one entry per rejection.
func TestProgressOneByOneBackOffWalksTheLog(t *testing.T) {
	pr := NewProgress(6, 8, 0, false)
	var probes []uint64
	for pr.Next > 2 {
		rejected := pr.Next - 1
		assert.True(t, pr.MaybeDecrTo(rejected, rejected-1))
		probes = append(probes, pr.Next-1)
	}
	assert.Equal(t, []uint64{4, 3, 2, 1}, probes)
}

func TestProgressIsPausedAndFlowControl(t *testing.T) {
	t.Run("probe pauses after sending entries until answered", func(t *testing.T) {
		pr := NewProgress(3, 2, 0, false)
		assert.False(t, pr.IsPaused())
		pr.UpdateOnEntriesSend(0, 0)
		assert.False(t, pr.IsPaused(), "an empty probe does not pause")
		pr.UpdateOnEntriesSend(2, 10)
		assert.True(t, pr.IsPaused())
		assert.Equal(t, uint64(3), pr.Next, "in probe state next does not advance optimistically")
		pr.MaybeUpdate(3)
		assert.False(t, pr.IsPaused())
	})
	t.Run("replicate advances next and pauses when the window is full", func(t *testing.T) {
		pr := NewProgress(1, 2, 0, false)
		pr.BecomeReplicate()
		pr.UpdateOnEntriesSend(3, 30)
		assert.Equal(t, uint64(4), pr.Next)
		assert.False(t, pr.IsPaused())
		pr.UpdateOnEntriesSend(2, 20)
		assert.Equal(t, uint64(6), pr.Next)
		assert.True(t, pr.IsPaused())
		assert.Equal(t, 2, pr.Inflights.Count())
		pr.MaybeUpdate(3)
		pr.Inflights.FreeLE(3)
		assert.False(t, pr.IsPaused())
		assert.Equal(t, 1, pr.Inflights.Count())
	})
	t.Run("snapshot state refuses to send entries", func(t *testing.T) {
		pr := NewProgress(1, 2, 0, false)
		pr.BecomeSnapshot(7)
		assert.Panics(t, func() { pr.UpdateOnEntriesSend(1, 1) })
	})
}

func TestProgressCanBumpCommit(t *testing.T) {
	pr := NewProgress(6, 8, 0, false)
	assert.True(t, pr.CanBumpCommit(3))
	pr.SentCommit(3)
	assert.False(t, pr.CanBumpCommit(3), "already sent")
	assert.True(t, pr.CanBumpCommit(4))
	pr.SentCommit(5)
	assert.False(t, pr.CanBumpCommit(9), "the follower may hold at most next-1, which it was told")
}

func TestProgressString(t *testing.T) {
	pr := NewProgress(1, 1, 0, true)
	pr.BecomeReplicate()
	pr.UpdateOnEntriesSend(1, 1)
	pr.RecentActive = false
	assert.Equal(t, "replicate match=0 next=2 learner paused inactive inflight=1[full]", pr.String())
	pr.BecomeSnapshot(9)
	assert.Equal(t, "snapshot match=0 next=10 learner paused pendingSnap=9 inactive", pr.String())
}

func TestProgressMapCloneAndIDs(t *testing.T) {
	m := ProgressMap{3: NewProgress(1, 1, 0, false), 1: NewProgress(1, 1, 0, true)}
	c := m.Clone()
	c[3].Match = 9
	c[3].Inflights.Reset()
	assert.Zero(t, m[3].Match)
	assert.Equal(t, []uint64{1, 3}, m.IDs())
	assert.Equal(t, "1: probe match=0 next=1 learner\n3: probe match=0 next=1\n", m.String())
}
