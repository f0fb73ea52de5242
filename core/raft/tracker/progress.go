package tracker

import (
	"fmt"
	"slices"
	"strings"
)

// Progress is the leader's view of one follower (or learner). Its state
// machine decides how entries are sent: StateProbe finds the point where the
// logs agree, StateReplicate streams entries within a flow-control window,
// StateSnapshot waits for a snapshot to land.
type Progress struct {
	// Match is the highest index known to be in the follower's log and
	// equal to the leader's (Raft's matchIndex).
	Match uint64
	// Next is the index of the next entry to send (Raft's nextIndex).
	// Entries in (Match, Next) are in flight.
	//
	// Invariant: Match < Next. In StateSnapshot, Next == PendingSnapshot+1.
	Next uint64
	// sentCommit is the highest commit index sent to the follower. It lets
	// the leader skip sending a commit index the follower already has.
	//
	// Invariant: sentCommit <= Next-1 outside StateSnapshot's transition, so
	// a follower is never told to commit past what it may hold.
	sentCommit uint64
	// State is how the leader currently replicates to this follower.
	State StateType
	// PendingSnapshot is, in StateSnapshot, the index of the snapshot the
	// leader sent; 0 otherwise.
	PendingSnapshot uint64
	// RecentActive is true if the leader heard from the follower during the
	// current election timeout. Check-quorum resets it each timeout.
	RecentActive bool
	// MsgAppFlowPaused is true when the leader must wait before sending
	// another append: in StateProbe after a probe was sent (until an answer
	// or a heartbeat response arrives), and in StateReplicate when the
	// inflight window is full.
	MsgAppFlowPaused bool
	// Inflights is the window of appends in flight in StateReplicate.
	Inflights *Inflights
	// IsLearner is true for a learner: it receives the log but never votes
	// and never counts towards a quorum.
	IsLearner bool
}

// NewProgress returns the progress of a peer the leader knows nothing about
// yet: it will be probed starting at next, with a window of maxInflight
// messages and maxInflightBytes bytes (0: no byte limit). A new peer counts as
// recently active so that check-quorum does not step the leader down before
// the peer had a chance to answer.
func NewProgress(next uint64, maxInflight int, maxInflightBytes uint64, isLearner bool) *Progress {
	return &Progress{
		Next:         max(next, 1),
		State:        StateProbe,
		RecentActive: true,
		Inflights:    NewInflights(maxInflight, maxInflightBytes),
		IsLearner:    isLearner,
	}
}

// Clone returns a copy that shares no memory with pr.
func (pr *Progress) Clone() *Progress {
	c := *pr
	c.Inflights = pr.Inflights.Clone()
	return &c
}

// SentCommitIndex returns the highest commit index sent to the follower.
func (pr *Progress) SentCommitIndex() uint64 { return pr.sentCommit }

// ResetState moves to state, clearing the pause flag, the pending snapshot
// and the inflight window.
func (pr *Progress) ResetState(state StateType) {
	pr.MsgAppFlowPaused = false
	pr.PendingSnapshot = 0
	pr.State = state
	pr.Inflights.Reset()
}

// BecomeProbe moves to StateProbe. Next restarts right after Match, or right
// after a snapshot that was just delivered, whichever is later.
func (pr *Progress) BecomeProbe() {
	next := pr.Match + 1
	if pr.State == StateSnapshot {
		next = max(next, pr.PendingSnapshot+1)
	}
	pr.ResetState(StateProbe)
	pr.Next = next
	pr.sentCommit = min(pr.sentCommit, pr.Next-1)
}

// BecomeReplicate moves to StateReplicate: the follower accepted an append,
// so entries after Match can be streamed.
func (pr *Progress) BecomeReplicate() {
	pr.ResetState(StateReplicate)
	pr.Next = pr.Match + 1
}

// BecomeSnapshot moves to StateSnapshot after the leader sent a snapshot at
// index snapshotIndex.
func (pr *Progress) BecomeSnapshot(snapshotIndex uint64) {
	pr.ResetState(StateSnapshot)
	pr.PendingSnapshot = snapshotIndex
	pr.Next = snapshotIndex + 1
	pr.sentCommit = snapshotIndex
}

