package raft_test

// The tests in this file check the rules of the Raft paper (Ongaro and
// Ousterhout, "In Search of an Understandable Consensus Algorithm"), one test
// per rule, from §5.1 to §5.4 and §6. They drive nodes only through the public
// RawNode API, the way an application does: Step, Tick, Propose, Ready,
// Advance. They cover what etcd's raft_paper_test covers, plus the logs of
// figures 7 and 8 and the membership rules of §6.

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raft-playground/playground/core/raft"
)

const (
	testElectionTicks  = 10
	testHeartbeatTicks = 1
)

// testNode is one node under test with the MemoryStorage it persists to. It
// processes each Ready the way an application must: persist, then hand the
// messages back to the test, then apply, then Advance.
type testNode struct {
	t       testing.TB
	id      uint64
	rn      *raft.RawNode
	storage *raft.MemoryStorage
	opts    []nodeOption
	// applied holds every entry the node applied, in order.
	applied []raft.Entry
	// events holds every event the node emitted, in order.
	events []raft.Event
}

// nodeOption adjusts a node's Config before the node is built.
type nodeOption func(*raft.Config)

func withCheckQuorum(c *raft.Config)        { c.CheckQuorum = true }
func withOneByOneBackOff(c *raft.Config)    { c.DisableConflictHint = true }
func withOneEntryPerMessage(c *raft.Config) { c.MaxSizePerMsg = 0 }
func withRandSeed(seed uint64) nodeOption {
	return func(c *raft.Config) { c.Rand = rand.New(rand.NewPCG(seed, c.ID)) }
}

// withBootstrap makes a node on empty storage found a cluster of voters: it
// writes the configuration into its log, as etcd's Bootstrap does.
func withBootstrap(voters ...uint64) nodeOption { return func(c *raft.Config) { c.Voters = voters } }

// newTestNode builds node id on storage. Unless an option sets
// Config.Voters, the storage holds the configuration (see storageWith), or
// it is empty for a member that joins a running cluster.
func newTestNode(t testing.TB, id uint64, storage *raft.MemoryStorage, opts ...nodeOption) *testNode {
	t.Helper()
	cfg := raft.Config{
		ID:              id,
		ElectionTick:    testElectionTicks,
		HeartbeatTick:   testHeartbeatTicks,
		Storage:         storage,
		MaxSizePerMsg:   math.MaxUint64,
		MaxInflightMsgs: 256,
		Rand:            rand.New(rand.NewPCG(1, id)),
	}
	for _, opt := range opts {
		opt(&cfg)
	}
	// Applied stays 0: the test's state machine (applied) does not survive
	// a restart, so a restarted node applies its committed log again, and
	// with it the configuration changes in it.
	rn, err := raft.NewRawNode(&cfg)
	require.NoError(t, err)
	return &testNode{t: t, id: id, rn: rn, storage: storage, opts: opts}
}

// storageWith returns the storage of a member of a cluster of voters whose
// log has entries of the given terms at indexes 1, 2, ... and hard state hs.
// Entry 1 must be of term 1: it stands for the cluster's founding, and is
// kept as a snapshot at index 1 carrying the configuration. The hard state's
// term and commit index are at least 1 accordingly.
func storageWith(t testing.TB, voters []uint64, hs raft.HardState, terms ...uint64) *raft.MemoryStorage {
	t.Helper()
	require.True(t, len(terms) == 0 || terms[0] == 1, "entry 1 is the founding entry of term 1")
	s := raft.NewMemoryStorage()
	require.NoError(t, s.ApplySnapshot(raft.Snapshot{Metadata: raft.SnapshotMetadata{
		Index: 1, Term: 1, ConfState: raft.ConfState{Voters: voters}}}))
	if len(terms) > 1 {
		require.NoError(t, s.Append(logOfTerms(terms...)[1:]))
	}
	hs.Term = max(hs.Term, 1)
	hs.Commit = max(hs.Commit, 1)
	require.NoError(t, s.SetHardState(hs))
	return s
}

// configuredStorage is the storage of a founding member of a new cluster.
func configuredStorage(t testing.TB, voters ...uint64) *raft.MemoryStorage {
	return storageWith(t, voters, raft.HardState{})
}

// logOfTerms returns entries 1..len(terms) with the given terms and data
// naming them, so that logs can be compared entry by entry. Entry 1 lives in
// the storage's snapshot (see storageWith); logs read back start at 2.
func logOfTerms(terms ...uint64) []raft.Entry {
	ents := make([]raft.Entry, len(terms))
	for i, term := range terms {
		ents[i] = raft.Entry{Index: uint64(i + 1), Term: term, Data: fmt.Appendf(nil, "t%d/i%d", term, i+1)}
	}
	return ents
}

// process handles one Ready if there is one and returns it.
func (n *testNode) process() raft.Ready {
	n.t.Helper()
	if !n.rn.HasReady() {
		return raft.Ready{}
	}
	rd := n.rn.Ready()
	if !rd.Snapshot.IsEmpty() {
		require.NoError(n.t, n.storage.ApplySnapshot(rd.Snapshot))
	}
	require.NoError(n.t, n.storage.Append(rd.Entries))
	if !rd.HardState.IsEmpty() {
		require.NoError(n.t, n.storage.SetHardState(rd.HardState))
	}
	for _, e := range rd.CommittedEntries {
		if e.Type == raft.EntryConfChange {
			cc, err := raft.UnmarshalConfChange(e.Data)
			require.NoError(n.t, err)
			n.rn.ApplyConfChange(cc)
		}
	}
	n.applied = append(n.applied, rd.CommittedEntries...)
	n.events = append(n.events, rd.Events...)
	n.rn.Advance(rd)
	return rd
}

// readMessages processes every pending Ready and returns the messages to
// send, in order.
func (n *testNode) readMessages() []raft.Message {
	var msgs []raft.Message
	for n.rn.HasReady() {
		msgs = append(msgs, n.process().Messages...)
	}
	return msgs
}

func (n *testNode) step(m raft.Message) {
	n.t.Helper()
	m.To = n.id
	require.NoError(n.t, n.rn.Step(m))
}

func (n *testNode) status() raft.Status { return n.rn.Status() }

// log returns the node's persisted log.
func (n *testNode) log() []raft.Entry {
	n.t.Helper()
	n.readMessages()
	first, err := n.storage.FirstIndex()
	require.NoError(n.t, err)
	last, err := n.storage.LastIndex()
	require.NoError(n.t, err)
	ents, err := n.storage.Entries(first, last+1, math.MaxUint64)
	require.NoError(n.t, err)
	return ents
}

// hasEvent reports whether the node emitted an event of kind with reason.
func (n *testNode) hasEvent(kind raft.EventKind, reason raft.Reason) bool {
	return slices.ContainsFunc(n.events, func(e raft.Event) bool { return e.Kind == kind && e.Reason == reason })
}

// becomeFollower makes the node a follower of lead in term by a heartbeat.
func (n *testNode) becomeFollower(term, lead uint64) {
	n.t.Helper()
	n.step(raft.Message{Type: raft.MsgHeartbeat, From: lead, Term: term})
	n.readMessages()
	require.Equal(n.t, raft.StateFollower, n.status().RaftState)
}

// becomeCandidate starts an election and drops the vote requests.
func (n *testNode) becomeCandidate() {
	n.t.Helper()
	require.NoError(n.t, n.rn.Campaign())
	n.readMessages()
	require.Equal(n.t, raft.StateCandidate, n.status().RaftState)
}

// becomeLeader starts an election and grants it every other voter's vote.
// It returns what the new leader sends (its first appends).
func (n *testNode) becomeLeader() []raft.Message {
	n.t.Helper()
	require.NoError(n.t, n.rn.Campaign())
	n.readMessages()
	term := n.status().Term
	for _, id := range n.status().Config.Voters {
		if id != n.id && n.status().RaftState != raft.StateLeader {
			n.step(raft.Message{Type: raft.MsgVoteResp, From: id, Term: term})
		}
	}
	msgs := n.readMessages()
	require.Equal(n.t, raft.StateLeader, n.status().RaftState)
	return msgs
}

// acceptAll answers every append in msgs, and in what the leader sends
// next, with an acknowledgement, until the leader sends no more appends.
func (n *testNode) acceptAll(msgs []raft.Message) {
	n.t.Helper()
	for len(msgs) > 0 {
		for _, m := range msgsOfType(msgs, raft.MsgApp) {
			n.step(raft.Message{Type: raft.MsgAppResp, From: m.To, Term: m.Term, Index: m.Index + uint64(len(m.Entries))})
		}
		msgs = msgsOfType(n.readMessages(), raft.MsgApp)
	}
}

