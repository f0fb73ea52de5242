package raft

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func single(t ConfChangeType, id uint64) ConfChangeSingle {
	return ConfChangeSingle{Type: t, NodeID: id}
}

func TestConfChangeCodecRoundTrip(t *testing.T) {
	tests := []ConfChange{
		{},
		{Changes: []ConfChangeSingle{single(ConfChangeAddNode, 4)}},
		{Transition: ConfChangeTransitionJointExplicit, Changes: []ConfChangeSingle{
			single(ConfChangeAddNode, 1<<40), single(ConfChangeRemoveNode, 2), single(ConfChangeAddLearnerNode, 3)},
			Context: []byte("ctx")},
	}
	for _, cc := range tests {
		got, err := UnmarshalConfChange(cc.Marshal())
		require.NoError(t, err)
		assert.Equal(t, cc, got)
	}
}

func TestConfChangeCodecRejectsGarbage(t *testing.T) {
	valid := ConfChange{Changes: []ConfChangeSingle{single(ConfChangeAddNode, 4)}, Context: []byte("c")}.Marshal()
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "too short"},
		{"unknown format", append([]byte{9}, valid[1:]...), "unknown format 9"},
		{"unknown transition", append([]byte{valid[0], 7}, valid[2:]...), "unknown transition 7"},
		{"unknown change type", func() []byte { d := append([]byte(nil), valid...); d[3] = 5; return d }(), "unknown type 5"},
		{"truncated", valid[:len(valid)-1], "bad context length"},
		{"trailing bytes", append(append([]byte(nil), valid...), 0), "bad context length"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := UnmarshalConfChange(tt.data)
			require.ErrorIs(t, err, ErrBadConfChangeEncoding)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

func TestAddVoterWithSingleStepChange(t *testing.T) {
	// Reference: Raft §4.1 of the thesis — one server at a time keeps the
	// old and new majorities overlapping.
	n := newInstantNetwork(t, []uint64{1, 2, 3}, nil)
	n.electLeader(1)
	require.NoError(t, n.propose(1, "before"))
	n.addJoiner(4)
	require.NoError(t, n.proposeConfChange(1, ConfChange{Changes: []ConfChangeSingle{single(ConfChangeAddNode, 4)}}))
	n.tick(1, 1)
	for _, id := range []uint64{1, 2, 3, 4} {
		assert.Equal(t, []uint64{1, 2, 3, 4}, n.node(id).confState.Voters, "node %d", id)
		ev := eventOfKind(t, n.node(id).events, EventConfChanged)
		assert.Equal(t, ReasonSimpleChange, ev.Reason)
		// Bootstrap 1..3, the empty entry 4, "before" 5, the change 6.
		assert.Equal(t, uint64(6), ev.Index, "node %d", id)
	}
	assert.Equal(t, [][]byte{[]byte("before")}, n.node(4).applied, "the new voter caught up")
	// Four voters need three acknowledgements: with two down nothing
	// commits.
	n.node(3).down = true
	n.node(4).down = true
	require.NoError(t, n.propose(1, "stuck"))
	assert.Equal(t, [][]byte{[]byte("before")}, n.node(1).applied)
}

func TestJointConsensusReplaceVoter(t *testing.T) {
	// Reference: Raft §6 — the cluster moves through C_old,new, where
	// decisions need majorities of both, then to C_new.
	n := newInstantNetwork(t, []uint64{1, 2, 3}, nil)
	n.electLeader(1)
	n.addJoiner(4)
	cc := ConfChange{Changes: []ConfChangeSingle{single(ConfChangeAddNode, 4), single(ConfChangeRemoveNode, 3)}}
	require.NoError(t, n.node(1).rn.ProposeConfChange(cc))
	// A second change while the first is pending is refused.
	err := n.node(1).rn.ProposeConfChange(ConfChange{Changes: []ConfChangeSingle{single(ConfChangeAddNode, 5)}})
	require.ErrorIs(t, err, ErrConfChangePending)
	assert.Equal(t, ReasonConfChangePending, eventOfKind(t, n.node(1).rn.raft.events, EventProposalDropped).Reason)
	n.settle()
	n.tick(1, 1)
	n.settle()

	for _, id := range []uint64{1, 2, 4} {
		assert.Equal(t, []uint64{1, 2, 4}, n.node(id).confState.Voters, "node %d", id)
		assert.Empty(t, n.node(id).confState.VotersOutgoing, "node %d left the joint configuration", id)
		// Node 4 also applied the bootstrap entries it replicated.
		changes := n.eventsOf(id, EventConfChanged)
		require.GreaterOrEqual(t, len(changes), 2, "node %d", id)
		assert.Equal(t, ReasonJointEntered, changes[len(changes)-2].Reason)
		assert.Equal(t, ReasonJointLeft, changes[len(changes)-1].Reason)
	}
	leave := eventOfKind(t, n.node(1).events, EventJointAutoLeave)
	assert.Greater(t, leave.Index, uint64(0))
	// The new configuration commits without node 3.
	n.node(3).down = true
	require.NoError(t, n.propose(1, "in C_new"))
	assert.Equal(t, [][]byte{[]byte("in C_new")}, n.node(4).applied)
}

func TestJointConsensusRemovesLeader(t *testing.T) {
	// Reference: Raft §6 — a leader that is not part of C_new steps down
	// once C_new is committed; it hands over so the cluster goes on.
	n := newInstantNetwork(t, []uint64{1, 2, 3}, nil)
	n.electLeader(1)
	cc := ConfChange{Transition: ConfChangeTransitionJointImplicit, Changes: []ConfChangeSingle{single(ConfChangeRemoveNode, 1)}}
	require.NoError(t, n.proposeConfChange(1, cc))
	n.tick(1, 1)

	assert.Equal(t, StateFollower, n.raft(1).state)
	down := eventOfKind(t, n.node(1).events, EventSteppedDown)
	assert.Equal(t, ReasonRemovedFromConfig, down.Reason)
	handover := eventOfKind(t, n.node(1).events, EventTimeoutNowSent)
	assert.Equal(t, ReasonRemovedFromConfig, handover.Reason)
	assert.Equal(t, uint64(2), handover.Peer)
	assert.Equal(t, uint64(2), n.leader(), "node 2 took over at once")
	assert.Equal(t, []uint64{2, 3}, n.node(2).confState.Voters)

	// The removed node never campaigns again.
	n.clearEvents()
	n.tick(1, 100)
	assert.Equal(t, StateFollower, n.raft(1).state)
	assert.Empty(t, n.eventsOf(1, EventBecameCandidate))
	assert.Empty(t, n.eventsOf(1, EventBecamePreCandidate))
}

func TestSimpleChangeRemovesLeader(t *testing.T) {
	n := newInstantNetwork(t, []uint64{1, 2, 3}, nil)
	n.electLeader(1)
	require.NoError(t, n.proposeConfChange(1, ConfChange{Changes: []ConfChangeSingle{single(ConfChangeRemoveNode, 1)}}))
	assert.Equal(t, StateFollower, n.raft(1).state)
	assert.Equal(t, ReasonRemovedFromConfig, eventOfKind(t, n.node(1).events, EventSteppedDown).Reason)
	lead := n.leader()
	assert.Contains(t, []uint64{2, 3}, lead)
	require.NoError(t, n.propose(lead, "after"))
	assert.Equal(t, [][]byte{[]byte("after")}, n.node(3).applied)
}

func TestJointConsensusExplicitLeave(t *testing.T) {
	n := newInstantNetwork(t, []uint64{1, 2, 3}, nil)
	n.electLeader(1)
	n.addJoiner(4)
	cc := ConfChange{Transition: ConfChangeTransitionJointExplicit, Changes: []ConfChangeSingle{single(ConfChangeAddNode, 4)}}
	require.NoError(t, n.proposeConfChange(1, cc))
	n.tick(1, 3)
	assert.Equal(t, []uint64{1, 2, 3, 4}, n.node(1).confState.Voters)
	assert.Equal(t, []uint64{1, 2, 3}, n.node(1).confState.VotersOutgoing, "still joint: no automatic leave")
	assert.Empty(t, n.eventsOf(1, EventJointAutoLeave))

	// A new change is refused until the joint configuration is left.
	err := n.proposeConfChange(1, ConfChange{Changes: []ConfChangeSingle{single(ConfChangeAddNode, 5)}})
	require.ErrorIs(t, err, ErrInvalidConfChange)

	require.NoError(t, n.proposeConfChange(1, ConfChange{}))
	for _, id := range []uint64{1, 2, 3, 4} {
		assert.Equal(t, []uint64{1, 2, 3, 4}, n.node(id).confState.Voters, "node %d", id)
		assert.Empty(t, n.node(id).confState.VotersOutgoing, "node %d", id)
	}
}

func TestNewLeaderLeavesJointConfigurationAutomatically(t *testing.T) {
	n := newInstantNetwork(t, []uint64{1, 2, 3}, nil)
	n.electLeader(1)
	n.addJoiner(4)
	// Node 1 stops right after the joint entry is applied everywhere, so
	// it never proposes the leave.
	n.dropIf = func(m Message) bool {
		return m.From == 1 && len(m.Entries) > 0 && m.Entries[0].Type == EntryConfChange && len(m.Entries[0].Data) == len(ConfChange{}.Marshal())
	}
	cc := ConfChange{Changes: []ConfChangeSingle{single(ConfChangeAddNode, 4), single(ConfChangeAddNode, 5)}}
	n.addJoiner(5)
	require.NoError(t, n.proposeConfChange(1, cc))
	n.tick(1, 1)
	n.node(1).down = true
	n.dropIf = nil
	require.Equal(t, []uint64{1, 2, 3}, n.node(2).confState.VotersOutgoing)
	n.campaign(2)
	require.Equal(t, StateLeader, n.raft(2).state)
	n.tick(2, 1)
	assert.Empty(t, n.node(2).confState.VotersOutgoing, "the new leader left the joint configuration")
	assert.Equal(t, []uint64{1, 2, 3, 4, 5}, n.node(2).confState.Voters)
	assert.NotEmpty(t, n.eventsOf(2, EventJointAutoLeave))
}

func TestLearnerPromotion(t *testing.T) {
	n := newInstantNetwork(t, []uint64{1, 2, 3}, nil)
	n.electLeader(1)
	n.addJoiner(4)
	require.NoError(t, n.proposeConfChange(1, ConfChange{Changes: []ConfChangeSingle{single(ConfChangeAddLearnerNode, 4)}}))
	require.NoError(t, n.propose(1, "x"))
	assert.Equal(t, []uint64{4}, n.node(1).confState.Learners)
	assert.Equal(t, [][]byte{[]byte("x")}, n.node(4).applied, "the learner receives the log")
	assert.True(t, n.raft(4).isLearner)

	require.NoError(t, n.proposeConfChange(1, ConfChange{Changes: []ConfChangeSingle{single(ConfChangeAddNode, 4)}}))
	for _, id := range []uint64{1, 2, 3, 4} {
		assert.Equal(t, []uint64{1, 2, 3, 4}, n.node(id).confState.Voters, "node %d", id)
		assert.Empty(t, n.node(id).confState.Learners, "node %d", id)
	}
	assert.False(t, n.raft(4).isLearner)
	// The promoted node now counts: with 2 and 3 down, 1 and 4 are not a
	// majority of four, but with 3 down they and 2 are.
	n.node(3).down = true
	require.NoError(t, n.propose(1, "y"))
	assert.Equal(t, [][]byte{[]byte("x"), []byte("y")}, n.node(4).applied)
	// And it may lead.
	n.campaign(4)
	assert.Equal(t, StateLeader, n.raft(4).state)
}

func TestInvalidConfChangeIsRefused(t *testing.T) {
	tests := []struct {
		name string
		cc   ConfChange
		err  error
	}{
		{"leave when not joint", ConfChange{}, ErrInvalidConfChange},
		{"remove every voter", ConfChange{Transition: ConfChangeTransitionJointImplicit,
			Changes: []ConfChangeSingle{single(ConfChangeRemoveNode, 1), single(ConfChangeRemoveNode, 2)}}, ErrInvalidConfChange},
		{"node zero", ConfChange{Changes: []ConfChangeSingle{single(ConfChangeAddNode, 0)}}, ErrInvalidConfChange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newInstantNetwork(t, []uint64{1, 2}, nil)
			n.electLeader(1)
			last := n.raft(1).raftLog.lastIndex()
			err := n.proposeConfChange(1, tt.cc)
			require.ErrorIs(t, err, tt.err)
			assert.Equal(t, last, n.raft(1).raftLog.lastIndex(), "nothing was appended")
			assert.Equal(t, ReasonInvalidConfChange, eventOfKind(t, n.node(1).events, EventProposalDropped).Reason)
			// The refusal leaves no pending change behind.
			require.NoError(t, n.proposeConfChange(1, ConfChange{Changes: []ConfChangeSingle{single(ConfChangeAddLearnerNode, 3)}}))
		})
	}
}