// UpdateOnEntriesSend records that an append carrying entries entries
// (bytes bytes in total) starting at Next was sent. In StateReplicate Next
// advances optimistically and the message joins the inflight window; in
// StateProbe a non-empty append pauses the flow until the follower answers,
// so a follower whose log position is unknown gets one probe at a time.
func (pr *Progress) UpdateOnEntriesSend(entries int, bytes uint64) {
	switch pr.State {
	case StateReplicate:
		if entries > 0 {
			pr.Next += uint64(entries)
			pr.Inflights.Add(pr.Next-1, bytes)
		}
		pr.MsgAppFlowPaused = pr.Inflights.Full()
	case StateProbe:
		if entries > 0 {
			pr.MsgAppFlowPaused = true
		}
	default:
		panic(fmt.Sprintf("tracker: sending entries to a follower in state %s", pr.State))
	}
}

// CanBumpCommit reports whether sending commit index would tell the follower
// something new: it has not been sent already, and what was sent does not yet
// cover everything the follower may hold (Next-1).
func (pr *Progress) CanBumpCommit(commit uint64) bool {
	return commit > pr.sentCommit && pr.sentCommit < pr.Next-1
}

// SentCommit records that commit index commit was sent to the follower.
func (pr *Progress) SentCommit(commit uint64) { pr.sentCommit = commit }

// MaybeUpdate handles an accepted append acknowledging index n. It returns
// false for an acknowledgement that says nothing new (a duplicate or a
// reordered, older answer). Otherwise Match rises to n and the flow resumes.
func (pr *Progress) MaybeUpdate(n uint64) bool {
	if n <= pr.Match {
		return false
	}
	pr.Match = n
	pr.Next = max(pr.Next, n+1)
	pr.MsgAppFlowPaused = false
	return true
}

// MaybeDecrTo handles a rejected append whose previous index was rejected.
// matchHint is the highest index at which the leader believes the logs may
// agree, derived from the follower's conflict hint (Raft §5.3, the
// optimisation at the end of the section). To back off one entry at a time,
// as the paper's basic algorithm does, pass matchHint = rejected-1.
//
// It returns false, changing nothing, for a stale rejection: in
// StateReplicate one at or below Match, in StateProbe one that does not answer
// the current probe (rejected != Next-1). Otherwise Next moves back, never
// below Match+1, and a replicating follower drops to StateProbe because the
// leader no longer knows where the logs diverge.
func (pr *Progress) MaybeDecrTo(rejected, matchHint uint64) bool {
	if pr.State == StateReplicate {
		if rejected <= pr.Match {
			return false
		}
		// Everything after Match was sent optimistically; restart probing
		// right after the known match.
		pr.BecomeProbe()
		return true
	}
	if pr.Next-1 != rejected {
		return false
	}
	pr.Next = max(min(rejected, matchHint+1), pr.Match+1)
	pr.sentCommit = min(pr.sentCommit, pr.Next-1)
	pr.MsgAppFlowPaused = false
	return true
}

// IsPaused reports whether the leader must hold back appends to this
// follower: a probe is outstanding, the inflight window is full, or a
// snapshot is pending.
func (pr *Progress) IsPaused() bool {
	switch pr.State {
	case StateProbe, StateReplicate:
		return pr.MsgAppFlowPaused
	case StateSnapshot:
		return true
	}
	panic(fmt.Sprintf("tracker: unknown progress state %d", pr.State))
}

// String summarises the progress, e.g. "replicate match=5 next=8 inflight=2".
func (pr *Progress) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s match=%d next=%d", pr.State, pr.Match, pr.Next)
	if pr.IsLearner {
		b.WriteString(" learner")
	}
	if pr.IsPaused() {
		b.WriteString(" paused")
	}
	if pr.PendingSnapshot > 0 {
		fmt.Fprintf(&b, " pendingSnap=%d", pr.PendingSnapshot)
	}
	if !pr.RecentActive {
		b.WriteString(" inactive")
	}
	if n := pr.Inflights.Count(); n > 0 {
		fmt.Fprintf(&b, " inflight=%d", n)
		if pr.Inflights.Full() {
			b.WriteString("[full]")
		}
	}
	return b.String()
}

// ProgressMap maps peer IDs to their progress.
type ProgressMap map[uint64]*Progress

// IDs returns the peer IDs in ascending order.
func (m ProgressMap) IDs() []uint64 {
	ids := make([]uint64, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Clone returns a deep copy.
func (m ProgressMap) Clone() ProgressMap {
	c := make(ProgressMap, len(m))
	for id, pr := range m {
		c[id] = pr.Clone()
	}
	return c
}

// String lists every peer's progress in ascending ID order, one per line.
func (m ProgressMap) String() string {
	var b strings.Builder
	for _, id := range m.IDs() {
		fmt.Fprintf(&b, "%d: %s\n", id, m[id])
	}
	return b.String()
}
