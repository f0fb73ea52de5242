package raft

import (
	"encoding/binary"
	"testing"

	"github.com/raft-playground/playground/core/raft/quorum"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func withLeaseReads(c *Config) {
	c.CheckQuorum = true
	c.ReadOnlyOption = ReadOnlyLeaseBased
}

// skipStartupWait lets every node's clock run past the first election
// timeout, after which (with lease reads) restarted nodes vote again,
// without ticking them into an election.
func skipStartupWait(n *instantNetwork) {
	for _, id := range n.ids {
		n.raft(id).ticks = uint64(n.raft(id).electionTimeout)
	}
}

func TestReadIndex(t *testing.T) {
	// Reference: Raft §6.4 — the read index is the leader's commit index,
	// confirmed by a heartbeat round (safe) or vouched for by the lease.
	tests := []struct {
		name       string
		configure  func(*Config)
		from       uint64
		wantReason Reason
	}{
		{"safe, on the leader", nil, 1, ReasonQuorumConfirmed},
		{"safe, forwarded by a follower", nil, 2, ReasonQuorumConfirmed},
		{"lease, on the leader", withLeaseReads, 1, ReasonLease},
		{"lease, forwarded by a follower", withLeaseReads, 3, ReasonLease},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newInstantNetwork(t, []uint64{1, 2, 3}, tt.configure)
			skipStartupWait(n)
			n.electLeader(1)
			require.NoError(t, n.propose(1, "a"))
			n.tick(1, 1) // a heartbeat round: in lease mode it starts the lease
			n.clearEvents()
			n.node(tt.from).rn.ReadIndex([]byte("req-1"))
			n.settle()
			// Three bootstrap entries, the leader's empty entry and "a".
			require.Equal(t, []ReadState{{Index: 5, RequestCtx: []byte("req-1")}}, n.node(tt.from).readStates)
			served := eventOfKind(t, n.node(1).events, EventReadServed)
			assert.Equal(t, tt.wantReason, served.Reason)
			assert.Equal(t, tt.from, served.Peer)
			assert.Equal(t, uint64(5), served.Index)
			if tt.from != 1 {
				ev := eventOfKind(t, n.node(tt.from).events, EventReadServed)
				assert.Equal(t, ReasonLeaderAnswered, ev.Reason)
			}
		})
	}
}

func TestReadIndexSafeNeedsQuorum(t *testing.T) {
	// A leader cut off from the others cannot confirm that it still leads,
	// so a safe read is not answered.
	n := newInstantNetwork(t, []uint64{1, 2, 3}, nil)
	n.electLeader(1)
	n.isolate(1)
	n.node(1).rn.ReadIndex([]byte("req"))
	n.settle()
	assert.Empty(t, n.node(1).readStates)
	// Once a quorum answers a heartbeat carrying the request, it is served.
	n.heal()
	n.tick(1, 1)
	assert.Equal(t, []ReadState{{Index: 4, RequestCtx: []byte("req")}}, n.node(1).readStates)
}

func TestReadIndexLaterConfirmationServesEarlierRequests(t *testing.T) {
	n := newInstantNetwork(t, []uint64{1, 2, 3}, nil)
	n.electLeader(1)
	n.isolate(1)
	n.node(1).rn.ReadIndex([]byte("first"))
	n.node(1).rn.ReadIndex([]byte("second"))
	n.settle()
	n.heal()
	n.tick(1, 1)
	require.Len(t, n.node(1).readStates, 2)
	assert.Equal(t, []byte("first"), n.node(1).readStates[0].RequestCtx)
	assert.Equal(t, []byte("second"), n.node(1).readStates[1].RequestCtx)
}

