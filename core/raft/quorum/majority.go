package quorum

import (
	"slices"
	"strconv"
	"strings"
)

// MajorityConfig is a set of voters whose decisions need a strict majority
// (Raft §5.2: "a candidate wins an election if it receives votes from a
// majority of the servers in the full cluster").
type MajorityConfig map[uint64]struct{}

// NewMajorityConfig builds a MajorityConfig from a list of voter IDs.
func NewMajorityConfig(ids ...uint64) MajorityConfig {
	c := make(MajorityConfig, len(ids))
	for _, id := range ids {
		c[id] = struct{}{}
	}
	return c
}

// Slice returns the voter IDs in ascending order.
func (c MajorityConfig) Slice() []uint64 {
	ids := make([]uint64, 0, len(c))
	for id := range c {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// String renders the voters in ascending order, e.g. "(1 2 3)".
func (c MajorityConfig) String() string {
	var b strings.Builder
	b.WriteByte('(')
	for i, id := range c.Slice() {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.FormatUint(id, 10))
	}
	b.WriteByte(')')
	return b.String()
}

// smallConfigSize is the largest configuration whose acknowledged indexes are
// sorted in a stack array. The playground runs at most nine members, so the
// commit computation, which runs on every append response, never allocates.
const smallConfigSize = 9

// CommittedIndex returns the largest index that a majority of the voters has
// acknowledged. Voters that have not reported count as having acknowledged
// index 0. An empty configuration returns Infinite so that, inside a joint
// configuration, it never holds the other half back.
func (c MajorityConfig) CommittedIndex(l AckedIndexer) Index {
	n := len(c)
	if n == 0 {
		return Infinite
	}
	var stack [smallConfigSize]uint64
	var acked []uint64
	if n <= len(stack) {
		acked = stack[:n]
	} else {
		acked = make([]uint64, n)
	}
	// Fill from the right; voters that have not reported leave zeros on the
	// left, which is where sorting would put them anyway. The result depends
	// only on the multiset of values, never on the map's iteration order.
	i := n - 1
	for id := range c {
		if idx, ok := l.AckedIndex(id); ok {
			acked[i] = uint64(idx)
			i--
		}
	}
	slices.Sort(acked)
	// After sorting ascending, the entry n/2+1 places from the right is the
	// highest index held by at least a majority (n/2+1 voters).
	return Index(acked[n-(n/2+1)])
}

// VoteResult tallies votes (true: granted, false: rejected; a voter missing
// from the map has not answered). An empty configuration wins by convention,
// so that a joint configuration with an empty half behaves like the other half.
func (c MajorityConfig) VoteResult(votes map[uint64]bool) VoteResult {
	if len(c) == 0 {
		return VoteWon
	}
	var granted, missing int
	for id := range c {
		v, ok := votes[id]
		switch {
		case !ok:
			missing++
		case v:
			granted++
		}
	}
	quorum := len(c)/2 + 1
	switch {
	case granted >= quorum:
		return VoteWon
	case granted+missing >= quorum:
		return VotePending
	default:
		return VoteLost
	}
}
