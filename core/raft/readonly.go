package raft

import (
	"encoding/binary"

	"github.com/raft-playground/playground/core/raft/quorum"
)

// readIndexRequest is one read request waiting for a quorum to confirm that
// the leader was still the leader when it arrived.
type readIndexRequest struct {
	req Message
	// index is the leader's commit index when the request arrived; the read
	// may be served once the application has applied up to it.
	index uint64
	// round is the heartbeat round started for the request.
	round uint64
}

// readOnly queues ReadIndex requests of the safe mode (Raft §6.4). For each
// request the leader notes its commit index and starts a heartbeat round,
// numbered in increasing order and carried in the heartbeats' context. A
// voter that answers a heartbeat of round r proves that the leader still led
// after every request up to round r arrived, so a request is confirmed once
// a quorum has answered its round or a later one. The leader numbers the
// rounds itself, so requests whose contexts happen to be equal (two
// followers forwarding reads with the same request ID) never mix.
type readOnly struct {
	option ReadOnlyOption
	// round is the number of the latest heartbeat round. It only grows,
	// across terms too, so an answer to an old round confirms nothing new.
	round uint64
	// queue holds the waiting requests in round order.
	queue []readIndexRequest
	// acked holds, per node, the latest round it answered.
	acked ackedRounds
}

// ackedRounds maps a node to the latest heartbeat round it answered. As a
// quorum.AckedIndexer it lets the quorum code find the latest round a
// quorum has answered, exactly as it finds the commit index.
type ackedRounds map[uint64]uint64

// AckedIndex implements quorum.AckedIndexer.
func (a ackedRounds) AckedIndex(id uint64) (quorum.Index, bool) {
	round, ok := a[id]
	return quorum.Index(round), ok
}

func newReadOnly(option ReadOnlyOption) *readOnly {
	return &readOnly{option: option, acked: ackedRounds{}}
}

// reset drops every waiting request, keeping the round numbers growing.
func (ro *readOnly) reset() {
	ro.queue = nil
	clear(ro.acked)
}

// addRequest queues request m, which arrived when the commit index was index,
// counts the leader's own acknowledgement, and returns the context of the
// heartbeat round that confirms it.
func (ro *readOnly) addRequest(index uint64, m Message, self uint64) []byte {
	ro.round++
	ro.queue = append(ro.queue, readIndexRequest{req: m, index: index, round: ro.round})
	ro.acked[self] = ro.round
	return roundContext(ro.round)
}

// recvAck records that id answered a heartbeat carrying context.
func (ro *readOnly) recvAck(id uint64, context []byte) {
	if round, ok := parseRoundContext(context); ok && round > ro.acked[id] {
		ro.acked[id] = round
	}
}

// confirmed removes and returns the requests whose round a quorum of voters
// has answered, oldest first.
func (ro *readOnly) confirmed(voters quorum.JointConfig) []readIndexRequest {
	if len(ro.queue) == 0 {
		return nil
	}
	quorumRound := uint64(voters.CommittedIndex(ro.acked))
	n := 0
	for n < len(ro.queue) && ro.queue[n].round <= quorumRound {
		n++
	}
	done := ro.queue[:n:n]
	ro.queue = ro.queue[n:]
	return done
}

// lastPendingRequestCtx returns the context of the newest waiting round,
// which every heartbeat carries so that its answer confirms all waiting
// requests, or nil if none waits.
func (ro *readOnly) lastPendingRequestCtx() []byte {
	if len(ro.queue) == 0 {
		return nil
	}
	return roundContext(ro.queue[len(ro.queue)-1].round)
}

// roundContext encodes a heartbeat round number as a heartbeat context.
func roundContext(round uint64) []byte {
	return binary.BigEndian.AppendUint64(make([]byte, 0, 8), round)
}

// parseRoundContext decodes roundContext's encoding.
func parseRoundContext(context []byte) (uint64, bool) {
	if len(context) != 8 {
		return 0, false
	}
	return binary.BigEndian.Uint64(context), true
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
		r.bcastHeartbeatWithCtx(r.readOnly.addRequest(r.raftLog.committed, m, r.id))
	case ReadOnlyLeaseBased:
		r.respondToReadIndex(m, r.raftLog.committed, ReasonLease)
	}
}

// confirmReadIndex counts a heartbeat answer carrying a read context and
// answers every request a quorum has now confirmed.
func (r *raft) confirmReadIndex(m Message) {
	r.readOnly.recvAck(m.From, m.Context)
	for _, rs := range r.readOnly.confirmed(r.trk.Voters) {
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
