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

// readOnly confirms leadership for reads (Raft §6.4). Every heartbeat
// broadcast starts a round, numbered in increasing order and carried in the
// heartbeats' context. A voter that answers round r proves that the leader
// still led when round r was sent, and so after every request that arrived
// before it.
//
// Safe mode: each request notes the commit index, starts a round at once,
// and is answered once a quorum has answered its round or a later one. The
// leader numbers the rounds itself, so requests whose contexts happen to be
// equal (two followers forwarding reads with the same request ID) never mix.
//
// Lease mode (Raft thesis §6.4.1): once a quorum answered a round sent at
// tick t, no other leader can be elected before t plus an election timeout,
// because each of those voters refuses votes for an election timeout after
// hearing from the leader (check-quorum). Until then reads are answered at
// once; later they fall back to a round, as in safe mode.
type readOnly struct {
	option ReadOnlyOption
	// round is the number of the latest heartbeat round. It only grows,
	// across terms too, so an answer to an old round confirms nothing new.
	round uint64
	// sent holds the rounds a quorum has not answered yet with the tick
	// each was sent at, oldest first; at most maxUnansweredRounds.
	sent []sentRound
	// queue holds the waiting requests in round order.
	queue []readIndexRequest
	// acked holds, per node, the latest round it answered.
	acked ackedRounds
	// leaseStart is the tick at which the newest round a quorum answered
	// was sent; it means something only if leaseKnown.
	leaseStart uint64
	leaseKnown bool
}

// sentRound is a heartbeat round and the leader's tick when it was sent.
type sentRound struct {
	round, tick uint64
}

// maxUnansweredRounds bounds the rounds remembered while no quorum answers
// (a leader cut off from the others); an answer to a forgotten round only
// lacks its send tick, so it confirms reads but does not extend the lease.
const maxUnansweredRounds = 64

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

// reset forgets the waiting requests, the rounds and the lease: a new term
// or role proves nothing from the old one. Round numbers keep growing.
func (ro *readOnly) reset() {
	ro.queue = nil
	ro.sent = nil
	clear(ro.acked)
	ro.leaseKnown = false
}

// newRound starts a heartbeat round at tick, counts the leader's own
// answer, and returns the heartbeats' context.
func (ro *readOnly) newRound(self, tick uint64) []byte {
	ro.round++
	if len(ro.sent) == maxUnansweredRounds {
		ro.sent = append(ro.sent[:0], ro.sent[1:]...)
	}
	ro.sent = append(ro.sent, sentRound{round: ro.round, tick: tick})
	ro.acked[self] = ro.round
	return roundContext(ro.round)
}

// addRequest queues request m, which arrived at tick when the commit index
// was index, and starts the round that confirms it; it returns the round's
// heartbeat context.
func (ro *readOnly) addRequest(index uint64, m Message, self, tick uint64) []byte {
	ctx := ro.newRound(self, tick)
	ro.queue = append(ro.queue, readIndexRequest{req: m, index: index, round: ro.round})
	return ctx
}

// recvAck records that id answered a heartbeat carrying context.
func (ro *readOnly) recvAck(id uint64, context []byte) {
	if round, ok := parseRoundContext(context); ok && round > ro.acked[id] {
		ro.acked[id] = round
	}
}

// confirmed extends the lease to the newest round a quorum of voters has
// answered, and removes and returns the requests that round confirms,
// oldest first.
func (ro *readOnly) confirmed(voters quorum.JointConfig) []readIndexRequest {
	quorumRound := uint64(voters.CommittedIndex(ro.acked))
	answered := 0
	for answered < len(ro.sent) && ro.sent[answered].round <= quorumRound {
		answered++
	}
	if answered > 0 {
		ro.leaseStart = ro.sent[answered-1].tick
		ro.leaseKnown = true
		ro.sent = ro.sent[answered:]
	}
	n := 0
	for n < len(ro.queue) && ro.queue[n].round <= quorumRound {
		n++
	}
	if n == 0 {
		return nil
	}
	done := ro.queue[:n:n]
	ro.queue = ro.queue[n:]
	return done
}

// leaseCovers reports whether the lease still vouches for the leader at
// tick now. One tick is kept in hand because the voters' clocks tick at
// other moments than the leader's.
func (ro *readOnly) leaseCovers(now uint64, electionTimeout int) bool {
	return ro.leaseKnown && now+1 < ro.leaseStart+uint64(electionTimeout)
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
	if _, self := r.trk.Voters[0][r.id]; self && r.trk.IsSingleton() {
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

// serveReadIndex answers a read at once if the lease vouches for the
// leader (lease mode), and otherwise starts the heartbeat round that
// confirms it.
func (r *raft) serveReadIndex(m Message) {
	if r.readOnly.option == ReadOnlyLeaseBased {
		if r.leaseValid() {
			r.respondToReadIndex(m, r.raftLog.committed, ReasonLease)
			return
		}
		r.emit(Event{Kind: EventReadQueued, Reason: ReasonLeaseExpired, Peer: origin(m, r.id), Commit: r.raftLog.committed})
	}
	r.bcastHeartbeatWithCtx(r.readOnly.addRequest(r.raftLog.committed, m, r.id, r.ticks))
}

// leaseValid reports whether the leader may answer reads from its lease: a
// quorum answered a recent enough heartbeat round, and no TimeoutNow went
// out this term (it makes a voter ignore the lease, so a new leader could
// be elected at any moment).
func (r *raft) leaseValid() bool {
	return !r.leaseRevoked && r.readOnly.leaseCovers(r.ticks, r.electionTimeout)
}

// confirmReadIndex counts a heartbeat answer, extends the lease, and
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
