package quorum

import "slices"

// JointConfig is the joint configuration C_old,new of Raft §6: index 0 is the
// incoming configuration, index 1 the outgoing one. Outside a joint
// configuration the outgoing half is empty, and because an empty
// MajorityConfig commits everything and wins every vote, the pair then behaves
// exactly like its incoming half.
type JointConfig [2]MajorityConfig

// IDs returns every voter of either half, once, in ascending order.
func (c JointConfig) IDs() []uint64 {
	ids := make([]uint64, 0, len(c[0])+len(c[1]))
	for _, half := range c {
		for id := range half {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// String renders the configuration, e.g. "(1 2 3)&&(1 2 4)" while joint and
// "(1 2 3)" otherwise.
func (c JointConfig) String() string {
	if len(c[1]) == 0 {
		return c[0].String()
	}
	return c[0].String() + "&&" + c[1].String()
}

// CommittedIndex returns the largest index acknowledged by a majority of each
// half: Raft §6 requires agreement from separate majorities of both the old
// and the new configuration.
func (c JointConfig) CommittedIndex(l AckedIndexer) Index {
	return min(c[0].CommittedIndex(l), c[1].CommittedIndex(l))
}

// VoteResult combines the two halves: the election is won only when both
// halves are won, and lost as soon as either half is lost.
func (c JointConfig) VoteResult(votes map[uint64]bool) VoteResult {
	r0 := c[0].VoteResult(votes)
	r1 := c[1].VoteResult(votes)
	switch {
	case r0 == r1:
		return r0
	case r0 == VoteLost || r1 == VoteLost:
		return VoteLost
	default:
		// One half is won and the other is pending.
		return VotePending
	}
}
