package script

import (
	"strconv"
	"strings"

	"github.com/raft-playground/playground/netsim"
)

// Cluster starts a new world: `cluster size=5 seed=7 election=150ms..300ms
// heartbeat=50ms latency=5ms..15ms prevote=on checkquorum=on`. It must be the
// first command of a script. Options not given keep netsim.DefaultConfig's
// values (or those of the parser's base, see Parser.SetBase).
type Cluster struct {
	Config netsim.Config
	// AutoCompactOffStated records that the line said auto-compact=off.
	// Format writes auto-compact only when it is on or was stated off, so
	// the scripts and goldens that never mention it read as they always
	// did, while an explicit off survives a replay from a base that turns
	// auto-compaction on (netsim.BrowserConfig).
	AutoCompactOffStated bool
}

// Format renders every setting explicitly, so a recorded script keeps its
// meaning even if the defaults change later. The one exception is
// auto-compaction, written only when on (with its interval) or stated off.
func (c *Cluster) Format() string {
	cfg := c.Config
	reads := "safe"
	if cfg.LeaseRead {
		reads = "lease"
	}
	election := cfg.ElectionMax
	if election == 0 {
		election = 2 * cfg.ElectionMin
	}
	return "cluster size=" + strconv.Itoa(cfg.Size) +
		" seed=" + strconv.FormatUint(cfg.Seed, 10) +
		" election=" + DurationRange{Min: cfg.ElectionMin, Max: election}.String() +
		" heartbeat=" + cfg.Heartbeat.String() +
		" tick=" + cfg.Tick.String() +
		" latency=" + DurationRange{Min: cfg.LatencyMin, Max: cfg.LatencyMax}.String() +
		" fsync=" + cfg.FsyncLatency.String() +
		" prevote=" + onOff(cfg.PreVote) +
		" checkquorum=" + onOff(cfg.CheckQuorum) +
		" reads=" + reads +
		" conflict-hint=" + onOff(!cfg.DisableConflictHint) +
		" inflight=" + strconv.Itoa(cfg.MaxInflight) +
		" snapshot-every=" + strconv.FormatUint(cfg.SnapshotEvery, 10) +
		" catchup=" + strconv.FormatUint(cfg.SnapshotCatchUp, 10) +
		" client-timeout=" + cfg.ClientTimeout.String() +
		c.formatAutoCompact()
}

