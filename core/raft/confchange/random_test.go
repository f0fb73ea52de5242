package confchange

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/raft-playground/playground/core/raft/quorum"
	"github.com/raft-playground/playground/core/raft/tracker"
)

// TestRandomChangeSequences applies random changes — simple, entering and
// leaving joint configurations, valid or not — and checks after each that a
// refused change left the input untouched and an accepted one satisfies the
// invariants, and that a simple change never allows two disjoint majorities:
// every majority of the old voters meets every majority of the new ones
// (Raft §6).
func TestRandomChangeSequences(t *testing.T) {
	for seed := uint64(1); seed <= 200; seed++ {
		rng := rand.New(rand.NewPCG(seed, 0))
		c := Changer{Tracker: tracker.MakeProgressTracker(4), LastIndex: 1}
		cfg, prs, err := c.Restore(tracker.ConfState{Voters: []uint64{1, 2, 3}})
		require.NoError(t, err)
		c.Tracker.Config, c.Tracker.Progress = cfg, prs
		for step := range 50 {
			where := fmt.Sprintf("seed %d step %d from %s", seed, step, c.Tracker.Config)
			before := c.Tracker.Config.Clone()
			var ccs []Single
			for range 1 + rng.IntN(3) {
				ccs = append(ccs, Single{Type: ChangeType(rng.IntN(3)), NodeID: uint64(1 + rng.IntN(6))})
			}
			var cfg tracker.Config
			var prs tracker.ProgressMap
			var err error
			simple := false
			switch rng.IntN(3) {
			case 0:
				simple = true
				cfg, prs, err = c.Simple(ccs...)
			case 1:
				cfg, prs, err = c.EnterJoint(rng.IntN(2) == 0, ccs...)
			default:
				cfg, prs, err = c.LeaveJoint()
			}
			require.Equal(t, before, c.Tracker.Config, "%s: the input configuration changed", where)
			if err != nil {
				continue
			}
			require.NoError(t, checkInvariants(cfg, prs), where)
			require.NotEmpty(t, cfg.Voters[0], where)
			if simple {
				require.True(t, majoritiesOverlap(before.Voters[0], cfg.Voters[0]),
					"%s: %s and %s have disjoint majorities", where, before.Voters[0], cfg.Voters[0])
			}
			c.Tracker.Config, c.Tracker.Progress = cfg, prs
		}
	}
}

// majoritiesOverlap reports whether every majority of a intersects every
// majority of b, by checking that the smallest majorities cannot be
// disjoint: |a|/2+1 + |b|/2+1 > |a ∪ b|.
func majoritiesOverlap(a, b quorum.MajorityConfig) bool {
	if len(a) == 0 || len(b) == 0 {
		return true
	}
	union := len(quorum.JointConfig{a, b}.IDs())
	return len(a)/2+1+len(b)/2+1 > union
}
