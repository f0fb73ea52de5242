package raft

import "github.com/raft-playground/playground/core/raft/quorum"

// readIndexStatus is one read request waiting for a quorum to confirm that
// the leader is still the leader.
type readIndexStatus struct {
	req Message
	// index is the leader's commit index when the request arrived; the read
	// may be served once the application has applied up to it.
	index uint64
	// acks holds the voters that answered a heartbeat carrying the
	// request's context. Only lookups and counting touch it, never
	// iteration order, so it is deterministic.
	acks map[uint64]bool
}

// readOnly queues ReadIndex requests of the safe mode (Raft §6.4): the leader
// notes its commit index, sends a heartbeat round carrying the request's
// context, and answers once a quorum acknowledged a heartbeat sent after the
// request. A later confirmation also confirms every earlier request.
type readOnly struct {
	option ReadOnlyOption
	// pending maps a request context to its status.
	pending map[string]*readIndexStatus
	// queue holds the request contexts in arrival order.
	//
	// Invariant: queue holds exactly the keys of pending.
	queue []string
}

func newReadOnly(option ReadOnlyOption) *readOnly {
	return &readOnly{option: option, pending: make(map[string]*readIndexStatus)}
}

// addRequest queues request m, which arrived when the commit index was index.
// A request whose context is already pending is not queued twice.
func (ro *readOnly) addRequest(index uint64, m Message) {
	ctx := string(m.Entries[0].Data)
	if _, ok := ro.pending[ctx]; ok {
		return
	}
	ro.pending[ctx] = &readIndexStatus{index: index, req: m, acks: make(map[uint64]bool)}
	ro.queue = append(ro.queue, ctx)
}

// recvAck records that id acknowledged the heartbeat carrying context and
// returns the acknowledgements so far, or nil for an unknown context.
func (ro *readOnly) recvAck(id uint64, context []byte) map[uint64]bool {
	rs, ok := ro.pending[string(context)]
	if !ok {
		return nil
	}
	rs.acks[id] = true
	return rs.acks
}

// advance removes and returns every request up to and including the one
// with m's context, which a quorum has now confirmed.
func (ro *readOnly) advance(m Message) []*readIndexStatus {
	ctx := string(m.Context)
	n := -1
	for i, c := range ro.queue {
		if c == ctx {
			n = i + 1
			break
		}
	}
	if n < 0 {
		return nil
	}
	rss := make([]*readIndexStatus, n)
	for i, c := range ro.queue[:n] {
		rs, ok := ro.pending[c]
		if !ok {
			panic("raft: read index queue and pending map disagree")
		}
		rss[i] = rs
		delete(ro.pending, c)
	}
	ro.queue = ro.queue[n:]
	return rss
}

// lastPendingRequestCtx returns the context of the newest pending request,
// which heartbeats carry so that their acknowledgements confirm it (and
// every older request), or "" if none is pending.
func (ro *readOnly) lastPendingRequestCtx() string {
	if len(ro.queue) == 0 {
		return ""
	}
	return ro.queue[len(ro.queue)-1]
}

// handleReadIndex answers a ReadIndex request on the leader. The read index
// is the commit index; a quorum must confirm (safe mode) or the lease must
// vouch (lease mode) that this node was still the leader when it noted it.
func (r *raft) handleReadIndex(m Message) {
	if r.trk.IsSingleton() {
		r.respondToReadIndex(m, r.raftLog.committed, ReasonSingleVoter)
		return
	}
	if !r.committedEntryInCurrentTerm() {
		// A new leader's commit index may lag behind entries a previous
		// leader committed; it is current only once an entry of this
		// term is committed (Raft §8), so the read waits for that.
		r.pendingReadIndexMessages = append(r.pendingReadIndexMessages, m)
		r.emit(Event{Kind: EventReadQueued, Reason: ReasonNoCommitInTerm, Peer: origin(m, r.id), Commit: r.raftLog.committed})
		return
	}
	r.serveReadIndex(m)
}

// serveReadIndex starts confirming a read (safe mode) or answers it at once
// (lease mode).
func (r *raft) serveReadIndex(m Message) {
	switch r.readOnly.option {
	case ReadOnlySafe:
		ctx := m.Entries[0].Data
		r.readOnly.addRequest(r.raftLog.committed, m)
		// The leader's own acknowledgement counts towards the quorum.
		r.readOnly.recvAck(r.id, ctx)
		r.bcastHeartbeatWithCtx(ctx)
	case ReadOnlyLeaseBased:
		r.respondToReadIndex(m, r.raftLog.committed, ReasonLease)
	}
}

// confirmReadIndex counts a heartbeat answer carrying a read context and
// answers every request a quorum has now confirmed.
func (r *raft) confirmReadIndex(m Message) {
	if r.trk.Voters.VoteResult(r.readOnly.recvAck(m.From, m.Context)) != quorum.VoteWon {
		return
	}
	for _, rs := range r.readOnly.advance(m) {
		r.respondToReadIndex(rs.req, rs.index, ReasonQuorumConfirmed)
	}
}

// respondToReadIndex delivers a read index: as a ReadState for a local
// request, as a MsgReadIndexResp for a follower's.
func (r *raft) respondToReadIndex(req Message, index uint64, reason Reason) {
	requester := origin(req, r.id)
	if requester == r.id {
		r.readStates = append(r.readStates, ReadState{Index: index, RequestCtx: req.Entries[0].Data})
	} else {
		r.send(Message{Type: MsgReadIndexResp, To: requester, Index: index, Entries: req.Entries})
	}
	r.emit(Event{Kind: EventReadServed, Reason: reason, Peer: requester, Index: index})
}

// releasePendingReadIndexMessages serves the reads that waited for the
// leader to commit an entry of its term.
func (r *raft) releasePendingReadIndexMessages() {
	if len(r.pendingReadIndexMessages) == 0 || !r.committedEntryInCurrentTerm() {
		return
	}
	msgs := r.pendingReadIndexMessages
	r.pendingReadIndexMessages = nil
	for _, m := range msgs {
		r.serveReadIndex(m)
	}
}

// committedEntryInCurrentTerm reports whether the leader has committed an
// entry of its own term.
func (r *raft) committedEntryInCurrentTerm() bool {
	return zeroTermOnOutOfBounds(r.raftLog.term(r.raftLog.committed)) == r.Term
}
