package raft

import (
	"fmt"

	"github.com/raft-playground/playground/core/raft/confchange"
	"github.com/raft-playground/playground/core/raft/tracker"
)

// handleSnapshot is the follower's side of InstallSnapshot (Raft §7). The
// answer is an append response: the last index after a restore, or the
// commit index if the snapshot was not needed.
func (r *raft) handleSnapshot(m Message) {
	if m.Snapshot == nil {
		return
	}
	if r.restore(*m.Snapshot, m.From) {
		r.send(Message{To: m.From, Type: MsgAppResp, Index: r.raftLog.lastIndex()})
	} else {
		r.send(Message{To: m.From, Type: MsgAppResp, Index: r.raftLog.committed})
	}
}

// restore replaces the log and configuration with the snapshot's. It
// returns false, changing at most the commit index, when the snapshot is not
// needed or not acceptable.
func (r *raft) restore(s Snapshot, from uint64) bool {
	meta := s.Metadata
	ignored := Event{Kind: EventSnapshotIgnored, Peer: from, Index: meta.Index, LogTerm: meta.Term, Commit: r.raftLog.committed}
	if meta.Index <= r.raftLog.committed {
		ignored.Reason = ReasonSnapshotStale
		r.emit(ignored)
		return false
	}
	if r.state != StateFollower {
		// Only a follower may restore; the step functions make sure of it.
		// Should it ever happen, moving to a new term as a follower is
		// the safe way out.
		r.becomeFollower(r.Term+1, None, ReasonSnapshotRestoreCandidate, from)
		return false
	}
	// The snapshot is committed state from the current leader, newer than
	// anything this node holds, so it is taken even if its configuration
	// leaves this node out: the leader's snapshot may predate the change
	// that adds (or adds back) this node, which it then learns from the log
	// after the snapshot. Until then it is in no configuration and cannot
	// campaign.
	cs := meta.ConfState
	if r.raftLog.matchTerm(meta.Index, meta.Term) {
		// The log already holds the snapshot's last entry, so it holds
		// everything the snapshot covers: only the commit index moves.
		old := r.raftLog.committed
		r.raftLog.commitTo(meta.Index)
		ignored.Reason = ReasonSnapshotFastForward
		ignored.Commit = r.raftLog.committed
		r.emit(ignored)
		r.emitCommitIfAdvanced(old, from)
		return false
	}
	old := r.raftLog.committed
	r.raftLog.restore(s)
	r.trk = tracker.MakeProgressTracker(r.trk.MaxInflight)
	changer := confchange.Changer{Tracker: r.trk, LastIndex: r.raftLog.lastIndex()}
	cfg, prs, err := changer.Restore(tracker.ConfState(cs))
	if err != nil {
		panic(fmt.Sprintf("raft: the snapshot's configuration cannot be restored: %v", err))
	}
	r.switchToConfig(cfg, prs)
	r.emit(Event{Kind: EventSnapshotRestored, Peer: from, Index: meta.Index, LogTerm: meta.Term,
		OldCommit: old, Commit: r.raftLog.committed})
	return true
}