// commitNoop makes a new leader commit the empty entry of its term by
// acknowledging it from every follower, and drops what the leader sends.
func (n *testNode) commitNoop() {
	n.t.Helper()
	st := n.status()
	for _, id := range st.Config.Voters {
		if id != n.id {
			n.step(raft.Message{Type: raft.MsgAppResp, From: id, Term: st.Term, Index: st.LastIndex})
		}
	}
	n.readMessages()
	require.Equal(n.t, st.LastIndex, n.status().Commit)
}

// msgsOfType filters msgs.
func msgsOfType(msgs []raft.Message, t raft.MessageType) []raft.Message {
	var out []raft.Message
	for _, m := range msgs {
		if m.Type == t {
			out = append(out, m)
		}
	}
	return out
}

// Reference: Raft §5.1 — "If one server's current term is smaller than the
// other's, then it updates its current term to the larger value. If a
// candidate or leader discovers that its term is out of date, it immediately
// reverts to follower state."
func TestUpdateTermFromMessage(t *testing.T) {
	for _, role := range []raft.StateType{raft.StateFollower, raft.StateCandidate, raft.StateLeader} {
		for _, mt := range []raft.MessageType{raft.MsgApp, raft.MsgHeartbeat, raft.MsgVote} {
			t.Run(fmt.Sprintf("role=%d/msg=%d", role, mt), func(t *testing.T) {
				n := newTestNode(t, 1, configuredStorage(t, 1, 2, 3))
				switch role {
				case raft.StateFollower:
					n.becomeFollower(1, 2)
				case raft.StateCandidate:
					n.becomeCandidate()
				case raft.StateLeader:
					n.becomeLeader()
				}
				m := raft.Message{Type: mt, From: 3, Term: 5}
				if mt == raft.MsgVote {
					m.Index, m.LogTerm = 100, 100
				}
				n.step(m)
				n.readMessages()
				st := n.status()
				assert.Equal(t, uint64(5), st.Term)
				assert.Equal(t, raft.StateFollower, st.RaftState)
				if mt == raft.MsgVote {
					assert.Equal(t, uint64(raft.None), st.Lead, "a vote request names no leader")
				} else {
					assert.Equal(t, uint64(3), st.Lead, "an append or heartbeat names the leader")
				}
			})
		}
	}
}

// Reference: Raft §5.1 — "If a server receives a request with a stale term
// number, it rejects the request."
func TestRejectStaleTermMessage(t *testing.T) {
	t.Run("append", func(t *testing.T) {
		n := newTestNode(t, 1, configuredStorage(t, 1, 2, 3))
		n.becomeFollower(2, 2)
		n.step(raft.Message{Type: raft.MsgApp, From: 3, Term: 1, Index: 1, LogTerm: 1,
			Entries: []raft.Entry{{Index: 2, Term: 1}}, Commit: 2})
		n.readMessages()
		assert.Empty(t, n.log(), "a stale append changes nothing")
		assert.Equal(t, raft.HardState{Term: 2, Commit: 1}, n.status().HardState)
		assert.Equal(t, uint64(2), n.status().Lead)
	})
	t.Run("vote", func(t *testing.T) {
		n := newTestNode(t, 1, configuredStorage(t, 1, 2, 3))
		n.becomeFollower(2, 2)
		n.step(raft.Message{Type: raft.MsgVote, From: 3, Term: 1})
		resp := msgsOfType(n.readMessages(), raft.MsgVoteResp)
		require.Len(t, resp, 1)
		assert.True(t, resp[0].Reject)
		assert.Equal(t, uint64(2), resp[0].Term, "the answer carries the newer term so the candidate learns it")
		assert.True(t, n.hasEvent(raft.EventVoteRejected, raft.ReasonStaleTerm))
	})
}

// Reference: Raft §5.2 — "When servers start up, they begin as followers."
func TestStartAsFollower(t *testing.T) {
	n := newTestNode(t, 1, configuredStorage(t, 1, 2, 3))
	st := n.status()
	assert.Equal(t, raft.StateFollower, st.RaftState)
	assert.Equal(t, uint64(1), st.Term, "the persisted term")
	assert.Equal(t, uint64(raft.None), st.Lead)
}

// Reference: Raft §5.2 — "Leaders send periodic heartbeats (AppendEntries
// RPCs that carry no log entries) to all followers in order to maintain
// their authority."
func TestLeaderBcastBeat(t *testing.T) {
	n := newTestNode(t, 1, configuredStorage(t, 1, 2, 3))
	n.becomeLeader()
	n.commitNoop()
	for range 3 {
		require.NoError(t, n.rn.Propose([]byte("x")))
	}
	n.readMessages()
	for range testHeartbeatTicks {
		n.rn.Tick()
	}
	msgs := n.readMessages()
	require.Len(t, msgs, 2)
	for i, m := range msgs {
		assert.Equal(t, raft.MsgHeartbeat, m.Type)
		assert.Equal(t, uint64(i+2), m.To, "heartbeats go out in peer order")
		assert.Empty(t, m.Entries)
		assert.Equal(t, n.status().Term, m.Term)
	}
}

// Reference: Raft §5.2 — "If a follower receives no communication over a
// period of time called the election timeout, then it ... begins an
// election ... it increments its current term and transitions to candidate
// state. It then votes for itself and issues RequestVote RPCs in parallel to
// each of the other servers."
// A candidate whose election times out starts a new one the same way.
func TestNonleaderStartElection(t *testing.T) {
	for _, role := range []raft.StateType{raft.StateFollower, raft.StateCandidate} {
		t.Run(fmt.Sprint(role), func(t *testing.T) {
			n := newTestNode(t, 1, configuredStorage(t, 1, 2, 3))
			if role == raft.StateFollower {
				n.becomeFollower(1, 2)
			} else {
				n.becomeCandidate()
			}
			term := n.status().Term
			for range 2 * testElectionTicks {
				n.rn.Tick()
			}
			msgs := n.readMessages()
			st := n.status()
			assert.Equal(t, term+1, st.Term)
			assert.Equal(t, raft.StateCandidate, st.RaftState)
			assert.Equal(t, uint64(1), st.Vote, "the candidate votes for itself")
			want := []raft.Message{
				{Type: raft.MsgVote, From: 1, To: 2, Term: term + 1, Index: 1, LogTerm: 1},
				{Type: raft.MsgVote, From: 1, To: 3, Term: term + 1, Index: 1, LogTerm: 1},
			}
			assert.Equal(t, want, msgs)
		})
	}
}

// Reference: Raft §5.2 — "A candidate wins an election if it receives votes
// from a majority of the servers in the full cluster for the same term";
// "if many followers become candidates at the same time, votes could be split
// so that no candidate obtains a majority" and the candidate stays one.
func TestLeaderElectionInOneRoundRPC(t *testing.T) {
	tests := []struct {
		size  int
		votes map[uint64]bool
		want  raft.StateType
	}{
		{1, nil, raft.StateLeader},
		{3, map[uint64]bool{2: true, 3: true}, raft.StateLeader},
		{3, map[uint64]bool{2: true}, raft.StateLeader},
		{5, map[uint64]bool{2: true, 3: true, 4: true, 5: true}, raft.StateLeader},
		{5, map[uint64]bool{2: true, 3: true, 4: true}, raft.StateLeader},
		{5, map[uint64]bool{2: true, 3: true}, raft.StateLeader},
		{3, map[uint64]bool{2: false, 3: false}, raft.StateFollower},
		{5, map[uint64]bool{2: false, 3: false, 4: false, 5: false}, raft.StateFollower},
		{5, map[uint64]bool{2: true, 3: false, 4: false, 5: false}, raft.StateFollower},
		{3, nil, raft.StateCandidate},
		{5, map[uint64]bool{2: true}, raft.StateCandidate},
		{5, map[uint64]bool{2: false, 3: false}, raft.StateCandidate},
		{5, nil, raft.StateCandidate},
	}
	for i, tt := range tests {
		t.Run(fmt.Sprintf("%d/size=%d", i, tt.size), func(t *testing.T) {
			var ids []uint64
			for id := range uint64(tt.size) {
				ids = append(ids, id+1)
			}
			n := newTestNode(t, 1, configuredStorage(t, ids...))
			require.NoError(t, n.rn.Campaign())
			n.readMessages()
			term := n.status().Term
			for _, id := range ids[1:] {
				if granted, ok := tt.votes[id]; ok {
					n.step(raft.Message{Type: raft.MsgVoteResp, From: id, Term: term, Reject: !granted})
				}
			}
			n.readMessages()
			st := n.status()
			assert.Equal(t, tt.want, st.RaftState)
			assert.Equal(t, term, st.Term)
		})
	}
}

