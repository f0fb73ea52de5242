package netsim

import (
	"fmt"
)

// MaxMembers is the largest member ID the world knows: members are s1…s9.
const MaxMembers = 9

// Config describes a world: the cluster, its timing, the default network and
// the seed every random choice is drawn from. Start from DefaultConfig and
// change what you need; New refuses a Config that Validate refuses.
type Config struct {
	// Size is the number of voting members the cluster starts with, s1…sSize.
	// The product uses 3–9; 1 and 2 are allowed for tests and for showing
	// why even and tiny clusters are a poor idea.
	Size int
	// Seed seeds the world's one PRNG; the same seed and the same commands
	// give a byte-identical trace.
	Seed uint64

	// Tick is the virtual time between two raft ticks of a member. Every
	// raft timeout is a whole number of ticks, so the election timeout and
	// the heartbeat interval must be multiples of it.
	Tick Duration
	// ElectionMin and ElectionMax bound the randomized election timeout.
	// Raft draws it from [ElectionTick, 2·ElectionTick), so ElectionMax must
	// be twice ElectionMin (zero means exactly that).
	ElectionMin, ElectionMax Duration
	// Heartbeat is the interval between a leader's heartbeats.
	Heartbeat Duration

	// LatencyMin and LatencyMax bound the one-way latency of every link
	// until a link is changed on its own; clients see the same latency.
	LatencyMin, LatencyMax Duration
	// FsyncLatency is how long a WAL sync takes: messages that depend on
	// what was written leave only after it, and a crash before it loses the
	// unsynced tail.
	FsyncLatency Duration

	PreVote     bool
	CheckQuorum bool
	// LeaseRead serves linearizable reads under the leader's lease
	// (raft.ReadOnlyLeaseBased, the Raft thesis §6.4.1 lease: the leader
	// answers at once while a quorum acknowledged a heartbeat round sent
	// less than an election timeout ago, and confirms with a round
	// otherwise) instead of a heartbeat round for every read (ReadOnlySafe).
	// It requires CheckQuorum, as in etcd.
	LeaseRead bool
	// DisableConflictHint makes a follower's rejection carry no hint, so the
	// leader backs off one entry at a time (for teaching).
	DisableConflictHint bool
	// MaxInflight is the number of appends a leader keeps in flight to one
	// follower in replicate state.
	MaxInflight int

	// SnapshotEvery takes a snapshot and compacts the log every this many
	// applied entries (0: only when asked).
	SnapshotEvery uint64
	// SnapshotCatchUp is how many entries are kept after a compaction so a
	// slightly slow follower can catch up without a snapshot.
	SnapshotCatchUp uint64

	// AutoCompactRetention turns on etcd's revision-mode auto-compaction
	// (--auto-compaction-mode=revision --auto-compaction-retention=N): every
	// AutoCompactEvery of its leadership, the leader proposes compacting the
	// store's history at its current revision minus this many revisions,
	// through Raft, when that moved past the last compaction (0: off).
	AutoCompactRetention int64
	// AutoCompactEvery is how often the leader's compactor checks the
	// revision (etcd checks every 5 minutes); a whole number of ticks.
	AutoCompactEvery Duration

	// ClientTimeout is how long a client waits for a reply before it gives
	// up on a member and, when it is safe to, tries another one.
	ClientTimeout Duration
	// CheckpointEvery is the virtual time between two rewind checkpoints
	// (0: none, for long benchmark runs that never rewind).
	CheckpointEvery Duration
	// CheckpointDense is how many of the newest checkpoints are kept at
	// every CheckpointEvery; older ones are thinned with age, each further
	// band of CheckpointDense checkpoints half as dense as the one before,
	// so a session of length T keeps about CheckpointDense·log2(T) of them
	// (see keepCheckpoint). Seeking stays exact, since it replays from the
	// nearest earlier checkpoint; only seeking far back replays longer.
	// 0 keeps every checkpoint.
	CheckpointDense int
	// TraceKeep keeps only the trace records of the last TraceKeep of
	// virtual time (0: keep them all). A busy cluster records some two
	// thousand events per virtual second, so hour-long runs need a window.
	TraceKeep Duration
}

