package tracker

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/raft-playground/playground/core/raft/quorum"
)

// newTracker builds a tracker with the given voters (incoming, outgoing) and
// learners, every peer at Match 0.
func newTracker(incoming, outgoing, learners []uint64) *ProgressTracker {
	p := MakeProgressTracker(4)
	p.Voters = quorum.JointConfig{quorum.NewMajorityConfig(incoming...), nil}
	if len(outgoing) > 0 {
		p.Voters[1] = quorum.NewMajorityConfig(outgoing...)
	}
	for _, id := range p.Voters.IDs() {
		p.Progress[id] = NewProgress(1, 4, 0, false)
	}
	for _, id := range learners {
		if p.Learners == nil {
			p.Learners = map[uint64]struct{}{}
		}
		p.Learners[id] = struct{}{}
		p.Progress[id] = NewProgress(1, 4, 0, true)
	}
	return &p
}

// Reference: Raft §5.3, §6 — the commit index is what a majority (of each
// half, while joint) has replicated; learners never count.
func TestProgressTrackerCommitted(t *testing.T) {
	tests := []struct {
		name     string
		incoming []uint64
		outgoing []uint64
		learners []uint64
		match    map[uint64]uint64
		want     uint64
	}{
		{"three voters", []uint64{1, 2, 3}, nil, nil, map[uint64]uint64{1: 5, 2: 3, 3: 1}, 3},
		{"learners do not count", []uint64{1, 2, 3}, nil, []uint64{4, 5}, map[uint64]uint64{1: 5, 2: 1, 3: 1, 4: 5, 5: 5}, 1},
		{"joint needs both halves", []uint64{1, 2, 3}, []uint64{1, 4, 5}, nil, map[uint64]uint64{1: 8, 2: 8, 3: 8, 4: 2, 5: 1}, 2},
		{"single voter", []uint64{1}, nil, nil, map[uint64]uint64{1: 4}, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newTracker(tt.incoming, tt.outgoing, tt.learners)
			for id, m := range tt.match {
				p.Progress[id].Match = m
			}
			assert.Equal(t, tt.want, p.Committed())
		})
	}
}

func TestProgressTrackerVisitIsSorted(t *testing.T) {
	ids := []uint64{17, 3, 9, 1, 12, 5, 30, 2, 8, 4, 6, 7, 10, 11, 13, 14, 15, 16, 18}
	for _, n := range []int{3, len(ids)} { // below and above the stack buffer
		p := newTracker(ids[:n], nil, nil)
		var seen []uint64
		p.Visit(func(id uint64, pr *Progress) {
			assert.Same(t, p.Progress[id], pr)
			seen = append(seen, id)
		})
		assert.IsIncreasing(t, seen)
		assert.Len(t, seen, n)
	}
}

// Reference: etcd CheckQuorum (Raft dissertation §6.2) — a leader stays only
// while a quorum of voters has recently been active.
func TestProgressTrackerQuorumActive(t *testing.T) {
	tests := []struct {
		name     string
		incoming []uint64
		outgoing []uint64
		learners []uint64
		active   []uint64
		want     bool
	}{
		{"majority active", []uint64{1, 2, 3}, nil, nil, []uint64{1, 3}, true},
		{"minority active", []uint64{1, 2, 3}, nil, nil, []uint64{1}, false},
		{"active learners do not help", []uint64{1, 2, 3}, nil, []uint64{4, 5}, []uint64{1, 4, 5}, false},
		{"joint: both halves needed", []uint64{1, 2, 3}, []uint64{1, 4, 5}, nil, []uint64{1, 2, 3}, false},
		{"joint: both halves active", []uint64{1, 2, 3}, []uint64{1, 4, 5}, nil, []uint64{1, 2, 4}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newTracker(tt.incoming, tt.outgoing, tt.learners)
			for _, pr := range p.Progress {
				pr.RecentActive = false
			}
			for _, id := range tt.active {
				p.Progress[id].RecentActive = true
			}
			assert.Equal(t, tt.want, p.QuorumActive())
		})
	}
}

// Reference: Raft §5.2 — one vote per voter; a candidate wins with a majority.
func TestProgressTrackerVotes(t *testing.T) {
	p := newTracker([]uint64{1, 2, 3, 4, 5}, nil, []uint64{6})
	p.RecordVote(1, true)
	p.RecordVote(6, true) // a learner's vote is ignored
	granted, rejected, res := p.TallyVotes()
	assert.Equal(t, [3]any{1, 0, quorum.VotePending}, [3]any{granted, rejected, res})

	p.RecordVote(2, false)
	p.RecordVote(2, true) // only the first answer counts
	p.RecordVote(3, true)
	granted, rejected, res = p.TallyVotes()
	assert.Equal(t, [3]any{2, 1, quorum.VotePending}, [3]any{granted, rejected, res})

	p.RecordVote(4, true)
	granted, rejected, res = p.TallyVotes()
	assert.Equal(t, [3]any{3, 1, quorum.VoteWon}, [3]any{granted, rejected, res})
	g, r := p.VoteIDs()
	assert.Equal(t, []uint64{1, 3, 4}, g)
	assert.Equal(t, []uint64{2}, r)

	p.ResetVotes()
	granted, rejected, res = p.TallyVotes()
	assert.Equal(t, [3]any{0, 0, quorum.VotePending}, [3]any{granted, rejected, res})
}

func TestProgressTrackerNodesAndConfState(t *testing.T) {
	p := newTracker([]uint64{3, 1, 2}, []uint64{4, 1, 2}, []uint64{9, 7})
	p.LearnersNext = map[uint64]struct{}{4: {}}
	p.AutoLeave = true
	assert.Equal(t, []uint64{1, 2, 3, 4}, p.VoterNodes())
	assert.Equal(t, []uint64{7, 9}, p.LearnerNodes())
	assert.True(t, p.Joint())
	assert.False(t, p.IsSingleton())
	assert.Equal(t, ConfState{
		Voters: []uint64{1, 2, 3}, Learners: []uint64{7, 9}, VotersOutgoing: []uint64{1, 2, 4},
		LearnersNext: []uint64{4}, AutoLeave: true,
	}, p.ConfState())
	assert.Equal(t, "voters=(1 2 3)&&(1 2 4) learners=(7 9) learners_next=(4) autoleave", p.Config.String())

	c := p.Config.Clone()
	delete(c.Voters[0], 1)
	delete(c.Learners, 7)
	assert.Contains(t, p.Voters[0], uint64(1), "a clone shares no memory")
	assert.Contains(t, p.Learners, uint64(7))

	single := newTracker([]uint64{1}, nil, nil)
	assert.True(t, single.IsSingleton())
	assert.True(t, newTracker([]uint64{1}, []uint64{1}, []uint64{2}).IsSingleton(), "the same sole voter in both halves")
	assert.False(t, newTracker([]uint64{1}, []uint64{2}, nil).IsSingleton(), "two voters, one per half")
	assert.False(t, newTracker([]uint64{1, 2}, []uint64{1}, nil).IsSingleton())
	assert.False(t, newTracker(nil, nil, []uint64{3}).IsSingleton(), "no voter at all")
	assert.Equal(t, ConfState{Voters: []uint64{1}}, single.ConfState())
}

func BenchmarkProgressTrackerCommitted(b *testing.B) {
	p := newTracker([]uint64{1, 2, 3, 4, 5}, nil, nil)
	for id, pr := range p.Progress {
		pr.Match = 100 + id
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = p.Committed()
	}
}