// formatAutoCompact renders ` auto-compact=N auto-compact-every=D`, `
// auto-compact=off` or nothing (see AutoCompactOffStated).
func (c *Cluster) formatAutoCompact() string {
	switch {
	case c.Config.AutoCompactRetention > 0:
		return " auto-compact=" + strconv.FormatInt(c.Config.AutoCompactRetention, 10) +
			" auto-compact-every=" + c.Config.AutoCompactEvery.String()
	case c.AutoCompactOffStated:
		return " auto-compact=off"
	}
	return ""
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// Run advances virtual time: `run 2s`.
type Run struct {
	For Duration
}

// Format renders `run 2s`.
func (c *Run) Format() string { return "run " + c.For.String() }

// RunUntilLeader advances virtual time until exactly one leader exists:
// `run until=leader max=10s`. It fails if Max passes first.
type RunUntilLeader struct {
	Max Duration
}

// Format renders `run until=leader max=10s`.
func (c *RunUntilLeader) Format() string { return "run until=leader max=" + c.Max.String() }

// Step delivers the next Count events only: `step` or `step 5`.
type Step struct {
	Count int
}

// Format renders `step` for one event and `step N` otherwise.
func (c *Step) Format() string {
	if c.Count == 1 {
		return "step"
	}
	return "step " + strconv.Itoa(c.Count)
}

// CrashMode says what a member's WAL keeps when the member crashes.
type CrashMode int

const (
	// CrashLoseUnsynced keeps exactly the synced prefix of the WAL (the default).
	CrashLoseUnsynced CrashMode = iota
	// CrashTorn also tears the last synced record, as a power cut in the middle
	// of a write does; replay detects the torn record.
	CrashTorn
	// CrashCorrupt flips bits in a synced record in the middle of the WAL, so
	// the CRC chain breaks and the member refuses to start.
	CrashCorrupt
)

var crashModeNames = []string{"lose-unsynced", "torn", "corrupt"}

// String renders the mode as it is written after `wal=`.
func (m CrashMode) String() string { return crashModeNames[m] }

// Crash stops a member (losing its volatile state and its WAL's unsynced
// tail) or a client (which then sends nothing, so its leases lapse):
// `crash s1`, `crash s1 wal=torn`, `crash c1`.
type Crash struct {
	Target Target
	WAL    CrashMode // members only
}

// Format renders `crash s1` with `wal=` only when it is not the default.
func (c *Crash) Format() string {
	s := "crash " + c.Target.String()
	if c.WAL != CrashLoseUnsynced {
		s += " wal=" + c.WAL.String()
	}
	return s
}

// Restart brings a crashed member back by replaying its WAL, or gives a
// crashed client a new session: `restart s1`.
type Restart struct{ Target Target }

// Format renders `restart s1`.
func (c *Restart) Format() string { return "restart " + c.Target.String() }

// Pause freezes a member's or client's clock and processing, as a long GC
// pause does; messages to it queue up: `pause s2`.
type Pause struct{ Target Target }

// Format renders `pause s2`.
func (c *Pause) Format() string { return "pause " + c.Target.String() }

// Resume continues a paused member or client: `resume s2`.
type Resume struct{ Target Target }

// Format renders `resume s2`.
func (c *Resume) Format() string { return "resume " + c.Target.String() }

// Partition cuts the network into groups that cannot reach each other:
// `partition s1,s2 | s3,s4,s5`. Members named in no group each end up alone.
type Partition struct {
	Groups [][]MemberRef
}

// Format renders `partition s1,s2 | s3,s4,s5`.
func (c *Partition) Format() string {
	groups := make([]string, len(c.Groups))
	for i, g := range c.Groups {
		names := make([]string, len(g))
		for j, m := range g {
			names[j] = m.String()
		}
		groups[i] = strings.Join(names, ",")
	}
	return "partition " + strings.Join(groups, " | ")
}

// Isolate cuts one member off from every other member: `isolate s3`.
type Isolate struct{ Member MemberRef }

// Format renders `isolate s3`.
func (c *Isolate) Format() string { return "isolate " + c.Member.String() }

// Heal removes every partition and isolation (link knobs stay): `heal`.
type Heal struct{}

// Format renders `heal`.
func (c *Heal) Format() string { return "heal" }

// Link sets the knobs of the link from one member to another, in one
// direction (`s1->s2`) or both (`s1<->s2`): `link s1->s2 drop=100% latency=200ms`.
// Knobs not given keep their current value.
type Link struct {
	From, To MemberRef
	Both     bool
	Drop     *Percent
	Latency  *DurationRange
	Dup      *Percent
	Reorder  *Percent
}

// Format renders the link with its knobs in a fixed order.
func (c *Link) Format() string {
	s := "link " + linkName(c.From, c.To, c.Both)
	if c.Drop != nil {
		s += " drop=" + c.Drop.String()
	}
	if c.Latency != nil {
		s += " latency=" + c.Latency.String()
	}
	if c.Dup != nil {
		s += " dup=" + c.Dup.String()
	}
	if c.Reorder != nil {
		s += " reorder=" + c.Reorder.String()
	}
	return s
}

func linkName(from, to MemberRef, both bool) string {
	if both {
		return from.String() + "<->" + to.String()
	}
	return from.String() + "->" + to.String()
}

// LinkReset returns a link to the cluster's default knobs: `link s1->s2 reset`.
type LinkReset struct {
	From, To MemberRef
	Both     bool
}

// Format renders `link s1->s2 reset`.
func (c *LinkReset) Format() string { return "link " + linkName(c.From, c.To, c.Both) + " reset" }

// Timeout fires a member's election timer now: `timeout s3`.
type Timeout struct{ Member MemberRef }

// Format renders `timeout s3`.
func (c *Timeout) Format() string { return "timeout " + c.Member.String() }

// Transfer asks the leader to hand leadership to a member: `transfer to=s3`.
type Transfer struct{ To MemberRef }

// Format renders `transfer to=s3`.
func (c *Transfer) Format() string { return "transfer to=" + c.To.String() }

// MemberAdd adds a new member, as a voter or as a learner: `member add s6 learner`.
type MemberAdd struct {
	ID      int
	Learner bool
}

// Format renders `member add s6` or `member add s6 learner`.
func (c *MemberAdd) Format() string {
	s := "member add " + Member(c.ID).String()
	if c.Learner {
		s += " learner"
	}
	return s
}

// MemberPromote makes a learner a voter: `member promote s6`.
type MemberPromote struct{ Member MemberRef }

// Format renders `member promote s6`.
func (c *MemberPromote) Format() string { return "member promote " + c.Member.String() }

// MemberRemove removes a member from the configuration: `member remove s2`.
type MemberRemove struct{ Member MemberRef }

// Format renders `member remove s2`.
func (c *MemberRemove) Format() string { return "member remove " + c.Member.String() }

// Snapshot makes a member snapshot its state and compact its log at its
// applied index: `snapshot s1`.
type Snapshot struct{ Member MemberRef }

// Format renders `snapshot s1`.
func (c *Snapshot) Format() string { return "snapshot " + c.Member.String() }

// SetLog is a teaching set-up that gives a member a log with entries of the
// given terms: `log s1 terms=1,1,1,4,4,5`. The world refuses logs that could
// not arise under Raft.
type SetLog struct {
	Member MemberRef
	Terms  []uint64
}

// Format renders `log s1 terms=1,1,4`.
func (c *SetLog) Format() string {
	return "log " + c.Member.String() + " terms=" + formatUints(c.Terms)
}

// SetTerm is a teaching set-up that sets a member's current term: `term s1 6`.
type SetTerm struct {
	Member MemberRef
	Term   uint64
}

// Format renders `term s1 6`.
func (c *SetTerm) Format() string {
	return "term " + c.Member.String() + " " + strconv.FormatUint(c.Term, 10)
}

func formatUints(xs []uint64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.FormatUint(x, 10)
	}
	return strings.Join(parts, ",")
}
