package member

import (
	"github.com/raft-playground/playground/core/raft"
	"github.com/raft-playground/playground/kvstate"
)

// compactor is the leader's revision-mode auto-compactor, etcd's
// v3compactor.Revision (--auto-compaction-mode=revision
// --auto-compaction-retention=N). Every Config.AutoCompactIntervalTicks
// ticks of leadership it looks at the store's revision and, when
// revision - retention moved past the last compaction, proposes a Compact
// request through Raft, so that every member compacts its store at the same
// revision when it applies the entry. It runs only on the leader, as etcd's
// server pauses its compactor on followers and resumes it when the member
// becomes leader; it counts ticks instead of reading a clock.
type compactor struct {
	// ticks counts the ticks since leadership began or since the last check.
	// Invariant: 0 while the member is not the leader.
	ticks int
	// lastRev is the revision this leader last proposed (0: none yet), etcd's
	// prev: a check that finds the same target proposes nothing.
	lastRev int64
}

// reset starts the compactor over: a member that becomes leader waits a
// whole interval before its first check, and one that stops leading forgets
// what it proposed (the store remembers what was applied).
func (c *compactor) reset() { *c = compactor{} }

// runCompactor lets the leader's compactor act on one tick.
func (m *Member) runCompactor() {
	if m.cfg.AutoCompactRetention <= 0 || m.role != raft.StateLeader {
		return
	}
	m.compactor.ticks++
	if m.compactor.ticks < m.cfg.AutoCompactIntervalTicks {
		return
	}
	m.compactor.ticks = 0
	rev := m.store.Rev() - m.cfg.AutoCompactRetention
	// etcd skips a check whose target is not positive or equals the last one
	// it proposed. It would propose a target at or below the store's last
	// compaction and have the store refuse it with ErrCompacted; we skip
	// that too, since the store already says so and a refused entry would
	// only clutter the trace.
	if rev <= 0 || rev <= m.compactor.lastRev || rev <= m.store.CompactRev() {
		return
	}
	req := kvstate.Request{Compaction: &kvstate.CompactionRequest{Revision: rev}}
	if !m.proposeInternal(&req) {
		// As etcd does after a failed Compact, try again at the next check.
		return
	}
	m.compactor.lastRev = rev
	m.emit(Event{Kind: EventAutoCompact, Revision: rev, Count: int(m.cfg.AutoCompactRetention)})
}
