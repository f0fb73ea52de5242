// Package tracker is the leader's view of its followers: for each peer, how
// much of the log it is known to hold (match), what to send next (next), and
// how to send it (probe, replicate or snapshot), plus the configuration
// (voters, learners, joint consensus) and the votes of an election.
//
// It imports nothing from core/raft: core/raft drives it and converts its
// ConfState to raft.ConfState.
package tracker

import "strconv"

// StateType says how the leader replicates to one follower.
type StateType uint8

const (
	// StateProbe: the leader does not know where the follower's log
	// diverges. It sends one append at a time and waits for the answer,
	// moving Next back on each rejection (Raft §5.3).
	StateProbe StateType = iota
	// StateReplicate: the follower accepted an append, so the leader streams
	// entries optimistically, advancing Next as it sends, bounded by the
	// inflight window.
	StateReplicate
	// StateSnapshot: the entries the follower needs are compacted away; the
	// leader has sent a snapshot and sends no appends until it lands (Raft §7).
	StateSnapshot
)

// String returns "probe", "replicate" or "snapshot".
func (s StateType) String() string {
	switch s {
	case StateProbe:
		return "probe"
	case StateReplicate:
		return "replicate"
	case StateSnapshot:
		return "snapshot"
	}
	return "StateType(" + strconv.Itoa(int(s)) + ")"
}