// Reference: Raft §5.2 — "Each server will vote for at most one candidate in
// a given term, on a first-come-first-served basis."
func TestFollowerVote(t *testing.T) {
	tests := []struct {
		vote, candidate uint64
		wantReject      bool
	}{
		{raft.None, 2, false},
		{raft.None, 3, false},
		{2, 2, false},
		{3, 3, false},
		{2, 3, true},
		{3, 2, true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("voted=%d/candidate=%d", tt.vote, tt.candidate), func(t *testing.T) {
			n := newTestNode(t, 1, storageWith(t, []uint64{1, 2, 3}, raft.HardState{Term: 1, Vote: tt.vote}, 1))
			n.step(raft.Message{Type: raft.MsgVote, From: tt.candidate, Term: 1, Index: 1, LogTerm: 1})
			want := []raft.Message{{Type: raft.MsgVoteResp, From: 1, To: tt.candidate, Term: 1, Reject: tt.wantReject}}
			assert.Equal(t, want, n.readMessages())
			wantVote := tt.vote
			if wantVote == raft.None {
				wantVote = tt.candidate
			}
			assert.Equal(t, wantVote, n.storage.HardState().Vote, "the vote is persisted before the answer is sent")
		})
	}
}

// Reference: Raft §5.2 — "While waiting for votes, a candidate may receive an
// AppendEntries RPC from another server claiming to be leader. If the
// leader's term ... is at least as large as the candidate's current term,
// then the candidate recognizes the leader as legitimate and returns to
// follower state."
func TestCandidateFallback(t *testing.T) {
	for _, newer := range []uint64{0, 1} {
		t.Run(fmt.Sprintf("leader term +%d", newer), func(t *testing.T) {
			n := newTestNode(t, 1, configuredStorage(t, 1, 2, 3))
			n.becomeCandidate()
			msgTerm := n.status().Term + newer
			n.step(raft.Message{Type: raft.MsgApp, From: 2, Term: msgTerm, Index: 1, LogTerm: 1})
			n.readMessages()
			st := n.status()
			assert.Equal(t, raft.StateFollower, st.RaftState)
			assert.Equal(t, msgTerm, st.Term)
			assert.Equal(t, uint64(2), st.Lead)
		})
	}
}

// ticksToTimeout counts the ticks a follower or candidate waits before it
// starts an election.
func ticksToTimeout(n *testNode) int {
	n.t.Helper()
	term := n.status().Term
	for ticks := 1; ticks <= 3*testElectionTicks; ticks++ {
		n.rn.Tick()
		if n.status().Term != term {
			n.readMessages()
			return ticks
		}
	}
	n.t.Fatalf("node %d never timed out", n.id)
	return 0
}

// Reference: Raft §5.2 — "Raft uses randomized election timeouts ...
// election timeouts are chosen randomly from a fixed interval." Here the
// interval is [ElectionTick, 2*ElectionTick), and every value in it occurs.
func TestElectionTimeoutRandomized(t *testing.T) {
	for _, role := range []raft.StateType{raft.StateFollower, raft.StateCandidate} {
		t.Run(fmt.Sprint(role), func(t *testing.T) {
			n := newTestNode(t, 1, configuredStorage(t, 1, 2, 3))
			seen := map[int]bool{}
			for term := uint64(1); term <= 50*testElectionTicks; term++ {
				if role == raft.StateFollower {
					n.becomeFollower(n.status().Term+1, 2)
				} else {
					n.becomeCandidate()
				}
				ticks := ticksToTimeout(n)
				require.GreaterOrEqual(t, ticks, testElectionTicks)
				require.Less(t, ticks, 2*testElectionTicks)
				seen[ticks] = true
			}
			for ticks := testElectionTicks; ticks < 2*testElectionTicks; ticks++ {
				assert.True(t, seen[ticks], "timeout %d never drawn", ticks)
			}
		})
	}
}

// Reference: Raft §5.2 — randomized timeouts ensure that "in most cases only
// a single server will time out". Five nodes with independent sources reset
// their timers together, again and again; rarely does more than one time out
// on the same tick.
func TestElectionTimeoutNonconflict(t *testing.T) {
	for _, role := range []raft.StateType{raft.StateFollower, raft.StateCandidate} {
		t.Run(fmt.Sprint(role), func(t *testing.T) {
			ids := []uint64{1, 2, 3, 4, 5}
			nodes := make([]*testNode, len(ids))
			for i, id := range ids {
				nodes[i] = newTestNode(t, id, configuredStorage(t, ids...), withRandSeed(7))
			}
			const rounds = 300
			conflicts := 0
			for range rounds {
				for _, n := range nodes {
					if role == raft.StateFollower {
						n.becomeFollower(n.status().Term+1, n.id%5+1)
					} else {
						n.becomeCandidate()
					}
				}
				for timedOut := 0; timedOut == 0; {
					for _, n := range nodes {
						term := n.status().Term
						n.rn.Tick()
						if n.status().Term != term {
							timedOut++
						}
						n.readMessages()
					}
					if timedOut > 1 {
						conflicts++
					}
				}
			}
			assert.LessOrEqual(t, float64(conflicts)/rounds, 0.3)
		})
	}
}

// Reference: Raft §5.3 — "The leader appends the command to its log as a new
// entry, then issues AppendEntries RPCs in parallel to each of the other
// servers to replicate the entry."
func TestLeaderStartReplication(t *testing.T) {
	n := newTestNode(t, 1, configuredStorage(t, 1, 2, 3))
	n.becomeLeader()
	n.commitNoop()
	li, term := n.status().LastIndex, n.status().Term
	require.NoError(t, n.rn.Propose([]byte("some data")))
	rd := n.process()
	assert.Equal(t, li+1, n.status().LastIndex)
	wantEnt := raft.Entry{Index: li + 1, Term: term, Data: []byte("some data")}
	assert.Equal(t, []raft.Entry{wantEnt}, rd.Entries, "the leader persists the entry")
	want := []raft.Message{
		{Type: raft.MsgApp, From: 1, To: 2, Term: term, Index: li, LogTerm: term, Entries: []raft.Entry{wantEnt}, Commit: li},
		{Type: raft.MsgApp, From: 1, To: 3, Term: term, Index: li, LogTerm: term, Entries: []raft.Entry{wantEnt}, Commit: li},
	}
	assert.Equal(t, want, rd.Messages)
}

// Reference: Raft §5.3 — "A log entry is committed once the leader that
// created the entry has replicated it on a majority of the servers ... The
// leader keeps track of the highest index it knows to be committed, and it
// includes that index in future AppendEntries RPCs ... so that the other
// servers eventually find out."
func TestLeaderCommitEntry(t *testing.T) {
	n := newTestNode(t, 1, configuredStorage(t, 1, 2, 3))
	n.becomeLeader()
	n.commitNoop()
	li := n.status().LastIndex
	require.NoError(t, n.rn.Propose([]byte("some data")))
	for _, m := range n.readMessages() {
		n.step(raft.Message{Type: raft.MsgAppResp, From: m.To, Term: m.Term, Index: m.Index + uint64(len(m.Entries))})
	}
	rd := n.process()
	assert.Equal(t, li+1, n.status().Commit)
	assert.Equal(t, []raft.Entry{{Index: li + 1, Term: n.status().Term, Data: []byte("some data")}}, rd.CommittedEntries)
	apps := msgsOfType(rd.Messages, raft.MsgApp)
	require.Len(t, apps, 2)
	for _, m := range apps {
		assert.Equal(t, li+1, m.Commit, "the next append tells follower %d the new commit index", m.To)
	}
}

// Reference: Raft §5.3 — "A log entry is committed once the leader that
// created the entry has replicated it on a majority of the servers."
func TestLeaderAcknowledgeCommit(t *testing.T) {
	tests := []struct {
		size      int
		acceptors []uint64
		want      bool
	}{
		{1, nil, true},
		{3, nil, false},
		{3, []uint64{2}, true},
		{3, []uint64{2, 3}, true},
		{5, nil, false},
		{5, []uint64{2}, false},
		{5, []uint64{2, 3}, true},
		{5, []uint64{2, 3, 4}, true},
		{5, []uint64{2, 3, 4, 5}, true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("size=%d/acceptors=%v", tt.size, tt.acceptors), func(t *testing.T) {
			var ids []uint64
			for id := range uint64(tt.size) {
				ids = append(ids, id+1)
			}
			n := newTestNode(t, 1, configuredStorage(t, ids...))
			n.becomeLeader()
			n.commitNoop()
			li := n.status().LastIndex
			require.NoError(t, n.rn.Propose([]byte("some data")))
			for _, m := range n.readMessages() {
				if slices.Contains(tt.acceptors, m.To) {
					n.step(raft.Message{Type: raft.MsgAppResp, From: m.To, Term: m.Term, Index: m.Index + uint64(len(m.Entries))})
				}
			}
			n.readMessages()
			assert.Equal(t, tt.want, n.status().Commit == li+1)
		})
	}
}