func TestReadIndexWaitsForCommitInTerm(t *testing.T) {
	// Reference: Raft §8 — a new leader does not know the commit index
	// until it has committed an entry of its term, so reads wait for that.
	n := newInstantNetwork(t, []uint64{1, 2, 3}, nil)
	// Followers do not answer: the leader's empty entry cannot commit.
	n.node(2).down = true
	n.node(3).down = true
	n.campaign(1)
	n.node(2).down = false
	n.node(3).down = false
	// Win the election by hand: deliver the votes.
	require.NoError(t, n.node(1).rn.Step(Message{From: 2, To: 1, Type: MsgVoteResp, Term: n.raft(1).Term}))
	n.node(2).down = true
	n.node(3).down = true
	n.settle()
	require.Equal(t, StateLeader, n.raft(1).state)
	require.Equal(t, uint64(3), n.raft(1).raftLog.committed, "only the bootstrap entries")

	n.node(1).rn.ReadIndex([]byte("early"))
	n.settle()
	assert.Empty(t, n.node(1).readStates)
	queued := eventOfKind(t, n.node(1).events, EventReadQueued)
	assert.Equal(t, ReasonNoCommitInTerm, queued.Reason)

	n.node(2).down = false
	n.node(3).down = false
	n.tick(1, 1) // the heartbeat makes the leader resend the empty entry
	assert.Equal(t, []ReadState{{Index: 4, RequestCtx: []byte("early")}}, n.node(1).readStates)
}

func TestReadIndexSingleVoter(t *testing.T) {
	n := newInstantNetwork(t, []uint64{1}, nil)
	n.electLeader(1)
	n.node(1).rn.ReadIndex([]byte("solo"))
	n.settle()
	assert.Equal(t, []ReadState{{Index: 2, RequestCtx: []byte("solo")}}, n.node(1).readStates)
	assert.Equal(t, ReasonSingleVoter, eventOfKind(t, n.node(1).events, EventReadServed).Reason)
}

func TestReadIndexWithoutLeaderIsDropped(t *testing.T) {
	n := newInstantNetwork(t, []uint64{1, 2, 3}, nil)
	n.node(2).rn.ReadIndex([]byte("x"))
	n.settle()
	assert.Empty(t, n.node(2).readStates)
	assert.Equal(t, ReasonNoLeader, eventOfKind(t, n.node(2).events, EventReadDropped).Reason)
}

func TestReadOnlyRounds(t *testing.T) {
	ro := newReadOnly(ReadOnlySafe)
	voters := quorum.JointConfig{quorum.NewMajorityConfig(1, 2, 3), nil}
	req := func(ctx string) Message {
		return Message{Type: MsgReadIndex, Entries: []Entry{{Data: []byte(ctx)}}}
	}
	first := ro.addRequest(3, req("a"), 1, 10)
	second := ro.addRequest(4, req("a"), 1, 12) // the same request context is fine
	assert.NotEqual(t, first, second)
	assert.False(t, ro.leaseCovers(12, 10), "no round answered yet")

	// An answer to the first round confirms only the first request, and
	// the lease runs from when that round was sent.
	ro.recvAck(2, first)
	done := ro.confirmed(voters)
	require.Len(t, done, 1)
	assert.Equal(t, uint64(3), done[0].index)
	assert.True(t, ro.leaseCovers(18, 10))
	assert.False(t, ro.leaseCovers(19, 10), "one tick is kept in hand")
	// An answer to the second round confirms the second.
	ro.recvAck(3, second)
	done = ro.confirmed(voters)
	require.Len(t, done, 1)
	assert.Equal(t, uint64(4), done[0].index)
	assert.True(t, ro.leaseCovers(20, 10))
	assert.Nil(t, ro.confirmed(voters))

	// Garbage contexts are ignored; rounds keep growing after a reset,
	// which forgets the lease.
	ro.recvAck(2, []byte("junk"))
	ro.reset()
	assert.False(t, ro.leaseCovers(13, 10))
	third := ro.newRound(1, 30)
	assert.Greater(t, binary.BigEndian.Uint64(third), binary.BigEndian.Uint64(second))
}

func TestLeaseReadExpiresBeforeAnotherLeaderCanExist(t *testing.T) {
	// Reference: Raft thesis §6.4.1 — a leader cut off from the others
	// stops answering reads from its lease before the others can elect a
	// new leader, even though check-quorum has not stepped it down yet.
	n := newInstantNetwork(t, []uint64{1, 2, 3}, withLeaseReads)
	skipStartupWait(n)
	n.electLeader(1)
	n.tick(1, 1) // a heartbeat round establishes the lease
	n.node(1).rn.ReadIndex([]byte("fresh"))
	n.settle()
	require.Len(t, n.node(1).readStates, 1)
	assert.Equal(t, ReasonLease, eventOfKind(t, n.node(1).events, EventReadServed).Reason)

	n.isolate(1)
	// The followers refuse votes for an election timeout after their last
	// heartbeat; the lease ends a tick before that.
	n.tick(1, n.raft(1).electionTimeout-2)
	n.node(1).rn.ReadIndex([]byte("still covered"))
	n.settle()
	require.Len(t, n.node(1).readStates, 2)
	n.tick(1, 1)
	require.Equal(t, StateLeader, n.raft(1).state, "check-quorum has not noticed yet")
	n.node(1).rn.ReadIndex([]byte("too late"))
	n.settle()
	assert.Len(t, n.node(1).readStates, 2, "the read waits for a quorum instead")
	assert.Equal(t, ReasonLeaseExpired, eventOfKind(t, n.node(1).events, EventReadQueued).Reason)
}

