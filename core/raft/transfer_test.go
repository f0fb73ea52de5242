package raft

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLeadershipTransfer(t *testing.T) {
	// Reference: Raft thesis §3.10 — the leader brings the target up to
	// date and sends TimeoutNow; the target campaigns at once and wins.
	tests := []struct {
		name      string
		configure func(*Config)
		from      uint64 // the node TransferLeader is called on
	}{
		{"plain", nil, 1},
		{"requested on a follower", nil, 2},
		{"check-quorum: the transfer bypasses the lease", withCheckQuorum, 1},
		{"pre-vote: the transfer skips the pre-vote", func(c *Config) { c.PreVote = true; c.CheckQuorum = true }, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newInstantNetwork(t, []uint64{1, 2, 3}, tt.configure)
			n.electLeader(1)
			n.clearEvents()
			n.node(tt.from).rn.TransferLeader(3)
			n.settle()
			assert.Equal(t, uint64(3), n.leader())
			assert.Equal(t, StateFollower, n.raft(1).state)
			assert.Equal(t, uint64(3), n.raft(3).Term)
			started := eventOfKind(t, n.node(1).events, EventTransferStarted)
			assert.Equal(t, uint64(3), started.Peer)
			sent := eventOfKind(t, n.node(1).events, EventTimeoutNowSent)
			assert.Equal(t, ReasonTransfer, sent.Reason)
			assert.Equal(t, uint64(3), sent.Peer)
			assert.Equal(t, ReasonTimeoutNow, eventOfKind(t, n.node(3).events, EventBecameCandidate).Reason)
			assert.Empty(t, n.eventsOf(3, EventBecamePreCandidate))
		})
	}
}

func TestLeadershipTransferCatchesUpTheTarget(t *testing.T) {
	n := newInstantNetwork(t, []uint64{1, 2, 3}, nil)
	n.electLeader(1)
	n.node(3).down = true
	require.NoError(t, n.propose(1, "a"))
	require.NoError(t, n.propose(1, "b"))
	n.node(3).down = false
	// The leader learns that node 3 is behind only from its answers; the
	// transfer sends it the missing entries before TimeoutNow.
	n.node(1).rn.TransferLeader(3)
	n.settle()
	assert.Equal(t, uint64(3), n.leader())
	assert.Equal(t, [][]byte{[]byte("a"), []byte("b")}, n.node(3).applied)
	started := eventOfKind(t, n.node(1).events, EventTransferStarted)
	assert.Less(t, started.Index, n.raft(1).raftLog.lastIndex(), "node 3 was behind when the transfer started")
}

func TestLeadershipTransferStopsProposalsAndTimesOut(t *testing.T) {
	n := newInstantNetwork(t, []uint64{1, 2, 3}, nil)
	n.electLeader(1)
	n.node(3).down = true
	require.NoError(t, n.propose(1, "a"))
	n.node(1).rn.TransferLeader(3)
	n.settle()
	assert.Equal(t, uint64(3), n.raft(1).leadTransferee)
	assert.Equal(t, uint64(3), n.node(1).rn.Status().LeadTransferee)

	err := n.propose(1, "during")
	require.ErrorIs(t, err, ErrProposalDropped)
	assert.Equal(t, ReasonTransferInProgress, eventOfKind(t, n.node(1).events, EventProposalDropped).Reason)

	n.tick(1, n.raft(1).electionTimeout)
	assert.Equal(t, None, n.raft(1).leadTransferee)
	assert.Equal(t, StateLeader, n.raft(1).state)
	aborted := eventOfKind(t, n.node(1).events, EventTransferAborted)
	assert.Equal(t, ReasonTransferTimeout, aborted.Reason)
	assert.Equal(t, uint64(3), aborted.Peer)
	require.NoError(t, n.propose(1, "after"))
	assert.Equal(t, [][]byte{[]byte("a"), []byte("after")}, n.node(2).applied)
}

func TestLeadershipTransferEdgeCases(t *testing.T) {
	t.Run("to a learner", func(t *testing.T) {
		n := newInstantNetwork(t, []uint64{1, 2, 3}, nil)
		n.electLeader(1)
		n.addJoiner(4)
		require.NoError(t, n.proposeConfChange(1, ConfChange{Changes: []ConfChangeSingle{single(ConfChangeAddLearnerNode, 4)}}))
		n.node(1).rn.TransferLeader(4)
		n.settle()
		assert.Equal(t, uint64(1), n.leader())
		assert.Equal(t, ReasonNotPromotable, eventOfKind(t, n.node(1).events, EventTransferAborted).Reason)
	})
	t.Run("to itself", func(t *testing.T) {
		n := newInstantNetwork(t, []uint64{1, 2, 3}, nil)
		n.electLeader(1)
		n.node(1).rn.TransferLeader(1)
		n.settle()
		assert.Equal(t, None, n.raft(1).leadTransferee)
		assert.Empty(t, n.eventsOf(1, EventTransferStarted))
	})
	t.Run("a new target replaces the old", func(t *testing.T) {
		n := newInstantNetwork(t, []uint64{1, 2, 3}, nil)
		n.electLeader(1)
		n.node(3).down = true
		n.node(1).rn.TransferLeader(3)
		n.settle()
		n.node(1).rn.TransferLeader(2)
		n.settle()
		aborted := n.eventsOf(1, EventTransferAborted)
		require.Len(t, aborted, 1)
		assert.Equal(t, ReasonNewTransfer, aborted[0].Reason)
		assert.Equal(t, uint64(3), aborted[0].Peer)
		assert.Equal(t, uint64(2), n.leader())
	})
	t.Run("the target is removed", func(t *testing.T) {
		n := newInstantNetwork(t, []uint64{1, 2, 3}, nil)
		n.electLeader(1)
		n.node(3).down = true
		n.node(1).rn.TransferLeader(3)
		n.settle()
		// The transfer blocks proposals, so the removal is applied by hand,
		// as if it had been committed before the transfer started.
		n.node(1).rn.ApplyConfChange(ConfChange{Changes: []ConfChangeSingle{single(ConfChangeRemoveNode, 3)}})
		n.settle()
		assert.Equal(t, None, n.raft(1).leadTransferee)
		assert.Equal(t, ReasonTransfereeRemoved, eventOfKind(t, n.node(1).events, EventTransferAborted).Reason)
	})
}