// Reference: Raft §5.3 — "This also commits all preceding entries in the
// leader's log, including entries created by previous leaders."
func TestLeaderCommitPrecedingEntries(t *testing.T) {
	tests := [][]uint64{
		{1},
		{1, 2},
		{1, 1},
		{1, 1, 2},
		{1, 1, 2, 2},
	}
	for _, terms := range tests {
		t.Run(fmt.Sprint(terms), func(t *testing.T) {
			prev := logOfTerms(terms...)[1:] // entry 1 is already committed and applied
			n := newTestNode(t, 1, storageWith(t, []uint64{1, 2, 3}, raft.HardState{Term: 2}, terms...))
			msgs := n.becomeLeader()
			require.NoError(t, n.rn.Propose([]byte("some data")))
			n.acceptAll(append(msgs, n.readMessages()...))
			li := uint64(len(terms))
			want := append(slices.Clone(prev),
				raft.Entry{Index: li + 1, Term: 3},
				raft.Entry{Index: li + 2, Term: 3, Data: []byte("some data")})
			assert.Equal(t, want, n.applied)
		})
	}
}

// Reference: Raft §5.3 — "Once a follower learns that a log entry is
// committed, it applies the entry to its local state machine (in log order)."
func TestFollowerCommitEntry(t *testing.T) {
	tests := []struct {
		ents   []raft.Entry
		commit uint64
	}{
		{[]raft.Entry{{Index: 2, Term: 1, Data: []byte("a")}}, 2},
		{[]raft.Entry{{Index: 2, Term: 1, Data: []byte("a")}, {Index: 3, Term: 1, Data: []byte("b")}}, 3},
		{[]raft.Entry{{Index: 2, Term: 1, Data: []byte("a")}, {Index: 3, Term: 1, Data: []byte("b")}}, 2},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("entries=%d/commit=%d", len(tt.ents), tt.commit), func(t *testing.T) {
			n := newTestNode(t, 1, configuredStorage(t, 1, 2, 3))
			n.becomeFollower(1, 2)
			n.step(raft.Message{Type: raft.MsgApp, From: 2, Term: 1, Index: 1, LogTerm: 1, Entries: tt.ents, Commit: tt.commit})
			n.readMessages()
			assert.Equal(t, tt.commit, n.status().Commit)
			assert.Equal(t, tt.ents[:tt.commit-1], n.applied)
		})
	}
}

// Reference: Raft §5.3 — "When sending an AppendEntries RPC, the leader
// includes the index and term of the entry in its log that immediately
// precedes the new entries. If the follower does not find an entry in its
// log with the same index and term, then it refuses the new entries."
// The refusal carries a hint (the end of §5.3) so the leader can skip ahead.
func TestFollowerCheckMsgApp(t *testing.T) {
	// The follower's log: 1 (term 1, in the snapshot), 2 (term 1), 3 (term 2);
	// committed up to 2.
	tests := []struct {
		name         string
		term, index  uint64
		wantIndex    uint64
		wantReject   bool
		wantHint     uint64
		wantHintTerm uint64
	}{
		{"below the commit index", 1, 1, 2, false, 0, 0},
		{"matches the committed entry", 1, 2, 2, false, 0, 0},
		{"matches the last entry", 2, 3, 3, false, 0, 0},
		{"term mismatch at 3", 1, 3, 3, true, 2, 1},
		{"index 4 missing", 3, 4, 4, true, 3, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newTestNode(t, 1, storageWith(t, []uint64{1, 2, 3}, raft.HardState{Term: 2, Commit: 2}, 1, 1, 2))
			n.becomeFollower(2, 2)
			n.step(raft.Message{Type: raft.MsgApp, From: 2, Term: 2, LogTerm: tt.term, Index: tt.index})
			want := []raft.Message{{Type: raft.MsgAppResp, From: 1, To: 2, Term: 2, Index: tt.wantIndex,
				Reject: tt.wantReject, RejectHint: tt.wantHint, LogTerm: tt.wantHintTerm}}
			assert.Equal(t, want, n.readMessages())
		})
	}
}

// Reference: Raft §5.3 — "If an existing entry conflicts with a new one (same
// index but different terms), delete the existing entry and all that follow
// it; append any new entries not already in the log."
func TestFollowerAppendEntries(t *testing.T) {
	// The follower's log: 1 (term 1, in the snapshot), 2 (term 1), 3 (term 2).
	tests := []struct {
		index, term uint64
		ents        []raft.Entry
		want        []raft.Entry
		wantPersist []raft.Entry
	}{
		{3, 2, []raft.Entry{{Index: 4, Term: 3}},
			[]raft.Entry{{Index: 2, Term: 1}, {Index: 3, Term: 2}, {Index: 4, Term: 3}},
			[]raft.Entry{{Index: 4, Term: 3}}},
		{2, 1, []raft.Entry{{Index: 3, Term: 3}, {Index: 4, Term: 4}},
			[]raft.Entry{{Index: 2, Term: 1}, {Index: 3, Term: 3}, {Index: 4, Term: 4}},
			[]raft.Entry{{Index: 3, Term: 3}, {Index: 4, Term: 4}}},
		{1, 1, []raft.Entry{{Index: 2, Term: 1}},
			[]raft.Entry{{Index: 2, Term: 1}, {Index: 3, Term: 2}},
			nil},
		{1, 1, []raft.Entry{{Index: 2, Term: 3}},
			[]raft.Entry{{Index: 2, Term: 3}},
			[]raft.Entry{{Index: 2, Term: 3}}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("prev=(%d,%d)", tt.index, tt.term), func(t *testing.T) {
			s := raft.NewMemoryStorage()
			require.NoError(t, s.ApplySnapshot(raft.Snapshot{Metadata: raft.SnapshotMetadata{
				Index: 1, Term: 1, ConfState: raft.ConfState{Voters: []uint64{1, 2, 3}}}}))
			require.NoError(t, s.Append([]raft.Entry{{Index: 2, Term: 1}, {Index: 3, Term: 2}}))
			require.NoError(t, s.SetHardState(raft.HardState{Term: 2, Commit: 1}))
			n := newTestNode(t, 1, s)
			n.becomeFollower(2, 2)
			n.step(raft.Message{Type: raft.MsgApp, From: 2, Term: 2, LogTerm: tt.term, Index: tt.index, Entries: tt.ents})
			rd := n.process()
			assert.Equal(t, tt.wantPersist, rd.Entries, "only the new entries are persisted")
			assert.Equal(t, tt.want, n.log())
		})
	}
}

// figure7Leader is the leader's log of Raft figure 7 (terms of entries 1..10).
var figure7Leader = []uint64{1, 1, 1, 4, 4, 5, 5, 6, 6, 6}

// figure7Followers are the follower logs (a)–(f) of Raft figure 7.
var figure7Followers = map[string][]uint64{
	"a": {1, 1, 1, 4, 4, 5, 5, 6, 6},
	"b": {1, 1, 1, 4},
	"c": {1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6},
	"d": {1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7},
	"e": {1, 1, 1, 4, 4, 4, 4},
	"f": {1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3},
}

// Reference: Raft §5.3, figure 7 — "the leader handles inconsistencies by
// forcing the followers' logs to duplicate its own ... the leader must find
// the latest log entry where the two logs agree, delete any entries in the
// follower's log after that point, and send the follower all of the leader's
// entries after that point." The leader of term 8 brings each of the
// follower logs (a)–(f) into line with its own, backing off with the
// conflict hint and, in the teaching mode, one entry at a time.
func TestLeaderSyncFollowerLog(t *testing.T) {
	for _, oneByOne := range []bool{false, true} {
		for _, name := range []string{"a", "b", "c", "d", "e", "f"} {
			t.Run(fmt.Sprintf("one-by-one=%v/(%s)", oneByOne, name), func(t *testing.T) {
				var opts []nodeOption
				if oneByOne {
					opts = append(opts, withOneByOneBackOff)
				}
				ids := []uint64{1, 2, 3}
				followerLog := figure7Followers[name]
				leader := newTestNode(t, 1,
					storageWith(t, ids, raft.HardState{Term: 8, Commit: uint64(len(figure7Leader))}, figure7Leader...), opts...)
				follower := newTestNode(t, 2, storageWith(t, ids, raft.HardState{Term: 7}, followerLog...), opts...)
				// Node 3 only votes for the leader; the network holds nodes 1
				// and 2 only, so node 3 receives nothing else.
				leader.becomeLeader()
				net := &cluster{t: t, ids: []uint64{1, 2}, nodes: map[uint64]*testNode{1: leader, 2: follower}, down: map[uint64]bool{}}
				net.heartbeat(1) // a heartbeat starts the exchange with the follower

				want := append(logOfTerms(figure7Leader...)[1:], raft.Entry{Index: 11, Term: leader.status().Term})
				assert.Equal(t, want, leader.log())
				assert.Equal(t, want, follower.log(), "the follower's log duplicates the leader's")
				rounds := 0
				for _, e := range leader.events {
					if e.Kind == raft.EventNextDecreased {
						rounds++
						if oneByOne {
							assert.Equal(t, raft.ReasonOneByOne, e.Reason)
						}
					}
				}
				if oneByOne && name == "f" {
					assert.GreaterOrEqual(t, rounds, 7, "one-by-one back-off walks from index 11 down to 3")
				}
			})
		}
	}
}

