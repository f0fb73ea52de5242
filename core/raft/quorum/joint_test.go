package quorum

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func joint(incoming, outgoing []uint64) JointConfig {
	return JointConfig{NewMajorityConfig(incoming...), NewMajorityConfig(outgoing...)}
}

// Reference: Raft §6 — in the joint configuration, agreement (for elections
// and entry commitment) requires separate majorities from both the old and
// the new configurations.
func TestJointCommittedIndex(t *testing.T) {
	tests := []struct {
		name     string
		incoming []uint64
		outgoing []uint64
		acked    AckedIndexMap
		want     Index
	}{
		{"both empty", nil, nil, AckedIndexMap{}, Infinite},
		{"empty outgoing behaves like incoming", []uint64{1, 2, 3}, nil, AckedIndexMap{1: 5, 2: 4, 3: 1}, 4},
		{"empty incoming behaves like outgoing", nil, []uint64{1, 2, 3}, AckedIndexMap{1: 5, 2: 4, 3: 1}, 4},
		{"the slower half decides", []uint64{1, 2, 3}, []uint64{3, 4, 5},
			AckedIndexMap{1: 9, 2: 9, 3: 2, 4: 1, 5: 5}, 2},
		{"new majority alone is not enough", []uint64{4, 5, 6}, []uint64{1, 2, 3},
			AckedIndexMap{4: 10, 5: 10, 6: 10, 1: 3, 2: 0, 3: 0}, 0},
		{"overlapping halves", []uint64{1, 2, 3}, []uint64{1, 2, 4},
			AckedIndexMap{1: 7, 2: 6, 3: 5, 4: 1}, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, joint(tt.incoming, tt.outgoing).CommittedIndex(tt.acked))
		})
	}
}

// Reference: Raft §6 — a candidate in a joint configuration needs a majority
// of each half.
func TestJointVoteResult(t *testing.T) {
	tests := []struct {
		name     string
		incoming []uint64
		outgoing []uint64
		votes    map[uint64]bool
		want     VoteResult
	}{
		{"both empty win", nil, nil, nil, VoteWon},
		{"not joint", []uint64{1, 2, 3}, nil, map[uint64]bool{1: true, 2: true}, VoteWon},
		{"won in both", []uint64{1, 2, 3}, []uint64{3, 4, 5}, map[uint64]bool{1: true, 3: true, 4: true}, VoteWon},
		{"won in one, pending in other", []uint64{1, 2, 3}, []uint64{3, 4, 5}, map[uint64]bool{1: true, 2: true}, VotePending},
		{"won in one, lost in other", []uint64{1, 2, 3}, []uint64{3, 4, 5}, map[uint64]bool{1: true, 2: true, 4: false, 5: false}, VoteLost},
		{"pending in one, lost in other", []uint64{1, 2, 3}, []uint64{4, 5, 6}, map[uint64]bool{1: true, 4: false, 5: false}, VoteLost},
		{"both pending", []uint64{1, 2, 3}, []uint64{4, 5, 6}, map[uint64]bool{1: true, 4: true}, VotePending},
		{"both lost", []uint64{1, 2, 3}, []uint64{1, 2, 4}, map[uint64]bool{1: false, 2: false}, VoteLost},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, joint(tt.incoming, tt.outgoing).VoteResult(tt.votes))
		})
	}
}

func TestJointIDsAndString(t *testing.T) {
	c := joint([]uint64{3, 1, 2}, []uint64{4, 2, 1})
	assert.Equal(t, []uint64{1, 2, 3, 4}, c.IDs())
	assert.Equal(t, "(1 2 3)&&(1 2 4)", c.String())
	assert.Equal(t, "(1 2)", joint([]uint64{2, 1}, nil).String())
	assert.Empty(t, JointConfig{}.IDs())
}

// TestJointMatchesDefinition compares JointConfig with the definitions of
// Raft §6 on random configurations: the committed index is the largest index
// that a majority of each half holds, and an election is won when both
// halves grant a majority, lost when either half can no longer.
func TestJointMatchesDefinition(t *testing.T) {
	seed := uint64(2)
	rng := rand.New(rand.NewPCG(seed, seed))
	randomHalf := func() MajorityConfig {
		c := MajorityConfig{}
		for id := uint64(1); id <= 7; id++ {
			if rng.IntN(2) == 0 {
				c[id] = struct{}{}
			}
		}
		return c
	}
	majorityHolds := func(half MajorityConfig, pred func(uint64) bool) bool {
		if len(half) == 0 {
			return true
		}
		n := 0
		for id := range half {
			if pred(id) {
				n++
			}
		}
		return n > len(half)/2
	}
	for iter := range 1000 {
		c := JointConfig{randomHalf(), randomHalf()}
		acked := AckedIndexMap{}
		votes := map[uint64]bool{}
		for id := uint64(1); id <= 7; id++ {
			acked[id] = Index(rng.IntN(8))
			if r := rng.IntN(3); r < 2 {
				votes[id] = r == 0
			}
		}
		want := Index(0)
		if len(c[0]) == 0 && len(c[1]) == 0 {
			want = Infinite
		}
		for idx := Index(1); idx < 8 && want != Infinite; idx++ {
			holds := func(id uint64) bool { return acked[id] >= idx }
			if majorityHolds(c[0], holds) && majorityHolds(c[1], holds) {
				want = idx
			}
		}
		require.Equal(t, want, c.CommittedIndex(acked), "seed=%d iteration=%d config=%s acked=%v", seed, iter, c, acked)

		granted := func(id uint64) bool { v, ok := votes[id]; return ok && v }
		possible := func(id uint64) bool { v, ok := votes[id]; return !ok || v }
		wantVote := VotePending
		switch {
		case majorityHolds(c[0], granted) && majorityHolds(c[1], granted):
			wantVote = VoteWon
		case !majorityHolds(c[0], possible) || !majorityHolds(c[1], possible):
			wantVote = VoteLost
		}
		require.Equal(t, wantVote, c.VoteResult(votes), "seed=%d iteration=%d config=%s votes=%v", seed, iter, c, votes)
	}
}
