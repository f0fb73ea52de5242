package netsim

import (
	"fmt"
	"math/rand/v2"

	"github.com/raft-playground/playground/core/member"
	"github.com/raft-playground/playground/core/raft"
)

// stateAbsent marks an ID that has no member in this world (yet).
const stateAbsent = "absent"

// node is the world's slot for one member ID: the member while it runs,
// and what outlives it — its disk, its random stream, its identity.
type node struct {
	id    uint64
	state string // stateAbsent, StateUp, StateCrashed, StatePaused, StateFailed
	m     *member.Member
	// disk survives crashes; Restart replays it.
	disk *member.Disk
	rng  *rand.Rand
	// voters is the initial configuration the member was created with
	// (nil for a member that joined later and learns it from the leader).
	voters []uint64
	// incarnation grows at every crash and restart; events scheduled in an
	// earlier life carry an older value and are ignored.
	incarnation uint64
	// tickGen grows whenever the tick chain is restarted (resume, restart),
	// so that exactly one chain of tick events is alive.
	tickGen uint64
	// syncPending is set while a WAL sync is under way; syncDone records
	// that it completed while the member was paused.
	syncPending, syncDone bool
	// unsyncedFrom is the first log index written to the WAL but not yet
	// synced (0: none). A member has at most one write waiting for its
	// sync, so the unsynced tail runs from here to the end of its log.
	unsyncedFrom uint64
	// held are the inputs that arrived while the member was paused, in
	// arrival order; they are handed over on resume.
	held []heldInput
	// durableLog is what the UI shows of a crashed member: the entries that
	// were synced when it crashed, which a restart will replay.
	durableLog []EntryView
	// setupTerms and setupTerm are the teaching set-up given before the
	// cluster started (see SetLog and SetTerm).
	setupTerms   []uint64
	setupTerm    uint64
	setupTermSet bool
}

// heldInput is a delivery or a client request that waits for a paused
// member.
type heldInput struct {
	kind    eventKind // evDeliver or evClientArrive
	msg     raft.Message
	msgFrom uint64
	msgID   uint64
	summary *MessageSummary
	attempt uint64
}

// alive reports whether the member is running (up or paused).
func (n *node) alive() bool { return n.state == StateUp || n.state == StatePaused }

// term is the member's current term (0 when it is not running).
func (n *node) term() uint64 {
	if n.m == nil {
		return 0
	}
	return n.m.Status().Term
}

// isLeader reports whether the member believes it leads.
func (n *node) isLeader() bool {
	return n.m != nil && n.m.Status().RaftState == raft.StateLeader
}

// memberConfig is the member.Config of node n under the world's settings.
func (w *World) memberConfig(n *node) member.Config {
	readOnly := raft.ReadOnlySafe
	if w.cfg.LeaseRead {
		readOnly = raft.ReadOnlyLeaseBased
	}
	return member.Config{
		ID:                  n.id,
		Voters:              n.voters,
		ElectionTick:        w.cfg.electionTicks(),
		HeartbeatTick:       w.cfg.heartbeatTicks(),
		TickUs:              int64(w.cfg.Tick),
		PreVote:             w.cfg.PreVote,
		CheckQuorum:         w.cfg.CheckQuorum,
		ReadOnly:            readOnly,
		DisableConflictHint: w.cfg.DisableConflictHint,
		MaxInflight:         w.cfg.MaxInflight,
		SnapshotEvery:       w.cfg.SnapshotEvery,
		SnapshotCatchUp:     w.cfg.SnapshotCatchUp,
		Rand:                n.rng,

		AutoCompactRetention:     w.cfg.AutoCompactRetention,
		AutoCompactIntervalTicks: int(w.cfg.AutoCompactEvery / w.cfg.Tick),
	}
}

// startNew creates a member with an empty disk and starts its clock.
func (w *World) startNew(n *node) error {
	m, err := member.New(w.memberConfig(n))
	if err != nil {
		return fmt.Errorf("starting %s: %w", MemberName(n.id), err)
	}
	n.m, n.disk, n.state = m, m.Disk(), StateUp
	w.startClock(n)
	w.pump(n)
	return nil
}

