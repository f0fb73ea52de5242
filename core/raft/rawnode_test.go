package raft

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newTestRawNode(t *testing.T, id uint64, voters []uint64, ms *MemoryStorage, configure func(*Config)) *RawNode {
	cfg := testConfig(id, voters)
	cfg.Storage = ms
	if configure != nil {
		configure(&cfg)
	}
	rn, err := NewRawNode(&cfg)
	require.NoError(t, err)
	return rn
}

// handleReady does what an application does with a Ready, short of
// sending the messages: persist, apply configuration changes, Advance.
func handleReady(t *testing.T, rn *RawNode, ms *MemoryStorage) Ready {
	rd := rn.Ready()
	if !rd.Snapshot.IsEmpty() {
		require.NoError(t, ms.ApplySnapshot(rd.Snapshot))
	}
	require.NoError(t, ms.Append(rd.Entries))
	if !rd.HardState.IsEmpty() {
		require.NoError(t, ms.SetHardState(rd.HardState))
	}
	for _, e := range rd.CommittedEntries {
		if e.Type == EntryConfChange {
			cc, err := UnmarshalConfChange(e.Data)
			require.NoError(t, err)
			rn.ApplyConfChange(cc)
		}
	}
	rn.Advance(rd)
	return rd
}

func TestRawNodeReadyLifecycle(t *testing.T) {
	ms := NewMemoryStorage()
	rn := newTestRawNode(t, 1, []uint64{1}, ms, nil)
	rd := handleReady(t, rn, ms)
	assert.Nil(t, rd.SoftState, "nothing changed since start")
	assert.Equal(t, []Event{{Kind: EventBecameFollower, Reason: ReasonStart, Node: 1, Term: 1}}, rd.Events)
	// A new cluster starts with its configuration in the log, committed;
	// the application applies it like any configuration change.
	bootstrap := ConfChange{Changes: []ConfChangeSingle{{Type: ConfChangeAddNode, NodeID: 1}}}
	assert.Equal(t, []Entry{{Term: 1, Index: 1, Type: EntryConfChange, Data: bootstrap.Marshal()}}, rd.Entries)
	assert.Equal(t, HardState{Term: 1, Commit: 1}, rd.HardState)
	assert.True(t, rd.MustSync)
	assert.Equal(t, rd.Entries, rd.CommittedEntries)
	// Applying the change was a decision too; its event comes next.
	require.True(t, rn.HasReady())
	rd = handleReady(t, rn, ms)
	assert.Equal(t, []string{"conf-changed/simple-change"}, kindsOf(rd.Events))
	assert.False(t, rn.HasReady())

	require.NoError(t, rn.Campaign())
	require.True(t, rn.HasReady())
	rd = rn.Ready()
	require.NotNil(t, rd.SoftState)
	assert.Equal(t, SoftState{Lead: 1, RaftState: StateLeader}, *rd.SoftState)
	assert.Equal(t, HardState{Term: 2, Vote: 1, Commit: 2}, rd.HardState)
	assert.Equal(t, []Entry{{Term: 2, Index: 2}}, rd.Entries)
	assert.Equal(t, []Entry{{Term: 2, Index: 2}}, rd.CommittedEntries)
	assert.True(t, rd.MustSync)
	assert.Empty(t, rd.Messages)
	assert.Equal(t, []string{"became-candidate/campaign", "became-leader/none", "commit-advanced/quorum-replicated"}, kindsOf(rd.Events))
	require.NoError(t, ms.Append(rd.Entries))
	require.NoError(t, ms.SetHardState(rd.HardState))
	rn.Advance(rd)
	assert.False(t, rn.HasReady())
	assert.Equal(t, uint64(2), rn.Status().Applied)

	require.NoError(t, rn.Propose([]byte("foo")))
	rd = handleReady(t, rn, ms)
	assert.Equal(t, []Entry{{Term: 2, Index: 3, Data: []byte("foo")}}, rd.Entries)
	assert.Equal(t, rd.Entries, rd.CommittedEntries)
	assert.True(t, rd.MustSync, "new entries must be synced")
	assert.Equal(t, HardState{Term: 2, Vote: 1, Commit: 3}, rd.HardState)
	assert.False(t, rn.HasReady())
}