// Reference: Raft §5.4.1 — "The RequestVote RPC ... includes information
// about the candidate's log": the index and term of its last entry.
func TestVoteRequest(t *testing.T) {
	tests := []struct {
		terms    []uint64
		wantTerm uint64
	}{
		{[]uint64{1}, 2},
		{[]uint64{1, 2}, 3},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.terms), func(t *testing.T) {
			last := tt.terms[len(tt.terms)-1]
			n := newTestNode(t, 1, storageWith(t, []uint64{1, 2, 3}, raft.HardState{Term: last}, tt.terms...))
			for range 2 * testElectionTicks {
				n.rn.Tick()
			}
			msgs := n.readMessages()
			require.Len(t, msgs, 2)
			for i, m := range msgs {
				assert.Equal(t, raft.Message{Type: raft.MsgVote, From: 1, To: uint64(i + 2), Term: tt.wantTerm,
					Index: uint64(len(tt.terms)), LogTerm: last}, m)
			}
		})
	}
}

// Reference: Raft §5.4.1 — "The voter denies its vote if its own log is more
// up-to-date than that of the candidate ... If the logs have last entries
// with different terms, then the log with the later term is more up-to-date.
// If the logs end with the same term, then whichever log is longer is more
// up-to-date."
func TestVoter(t *testing.T) {
	tests := []struct {
		name        string
		terms       []uint64
		index, term uint64
		wantReject  bool
	}{
		{"same log", []uint64{1}, 1, 1, false},
		{"candidate longer, same term", []uint64{1}, 2, 1, false},
		{"candidate shorter, same term", []uint64{1, 1}, 1, 1, true},
		{"candidate later term, shorter", []uint64{1, 1}, 1, 2, false},
		{"candidate later term, longer", []uint64{1}, 2, 2, false},
		{"voter later term, candidate longer", []uint64{1, 2}, 3, 1, true},
		{"voter later term, candidate shorter", []uint64{1, 2, 2}, 2, 1, true},
		{"voter later term, same length", []uint64{1, 2}, 2, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newTestNode(t, 1, storageWith(t, []uint64{1, 2}, raft.HardState{Term: 2}, tt.terms...))
			n.step(raft.Message{Type: raft.MsgVote, From: 2, Term: 3, LogTerm: tt.term, Index: tt.index})
			msgs := n.readMessages()
			require.Len(t, msgs, 1)
			assert.Equal(t, raft.MsgVoteResp, msgs[0].Type)
			assert.Equal(t, tt.wantReject, msgs[0].Reject)
			assert.Equal(t, tt.wantReject, n.hasEvent(raft.EventVoteRejected, raft.ReasonLogBehind))
		})
	}
}

// Reference: Raft §5.4.2 — "Raft never commits log entries from previous
// terms by counting replicas. Only log entries from the leader's current term
// are committed by counting replicas."
func TestLeaderOnlyCommitsLogFromCurrentTerm(t *testing.T) {
	tests := []struct {
		ackIndex   uint64
		wantCommit uint64
	}{
		{2, 1}, // an entry of term 1, replicated on a majority: not committed
		{3, 1}, // an entry of term 2: not committed either
		{4, 4}, // the leader's own empty entry of term 3 commits everything before it
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("ack=%d", tt.ackIndex), func(t *testing.T) {
			n := newTestNode(t, 1, storageWith(t, []uint64{1, 2, 3}, raft.HardState{Term: 2}, 1, 1, 2))
			n.becomeLeader()
			require.Equal(t, uint64(3), n.status().Term)
			n.step(raft.Message{Type: raft.MsgAppResp, From: 2, Term: 3, Index: tt.ackIndex})
			n.readMessages()
			assert.Equal(t, tt.wantCommit, n.status().Commit)
		})
	}
}

// cluster is a network of test nodes that delivers messages at once, in the
// order they were sent, and can crash nodes and cut links.
type cluster struct {
	t     *testing.T
	ids   []uint64
	nodes map[uint64]*testNode
	opts  []nodeOption
	down  map[uint64]bool
	// drop, if set, drops the messages it returns true for.
	drop func(m raft.Message) bool
}

// newCluster starts a new cluster of ids: each node bootstraps the
// configuration into its log.
func newCluster(t *testing.T, ids []uint64, opts ...nodeOption) *cluster {
	c := &cluster{t: t, ids: ids, nodes: map[uint64]*testNode{}, opts: opts, down: map[uint64]bool{}}
	for _, id := range ids {
		c.nodes[id] = newTestNode(t, id, raft.NewMemoryStorage(), append(slices.Clone(opts), withBootstrap(ids...))...)
	}
	c.stabilize()
	return c
}

// setLog gives node id the log and hard state of a teaching scenario.
func (c *cluster) setLog(id uint64, hs raft.HardState, terms ...uint64) {
	c.nodes[id] = newTestNode(c.t, id, storageWith(c.t, c.ids, hs, terms...), c.opts...)
}

// crash stops node id: it loses its volatile state and receives nothing.
func (c *cluster) crash(id uint64) { c.down[id] = true }

// restart rebuilds node id from its storage, with the options it was built
// with (a founder passes the initial voters again, a joiner none).
func (c *cluster) restart(id uint64) {
	old := c.nodes[id]
	c.nodes[id] = newTestNode(c.t, id, old.storage, old.opts...)
	delete(c.down, id)
}

// stabilize delivers messages until none are left.
func (c *cluster) stabilize() {
	c.t.Helper()
	for range 10000 {
		var msgs []raft.Message
		for _, id := range c.ids {
			if !c.down[id] {
				msgs = append(msgs, c.nodes[id].readMessages()...)
			}
		}
		if len(msgs) == 0 {
			return
		}
		for _, m := range msgs {
			if c.down[m.To] || c.nodes[m.To] == nil || (c.drop != nil && c.drop(m)) {
				continue
			}
			// A node refuses answers from peers outside its configuration
			// (for example one just removed); that is not a test failure.
			if err := c.nodes[m.To].rn.Step(m); err != nil {
				require.ErrorIs(c.t, err, raft.ErrStepPeerNotFound)
			}
		}
	}
	c.t.Fatal("the cluster did not settle")
}

// heartbeat ticks node id until it sends heartbeats (if it leads) and
// delivers everything. A leader reaches a paused or new follower this way.
func (c *cluster) heartbeat(id uint64) {
	c.t.Helper()
	for range testHeartbeatTicks {
		c.nodes[id].rn.Tick()
	}
	c.stabilize()
}

// campaign makes node id campaign and delivers everything.
func (c *cluster) campaign(id uint64) {
	c.t.Helper()
	c.stabilize() // a restarted node first applies its committed log
	require.NoError(c.t, c.nodes[id].rn.Campaign())
	c.stabilize()
}

func (c *cluster) termAt(id, index uint64) uint64 {
	c.t.Helper()
	for _, e := range c.nodes[id].log() {
		if e.Index == index {
			return e.Term
		}
	}
	return 0
}