func TestLeaseRevokedByTimeoutNow(t *testing.T) {
	// A TimeoutNow lets its target be elected at once, whatever the
	// lease; after sending one the leader answers reads by quorum only.
	n := newInstantNetwork(t, []uint64{1, 2, 3}, withLeaseReads)
	skipStartupWait(n)
	n.electLeader(1)
	n.tick(1, 1)
	n.node(3).down = true // the transfer will not complete
	n.node(1).rn.TransferLeader(3)
	n.settle()
	require.NotEmpty(t, n.eventsOf(1, EventTimeoutNowSent))
	n.node(1).rn.ReadIndex([]byte("x"))
	n.settle()
	assert.Equal(t, ReasonLeaseExpired, eventOfKind(t, n.node(1).events, EventReadQueued).Reason)
	assert.Equal(t, ReasonQuorumConfirmed, eventOfKind(t, n.node(1).events, EventReadServed).Reason)
}

func TestLeaseReadsMakeARestartedVoterWait(t *testing.T) {
	// A voter that restarts may have answered the heartbeat a lease counts
	// on; with lease reads it refuses votes for its first election timeout.
	n := newInstantNetwork(t, []uint64{1, 2, 3}, withLeaseReads)
	r := n.raft(2)
	require.NoError(t, r.Step(Message{From: 3, To: 2, Type: MsgVote, Term: 5, Index: 9, LogTerm: 9}))
	ev := eventOfKind(t, takeEvents(r), EventVoteRejected)
	assert.Equal(t, ReasonLeaderAlive, ev.Reason)
	assert.Equal(t, uint64(1), r.Term, "the request was ignored")
	for range r.electionTimeout {
		r.tick()
	}
	require.NoError(t, r.Step(Message{From: 3, To: 2, Type: MsgVote, Term: 5, Index: 9, LogTerm: 9}))
	assert.Equal(t, uint64(3), r.Vote)
}

func TestReadIndexSameContextFromTwoFollowers(t *testing.T) {
	// Two followers forward reads whose contexts are equal (each numbers its
	// own requests); the leader answers both.
	n := newInstantNetwork(t, []uint64{1, 2, 3}, nil)
	n.electLeader(1)
	n.node(2).rn.ReadIndex([]byte("1"))
	n.node(3).rn.ReadIndex([]byte("1"))
	n.settle()
	assert.Equal(t, []ReadState{{Index: 4, RequestCtx: []byte("1")}}, n.node(2).readStates)
	assert.Equal(t, []ReadState{{Index: 4, RequestCtx: []byte("1")}}, n.node(3).readStates)
}

func TestReadIndexEachRequestWaitsForItsOwnRound(t *testing.T) {
	// A heartbeat answered before a request arrived proves nothing about
	// leadership after it: the second read waits for a later round.
	n := newInstantNetwork(t, []uint64{1, 2, 3}, nil)
	n.electLeader(1)
	n.isolate(1)
	n.node(1).rn.ReadIndex([]byte("early"))
	n.settle()
	early := n.raft(1).readOnly.queue[0].round
	// Node 2 answers the early round only after the second request.
	n.node(1).rn.ReadIndex([]byte("late"))
	n.settle()
	require.NoError(t, n.node(1).rn.Step(Message{From: 2, To: 1, Type: MsgHeartbeatResp, Term: n.raft(1).Term, Context: roundContext(early)}))
	n.settle()
	require.Len(t, n.node(1).readStates, 1)
	assert.Equal(t, []byte("early"), n.node(1).readStates[0].RequestCtx)
	n.heal()
	n.tick(1, 1)
	require.Len(t, n.node(1).readStates, 2)
	assert.Equal(t, []byte("late"), n.node(1).readStates[1].RequestCtx)
}