func TestRawNodeMustSyncOnlyForTermVoteOrEntries(t *testing.T) {
	n := newInstantNetwork(t, []uint64{1, 2}, nil)
	n.electLeader(1)
	require.NoError(t, n.node(1).rn.Propose([]byte("x")))
	// Deliver by hand to watch node 2's Readies.
	rd1 := n.node(1).rn.Ready()
	require.NoError(t, n.node(1).storage.Append(rd1.Entries))
	n.node(1).rn.Advance(rd1)
	require.Len(t, rd1.Messages, 1)
	rn2 := n.node(2).rn
	require.NoError(t, rn2.Step(rd1.Messages[0]))
	rd2 := rn2.Ready()
	assert.True(t, rd2.MustSync, "an entry arrived")
	require.NoError(t, n.node(2).storage.Append(rd2.Entries))
	rn2.Advance(rd2)
	// A heartbeat that only moves the commit index needs no sync.
	require.NoError(t, rn2.Step(Message{From: 1, To: 2, Type: MsgHeartbeat, Term: 2, Commit: 4}))
	rd2 = rn2.Ready()
	assert.Equal(t, uint64(4), rd2.HardState.Commit)
	assert.False(t, rd2.MustSync)
}

func TestRawNodeRestart(t *testing.T) {
	ms := NewMemoryStorage()
	require.NoError(t, ms.Append([]Entry{{Term: 1, Index: 1}, {Term: 1, Index: 2, Data: []byte("a")}, {Term: 1, Index: 3, Data: []byte("b")}}))
	require.NoError(t, ms.SetHardState(HardState{Term: 1, Vote: 1, Commit: 2}))
	tests := []struct {
		name    string
		applied uint64
		want    []Entry
	}{
		{"applies every committed entry", 0, []Entry{{Term: 1, Index: 1}, {Term: 1, Index: 2, Data: []byte("a")}}},
		{"skips what was applied", 1, []Entry{{Term: 1, Index: 2, Data: []byte("a")}}},
		{"nothing left", 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rn := newTestRawNode(t, 1, []uint64{1, 2}, ms, func(c *Config) { c.Applied = tt.applied })
			rd := rn.Ready()
			assert.Equal(t, tt.want, rd.CommittedEntries)
			assert.True(t, rd.HardState.IsEmpty(), "the persisted hard state is not handed out again")
			assert.Empty(t, rd.Entries)
			st := rn.Status()
			assert.Equal(t, uint64(1), st.Term)
			assert.Equal(t, uint64(1), st.Vote)
			assert.Equal(t, uint64(2), st.Commit)
			assert.Equal(t, uint64(3), st.LastIndex)
		})
	}
}

func TestRawNodeRestartRejectsBadState(t *testing.T) {
	ms := NewMemoryStorage()
	require.NoError(t, ms.Append(entriesOfTerms(1, 1)))
	require.NoError(t, ms.SetHardState(HardState{Term: 1, Commit: 5}))
	cfg := testConfig(1, []uint64{1})
	cfg.Storage = ms
	_, err := NewRawNode(&cfg)
	require.ErrorContains(t, err, "persisted commit index 5 is out of range [0, 1]")

	require.NoError(t, ms.SetHardState(HardState{Term: 1, Commit: 1}))
	cfg.Applied = 2
	_, err = NewRawNode(&cfg)
	require.ErrorIs(t, err, ErrInvalidConfig)
	require.ErrorContains(t, err, "Applied (2) is beyond the commit index (1)")
}

func TestRawNodeStepErrors(t *testing.T) {
	rn := newTestRawNode(t, 1, []uint64{1, 2}, NewMemoryStorage(), nil)
	for _, typ := range []MessageType{MsgHup, MsgBeat, MsgUnreachable, MsgSnapStatus, MsgCheckQuorum} {
		assert.ErrorIs(t, rn.Step(Message{Type: typ, From: 2, To: 1}), ErrStepLocalMsg, "%s", typ)
	}
	assert.ErrorIs(t, rn.Step(Message{Type: MsgAppResp, From: 9, To: 1, Term: 1}), ErrStepPeerNotFound)
	assert.NoError(t, rn.Step(Message{Type: MsgApp, From: 9, To: 1, Term: 1}), "a request from an unknown node is fine (it may be a new leader)")
}

