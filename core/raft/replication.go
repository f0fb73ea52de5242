package raft

import (
	"github.com/raft-playground/playground/core/raft/tracker"
)

// handleProposal appends proposed entries to the leader's log and sends
// them out. A configuration change is checked first: only one may be
// pending, and it must apply to the current configuration.
func (r *raft) handleProposal(m Message) error {
	if len(m.Entries) == 0 {
		panic("raft: stepped an empty proposal")
	}
	from := origin(m, r.id)
	if _, ok := r.trk.Progress[r.id]; !ok {
		// The leader was removed and has not stepped down yet.
		r.emit(Event{Kind: EventProposalDropped, Reason: ReasonNotInConfig, Peer: from, Index: uint64(len(m.Entries))})
		return ErrProposalDropped
	}
	if r.leadTransferee != None {
		r.emit(Event{Kind: EventProposalDropped, Reason: ReasonTransferInProgress, Peer: from, Index: uint64(len(m.Entries))})
		return ErrProposalDropped
	}
	confIndex := uint64(0)
	for i := range m.Entries {
		if m.Entries[i].Type != EntryConfChange {
			continue
		}
		if err := r.checkConfChangeProposal(m.Entries[i].Data, confIndex != 0); err != nil {
			reason := ReasonInvalidConfChange
			if err == ErrConfChangePending {
				reason = ReasonConfChangePending
			}
			r.emit(Event{Kind: EventProposalDropped, Reason: reason, Peer: from, Index: uint64(len(m.Entries))})
			return err
		}
		confIndex = r.raftLog.lastIndex() + uint64(i) + 1
	}
	if confIndex != 0 {
		r.pendingConfIndex = confIndex
	}
	ents := m.Entries
	if from != r.id {
		// appendEntry stamps term and index into the entries; a forwarded
		// message belongs to its sender and must not change.
		ents = append([]Entry(nil), ents...)
	}
	r.appendEntry(ents...)
	// Messages leave only with the next Ready, so the appends are built
	// then: proposals that arrive before it travel in one message per
	// follower instead of one each.
	r.appendsPending = true
	return nil
}

// flushAppends sends the entries proposed since the last Ready to every
// follower that can take them.
func (r *raft) flushAppends() {
	if !r.appendsPending {
		return
	}
	r.appendsPending = false
	if r.state != StateLeader {
		return
	}
	for _, id := range r.peers {
		// As many messages as the size limit and the window allow.
		for r.maybeSendAppend(id, false) {
		}
	}
}

// appendEntry appends entries of the leader's term to its own log. The
// leader counts its own log towards the quorum at once: it persists the
// entries before it sends anything, in the same Ready.
func (r *raft) appendEntry(es ...Entry) {
	li := r.raftLog.lastIndex()
	for i := range es {
		es[i].Term = r.Term
		es[i].Index = li + 1 + uint64(i)
	}
	li = r.raftLog.append(es...)
	r.trk.Progress[r.id].MaybeUpdate(li)
	// No follower can have acknowledged entries that did not exist, so the
	// leader's own entries complete a quorum only if it is the only voter.
	if r.trk.IsSingleton() {
		r.maybeCommit()
	}
}

// maybeCommit advances the commit index to the highest index a quorum
// stores, if that entry is of the leader's term (Raft §5.4.2).
func (r *raft) maybeCommit() bool {
	old := r.raftLog.committed
	if !r.raftLog.maybeCommit(r.trk.Committed(), r.Term) {
		return false
	}
	r.emit(Event{Kind: EventCommitAdvanced, Reason: ReasonQuorumReplicated, OldCommit: old, Commit: r.raftLog.committed})
	r.releasePendingReadIndexMessages()
	return true
}

// emitCommitIfAdvanced records a commit index a follower learned from the
// leader.
func (r *raft) emitCommitIfAdvanced(old uint64, from uint64) {
	if r.raftLog.committed > old {
		r.emit(Event{Kind: EventCommitAdvanced, Reason: ReasonLeaderCommit, Peer: from, OldCommit: old, Commit: r.raftLog.committed})
	}
}

// sendAppend sends an append (possibly empty) to a follower, or a snapshot
// if the entries it needs are compacted.
func (r *raft) sendAppend(to uint64) { r.maybeSendAppend(to, true) }

