package raft

import (
	"errors"
	"fmt"
	"slices"
)

// Rand is the node's only source of randomness: it draws the randomized
// election timeout. A *math/rand/v2.Rand satisfies it; the simulator passes
// one seeded source down so that every run can be replayed.
type Rand interface {
	// IntN returns a number in [0, n).
	IntN(n int) int
}

// Config configures one Raft node.
type Config struct {
	// ID identifies the node; it must not be 0 (None).
	ID uint64
	// Voters are the voters the cluster started with. When Storage is
	// empty (no snapshot, entries or hard state) the node bootstraps a new
	// cluster: it writes them into its log as committed configuration
	// changes of term 1, as every founding member does, so the first
	// election is in term 2. When Storage has a log but its snapshot names
	// no configuration (a restart without a snapshot), they are the
	// configuration the log starts from. When the snapshot names one, they
	// are ignored. Either way the application re-applies the configuration
	// changes logged after that point (so Applied must not skip any). A
	// member added to a running cluster passes none and learns the
	// configuration from the leader.
	Voters []uint64
	// Learners are the learners the cluster started with, by the same rule.
	Learners []uint64
	// ElectionTick is the election timeout in ticks. Each follower waits a
	// randomized timeout in [ElectionTick, 2*ElectionTick) before it starts
	// an election, which makes split votes rare (Raft §5.2). It must be
	// greater than HeartbeatTick.
	ElectionTick int
	// HeartbeatTick is the number of ticks between a leader's heartbeats.
	HeartbeatTick int
	// Storage is the node's stable log.
	Storage Storage
	// Applied is the last index the application applied, on restart.
	// Committed entries up to it are not handed out again.
	Applied uint64
	// PreVote enables the pre-vote phase (Raft thesis §9.6): a candidate
	// first asks whether it could win, without increasing its term, so that
	// a member rejoining after a partition does not disrupt a stable leader.
	PreVote bool
	// CheckQuorum makes a leader step down when it has not heard from a
	// quorum within an election timeout, and makes members that heard from
	// a live leader recently ignore vote requests (the leader lease).
	CheckQuorum bool
	// ReadOnlyOption chooses how ReadIndex confirms leadership.
	// ReadOnlyLeaseBased requires CheckQuorum.
	ReadOnlyOption ReadOnlyOption
	// MaxSizePerMsg limits the bytes of entries in one append message; an
	// entry larger than the limit still travels alone. 0 sends one entry
	// per message.
	MaxSizePerMsg uint64
	// MaxInflightMsgs limits how many append messages may be in flight to
	// one follower in replicate state (flow control). It must be positive.
	MaxInflightMsgs int
	// DisableConflictHint is a teaching option: a rejected append makes the
	// leader back off one entry at a time, as in the paper's basic
	// algorithm, instead of jumping over a whole conflicting term.
	DisableConflictHint bool
	// Rand draws the randomized election timeout. It must not be nil.
	Rand Rand
}

// ErrInvalidConfig wraps every error returned by Config.Validate.
var ErrInvalidConfig = errors.New("raft: invalid config")

// Validate checks the configuration and returns an error naming the first
// bad field.
func (c *Config) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalidConfig, fmt.Sprintf(format, args...))
	}
	switch {
	case c.ID == None:
		return bad("ID must not be 0 (0 means no node)")
	case c.HeartbeatTick <= 0:
		return bad("HeartbeatTick must be positive, got %d", c.HeartbeatTick)
	case c.ElectionTick <= c.HeartbeatTick:
		return bad("ElectionTick (%d) must be greater than HeartbeatTick (%d)", c.ElectionTick, c.HeartbeatTick)
	case c.Storage == nil:
		return bad("Storage must not be nil")
	case c.MaxInflightMsgs <= 0:
		return bad("MaxInflightMsgs must be positive, got %d", c.MaxInflightMsgs)
	case c.Rand == nil:
		return bad("Rand must not be nil: the randomized election timeout needs a seeded source")
	case c.ReadOnlyOption != ReadOnlySafe && c.ReadOnlyOption != ReadOnlyLeaseBased:
		return bad("ReadOnlyOption %d is unknown", c.ReadOnlyOption)
	case c.ReadOnlyOption == ReadOnlyLeaseBased && !c.CheckQuorum:
		return bad("ReadOnlyOption lease-based requires CheckQuorum: the lease is only sound while a leader steps down on losing its quorum")
	}
	for _, id := range c.Voters {
		if id == None {
			return bad("Voters must not contain 0")
		}
	}
	for _, id := range c.Learners {
		if id == None {
			return bad("Learners must not contain 0")
		}
		if slices.Contains(c.Voters, id) {
			return bad("node %d is both a voter and a learner", id)
		}
	}
	if dup := firstDuplicate(c.Voters); dup != None {
		return bad("voter %d is listed twice", dup)
	}
	if dup := firstDuplicate(c.Learners); dup != None {
		return bad("learner %d is listed twice", dup)
	}
	return nil
}

// firstDuplicate returns the first ID that appears twice in ids, or None.
func firstDuplicate(ids []uint64) uint64 {
	for i, id := range ids {
		if slices.Contains(ids[i+1:], id) {
			return id
		}
	}
	return None
}