func TestRawNodeStatus(t *testing.T) {
	n := newInstantNetwork(t, []uint64{1, 2, 3}, nil)
	n.node(3).down = true
	n.electLeader(1)
	require.NoError(t, n.propose(1, "x"))
	st := n.node(1).rn.Status()
	assert.Equal(t, uint64(1), st.ID)
	assert.Equal(t, StateLeader, st.RaftState)
	assert.Equal(t, uint64(1), st.Lead)
	assert.Equal(t, uint64(5), st.Commit, "three bootstrap entries, the empty entry, x")
	assert.Equal(t, uint64(5), st.Applied)
	assert.Equal(t, uint64(5), st.LastIndex)
	assert.Equal(t, uint64(1), st.FirstIndex)
	assert.Equal(t, 10, st.ElectionTick)
	assert.Equal(t, 1, st.HeartbeatTick)
	assert.Equal(t, []uint64{1, 2, 3}, st.Config.Voters)
	require.Len(t, st.Progress, 3)
	assert.Equal(t, PeerStatus{ID: 1, Match: 5, Next: 6, State: "replicate", RecentActive: true}, st.Progress[0])
	assert.Equal(t, PeerStatus{ID: 2, Match: 5, Next: 6, State: "replicate", RecentActive: true}, st.Progress[1])
	assert.Equal(t, uint64(3), st.Progress[2].ID)
	assert.Equal(t, "probe", st.Progress[2].State)
	assert.Equal(t, uint64(0), st.Progress[2].Match)

	// A candidate shows the votes it gathered and its election timer.
	n.partition([]uint64{2}, []uint64{1})
	n.node(3).down = false
	n.isolate(3)
	n.campaign(2)
	st = n.node(2).rn.Status()
	assert.Equal(t, StateCandidate, st.RaftState)
	assert.Equal(t, []uint64{2}, st.VotesGranted)
	assert.Empty(t, st.VotesRejected)
	assert.Nil(t, st.Progress)
	n.tick(2, 3)
	st = n.node(2).rn.Status()
	assert.Equal(t, 3, st.ElectionElapsed)
	assert.GreaterOrEqual(t, st.RandomizedElectionTimeout, 10)
	assert.Less(t, st.RandomizedElectionTimeout, 20)
}

func TestRawNodeEventsAreHandedOutOnce(t *testing.T) {
	ms := NewMemoryStorage()
	rn := newTestRawNode(t, 1, []uint64{1}, ms, nil)
	handleReady(t, rn, ms)
	require.NoError(t, rn.Campaign())
	rd := handleReady(t, rn, ms)
	assert.NotEmpty(t, rd.Events)
	rd = rn.Ready()
	assert.Empty(t, rd.Events)
}

func TestTakeEventsReportsAConfChangeWhereItWasApplied(t *testing.T) {
	ms := NewMemoryStorage()
	rn := newTestRawNode(t, 1, []uint64{1}, ms, nil)
	handleReady(t, rn, ms)
	require.NoError(t, rn.Campaign())
	handleReady(t, rn, ms)

	rn.ApplyConfChange(ConfChange{Changes: []ConfChangeSingle{single(ConfChangeAddLearnerNode, 2)}})
	taken := rn.TakeEvents()
	require.NotEmpty(t, taken)
	assert.Equal(t, EventConfChanged, taken[len(taken)-1].Kind, "the change is reported as soon as it is applied")
	assert.Empty(t, rn.TakeEvents(), "taken events are forgotten")
	for _, e := range rn.Ready().Events {
		assert.NotEqual(t, EventConfChanged, e.Kind, "the next Ready does not report the change again")
	}
}