func TestConfChangePendingOnNewLeader(t *testing.T) {
	// A new leader's uncommitted tail may hold a configuration change, so
	// it takes none before it has applied everything it inherited.
	ms := NewMemoryStorage()
	require.NoError(t, ms.Append(entriesOfTerms(1, 1)))
	r := newTestRaft(t, 1, []uint64{1, 2, 3}, ms, nil)
	r.becomeCandidate(ReasonCampaign)
	r.becomeLeader()
	cc := ConfChange{Changes: []ConfChangeSingle{single(ConfChangeAddNode, 4)}}
	err := r.Step(Message{From: 1, Type: MsgProp, Entries: []Entry{{Type: EntryConfChange, Data: cc.Marshal()}}})
	require.ErrorIs(t, err, ErrConfChangePending)
	// Once the inherited tail is committed and applied, the change goes in.
	require.NoError(t, r.Step(Message{From: 2, Type: MsgAppResp, Term: r.Term, Index: 2}))
	r.raftLog.appliedTo(2)
	err = r.Step(Message{From: 1, Type: MsgProp, Entries: []Entry{{Type: EntryConfChange, Data: cc.Marshal()}}})
	require.NoError(t, err)
	assert.Equal(t, uint64(3), r.pendingConfIndex)
}

func TestRemovedLeaderHandsOverBeforeSteppingDown(t *testing.T) {
	// A leader that removed itself keeps replicating until a voter of the
	// new configuration can take over. Had it stepped down at once, node 2
	// (which has not learned that the removal committed, so still counts on
	// node 1's vote, and lacks node 1's last entry, so does not get it)
	// could never be elected.
	n := newInstantNetwork(t, []uint64{1, 2}, nil)
	n.electLeader(1)
	// Node 2 stores the change but never hears that it committed, nor
	// receives the entry proposed after it.
	var sawChange bool
	n.dropIf = func(m Message) bool {
		if m.From != 1 {
			return false
		}
		if !sawChange {
			sawChange = len(m.Entries) > 0 && m.Entries[0].Type == EntryConfChange
			return false
		}
		return true
	}
	require.NoError(t, n.node(1).rn.ProposeConfChange(ConfChange{Changes: []ConfChangeSingle{single(ConfChangeRemoveNode, 1)}}))
	n.processReady(1, n.node(1)) // the change goes out in its own append
	require.NoError(t, n.node(1).rn.Propose([]byte("tail")))
	n.settle()
	require.Equal(t, []uint64{2}, n.node(1).confState.Voters, "the removal committed and applied on node 1")
	require.Equal(t, []uint64{1, 2}, n.node(2).confState.Voters)
	assert.Equal(t, StateLeader, n.raft(1).state, "it leads until a new voter takes over")
	started := eventOfKind(t, n.node(1).events, EventTransferStarted)
	assert.Equal(t, ReasonRemovedFromConfig, started.Reason)
	assert.Equal(t, uint64(2), started.Peer)
	assert.ErrorIs(t, n.node(1).rn.Propose([]byte("refused")), ErrProposalDropped)

	n.dropIf = nil
	n.tickAll(3 * n.raft(1).electionTimeout)
	assert.Equal(t, uint64(2), n.leader())
	assert.Equal(t, StateFollower, n.raft(1).state)
	assert.Equal(t, ReasonRemovedFromConfig, eventOfKind(t, n.node(1).events, EventSteppedDown).Reason)
	assert.Equal(t, []uint64{2}, n.node(2).confState.Voters)
	assert.Equal(t, [][]byte{[]byte("tail")}, n.node(2).applied)
}