// DefaultConfig is a five-member cluster with etcd-like timing scaled for
// watching: 150–300 ms elections, 50 ms heartbeats, 5–15 ms links.
func DefaultConfig() Config {
	return Config{
		Size:            5,
		Seed:            1,
		Tick:            10 * Millisecond,
		ElectionMin:     150 * Millisecond,
		ElectionMax:     300 * Millisecond,
		Heartbeat:       50 * Millisecond,
		LatencyMin:      5 * Millisecond,
		LatencyMax:      15 * Millisecond,
		FsyncLatency:    2 * Millisecond,
		PreVote:         true,
		CheckQuorum:     true,
		MaxInflight:     64,
		SnapshotCatchUp: 5,
		ClientTimeout:   2 * Second,
		CheckpointEvery: 5 * Second,
		CheckpointDense: 24,
		// Inert while AutoCompactRetention is 0; see BrowserConfig for why
		// a minute.
		AutoCompactEvery: Minute,
	}
}

// ConfigError names the Config field that is wrong and why.
type ConfigError struct {
	Field string
	Msg   string
}

func (e *ConfigError) Error() string { return "config " + e.Field + ": " + e.Msg }

// Validate reports the first thing wrong with c, as a *ConfigError.
func (c Config) Validate() error {
	bad := func(field, format string, args ...any) error {
		return &ConfigError{Field: field, Msg: fmt.Sprintf(format, args...)}
	}
	if c.Size < 1 || c.Size > MaxMembers {
		return bad("size", "%d members is out of range: a cluster has 1 to %d members (3, 5 or 7 is typical)", c.Size, MaxMembers)
	}
	durations := []struct {
		name string
		d    Duration
	}{
		{"tick", c.Tick}, {"election", c.ElectionMin}, {"election max", c.ElectionMax},
		{"heartbeat", c.Heartbeat}, {"latency min", c.LatencyMin}, {"latency max", c.LatencyMax},
		{"fsync", c.FsyncLatency}, {"client timeout", c.ClientTimeout}, {"checkpoint", c.CheckpointEvery},
		{"trace keep", c.TraceKeep}, {"auto-compact every", c.AutoCompactEvery},
	}
	for _, f := range durations {
		if f.d < 0 {
			return bad(f.name, "%s is negative; durations cannot be negative", f.d)
		}
	}
	if c.Tick == 0 {
		return bad("tick", "the tick must be longer than zero")
	}
	if c.ElectionMin == 0 {
		return bad("election", "the election timeout must be longer than zero")
	}
	if c.ElectionMin%c.Tick != 0 {
		return bad("election", "%s is not a whole number of %s ticks", c.ElectionMin, c.Tick)
	}
	if c.ElectionMax != 0 && c.ElectionMax != 2*c.ElectionMin {
		return bad("election", "range %s..%s: raft draws the timeout from [T, 2T), so the upper bound must be %s", c.ElectionMin, c.ElectionMax, 2*c.ElectionMin)
	}
	if c.Heartbeat == 0 || c.Heartbeat%c.Tick != 0 {
		return bad("heartbeat", "%s is not a positive whole number of %s ticks", c.Heartbeat, c.Tick)
	}
	if c.Heartbeat >= c.ElectionMin {
		return bad("heartbeat", "%s must be shorter than the election timeout %s, or followers time out between heartbeats", c.Heartbeat, c.ElectionMin)
	}
	if c.LatencyMax < c.LatencyMin {
		return bad("latency", "range %s..%s ends before it starts", c.LatencyMin, c.LatencyMax)
	}
	if c.LeaseRead && !c.CheckQuorum {
		return bad("lease read", "lease-based reads need check-quorum on: followers must refuse votes while they hear from a leader, or the lease means nothing")
	}
	if c.MaxInflight < 1 {
		return bad("max inflight", "%d: a leader needs at least one append in flight", c.MaxInflight)
	}
	if c.CheckpointDense < 0 {
		return bad("checkpoint dense", "%d is negative; keep 0 (every checkpoint) or more", c.CheckpointDense)
	}
	if c.AutoCompactRetention < 0 {
		return bad("auto-compact", "%d is negative; keep 0 (off) or more revisions", c.AutoCompactRetention)
	}
	if c.AutoCompactRetention > 0 && (c.AutoCompactEvery == 0 || c.AutoCompactEvery%c.Tick != 0) {
		return bad("auto-compact every", "%s is not a positive whole number of %s ticks", c.AutoCompactEvery, c.Tick)
	}
	if c.ClientTimeout == 0 {
		return bad("client timeout", "must be longer than zero")
	}
	return nil
}

// electionTicks is the raft ElectionTick the configuration implies.
func (c Config) electionTicks() int { return int(c.ElectionMin / c.Tick) }

// heartbeatTicks is the raft HeartbeatTick the configuration implies.
func (c Config) heartbeatTicks() int { return int(c.Heartbeat / c.Tick) }