// Reference: Raft §5.4.2, figure 8 — "a log entry may be stored on a majority
// of servers and yet be overwritten by a future leader." The leader of term 4
// (S1) replicates the entry of term 2 at index 2 onto a majority (S1, S2, S3)
// but must not commit it, and indeed S5 later overwrites it with its entry of
// term 3. Had S1 replicated an entry of its own term on a majority (figure
// 8 (e)), that would commit both, and S5 could no longer win.
func TestFigure8NoCommitByCountingOldReplicas(t *testing.T) {
	setup := func(t *testing.T) *cluster {
		// Figure 8 (b): S1 led term 2 and replicated index 2 to S2; S5 led
		// term 3 and appended index 2 of term 3 alone. Everyone agreed on
		// index 1.
		c := newCluster(t, []uint64{1, 2, 3, 4, 5}, withOneEntryPerMessage)
		c.setLog(1, raft.HardState{Term: 3, Commit: 1}, 1, 2)
		c.setLog(2, raft.HardState{Term: 3, Commit: 1}, 1, 2)
		c.setLog(3, raft.HardState{Term: 3, Commit: 1}, 1)
		c.setLog(4, raft.HardState{Term: 3, Commit: 1}, 1)
		c.setLog(5, raft.HardState{Term: 3, Commit: 1}, 1, 3)
		return c
	}

	t.Run("(c)-(d) an old entry on a majority is overwritten", func(t *testing.T) {
		c := setup(t)
		c.crash(5)
		// (c) S1 becomes leader of term 4 and replicates the entry of term
		// 2, but every append that would deliver its own entry of term 4 is
		// lost. (Probes that the receiver rejects get through.)
		c.drop = func(m raft.Message) bool {
			carriesTerm4 := slices.ContainsFunc(m.Entries, func(e raft.Entry) bool { return e.Term == 4 })
			prevTerm, err := c.nodes[m.To].storage.Term(m.Index)
			return m.Type == raft.MsgApp && carriesTerm4 && err == nil && prevTerm == m.LogTerm
		}
		c.campaign(1)
		require.Equal(t, raft.StateLeader, c.nodes[1].status().RaftState)
		require.Equal(t, uint64(4), c.nodes[1].status().Term)
		for _, id := range []uint64{1, 2, 3} {
			require.Equal(t, uint64(2), c.termAt(id, 2), "S%d holds the entry of term 2", id)
		}
		assert.Equal(t, uint64(1), c.nodes[1].status().Commit, "replicas of an old entry are not counted")

		// (d) S1 crashes; S5 wins term 5 with the votes of S2, S3, S4 and
		// overwrites index 2 everywhere.
		c.crash(1)
		c.restart(5)
		c.drop = nil
		c.campaign(5) // term 4: everyone already voted for S1
		c.campaign(5) // term 5
		require.Equal(t, raft.StateLeader, c.nodes[5].status().RaftState)
		require.Equal(t, uint64(5), c.nodes[5].status().Term)
		c.restart(1)
		require.NoError(t, c.nodes[5].rn.Propose([]byte("after")))
		c.heartbeat(5)
		for _, id := range c.ids {
			assert.Equal(t, uint64(3), c.termAt(id, 2), "S%d: index 2 now holds S5's entry of term 3", id)
			assert.GreaterOrEqual(t, c.nodes[id].status().Commit, uint64(2))
		}
	})

	t.Run("(e) an entry of the current term on a majority commits", func(t *testing.T) {
		c := setup(t)
		c.crash(5)
		c.crash(4)
		c.campaign(1)
		require.Equal(t, raft.StateLeader, c.nodes[1].status().RaftState)
		assert.Equal(t, uint64(3), c.nodes[1].status().Commit, "the entry of term 4 commits, and index 2 with it")
		c.crash(1)
		c.restart(5)
		c.restart(4)
		// The first campaign reaches term 4, in which S2 and S3 already
		// voted; the second asks in term 5, and they refuse on the log.
		c.campaign(5)
		c.campaign(5)
		assert.NotEqual(t, raft.StateLeader, c.nodes[5].status().RaftState, "S5's log is behind a majority")
		assert.True(t, c.nodes[2].hasEvent(raft.EventVoteRejected, raft.ReasonLogBehind))
	})
}

// Reference: Raft §5.4.3 (Leader Completeness) — a leader elected after an
// entry commits holds that entry: a candidate missing it cannot collect a
// majority of votes.
func TestElectedLeaderHoldsCommittedEntries(t *testing.T) {
	c := newCluster(t, []uint64{1, 2, 3, 4, 5})
	c.campaign(1)
	c.crash(4)
	c.crash(5)
	require.NoError(t, c.nodes[1].rn.Propose([]byte("committed")))
	c.stabilize()
	commit := c.nodes[1].status().Commit
	require.Equal(t, c.nodes[1].status().LastIndex, commit)
	c.crash(1)
	c.restart(4)
	c.restart(5)
	c.campaign(4)
	assert.NotEqual(t, raft.StateLeader, c.nodes[4].status().RaftState, "S4 misses the committed entry")
	c.campaign(2)
	require.Equal(t, raft.StateLeader, c.nodes[2].status().RaftState)
	assert.Equal(t, uint64(2), c.termAt(2, commit))
	assert.True(t, slices.ContainsFunc(c.nodes[2].log(), func(e raft.Entry) bool { return string(e.Data) == "committed" }))
}

// proposeConf proposes cc on node id and delivers everything.
func (c *cluster) proposeConf(id uint64, cc raft.ConfChange) error {
	c.t.Helper()
	err := c.nodes[id].rn.ProposeConfChange(cc)
	c.stabilize()
	// Two heartbeats: new members are contacted, and everyone learns the
	// commit index of the change (and of leaving a joint configuration).
	c.heartbeat(id)
	c.heartbeat(id)
	return err
}

func single(t raft.ConfChangeType, id uint64) raft.ConfChangeSingle {
	return raft.ConfChangeSingle{Type: t, NodeID: id}
}

// clusterWithNewMembers starts a cluster of initial voters that also has
// idle nodes for future members: their storage is empty, and they learn the
// configuration from the leader once they are added.
func clusterWithNewMembers(t *testing.T, initial []uint64, extra []uint64, opts ...nodeOption) *cluster {
	c := newCluster(t, initial, opts...)
	for _, id := range extra {
		c.ids = append(c.ids, id)
		c.nodes[id] = newTestNode(t, id, raft.NewMemoryStorage(), opts...)
	}
	return c
}

// Reference: Raft §6 — "in order to ensure safety, configuration changes
// must use a two-phase approach ... the joint consensus ... Agreement (for
// elections and entry commitment) requires separate majorities from both the
// old and new configurations."
func TestJointConsensusNeedsBothMajorities(t *testing.T) {
	c := clusterWithNewMembers(t, []uint64{1, 2, 3}, []uint64{4, 5})
	c.campaign(1)
	require.NoError(t, c.proposeConf(1, raft.ConfChange{Transition: raft.ConfChangeTransitionJointExplicit,
		Changes: []raft.ConfChangeSingle{single(raft.ConfChangeAddNode, 4), single(raft.ConfChangeAddNode, 5),
			single(raft.ConfChangeRemoveNode, 2), single(raft.ConfChangeRemoveNode, 3)}}))
	cs := c.nodes[1].status().Config
	require.Equal(t, []uint64{1, 4, 5}, cs.Voters)
	require.Equal(t, []uint64{1, 2, 3}, cs.VotersOutgoing, "C_old,new is in effect")

	// An entry held by a majority of C_old (1, 2, 3) only is not committed.
	c.crash(4)
	c.crash(5)
	commit := c.nodes[1].status().Commit
	require.NoError(t, c.nodes[1].rn.Propose([]byte("a")))
	c.stabilize()
	assert.Equal(t, commit, c.nodes[1].status().Commit, "no majority of C_new holds a")

	// Once a majority of C_new (1, 4, 5) holds it too, it commits.
	c.restart(4)
	c.restart(5)
	c.crash(2)
	c.crash(3)
	c.nodes[1].rn.Tick()
	c.stabilize()
	commit = c.nodes[1].status().Commit
	assert.Equal(t, c.nodes[1].status().LastIndex, commit, "a is held by majorities of both")

	// An entry held by a majority of C_new only is not committed.
	require.NoError(t, c.nodes[1].rn.Propose([]byte("b")))
	c.stabilize()
	assert.Equal(t, commit, c.nodes[1].status().Commit, "no majority of C_old holds b")

	// One more old voter makes both majorities.
	c.restart(2)
	c.nodes[1].rn.Tick()
	c.stabilize()
	assert.Equal(t, commit+1, c.nodes[1].status().Commit)

	// Leaving the joint configuration installs C_new.
	require.NoError(t, c.proposeConf(1, raft.ConfChange{}))
	cs = c.nodes[1].status().Config
	assert.Equal(t, []uint64{1, 4, 5}, cs.Voters)
	assert.Empty(t, cs.VotersOutgoing)
}

// Reference: Raft §6 — the cluster moves through one configuration change at
// a time: a second change while one is pending is refused.
func TestOneConfChangeAtATime(t *testing.T) {
	c := clusterWithNewMembers(t, []uint64{1, 2, 3}, []uint64{4, 5})
	c.campaign(1)
	c.crash(2)
	c.crash(3) // the first change cannot commit, so it stays pending
	require.NoError(t, c.nodes[1].rn.ProposeConfChange(raft.ConfChange{Changes: []raft.ConfChangeSingle{single(raft.ConfChangeAddNode, 4)}}))
	err := c.nodes[1].rn.ProposeConfChange(raft.ConfChange{Changes: []raft.ConfChangeSingle{single(raft.ConfChangeAddNode, 5)}})
	require.ErrorIs(t, err, raft.ErrConfChangePending)
	c.stabilize()
	assert.True(t, c.nodes[1].hasEvent(raft.EventProposalDropped, raft.ReasonConfChangePending))

	c.restart(2)
	c.restart(3)
	c.nodes[1].rn.Tick()
	c.stabilize()
	assert.Equal(t, []uint64{1, 2, 3, 4}, c.nodes[1].status().Config.Voters)
	require.NoError(t, c.proposeConf(1, raft.ConfChange{Changes: []raft.ConfChangeSingle{single(raft.ConfChangeAddNode, 5)}}))
	assert.Equal(t, []uint64{1, 2, 3, 4, 5}, c.nodes[1].status().Config.Voters)
}