// startClock schedules the member's first tick. Each member's ticks have
// their own phase, drawn once, so that members do not tick in lockstep.
func (w *World) startClock(n *node) {
	n.tickGen++
	phase := 1 + Duration(n.rng.Int64N(int64(w.cfg.Tick)))
	w.sched.schedule(event{at: w.now.Add(phase), kind: evTick, member: n.id, incarnation: n.incarnation, id: n.tickGen})
}

// onTick advances a member's clock by one tick and schedules the next.
func (w *World) onTick(ev event) {
	n := w.nodes[ev.member]
	if ev.incarnation != n.incarnation || ev.id != n.tickGen || n.state != StateUp {
		return
	}
	n.m.Tick(int64(w.now))
	w.pump(n)
	w.sched.schedule(event{at: w.now.Add(w.cfg.Tick), kind: evTick, member: n.id, incarnation: n.incarnation, id: n.tickGen})
}

// pump lets a running member work off everything it has to do: take Raft's
// Ready, write it to the WAL and, when the Ready needs an fsync, wait for
// the fsync latency before the messages that depend on it leave.
func (w *World) pump(n *node) {
	for n.state == StateUp && !n.syncPending && n.m.HasWork() {
		w.handleOutput(n, n.m.Process(int64(w.now)))
		if n.m.NeedsSync() {
			n.syncPending = true
			w.sched.schedule(event{at: w.now.Add(w.cfg.FsyncLatency), kind: evSynced, member: n.id, incarnation: n.incarnation})
		}
	}
	if n.m != nil {
		w.handleOutput(n, n.m.Flush())
	}
}

// onSynced completes a WAL sync.
func (w *World) onSynced(ev event) {
	n := w.nodes[ev.member]
	if ev.incarnation != n.incarnation || !n.syncPending {
		return
	}
	if n.state == StatePaused {
		n.syncDone = true
		return
	}
	w.finishSync(n)
}

// finishSync hands a completed sync to the member and sends what waited.
func (w *World) finishSync(n *node) {
	n.syncPending, n.syncDone = false, false
	w.handleOutput(n, n.m.Synced(int64(w.now)))
	w.pump(n)
}

// handleOutput records a member's events, puts its messages on the wire and
// its replies on the way to the clients, then checks the safety rules the
// events touch.
func (w *World) handleOutput(n *node, out member.Output) {
	for i := range out.Events {
		e := &out.Events[i]
		switch {
		case e.Kind == member.EventPersisted && e.Count > 0:
			if n.unsyncedFrom == 0 || e.Index < n.unsyncedFrom {
				n.unsyncedFrom = e.Index
			}
		case e.Kind == member.EventSynced:
			n.unsyncedFrom = 0
		}
		w.recordMemberEvent(n, e)
	}
	for _, m := range out.Messages {
		w.send(m)
	}
	for _, r := range out.Replies {
		w.replyToClient(n, r)
	}
	if len(out.Events) > 0 {
		w.observe(n, out.Events)
	}
}

// recordMemberEvent turns one member event into a trace record.
func (w *World) recordMemberEvent(n *node, e *member.Event) {
	if e.Kind == member.EventRaft {
		re := e.Raft
		w.record(Record{Kind: "raft." + re.Kind.String(), Reason: raftReason(&re), Member: re.Node, Peer: re.Peer, Detail: &re})
		return
	}
	if e.Kind == member.EventApplied && e.Op == "conf-change" {
		// Raft's conf-changed event tells the same story in more detail.
		return
	}
	d := &MemberDetail{Index: e.Index, Term: e.Term, Vote: e.Vote, Commit: e.Commit, Count: e.Count,
		Lease: int64(e.Lease), Revision: e.Revision, Op: e.Op}
	if e.Count > 0 {
		d.Last = e.Index + uint64(e.Count) - 1
	}
	r := Record{Kind: "member." + e.Kind.String(), Reason: memberReason(e), Member: n.id, Client: e.Client, Detail: d}
	if e.Err != nil {
		r = r.with("error", e.Err.Error())
	}
	w.record(r)
}
