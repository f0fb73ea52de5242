package quorum

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Reference: Raft §5.3 — an entry is committed once the leader has replicated
// it on a majority of the servers.
func TestMajorityCommittedIndex(t *testing.T) {
	tests := []struct {
		name   string
		voters []uint64
		acked  AckedIndexMap
		want   Index
	}{
		{"empty config commits everything", nil, AckedIndexMap{1: 5}, Infinite},
		{"single voter commits its own index", []uint64{1}, AckedIndexMap{1: 7}, 7},
		{"single voter that has not reported", []uint64{1}, AckedIndexMap{}, 0},
		{"two voters need both", []uint64{1, 2}, AckedIndexMap{1: 9, 2: 4}, 4},
		{"three voters, median", []uint64{1, 2, 3}, AckedIndexMap{1: 10, 2: 5, 3: 7}, 7},
		{"three voters, one silent", []uint64{1, 2, 3}, AckedIndexMap{1: 10, 3: 6}, 6},
		{"three voters, two silent", []uint64{1, 2, 3}, AckedIndexMap{1: 10}, 0},
		{"four voters need three", []uint64{1, 2, 3, 4}, AckedIndexMap{1: 8, 2: 8, 3: 3, 4: 2}, 3},
		{"five voters need three", []uint64{1, 2, 3, 4, 5}, AckedIndexMap{1: 9, 2: 8, 3: 7, 4: 1, 5: 1}, 7},
		{"non-voters are ignored", []uint64{1, 2, 3}, AckedIndexMap{1: 5, 2: 5, 3: 1, 4: 100, 5: 100}, 5},
		{"more voters than the stack buffer", []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11},
			AckedIndexMap{1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7, 8: 8, 9: 9, 10: 10, 11: 11}, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NewMajorityConfig(tt.voters...).CommittedIndex(tt.acked)
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestMajorityCommittedIndexMatchesDefinition checks the sorting shortcut
// against the definition: the largest index that at least a majority of voters
// has acknowledged. Repeating each case also exercises many map iteration
// orders, which must never change the answer.
func TestMajorityCommittedIndexMatchesDefinition(t *testing.T) {
	seed := uint64(1)
	rng := rand.New(rand.NewPCG(seed, seed))
	for iter := range 500 {
		n := 1 + rng.IntN(9)
		voters := make([]uint64, n)
		acked := AckedIndexMap{}
		for i := range voters {
			voters[i] = uint64(i + 1)
			if rng.IntN(4) > 0 {
				acked[voters[i]] = Index(rng.IntN(10))
			}
		}
		var want Index
		for candidate := Index(0); candidate < 10; candidate++ {
			holders := 0
			for _, id := range voters {
				if acked[id] >= candidate {
					holders++
				}
			}
			if holders > n/2 {
				want = candidate
			}
		}
		got := NewMajorityConfig(voters...).CommittedIndex(acked)
		require.Equal(t, want, got, "seed=%d iteration=%d voters=%v acked=%v", seed, iter, voters, acked)
	}
}

// Reference: Raft §5.2 — a candidate wins once a majority of the full cluster
// grants its vote; it loses once a majority refuses.
func TestMajorityVoteResult(t *testing.T) {
	const (
		yes = true
		no  = false
	)
	tests := []struct {
		name   string
		voters []uint64
		votes  map[uint64]bool
		want   VoteResult
	}{
		{"empty config wins", nil, nil, VoteWon},
		{"single voter pending", []uint64{1}, nil, VotePending},
		{"single voter won", []uint64{1}, map[uint64]bool{1: yes}, VoteWon},
		{"single voter lost", []uint64{1}, map[uint64]bool{1: no}, VoteLost},
		{"three voters, one yes", []uint64{1, 2, 3}, map[uint64]bool{1: yes}, VotePending},
		{"three voters, two yes", []uint64{1, 2, 3}, map[uint64]bool{1: yes, 3: yes}, VoteWon},
		{"three voters, split pending", []uint64{1, 2, 3}, map[uint64]bool{1: yes, 2: no}, VotePending},
		{"three voters, two no", []uint64{1, 2, 3}, map[uint64]bool{1: yes, 2: no, 3: no}, VoteLost},
		{"four voters, two yes is not enough", []uint64{1, 2, 3, 4}, map[uint64]bool{1: yes, 2: yes, 3: no}, VotePending},
		{"four voters, split vote lost", []uint64{1, 2, 3, 4}, map[uint64]bool{1: yes, 2: yes, 3: no, 4: no}, VoteLost},
		{"votes of non-voters are ignored", []uint64{1, 2, 3}, map[uint64]bool{1: yes, 4: yes, 5: yes}, VotePending},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, NewMajorityConfig(tt.voters...).VoteResult(tt.votes))
		})
	}
}

func TestMajorityConfigSliceAndString(t *testing.T) {
	c := NewMajorityConfig(5, 1, 3)
	assert.Equal(t, []uint64{1, 3, 5}, c.Slice())
	assert.Equal(t, "(1 3 5)", c.String())
	assert.Equal(t, "()", MajorityConfig{}.String())
	assert.True(t, slices.IsSorted(NewMajorityConfig(9, 8, 7, 6, 5, 4, 3, 2, 1).Slice()))
}

func TestIndexAndVoteResultString(t *testing.T) {
	assert.Equal(t, "∞", Infinite.String())
	assert.Equal(t, "42", Index(42).String())
	for v, want := range map[VoteResult]string{VotePending: "pending", VoteLost: "lost", VoteWon: "won", 0: "VoteResult(0)"} {
		assert.Equal(t, want, v.String(), fmt.Sprint(uint8(v)))
	}
}

func BenchmarkMajorityCommittedIndex(b *testing.B) {
	for _, n := range []int{3, 5, 9} {
		b.Run(fmt.Sprintf("voters=%d", n), func(b *testing.B) {
			c := MajorityConfig{}
			acked := AckedIndexMap{}
			for i := range n {
				c[uint64(i+1)] = struct{}{}
				acked[uint64(i+1)] = Index(100 + i)
			}
			b.ReportAllocs()
			for b.Loop() {
				_ = c.CommittedIndex(acked)
			}
		})
	}
}
