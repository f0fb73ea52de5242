// Package member is one virtual etcd member: a Raft node, its write-ahead log
// and its MVCC store, wired the way etcd's server wires them. It persists
// before it sends, applies committed entries to the store, serves
// linearizable reads through ReadIndex and serializable reads locally, and on
// the leader runs the lessor that expires leases through Raft.
//
// A member has no clock and no network of its own: the simulator calls it with
// the virtual time, hands it the messages the network delivers, and sends the
// messages it returns.
package member

import (
	"errors"
	"fmt"
	"time"

	"github.com/raft-playground/playground/core/raft"
)

// Config describes one member. The Raft knobs are passed through to the Raft
// node; TickUs translates ticks into the virtual time the lessor needs.
type Config struct {
	ID uint64
	// Voters and Learners are the initial configuration of a new cluster. A
	// member joining an existing cluster starts with both empty and learns
	// the configuration from the leader's log or snapshot, as in etcd.
	Voters   []uint64
	Learners []uint64

	ElectionTick  int
	HeartbeatTick int
	// TickUs is the virtual duration of one tick in microseconds. The lessor
	// uses it to extend leases by an election timeout when this member
	// becomes leader.
	TickUs int64

	PreVote             bool
	CheckQuorum         bool
	ReadOnly            raft.ReadOnlyOption
	DisableConflictHint bool
	MaxInflight         int
	MaxSizePerMsg       uint64

	// SnapshotEvery takes a snapshot after this many entries were applied
	// since the last one (0: only when asked). SnapshotCatchUp is how many
	// entries stay in the log after a compaction, so that a follower that is
	// only a little behind can catch up from the log instead of a snapshot.
	SnapshotEvery   uint64
	SnapshotCatchUp uint64

	// MinLeaseTTLSeconds is the shortest lease a grant gets (0: derived from
	// the election timeout, as etcd does, so that a lease outlives an
	// election).
	MinLeaseTTLSeconds int64

	// AutoCompactRetention turns on the leader's revision-mode
	// auto-compaction (etcd's --auto-compaction-mode=revision
	// --auto-compaction-retention): every AutoCompactIntervalTicks ticks the
	// leader proposes compacting the store at its revision minus this many
	// revisions (0: off).
	AutoCompactRetention     int64
	AutoCompactIntervalTicks int

	// Rand is the seeded source of the Raft node's election jitter.
	Rand raft.Rand
}

// validate checks the fields the member itself uses; the Raft node validates
// its own.
func (c *Config) validate() error {
	var errs []error
	if c.ID == 0 {
		errs = append(errs, errors.New("member: ID must be non-zero"))
	}
	if c.TickUs <= 0 {
		errs = append(errs, fmt.Errorf("member: TickUs must be positive, got %d", c.TickUs))
	}
	if c.Rand == nil {
		errs = append(errs, errors.New("member: Rand must be set (the seeded source of election jitter)"))
	}
	if c.AutoCompactRetention < 0 {
		errs = append(errs, fmt.Errorf("member: AutoCompactRetention must not be negative, got %d", c.AutoCompactRetention))
	}
	if c.AutoCompactRetention > 0 && c.AutoCompactIntervalTicks <= 0 {
		errs = append(errs, fmt.Errorf("member: AutoCompactIntervalTicks must be positive when auto-compaction is on, got %d", c.AutoCompactIntervalTicks))
	}
	return errors.Join(errs...)
}

// electionTimeout is the virtual duration of an election timeout.
func (c *Config) electionTimeout() time.Duration {
	return time.Duration(int64(c.ElectionTick)*c.TickUs) * time.Microsecond
}

// minLeaseTTL returns the shortest lease TTL in whole seconds: at least the
// configured minimum, and long enough to outlive an election, as etcd's
// minimum TTL is derived from the election timeout.
func (c *Config) minLeaseTTL() int64 {
	if c.MinLeaseTTLSeconds > 0 {
		return c.MinLeaseTTLSeconds
	}
	// etcd uses 3/2 of an election timeout, rounded up to whole seconds.
	us := int64(c.ElectionTick) * c.TickUs * 3 / 2
	secs := (us + 999_999) / 1_000_000
	return max(secs, 1)
}

func (c *Config) raftConfig(storage raft.Storage, applied uint64) *raft.Config {
	return &raft.Config{
		ID:                  c.ID,
		Voters:              c.Voters,
		Learners:            c.Learners,
		ElectionTick:        c.ElectionTick,
		HeartbeatTick:       c.HeartbeatTick,
		Storage:             storage,
		Applied:             applied,
		PreVote:             c.PreVote,
		CheckQuorum:         c.CheckQuorum,
		ReadOnlyOption:      c.ReadOnly,
		MaxSizePerMsg:       c.MaxSizePerMsg,
		MaxInflightMsgs:     max(c.MaxInflight, 1),
		DisableConflictHint: c.DisableConflictHint,
		Rand:                c.Rand,
	}
}