func TestRawNodeDeterminism(t *testing.T) {
	// Same seed and inputs, same decisions: the event traces of two runs
	// are identical.
	trace := func() []string {
		n := newInstantNetwork(t, []uint64{1, 2, 3, 4, 5}, func(c *Config) {
			c.PreVote = true
			c.CheckQuorum = true
			c.Rand = rand.New(rand.NewPCG(42, c.ID))
		})
		n.tickAll(30)
		for i := range 5 {
			if lead := n.leader(); lead != None {
				_ = n.propose(lead, fmt.Sprintf("v%d", i))
			}
		}
		n.isolate(n.leader())
		n.tickAll(40)
		n.heal()
		n.tickAll(20)
		var out []string
		for _, id := range n.ids {
			for _, e := range n.node(id).events {
				out = append(out, fmt.Sprintf("%+v", e))
			}
		}
		return out
	}
	first := trace()
	require.NotEmpty(t, first)
	assert.Equal(t, first, trace())
}

func TestRestartRebuildsConfigurationFromLog(t *testing.T) {
	// A member restarted from a log without a snapshot gets its
	// configuration back by applying the logged changes again: a founding
	// member starts from its initial voters, a member added later from
	// nothing; both replay the bootstrap entries and every change since.
	n := newInstantNetwork(t, []uint64{1, 2, 3}, nil)
	n.electLeader(1)
	n.addJoiner(4)
	require.NoError(t, n.proposeConfChange(1, ConfChange{Changes: []ConfChangeSingle{single(ConfChangeAddNode, 4)}}))
	require.NoError(t, n.proposeConfChange(1, ConfChange{Changes: []ConfChangeSingle{single(ConfChangeRemoveNode, 2)}}))
	require.NoError(t, n.propose(1, "x"))
	n.tick(1, 1)
	for _, id := range []uint64{3, 4} {
		n.restart(id)
		n.settle()
		st := n.node(id).rn.Status()
		assert.Equal(t, []uint64{1, 3, 4}, st.Config.Voters, "node %d", id)
		assert.Equal(t, []uint64{1, 3, 4}, n.node(id).confState.Voters, "node %d", id)
		assert.Equal(t, [][]byte{[]byte("x")}, n.node(id).applied, "node %d", id)
	}
	// The restarted members work: node 4 can win an election.
	n.campaign(4)
	assert.Equal(t, StateLeader, n.raft(4).state)
}

func TestRawNodeProposalsBetweenReadiesShareOneAppend(t *testing.T) {
	// Messages leave only with a Ready, so the leader builds the appends
	// for new proposals then: three proposals, one append per follower.
	n := newInstantNetwork(t, []uint64{1, 2, 3}, nil)
	n.electLeader(1)
	rn := n.node(1).rn
	for _, data := range []string{"a", "b", "c"} {
		require.NoError(t, rn.Propose([]byte(data)))
	}
	assert.Empty(t, n.raft(1).msgs, "nothing is built before the Ready")
	require.True(t, rn.HasReady())
	rd := rn.Ready()
	require.Len(t, rd.Messages, 2)
	for i, m := range rd.Messages {
		assert.Equal(t, uint64(i+2), m.To)
		assert.Equal(t, MsgApp, m.Type)
		require.Len(t, m.Entries, 3)
		assert.Equal(t, []byte("c"), m.Entries[2].Data)
	}
}

func TestRawNodeFlushRespectsMessageSizeAndWindow(t *testing.T) {
	// With one entry per message the pending proposals still all go out
	// in the Ready, as far as the inflight window allows.
	n := newInstantNetwork(t, []uint64{1, 2}, func(c *Config) {
		c.MaxSizePerMsg = 0
		c.MaxInflightMsgs = 2
	})
	n.electLeader(1)
	for _, data := range []string{"a", "b", "c"} {
		require.NoError(t, n.node(1).rn.Propose([]byte(data)))
	}
	rd := n.node(1).rn.Ready()
	require.Len(t, rd.Messages, 2, "the window of two is full")
	for _, m := range rd.Messages {
		assert.Len(t, m.Entries, 1)
	}
	require.NoError(t, n.node(1).storage.Append(rd.Entries))
	n.node(1).rn.Advance(rd)
	for _, m := range rd.Messages {
		n.queue = append(n.queue, m)
	}
	n.settle()
	assert.Equal(t, [][]byte{[]byte("a"), []byte("b"), []byte("c")}, n.node(2).applied)
}