// Reference: Raft §6 — a change of a single server goes straight from C_old
// to C_new (any majority of the two overlaps); several voters at once go
// through the joint configuration, which is left automatically.
func TestConfChangeTransitions(t *testing.T) {
	t.Run("one voter: direct", func(t *testing.T) {
		c := clusterWithNewMembers(t, []uint64{1, 2, 3}, []uint64{4})
		c.campaign(1)
		require.NoError(t, c.proposeConf(1, raft.ConfChange{Changes: []raft.ConfChangeSingle{single(raft.ConfChangeAddNode, 4)}}))
		for _, id := range c.ids {
			cs := c.nodes[id].status().Config
			assert.Equal(t, []uint64{1, 2, 3, 4}, cs.Voters, "node %d", id)
			assert.Empty(t, cs.VotersOutgoing)
		}
		assert.True(t, c.nodes[1].hasEvent(raft.EventConfChanged, raft.ReasonSimpleChange))
	})
	t.Run("two voters: joint, left automatically", func(t *testing.T) {
		c := clusterWithNewMembers(t, []uint64{1, 2, 3}, []uint64{4})
		c.campaign(1)
		require.NoError(t, c.proposeConf(1, raft.ConfChange{Changes: []raft.ConfChangeSingle{
			single(raft.ConfChangeAddNode, 4), single(raft.ConfChangeRemoveNode, 3)}}))
		c.nodes[1].rn.Tick()
		c.stabilize()
		for _, id := range []uint64{1, 2, 4} {
			cs := c.nodes[id].status().Config
			assert.Equal(t, []uint64{1, 2, 4}, cs.Voters, "node %d", id)
			assert.Empty(t, cs.VotersOutgoing, "node %d left the joint configuration", id)
		}
		assert.True(t, c.nodes[1].hasEvent(raft.EventConfChanged, raft.ReasonJointEntered))
		assert.True(t, c.nodes[1].hasEvent(raft.EventConfChanged, raft.ReasonJointLeft))
	})
}

// Reference: Raft §6 — "new servers ... join the cluster as non-voting
// members (the leader replicates log entries to them, but they are not
// considered for majorities)" until they have caught up; etcd calls them
// learners.
func TestNewServersCatchUpAsLearners(t *testing.T) {
	c := clusterWithNewMembers(t, []uint64{1, 2, 3}, []uint64{4})
	c.campaign(1)
	for i := range 5 {
		require.NoError(t, c.nodes[1].rn.Propose(fmt.Appendf(nil, "v%d", i)))
	}
	c.stabilize()
	require.NoError(t, c.proposeConf(1, raft.ConfChange{Changes: []raft.ConfChangeSingle{single(raft.ConfChangeAddLearnerNode, 4)}}))
	assert.Equal(t, c.nodes[1].log(), c.nodes[4].log(), "the learner receives the whole log")
	assert.Equal(t, []uint64{4}, c.nodes[1].status().Config.Learners)

	// A learner never campaigns, and its acknowledgements never count.
	require.NoError(t, c.nodes[4].rn.Campaign())
	c.stabilize()
	assert.Equal(t, raft.StateFollower, c.nodes[4].status().RaftState)
	assert.True(t, c.nodes[4].hasEvent(raft.EventCampaignSkipped, raft.ReasonNotPromotable))
	c.crash(2)
	c.crash(3)
	commit := c.nodes[1].status().Commit
	require.NoError(t, c.nodes[1].rn.Propose([]byte("learner ack")))
	c.stabilize()
	assert.Equal(t, commit, c.nodes[1].status().Commit, "leader plus learner is not a majority of three voters")

	c.restart(2)
	c.restart(3)
	c.nodes[1].rn.Tick()
	c.stabilize()
	require.NoError(t, c.proposeConf(1, raft.ConfChange{Changes: []raft.ConfChangeSingle{single(raft.ConfChangeAddNode, 4)}}))
	assert.Equal(t, []uint64{1, 2, 3, 4}, c.nodes[4].status().Config.Voters, "the learner was promoted")
	assert.Empty(t, c.nodes[4].status().Config.Learners)
}

// Reference: Raft §6 — "the leader ... steps down (returns to follower state)
// once it has committed the C_new log entry" when it is not part of C_new.
func TestRemovedLeaderStepsDown(t *testing.T) {
	c := newCluster(t, []uint64{1, 2, 3})
	c.campaign(1)
	require.NoError(t, c.proposeConf(1, raft.ConfChange{Changes: []raft.ConfChangeSingle{single(raft.ConfChangeRemoveNode, 1)}}))
	assert.NotEqual(t, raft.StateLeader, c.nodes[1].status().RaftState)
	assert.True(t, c.nodes[1].hasEvent(raft.EventSteppedDown, raft.ReasonRemovedFromConfig))
	c.crash(1)
	leaders := 0
	for range 10 * testElectionTicks {
		c.nodes[2].rn.Tick()
		c.nodes[3].rn.Tick()
		c.stabilize()
		leaders = 0
		for _, id := range []uint64{2, 3} {
			if c.nodes[id].status().RaftState == raft.StateLeader {
				leaders++
			}
		}
		if leaders > 0 {
			break
		}
	}
	assert.Equal(t, 1, leaders, "the remaining members elect a leader")
	for _, id := range []uint64{2, 3} {
		assert.Equal(t, []uint64{2, 3}, c.nodes[id].status().Config.Voters)
	}
}

// Reference: Raft §6 — "Removed servers ... can disrupt the cluster ... To
// prevent this problem, servers disregard RequestVote RPCs when they believe
// a current leader exists. Specifically, if a server receives a RequestVote
// RPC within the minimum election timeout of hearing from a current leader,
// it does not update its term or grant its vote." (check-quorum in etcd)
func TestServersDisregardVotesWhileLeaderAlive(t *testing.T) {
	n := newTestNode(t, 1, configuredStorage(t, 1, 2, 3), withCheckQuorum)
	n.becomeFollower(2, 2)
	n.step(raft.Message{Type: raft.MsgVote, From: 3, Term: 5, Index: 10, LogTerm: 5})
	assert.Empty(t, n.readMessages(), "the request is ignored")
	assert.Equal(t, uint64(2), n.status().Term, "the term is not updated")
	assert.True(t, n.hasEvent(raft.EventVoteRejected, raft.ReasonLeaderAlive))

	// After an election timeout without word from the leader, it listens.
	for range testElectionTicks {
		n.rn.Tick()
	}
	n.readMessages()
	n.step(raft.Message{Type: raft.MsgVote, From: 3, Term: 5, Index: 10, LogTerm: 5})
	msgs := msgsOfType(n.readMessages(), raft.MsgVoteResp)
	require.Len(t, msgs, 1)
	assert.False(t, msgs[0].Reject)
	assert.Equal(t, uint64(5), n.status().Term)
}

// Reference: Raft §6 — after C_new is committed, "the leader ... steps down"
// if it is not part of C_new, and the servers of C_new go on without it. In
// this implementation (as in etcd) a configuration takes effect when it is
// applied, so a member of C_new that has not yet learned that C_new committed
// still counts votes in C_old. Here leader 1 of {1, 2} removes or demotes
// itself; member 2 stores the change, but the message telling it that the
// change committed is lost, and leader 1 had appended one more entry that
// member 2 never received. Had member 1 simply stepped down, member 2 would
// need member 1's vote (C_old), which member 1, whose log is longer, refuses,
// while it never campaigns itself (it is no voter). The cluster must still
// end up led by member 2.
func TestRemovedLeaderDoesNotStrandTheNewConfiguration(t *testing.T) {
	for _, change := range []raft.ConfChangeType{raft.ConfChangeRemoveNode, raft.ConfChangeAddLearnerNode} {
		t.Run(fmt.Sprint(change), func(t *testing.T) {
			c := newCluster(t, []uint64{1, 2})
			c.campaign(1)
			n1, n2 := c.nodes[1], c.nodes[2]
			require.Equal(t, raft.StateLeader, n1.status().RaftState)

			require.NoError(t, n1.rn.ProposeConfChange(raft.ConfChange{Changes: []raft.ConfChangeSingle{single(change, 1)}}))
			for _, m := range n1.readMessages() {
				n2.step(m) // member 2 stores the change
			}
			acks := n2.readMessages()
			require.NoError(t, n1.rn.Propose([]byte("tail")))
			n1.readMessages() // the append carrying "tail" is lost
			for _, m := range acks {
				n1.step(m) // the change commits on the leader, which applies it
			}
			n1.readMessages() // everything the leader sends now is lost
			require.Equal(t, []uint64{2}, n1.status().Config.Voters, "member 1 applied the change")
			require.Equal(t, []uint64{1, 2}, n2.status().Config.Voters, "member 2 has not learned the commit")

			// The network heals; member 2 is the only voter of the committed
			// configuration and must end up leading it.
			for range 50 * testElectionTicks {
				n1.rn.Tick()
				n2.rn.Tick()
				c.stabilize()
				if n2.status().RaftState == raft.StateLeader {
					break
				}
			}
			assert.Equal(t, raft.StateLeader, n2.status().RaftState, "no leader: member 2 waits for a vote member 1 refuses")
			assert.Equal(t, []uint64{2}, n2.status().Config.Voters)
		})
	}
}

