package raft

// handleTransferLeader starts handing leadership to m.Index (Raft thesis
// §3.10): the leader stops taking proposals, brings the target's log up to
// date, then tells it to campaign at once with TimeoutNow. If that does not
// happen within an election timeout, the transfer is abandoned.
func (r *raft) handleTransferLeader(m Message) {
	transferee := m.Index
	pr := r.trk.Progress[transferee]
	if pr == nil {
		r.emit(Event{Kind: EventTransferAborted, Reason: ReasonNotInConfig, Peer: transferee})
		return
	}
	if pr.IsLearner {
		r.emit(Event{Kind: EventTransferAborted, Reason: ReasonNotPromotable, Peer: transferee})
		return
	}
	if r.leadTransferee != None {
		if r.leadTransferee == transferee {
			return // already under way
		}
		r.abortLeaderTransfer(ReasonNewTransfer)
	}
	if transferee == r.id {
		return // already the leader
	}
	r.startTransfer(transferee, ReasonTransfer)
}

// startTransfer starts handing leadership to transferee, a voter, for the
// given reason (ReasonTransfer or ReasonRemovedFromConfig).
func (r *raft) startTransfer(transferee uint64, reason Reason) {
	pr := r.trk.Progress[transferee]
	// The transfer must finish within one election timeout.
	r.electionElapsed = 0
	r.leadTransferee = transferee
	r.transferReason = reason
	r.emit(Event{Kind: EventTransferStarted, Reason: reason, Peer: transferee, Index: pr.Match})
	if pr.Match == r.raftLog.lastIndex() {
		r.sendTimeoutNow(transferee, reason)
	} else {
		r.sendAppend(transferee)
	}
}

// sendTimeoutNow tells to, whose log is up to date, to start an election
// now.
func (r *raft) sendTimeoutNow(to uint64, reason Reason) {
	r.send(Message{To: to, Type: MsgTimeoutNow})
	r.leaseRevoked = true
	var match uint64
	if pr := r.trk.Progress[to]; pr != nil {
		match = pr.Match
	}
	r.emit(Event{Kind: EventTimeoutNowSent, Reason: reason, Peer: to, Index: match})
	if reason == ReasonRemovedFromConfig {
		// The target holds the whole log, so this node would grant it its
		// vote should it still be needed; the removed leader's work is done.
		r.becomeFollower(r.Term, None, ReasonRemovedFromConfig, None)
	}
}

// abortLeaderTransfer ends a transfer in progress, if any.
func (r *raft) abortLeaderTransfer(reason Reason) {
	if r.leadTransferee == None {
		return
	}
	r.emit(Event{Kind: EventTransferAborted, Reason: reason, Peer: r.leadTransferee})
	r.leadTransferee = None
}