// maybeSendAppend sends the follower the entries after its next index, or a
// snapshot if they are compacted. With sendIfEmpty false nothing is sent
// when there are no entries. It reports whether a message was sent.
func (r *raft) maybeSendAppend(to uint64, sendIfEmpty bool) bool {
	pr := r.trk.Progress[to]
	if pr.IsPaused() {
		return false
	}
	prevIndex := pr.Next - 1
	prevTerm, err := r.raftLog.term(prevIndex)
	if err != nil {
		// The entry before next is compacted: only a snapshot helps.
		return r.maybeSendSnapshot(to, pr)
	}
	var ents []Entry
	// With a full window only an empty append goes out: it still reaches
	// the follower and its answer frees the window, so replication cannot
	// stall if every message in flight was lost.
	if pr.State != tracker.StateReplicate || !pr.Inflights.Full() {
		ents, err = r.raftLog.entries(pr.Next, r.maxMsgSize)
		if err != nil {
			return r.maybeSendSnapshot(to, pr)
		}
	}
	if len(ents) == 0 && !sendIfEmpty {
		return false
	}
	commit := r.raftLog.committed
	r.send(Message{To: to, Type: MsgApp, Index: prevIndex, LogTerm: prevTerm, Entries: ents, Commit: commit})
	pr.UpdateOnEntriesSend(len(ents), entriesSize(ents))
	pr.SentCommit(commit)
	return true
}

// maybeSendSnapshot sends the follower the latest snapshot. It is sent only
// to a follower that answered recently: a snapshot is large, and one that
// is down would not receive it.
func (r *raft) maybeSendSnapshot(to uint64, pr *tracker.Progress) bool {
	if !pr.RecentActive {
		return false
	}
	snap, err := r.raftLog.snapshot()
	if err == ErrSnapshotTemporarilyUnavailable {
		return false
	}
	if err != nil {
		panic(err)
	}
	if snap.IsEmpty() {
		panic("raft: the entries a follower needs are compacted but there is no snapshot")
	}
	pr.BecomeSnapshot(snap.Metadata.Index)
	r.send(Message{To: to, Type: MsgSnap, Snapshot: &snap})
	r.emit(Event{Kind: EventSnapshotSent, Peer: to, Index: snap.Metadata.Index, LogTerm: snap.Metadata.Term})
	return true
}

// bcastAppend sends appends to every follower and learner, in ID order.
func (r *raft) bcastAppend() {
	for _, id := range r.peers {
		r.sendAppend(id)
	}
}

// bcastHeartbeat sends heartbeats to everyone, starting a new round whose
// answers confirm waiting reads and extend the lease.
func (r *raft) bcastHeartbeat() {
	r.bcastHeartbeatWithCtx(r.readOnly.newRound(r.id, r.ticks))
}

func (r *raft) bcastHeartbeatWithCtx(ctx []byte) {
	for _, id := range r.peers {
		// A follower may not hold the entries after its match index, so
		// the commit index sent is never beyond it.
		commit := min(r.trk.Progress[id].Match, r.raftLog.committed)
		r.send(Message{To: id, Type: MsgHeartbeat, Commit: commit, Context: ctx})
	}
}

// handleAppendEntries is the follower's side of AppendEntries (Raft §5.3):
// the consistency check on the previous entry, then append and commit.
func (r *raft) handleAppendEntries(m Message) {
	if m.Index < r.raftLog.committed {
		// Everything up to the commit index is settled; tell the leader
		// so that it skips ahead.
		r.send(Message{To: m.From, Type: MsgAppResp, Index: r.raftLog.committed})
		r.emit(Event{Kind: EventAppendAccepted, Peer: m.From, Index: m.Index, LogTerm: m.LogTerm,
			Hint: r.raftLog.committed, Commit: r.raftLog.committed})
		return
	}
	oldCommit := r.raftLog.committed
	if last, cut, ok := r.raftLog.maybeAppend(m.Index, m.LogTerm, m.Commit, m.Entries); ok {
		if cut.from != 0 {
			r.emit(Event{Kind: EventLogTruncated, Peer: m.From, Index: cut.from, OwnLastIndex: cut.last, LogTerm: cut.term})
		}
		r.send(Message{To: m.From, Type: MsgAppResp, Index: last})
		r.emit(Event{Kind: EventAppendAccepted, Peer: m.From, Index: m.Index, LogTerm: m.LogTerm,
			Hint: last, Commit: r.raftLog.committed})
		r.emitCommitIfAdvanced(oldCommit, m.From)
		return
	}
	// The hint lets the leader skip every entry of a conflicting term in
	// one round trip: it names the last entry at or below the rejected
	// index whose term is at most the leader's term there.
	lastIndex := r.raftLog.lastIndex()
	reason := ReasonPrevTermMismatch
	if m.Index > lastIndex {
		reason = ReasonPrevIndexMissing
	}
	hintIndex, hintTerm := r.raftLog.findConflictByTerm(min(m.Index, lastIndex), m.LogTerm)
	r.send(Message{To: m.From, Type: MsgAppResp, Index: m.Index, Reject: true, RejectHint: hintIndex, LogTerm: hintTerm})
	r.emit(Event{Kind: EventAppendRejected, Reason: reason, Peer: m.From, Index: m.Index, LogTerm: m.LogTerm,
		Hint: hintIndex, HintTerm: hintTerm, OwnLastIndex: lastIndex})
}