// Reference: Raft §6 — in a joint configuration "agreement ... requires
// separate majorities from both the old and new configurations". When one
// node is the only voter of both halves (here: learners are added to a
// one-voter cluster through an explicit joint configuration), its own log is
// both majorities, so it commits alone, even with nobody else answering.
func TestSoleVoterOfJointConfigurationCommits(t *testing.T) {
	c := clusterWithNewMembers(t, []uint64{1}, []uint64{2})
	c.campaign(1)
	require.NoError(t, c.proposeConf(1, raft.ConfChange{Transition: raft.ConfChangeTransitionJointExplicit,
		Changes: []raft.ConfChangeSingle{single(raft.ConfChangeAddLearnerNode, 2)}}))
	cs := c.nodes[1].status().Config
	require.Equal(t, []uint64{1}, cs.Voters)
	require.Equal(t, []uint64{1}, cs.VotersOutgoing)

	c.crash(2) // no acknowledgement from the learner can trigger the count
	require.NoError(t, c.nodes[1].rn.Propose([]byte("alone")))
	c.stabilize()
	st := c.nodes[1].status()
	assert.Equal(t, st.LastIndex, st.Commit, "the sole voter's entry is committed")
	require.NoError(t, c.proposeConf(1, raft.ConfChange{}))
	assert.Empty(t, c.nodes[1].status().Config.VotersOutgoing, "the joint configuration is left")
}

// Reference: Raft §5.5 — "Raft RPCs are idempotent ... if a follower receives
// an AppendEntries request that includes log entries already present in its
// log, it ignores those entries in the new request." A duplicated append is
// acknowledged again and changes nothing, even after later entries arrived.
func TestDuplicateAppendIsIdempotent(t *testing.T) {
	n := newTestNode(t, 1, configuredStorage(t, 1, 2, 3))
	n.becomeFollower(2, 2)
	first := raft.Message{Type: raft.MsgApp, From: 2, Term: 2, Index: 1, LogTerm: 1,
		Entries: []raft.Entry{{Index: 2, Term: 2, Data: []byte("a")}, {Index: 3, Term: 2, Data: []byte("b")}}, Commit: 1}
	second := raft.Message{Type: raft.MsgApp, From: 2, Term: 2, Index: 3, LogTerm: 2,
		Entries: []raft.Entry{{Index: 4, Term: 2, Data: []byte("c")}}, Commit: 1}
	n.step(first)
	n.step(second)
	n.readMessages()
	want := n.log()
	require.Len(t, want, 3)

	n.step(first) // the network delivers the first append again
	rd := n.process()
	assert.Empty(t, rd.Entries, "nothing new to persist")
	assert.Equal(t, want, n.log(), "the later entry 4 is not truncated")
	require.Len(t, rd.Messages, 1)
	assert.Equal(t, raft.MsgAppResp, rd.Messages[0].Type)
	assert.False(t, rd.Messages[0].Reject)
	assert.Equal(t, uint64(3), rd.Messages[0].Index, "the answer acknowledges what the request carried")
}

// Reference: Raft §6 and §7 — a server added to the cluster must be able to
// catch up, by InstallSnapshot if the leader's log is compacted. Here member
// 4 leaves the cluster, the leader compacts its log (its snapshot names
// {1, 2, 3}), and member 4 is added again. The leader's snapshot predates
// the re-addition, so its configuration does not name member 4; member 4 must
// still accept it (it is committed state from the current leader) and then
// learn from the log that it is a member again. Member 4 either learned of its
// removal, or missed it while it was down and still believes it is a voter of
// the outgoing half of the joint configuration that removed it.
func TestReaddedMemberCatchesUpFromOlderSnapshot(t *testing.T) {
	remove45 := raft.ConfChange{Transition: raft.ConfChangeTransitionJointExplicit,
		Changes: []raft.ConfChangeSingle{single(raft.ConfChangeRemoveNode, 4), single(raft.ConfChangeRemoveNode, 5)}}
	for _, missedLeave := range []bool{false, true} {
		t.Run(fmt.Sprintf("missed-the-leave=%v", missedLeave), func(t *testing.T) {
			c := newCluster(t, []uint64{1, 2, 3, 4, 5})
			c.campaign(1)
			require.NoError(t, c.proposeConf(1, remove45))
			if missedLeave {
				c.crash(4)
			}
			require.NoError(t, c.proposeConf(1, raft.ConfChange{}))
			if missedLeave {
				require.Equal(t, []uint64{1, 2, 3, 4, 5}, c.nodes[4].status().Config.VotersOutgoing, "member 4 still sees itself in C_old")
				c.restart(4)
			} else {
				require.Equal(t, []uint64{1, 2, 3}, c.nodes[4].status().Config.Voters, "member 4 learned of its removal")
			}
			for i := range 3 {
				require.NoError(t, c.nodes[1].rn.Propose(fmt.Appendf(nil, "while out %d", i)))
			}
			c.stabilize()
			leader := c.nodes[1]
			applied := leader.applied[len(leader.applied)-1].Index
			cs := leader.status().Config
			_, err := leader.storage.CreateSnapshot(applied, &cs, nil)
			require.NoError(t, err)
			require.NoError(t, leader.storage.Compact(applied))

			require.NoError(t, c.proposeConf(1, raft.ConfChange{Changes: []raft.ConfChangeSingle{single(raft.ConfChangeAddLearnerNode, 4)}}))
			for range 5 {
				c.heartbeat(1)
				leader.rn.ReportSnapshot(4, raft.SnapshotFinish) // as a transport would
			}
			assert.False(t, c.nodes[4].hasEvent(raft.EventSnapshotIgnored, raft.ReasonNotInConfig),
				"member 4 refused the snapshot because it does not name it")
			assert.Equal(t, leader.status().Commit, c.nodes[4].status().Commit, "member 4 caught up")
			assert.Equal(t, []uint64{4}, c.nodes[4].status().Config.Learners)
		})
	}
}

// Reference: Raft thesis §6.4.1 — lease-based reads "rely on timing for
// safety": the leader serves reads without a heartbeat round while a quorum
// answered it less than an election timeout ago, assuming that clocks run at
// the same rate. Here the leader's clock stops (a paused VM, say) while it is
// cut off; the others time out, elect a new leader and commit a write; the
// old leader, whose lease has not expired by its own clock, answers a read
// with an index below that write. With a safe ReadIndex (a heartbeat round)
// the same read is not answered, because no quorum confirms the old leader.
func TestLeaseReadsNeedBoundedClockDrift(t *testing.T) {
	for _, tt := range []struct {
		name   string
		option raft.ReadOnlyOption
	}{{"lease", raft.ReadOnlyLeaseBased}, {"safe", raft.ReadOnlySafe}} {
		option := tt.option
		t.Run(tt.name, func(t *testing.T) {
			c := newCluster(t, []uint64{1, 2, 3}, withCheckQuorum,
				func(cfg *raft.Config) { cfg.ReadOnlyOption = option })
			// In lease mode a new member grants no vote for an election
			// timeout, so let the clocks run until someone is elected.
			oldID := c.tickUntilLeader([]uint64{1, 2, 3})
			require.NotZero(t, oldID)
			c.heartbeat(oldID) // a quorum answers: the lease starts
			old := c.nodes[oldID]
			var others []uint64
			for _, id := range c.ids {
				if id != oldID {
					others = append(others, id)
				}
			}

			// The old leader is cut off and its clock does not move.
			c.drop = func(m raft.Message) bool { return m.From == oldID || m.To == oldID }
			newLeader := c.tickUntilLeader(others)
			require.NotZero(t, newLeader, "the others elect a leader")
			require.NoError(t, c.nodes[newLeader].rn.Propose([]byte("write")))
			c.stabilize()
			written := c.nodes[newLeader].status().Commit

			require.Equal(t, raft.StateLeader, old.status().RaftState, "the old leader still believes it leads")
			old.rn.ReadIndex([]byte("read"))
			var got []raft.ReadState
			for old.rn.HasReady() {
				got = append(got, old.process().ReadStates...)
			}
			if option == raft.ReadOnlyLeaseBased {
				require.Len(t, got, 1, "the lease answers at once")
				assert.Less(t, got[0].Index, written, "a stale read: the write committed by the new leader is missing")
			} else {
				assert.Empty(t, got, "no quorum confirms node 1, so the read waits")
			}
		})
	}
}

// tickUntilLeader ticks the members ids together, delivering messages,
// until one of them leads (for at most 10 election timeouts), and returns it
// (0 if none).
func (c *cluster) tickUntilLeader(ids []uint64) uint64 {
	for range 10 * testElectionTicks {
		for _, id := range ids {
			c.nodes[id].rn.Tick()
		}
		c.stabilize()
		for _, id := range ids {
			if c.nodes[id].status().RaftState == raft.StateLeader {
				return id
			}
		}
	}
	return 0
}
