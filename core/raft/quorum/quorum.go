// Package quorum decides what a set of voters has agreed on: which log index
// a quorum has acknowledged (the commit index) and whether an election is won,
// lost or still open. It knows nothing about messages or terms, which keeps
// the counting rules of Raft §5.2, §5.3 and §6 small enough to test exhaustively.
//
// Every function here is deterministic: Go's random map iteration order never
// influences a result.
package quorum

import (
	"math"
	"strconv"
)

// Index is a log index as seen by quorum computations. The largest value,
// Infinite, is what an empty configuration "acknowledges": it lets one half of
// a joint configuration be empty without holding the other half back.
type Index uint64

// Infinite is the committed index of an empty configuration.
const Infinite Index = math.MaxUint64

// String renders Infinite as "∞" and any other index as its decimal value.
func (i Index) String() string {
	if i == Infinite {
		return "∞"
	}
	return strconv.FormatUint(uint64(i), 10)
}

// AckedIndexer reports the highest log index a voter is known to have
// persisted. found is false for a voter that has not reported yet; such a
// voter counts as having acknowledged nothing.
type AckedIndexer interface {
	AckedIndex(voterID uint64) (idx Index, found bool)
}

// AckedIndexMap is an AckedIndexer backed by a map, handy for tests and for
// computing a hypothetical commit index.
type AckedIndexMap map[uint64]Index

// AckedIndex implements AckedIndexer.
func (m AckedIndexMap) AckedIndex(voterID uint64) (Index, bool) {
	idx, ok := m[voterID]
	return idx, ok
}

// VoteResult is the state of an election as far as one configuration can tell.
type VoteResult uint8

const (
	// VotePending means neither a quorum of granted nor of rejected votes has
	// been reached yet: the outstanding votes can still decide either way.
	VotePending VoteResult = 1 + iota
	// VoteLost means so many voters rejected that a quorum can no longer be
	// reached.
	VoteLost
	// VoteWon means a quorum granted its vote.
	VoteWon
)

// String returns a stable identifier: "pending", "lost" or "won".
func (v VoteResult) String() string {
	switch v {
	case VotePending:
		return "pending"
	case VoteLost:
		return "lost"
	case VoteWon:
		return "won"
	}
	return "VoteResult(" + strconv.Itoa(int(v)) + ")"
}