// handleHeartbeat is the follower's side of a heartbeat: it learns the
// commit index and answers, echoing the read context.
func (r *raft) handleHeartbeat(m Message) {
	oldCommit := r.raftLog.committed
	r.raftLog.commitTo(m.Commit)
	r.emitCommitIfAdvanced(oldCommit, m.From)
	r.send(Message{To: m.From, Type: MsgHeartbeatResp, Context: m.Context})
}

// handleAppendResponse is the leader's side of an append answer: on
// rejection it moves next back (Raft §5.3), on success it advances match,
// perhaps the commit index, and sends more.
func (r *raft) handleAppendResponse(m Message, pr *tracker.Progress) {
	pr.RecentActive = true
	if m.Reject {
		matchHint := m.RejectHint
		reason := ReasonConflictHint
		switch {
		case r.disableConflictHint:
			// The paper's basic algorithm: one entry back per round trip.
			matchHint = m.Index - 1
			reason = ReasonOneByOne
		case m.LogTerm > 0:
			// Skip the leader's entries whose term is above the
			// follower's term at the hint: they cannot match.
			matchHint, _ = r.raftLog.findConflictByTerm(m.RejectHint, m.LogTerm)
		}
		if pr.MaybeDecrTo(m.Index, matchHint) {
			r.emit(Event{Kind: EventNextDecreased, Reason: reason, Peer: m.From, Index: m.Index,
				Hint: pr.Next, HintTerm: m.LogTerm})
			r.sendAppend(m.From)
		}
		return
	}
	oldPaused := pr.IsPaused()
	if !pr.MaybeUpdate(m.Index) {
		return
	}
	switch {
	case pr.State == tracker.StateProbe:
		pr.BecomeReplicate()
	case pr.State == tracker.StateSnapshot && pr.Match+1 >= r.raftLog.firstIndex():
		// The follower caught up past the compaction point (through the
		// snapshot or otherwise); appends can take over.
		pr.BecomeProbe()
		pr.BecomeReplicate()
	case pr.State == tracker.StateReplicate:
		pr.Inflights.FreeLE(m.Index)
	}
	// The commit index can move only if this follower now stores an entry
	// beyond it; checking first saves counting the quorum on every answer.
	if pr.Match > r.raftLog.committed && r.maybeCommit() {
		r.bcastAppend()
	} else if oldPaused {
		// The follower was paused; it is free again.
		r.sendAppend(m.From)
	}
	// Send what the window allows now.
	for r.maybeSendAppend(m.From, false) {
	}
	if m.From == r.leadTransferee && pr.Match == r.raftLog.lastIndex() {
		r.sendTimeoutNow(m.From, r.transferReason)
	}
}

// handleHeartbeatResponse notes that the follower is alive, resumes
// appends to it, and counts the answer towards pending read requests.
func (r *raft) handleHeartbeatResponse(m Message, pr *tracker.Progress) {
	pr.RecentActive = true
	pr.MsgAppFlowPaused = false
	if pr.Match < r.raftLog.lastIndex() || pr.State == tracker.StateProbe {
		r.sendAppend(m.From)
	}
	if len(m.Context) > 0 {
		r.confirmReadIndex(m)
	}
}
