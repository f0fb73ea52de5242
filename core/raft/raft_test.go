package raft

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newTestRaft returns a bare state machine (no network) for tests that
// step messages by hand.
func newTestRaft(t *testing.T, id uint64, voters []uint64, storage *MemoryStorage, configure func(*Config)) *raft {
	// Like a storage restored from a snapshot at index 0, the storage names
	// the voters, so the log starts empty instead of with bootstrap
	// entries and the tests' indexes and terms stay small.
	if _, cs, _ := storage.InitialState(); confStateIsEmpty(cs) {
		storage.snapshot.Metadata.ConfState = ConfState{Voters: voters}
	}
	cfg := testConfig(id, voters)
	cfg.Storage = storage
	if configure != nil {
		configure(&cfg)
	}
	r, err := newRaft(&cfg)
	require.NoError(t, err)
	return r
}

// takeMessages returns and clears the node's outgoing messages.
func takeMessages(r *raft) []Message {
	msgs := r.msgs
	r.msgs = nil
	return msgs
}

// takeEvents returns and clears the node's events.
func takeEvents(r *raft) []Event {
	evs := r.events
	r.events = nil
	return evs
}

// eventOfKind returns the last event of kind, failing if there is none.
func eventOfKind(t *testing.T, evs []Event, kind EventKind) Event {
	t.Helper()
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Kind == kind {
			return evs[i]
		}
	}
	require.Failf(t, "event missing", "no %s event among %v", kind, kindsOf(evs))
	return Event{}
}

func kindsOf(evs []Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = fmt.Sprintf("%s/%s", e.Kind, e.Reason)
	}
	return out
}

func withPreVote(c *Config)     { c.PreVote = true }
func withCheckQuorum(c *Config) { c.CheckQuorum = true }

func TestLeaderElection(t *testing.T) {
	// Reference: Raft §5.2 — a candidate wins with votes from a majority.
	// The bootstrap entries are of term 1, so the first election is term 2.
	tests := []struct {
		name      string
		voters    []uint64
		down      []uint64
		preVote   bool
		wantState StateType
		wantTerm  uint64
	}{
		{"three of three", []uint64{1, 2, 3}, nil, false, StateLeader, 2},
		{"two of three", []uint64{1, 2, 3}, []uint64{3}, false, StateLeader, 2},
		{"one of three", []uint64{1, 2, 3}, []uint64{2, 3}, false, StateCandidate, 2},
		{"three of five", []uint64{1, 2, 3, 4, 5}, []uint64{4, 5}, false, StateLeader, 2},
		{"two of four is not a majority", []uint64{1, 2, 3, 4}, []uint64{3, 4}, false, StateCandidate, 2},
		{"pre-vote, three of three", []uint64{1, 2, 3}, nil, true, StateLeader, 2},
		{"pre-vote, one of three keeps the term", []uint64{1, 2, 3}, []uint64{2, 3}, true, StatePreCandidate, 1},
		{"single voter", []uint64{1}, nil, false, StateLeader, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newInstantNetwork(t, tt.voters, func(c *Config) { c.PreVote = tt.preVote })
			for _, id := range tt.down {
				n.node(id).down = true
			}
			n.campaign(1)
			r := n.raft(1)
			assert.Equal(t, tt.wantState, r.state)
			assert.Equal(t, tt.wantTerm, r.Term)
		})
	}
}

func TestElectionByTimeout(t *testing.T) {
	// Reference: Raft §5.2 — a follower that hears from no leader within
	// its randomized election timeout starts an election.
	n := newInstantNetwork(t, []uint64{1, 2, 3}, nil)
	n.tickAll(2 * 10)
	lead := n.leader()
	require.NotEqual(t, None, lead)
	ev := eventOfKind(t, n.node(lead).events, EventBecameCandidate)
	assert.Equal(t, ReasonElectionTimeout, ev.Reason)
	assert.Equal(t, uint64(2), ev.Term)
}

func TestRandomizedElectionTimeoutRange(t *testing.T) {
	// Reference: Raft §5.2 — timeouts are drawn from [T, 2T).
	r := newTestRaft(t, 1, []uint64{1, 2, 3}, NewMemoryStorage(), nil)
	seen := map[int]bool{}
	for range 1000 {
		r.resetRandomizedElectionTimeout()
		seen[r.randomizedElectionTimeout] = true
		require.GreaterOrEqual(t, r.randomizedElectionTimeout, r.electionTimeout)
		require.Less(t, r.randomizedElectionTimeout, 2*r.electionTimeout)
	}
	assert.Len(t, seen, r.electionTimeout, "every value in the range is drawn")
}

func TestSplitVoteThenRecovery(t *testing.T) {
	// Reference: Raft §5.2 — with votes split no one wins; randomized
	// timeouts make the next election succeed.
	n := newInstantNetwork(t, []uint64{1, 2, 3, 4}, nil)
	// Node 1 reaches only node 3, node 2 reaches only node 4.
	n.partition([]uint64{1, 3}, []uint64{2, 4})
	n.campaign(1)
	n.campaign(2)
	assert.Equal(t, StateCandidate, n.raft(1).state)
	assert.Equal(t, StateCandidate, n.raft(2).state)
	assert.Equal(t, []uint64{1, 3}, n.node(1).rn.Status().VotesGranted)
	n.heal()
	n.tickAll(40)
	lead := n.leader()
	require.NotEqual(t, None, lead)
	assert.GreaterOrEqual(t, n.raft(lead).Term, uint64(3))
}

func TestOneVotePerTerm(t *testing.T) {
	// Reference: Raft §5.2 — each server votes for at most one candidate
	// in a term, first come first served.
	r := newTestRaft(t, 1, []uint64{1, 2, 3}, NewMemoryStorage(), nil)
	require.NoError(t, r.Step(Message{From: 2, To: 1, Type: MsgVote, Term: 1}))
	require.NoError(t, r.Step(Message{From: 3, To: 1, Type: MsgVote, Term: 1}))
	msgs := takeMessages(r)
	require.Len(t, msgs, 2)
	assert.False(t, msgs[0].Reject)
	assert.True(t, msgs[1].Reject)
	assert.Equal(t, uint64(2), r.Vote)
	rejected := eventOfKind(t, takeEvents(r), EventVoteRejected)
	assert.Equal(t, ReasonAlreadyVoted, rejected.Reason)
	assert.Equal(t, uint64(2), rejected.Vote)
	assert.Equal(t, uint64(3), rejected.Peer)

	// The same candidate asking again gets the vote again (a retry).
	require.NoError(t, r.Step(Message{From: 2, To: 1, Type: MsgVote, Term: 1}))
	assert.False(t, takeMessages(r)[0].Reject)
}

func TestVoteRefusedWhenCandidateLogIsBehind(t *testing.T) {
	// Reference: Raft §5.4.1 — a voter denies its vote if its own log is
	// more up to date than the candidate's.
	ms := NewMemoryStorage()
	require.NoError(t, ms.Append(entriesOfTerms(1, 1, 2, 2)))
	tests := []struct {
		name       string
		candIndex  uint64
		candTerm   uint64
		wantReject bool
	}{
		{"older last term", 5, 1, true},
		{"same last term, shorter", 2, 2, true},
		{"same last term, same length", 3, 2, false},
		{"newer last term, shorter", 1, 3, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newTestRaft(t, 1, []uint64{1, 2, 3}, ms, nil)
			require.NoError(t, r.Step(Message{From: 2, To: 1, Type: MsgVote, Term: 5, Index: tt.candIndex, LogTerm: tt.candTerm}))
			msgs := takeMessages(r)
			require.Len(t, msgs, 1)
			assert.Equal(t, tt.wantReject, msgs[0].Reject)
			evs := takeEvents(r)
			if tt.wantReject {
				ev := eventOfKind(t, evs, EventVoteRejected)
				assert.Equal(t, ReasonLogBehind, ev.Reason)
				assert.Equal(t, tt.candIndex, ev.CandLastIndex)
				assert.Equal(t, tt.candTerm, ev.CandLastTerm)
				assert.Equal(t, uint64(3), ev.OwnLastIndex)
				assert.Equal(t, uint64(2), ev.OwnLastTerm)
				assert.Equal(t, uint64(5), ev.Term, "the voter adopted the candidate's term")
				assert.Equal(t, None, r.Vote)
			} else {
				ev := eventOfKind(t, evs, EventVoteGranted)
				assert.Equal(t, uint64(2), ev.Peer)
				assert.Equal(t, uint64(2), r.Vote)
			}
		})
	}
}

func TestVoteRequestWithStaleTermIsRefused(t *testing.T) {
	// Reference: Raft §5.1 — a request with a stale term is rejected, and
	// the answer tells the sender the current term.
	r := newTestRaft(t, 1, []uint64{1, 2, 3}, NewMemoryStorage(), nil)
	r.becomeFollower(5, None, ReasonHigherTerm, None)
	takeEvents(r)
	require.NoError(t, r.Step(Message{From: 2, To: 1, Type: MsgVote, Term: 3}))
	msgs := takeMessages(r)
	require.Len(t, msgs, 1)
	assert.Equal(t, Message{From: 1, To: 2, Type: MsgVoteResp, Term: 5, Reject: true}, msgs[0])
	ev := eventOfKind(t, takeEvents(r), EventVoteRejected)
	assert.Equal(t, ReasonStaleTerm, ev.Reason)
	assert.Equal(t, uint64(3), ev.MsgTerm)
}

func TestStepDownOnHigherTerm(t *testing.T) {
	// Reference: Raft §5.1 — a leader or candidate that sees a higher term
	// reverts to follower.
	for _, state := range []StateType{StateLeader, StateCandidate, StatePreCandidate} {
		t.Run(state.String(), func(t *testing.T) {
			r := newTestRaft(t, 1, []uint64{1, 2, 3}, NewMemoryStorage(), withPreVote)
			switch state {
			case StateLeader:
				r.becomeCandidate(ReasonCampaign)
				r.becomeLeader()
			case StateCandidate:
				r.becomeCandidate(ReasonCampaign)
			case StatePreCandidate:
				r.becomePreCandidate(ReasonCampaign)
			}
			takeEvents(r)
			require.NoError(t, r.Step(Message{From: 3, To: 1, Type: MsgApp, Term: 7}))
			assert.Equal(t, StateFollower, r.state)
			assert.Equal(t, uint64(7), r.Term)
			assert.Equal(t, uint64(3), r.lead)
			evs := takeEvents(r)
			ev := eventOfKind(t, evs, EventSteppedDown)
			assert.Equal(t, ReasonHigherTerm, ev.Reason)
			assert.Equal(t, uint64(3), ev.Peer)
			assert.Less(t, ev.Term, uint64(7), "the term it stepped down from")
			assert.Equal(t, uint64(7), ev.MsgTerm, "the higher term it saw")
			assert.Equal(t, uint64(7), eventOfKind(t, evs, EventBecameFollower).Term)
		})
	}
}

func TestStaleMessageIgnored(t *testing.T) {
	r := newTestRaft(t, 1, []uint64{1, 2, 3}, NewMemoryStorage(), nil)
	r.becomeFollower(4, None, ReasonHigherTerm, None)
	takeEvents(r)
	require.NoError(t, r.Step(Message{From: 2, To: 1, Type: MsgHeartbeat, Term: 2}))
	assert.Empty(t, takeMessages(r), "without check-quorum or pre-vote a stale heartbeat gets no answer")
	ev := eventOfKind(t, takeEvents(r), EventStaleMessageIgnored)
	assert.Equal(t, MsgHeartbeat, ev.MsgType)
	assert.Equal(t, uint64(2), ev.MsgTerm)
	assert.Equal(t, uint64(4), ev.Term)
}

func TestStaleLeaderLearnsTheTermWithCheckQuorum(t *testing.T) {
	// With check-quorum the others never raise their term towards a
	// deposed leader, so a stale append is answered with the current term.
	r := newTestRaft(t, 1, []uint64{1, 2, 3}, NewMemoryStorage(), withCheckQuorum)
	r.becomeFollower(4, None, ReasonHigherTerm, None)
	require.NoError(t, r.Step(Message{From: 2, To: 1, Type: MsgApp, Term: 2}))
	msgs := takeMessages(r)
	require.Len(t, msgs, 1)
	assert.Equal(t, Message{From: 1, To: 2, Type: MsgAppResp, Term: 4}, msgs[0])
}

func TestPreVoteProtectsStableLeader(t *testing.T) {
	// Reference: Raft thesis §9.6 — a member that was cut off and rejoins
	// does not disrupt the leader when pre-vote is on, and does without it.
	tests := []struct {
		name           string
		preVote        bool
		wantLeader     bool // node 1 is still leader after the heal
		wantTermRaised bool
	}{
		{"with pre-vote", true, true, false},
		{"without pre-vote", false, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newInstantNetwork(t, []uint64{1, 2, 3}, func(c *Config) { c.PreVote = tt.preVote })
			n.electLeader(1)
			n.isolate(3)
			require.NoError(t, n.propose(1, "while 3 is away"))
			// Node 3 times out again and again on its own.
			n.tick(3, 100)
			term3 := n.raft(3).Term
			n.heal()
			// Node 3 asks for votes once more after the heal.
			n.tick(3, 2*n.raft(3).electionTimeout)
			assert.Equal(t, tt.wantLeader, n.raft(1).state == StateLeader)
			if tt.wantTermRaised {
				assert.Greater(t, term3, uint64(2))
				assert.Greater(t, n.raft(1).Term, uint64(2), "the leader was deposed by the higher term")
			} else {
				assert.Equal(t, uint64(2), term3, "pre-vote never raised node 3's term")
				assert.Equal(t, uint64(2), n.raft(1).Term)
				ev := eventOfKind(t, n.node(2).events, EventPreVoteRejected)
				assert.Equal(t, ReasonLogBehind, ev.Reason)
			}
		})
	}
}

func TestCheckQuorumLeaderInMinorityStepsDown(t *testing.T) {
	// A leader that has not heard from a quorum within an election timeout
	// steps down, so that clients look for the new leader.
	n := newInstantNetwork(t, []uint64{1, 2, 3, 4, 5}, withCheckQuorum)
	n.electLeader(1)
	n.partition([]uint64{1, 2}, []uint64{3, 4, 5})
	n.tick(1, 2*n.raft(1).electionTimeout)
	assert.Equal(t, StateFollower, n.raft(1).state)
	ev := eventOfKind(t, n.node(1).events, EventSteppedDown)
	assert.Equal(t, ReasonQuorumLost, ev.Reason)

	// The majority side elects a new leader.
	for range 60 {
		for _, id := range []uint64{3, 4, 5} {
			n.node(id).rn.Tick()
		}
		n.settle()
	}
	lead := n.leader()
	assert.Contains(t, []uint64{3, 4, 5}, lead)
}

func TestCheckQuorumLeaseIgnoresVotes(t *testing.T) {
	// With check-quorum a follower that heard from a live leader within the
	// election timeout ignores vote and pre-vote requests (the leader
	// lease), so a member forced to campaign cannot depose the leader.
	tests := []struct {
		name      string
		configure func(*Config)
		wantKind  EventKind
	}{
		{"vote", withCheckQuorum, EventVoteRejected},
		{"pre-vote", func(c *Config) { c.CheckQuorum = true; c.PreVote = true }, EventPreVoteRejected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newInstantNetwork(t, []uint64{1, 2, 3}, tt.configure)
			n.electLeader(1)
			n.clearEvents()
			n.campaign(3)
			assert.Equal(t, StateLeader, n.raft(1).state, "the leader was not disturbed")
			assert.Equal(t, uint64(2), n.raft(1).Term)
			assert.Equal(t, uint64(2), n.raft(2).Term, "the term in an ignored request is not adopted")
			ev := eventOfKind(t, n.node(2).events, tt.wantKind)
			assert.Equal(t, ReasonLeaderAlive, ev.Reason)
			assert.Equal(t, uint64(1), ev.Lead)
			assert.Equal(t, uint64(3), ev.Peer)
		})
	}
}

func TestPreVoteGrantedLeavesTheVoterUnchanged(t *testing.T) {
	// Reference: Raft thesis §9.6 — a pre-vote asks whether the candidate
	// could win in the next term; granting it changes neither the voter's
	// term nor its vote.
	r := newTestRaft(t, 1, []uint64{1, 2, 3}, NewMemoryStorage(), withPreVote)
	require.NoError(t, r.Step(Message{From: 2, To: 1, Type: MsgPreVote, Term: 1}))
	msgs := takeMessages(r)
	require.Len(t, msgs, 1)
	assert.Equal(t, Message{From: 1, To: 2, Type: MsgPreVoteResp, Term: 1}, msgs[0])
	assert.Equal(t, uint64(0), r.Term)
	assert.Equal(t, None, r.Vote)
	ev := eventOfKind(t, takeEvents(r), EventPreVoteGranted)
	assert.Equal(t, uint64(2), ev.Peer)
	assert.Equal(t, uint64(1), ev.MsgTerm)
}

func TestCandidateRevertsOnAppendFromLeaderOfSameTerm(t *testing.T) {
	// Reference: Raft §5.2 — a candidate that receives an append from a
	// leader whose term is at least its own returns to follower.
	r := newTestRaft(t, 1, []uint64{1, 2, 3}, NewMemoryStorage(), nil)
	r.becomeCandidate(ReasonCampaign)
	takeEvents(r)
	require.NoError(t, r.Step(Message{From: 2, To: 1, Type: MsgApp, Term: 1}))
	assert.Equal(t, StateFollower, r.state)
	assert.Equal(t, uint64(2), r.lead)
	ev := eventOfKind(t, takeEvents(r), EventSteppedDown)
	assert.Equal(t, ReasonLeaderAppeared, ev.Reason)
}

func TestElectionLostEvent(t *testing.T) {
	r := newTestRaft(t, 1, []uint64{1, 2, 3}, NewMemoryStorage(), nil)
	r.campaign(campaignElection, ReasonCampaign)
	require.NoError(t, r.Step(Message{From: 2, To: 1, Type: MsgVoteResp, Term: 1, Reject: true}))
	assert.Equal(t, StateCandidate, r.state)
	require.NoError(t, r.Step(Message{From: 3, To: 1, Type: MsgVoteResp, Term: 1, Reject: true}))
	assert.Equal(t, StateFollower, r.state)
	evs := takeEvents(r)
	received := eventOfKind(t, evs, EventVoteReceived)
	assert.Equal(t, uint64(1), received.VotesGranted)
	assert.Equal(t, uint64(2), received.VotesRejected)
	lost := eventOfKind(t, evs, EventSteppedDown)
	assert.Equal(t, ReasonElectionLost, lost.Reason)
	assert.Equal(t, uint64(1), lost.VotesGranted)
	assert.Equal(t, uint64(2), lost.VotesRejected)
	assert.Equal(t, uint64(1), lost.MsgTerm, "the election was for term 1")
}

func TestNewLeaderAppendsEmptyEntry(t *testing.T) {
	// Reference: Raft §5.4.2 and §8 — a new leader commits an empty entry
	// of its term, which commits every earlier entry with it.
	n := newInstantNetwork(t, []uint64{1, 2, 3}, nil)
	n.electLeader(1)
	for _, id := range []uint64{1, 2, 3} {
		ents := n.raft(id).raftLog.allEntries()
		require.Len(t, ents, 4, "three bootstrap entries and the empty entry")
		assert.Equal(t, Entry{Term: 2, Index: 4}, ents[3])
		assert.Equal(t, uint64(4), n.raft(id).raftLog.committed)
	}
	ev := eventOfKind(t, n.node(1).events, EventBecameLeader)
	assert.Equal(t, uint64(4), ev.Index)
}

func TestLeaderCommitsOnlyEntriesOfItsTerm(t *testing.T) {
	// Reference: Raft §5.4.2 — replicas of an entry from an earlier term do
	// not commit it; only an entry of the current term commits it.
	ms := NewMemoryStorage()
	require.NoError(t, ms.Append(entriesOfTerms(1, 1, 1)))
	require.NoError(t, ms.SetHardState(HardState{Term: 1}))
	r := newTestRaft(t, 1, []uint64{1, 2, 3}, ms, nil)
	r.becomeCandidate(ReasonCampaign)
	r.becomeLeader() // term 2, appends entry 3
	takeMessages(r)
	// Node 2 acknowledges entry 2 (term 1): a majority holds it, still not
	// committed.
	require.NoError(t, r.Step(Message{From: 2, To: 1, Type: MsgAppResp, Term: 2, Index: 2}))
	assert.Equal(t, uint64(0), r.raftLog.committed)
	// Node 2 acknowledges entry 3 (term 2): everything commits.
	require.NoError(t, r.Step(Message{From: 2, To: 1, Type: MsgAppResp, Term: 2, Index: 3}))
	assert.Equal(t, uint64(3), r.raftLog.committed)
	ev := eventOfKind(t, takeEvents(r), EventCommitAdvanced)
	assert.Equal(t, ReasonQuorumReplicated, ev.Reason)
	assert.Equal(t, uint64(0), ev.OldCommit)
	assert.Equal(t, uint64(3), ev.Commit)
}

func TestFollowerConflictingSuffixIsReplaced(t *testing.T) {
	// Reference: Raft §5.3 — the leader finds the last entry where the
	// logs agree and the follower's conflicting suffix is overwritten; the
	// conflict hint skips a whole term per round trip.
	tests := []struct {
		name              string
		disableHint       bool
		wantRejects       int
		wantBackoffReason Reason
	}{
		{"conflict hint skips the term", false, 1, ReasonConflictHint},
		{"one entry at a time", true, 6, ReasonOneByOne},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newInstantNetwork(t, []uint64{1, 2, 3}, func(c *Config) {
				c.DisableConflictHint = tt.disableHint
				ms := NewMemoryStorage()
				terms := []uint64{1, 1, 1, 1, 1, 1, 1}
				if c.ID == 2 {
					// Node 2 holds six entries of term 2 no one else has.
					terms = []uint64{1, 2, 2, 2, 2, 2, 2}
				}
				require.NoError(t, ms.Append(entriesOfTerms(1, terms...)))
				require.NoError(t, ms.SetHardState(HardState{Term: 2, Commit: 1}))
				c.Storage = ms
			})
			// Node 1 wins term 3 with node 3's vote and repairs node 2.
			n.electLeader(1)
			require.NoError(t, n.propose(1, "x"))
			assert.Equal(t, []uint64{1, 1, 1, 1, 1, 1, 1, 3, 3}, termsOf(n.raft(2).raftLog.allEntries()))
			truncated := n.eventsOf(2, EventLogTruncated)
			require.Len(t, truncated, 1)
			assert.Equal(t, uint64(2), truncated[0].Index, "the first conflicting entry")
			assert.Equal(t, uint64(7), truncated[0].OwnLastIndex)
			assert.Equal(t, uint64(2), truncated[0].LogTerm)
			assert.Equal(t, uint64(1), truncated[0].Peer)
			rejected := n.eventsOf(2, EventAppendRejected)
			require.Len(t, rejected, tt.wantRejects)
			assert.Equal(t, ReasonPrevTermMismatch, rejected[0].Reason)
			assert.Equal(t, uint64(7), rejected[0].Index)
			backoffs := n.eventsOf(1, EventNextDecreased)
			require.Len(t, backoffs, tt.wantRejects)
			assert.Equal(t, tt.wantBackoffReason, backoffs[0].Reason)
			assert.Equal(t, uint64(2), backoffs[len(backoffs)-1].Hint, "next ends right after the agreeing entry 1")
		})
	}
}

func TestAppendRejectionReasons(t *testing.T) {
	ms := NewMemoryStorage()
	require.NoError(t, ms.Append(entriesOfTerms(1, 1, 1, 2)))
	tests := []struct {
		name       string
		index      uint64
		logTerm    uint64
		wantReason Reason
		wantHint   uint64
		wantTerm   uint64
	}{
		{"previous index missing", 6, 3, ReasonPrevIndexMissing, 3, 2},
		{"previous term mismatch", 3, 3, ReasonPrevTermMismatch, 3, 2},
		{"mismatch skips a higher term", 3, 1, ReasonPrevTermMismatch, 2, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newTestRaft(t, 1, []uint64{1, 2, 3}, ms, nil)
			r.becomeFollower(3, 2, ReasonHigherTerm, 2)
			takeEvents(r)
			require.NoError(t, r.Step(Message{From: 2, To: 1, Type: MsgApp, Term: 3, Index: tt.index, LogTerm: tt.logTerm}))
			msgs := takeMessages(r)
			require.Len(t, msgs, 1)
			assert.True(t, msgs[0].Reject)
			assert.Equal(t, tt.wantHint, msgs[0].RejectHint)
			assert.Equal(t, tt.wantTerm, msgs[0].LogTerm)
			ev := eventOfKind(t, takeEvents(r), EventAppendRejected)
			assert.Equal(t, tt.wantReason, ev.Reason)
			assert.Equal(t, tt.index, ev.Index)
			assert.Equal(t, tt.wantHint, ev.Hint)
			assert.Equal(t, tt.wantTerm, ev.HintTerm)
			assert.Equal(t, uint64(3), ev.OwnLastIndex)
		})
	}
}

func TestProposalWithoutLeaderIsDropped(t *testing.T) {
	n := newInstantNetwork(t, []uint64{1, 2, 3}, nil)
	err := n.propose(2, "x")
	require.ErrorIs(t, err, ErrProposalDropped)
	ev := eventOfKind(t, n.node(2).events, EventProposalDropped)
	assert.Equal(t, ReasonNoLeader, ev.Reason)
	assert.Equal(t, uint64(2), ev.Peer)
}

func TestProposalForwardedToLeader(t *testing.T) {
	n := newInstantNetwork(t, []uint64{1, 2, 3}, nil)
	n.electLeader(1)
	require.NoError(t, n.propose(3, "forwarded"))
	for _, id := range []uint64{1, 2, 3} {
		assert.Equal(t, [][]byte{[]byte("forwarded")}, n.node(id).applied)
	}
}

func TestLearnerNeverCampaignsNorCounts(t *testing.T) {
	withLearner := func(c *Config) { c.Learners = []uint64{3} }
	n := newInstantNetwork(t, []uint64{1, 2}, withLearner)
	learner := testConfig(3, []uint64{1, 2})
	withLearner(&learner)
	n.add(learner)
	n.settle()
	n.campaign(3)
	assert.Equal(t, StateFollower, n.raft(3).state)
	ev := eventOfKind(t, n.node(3).events, EventCampaignSkipped)
	assert.Equal(t, ReasonNotPromotable, ev.Reason)

	n.electLeader(1)
	require.NoError(t, n.propose(1, "x"))
	assert.Equal(t, [][]byte{[]byte("x")}, n.node(3).applied, "a learner receives the log")
	// Without node 2 nothing commits: the learner does not count.
	n.node(2).down = true
	require.NoError(t, n.propose(1, "y"))
	assert.Equal(t, [][]byte{[]byte("x")}, n.node(1).applied)
}

func TestPendingConfChangeBlocksCampaign(t *testing.T) {
	ms := NewMemoryStorage()
	cc := ConfChange{Changes: []ConfChangeSingle{{Type: ConfChangeAddNode, NodeID: 4}}}
	require.NoError(t, ms.Append([]Entry{{Index: 1, Term: 1, Type: EntryConfChange, Data: cc.Marshal()}}))
	require.NoError(t, ms.SetHardState(HardState{Term: 1, Commit: 1}))
	r := newTestRaft(t, 1, []uint64{1, 2, 3}, ms, nil)
	require.NoError(t, r.Step(Message{Type: MsgHup}))
	assert.Equal(t, StateFollower, r.state)
	ev := eventOfKind(t, takeEvents(r), EventCampaignSkipped)
	assert.Equal(t, ReasonUnappliedConfChange, ev.Reason)
}

func TestMessagesToPeersAreInIDOrder(t *testing.T) {
	// Determinism: whatever the map order, a leader addresses its peers in
	// ascending ID order.
	for range 20 {
		r := newTestRaft(t, 5, []uint64{9, 5, 2, 7, 3, 8, 1}, NewMemoryStorage(), nil)
		r.campaign(campaignElection, ReasonCampaign)
		var tos []uint64
		for _, m := range takeMessages(r) {
			tos = append(tos, m.To)
		}
		require.Equal(t, []uint64{1, 2, 3, 7, 8, 9}, tos)
		r.becomeLeader()
		r.bcastHeartbeat()
		tos = nil
		for _, m := range takeMessages(r) {
			tos = append(tos, m.To)
		}
		require.Equal(t, []uint64{1, 2, 3, 7, 8, 9}, tos)
	}
}

func TestElectionTimerKeepsRunningWhenVoteRefused(t *testing.T) {
	// Reference: Raft §5.2 — a follower's timer is reset by a leader's
	// messages and by granting a vote; a refused request from a candidate
	// with a stale log does not reset it, even if its term is adopted.
	ms := NewMemoryStorage()
	require.NoError(t, ms.Append(entriesOfTerms(1, 1, 1)))
	r := newTestRaft(t, 1, []uint64{1, 2, 3}, ms, nil)
	for range 5 {
		r.tick()
	}
	timeout := r.randomizedElectionTimeout
	require.NoError(t, r.Step(Message{From: 2, To: 1, Type: MsgVote, Term: 3, Index: 1, LogTerm: 1}))
	assert.Equal(t, uint64(3), r.Term)
	assert.Equal(t, 5, r.electionElapsed)
	assert.Equal(t, timeout, r.randomizedElectionTimeout)
	// A granted vote resets it.
	require.NoError(t, r.Step(Message{From: 3, To: 1, Type: MsgVote, Term: 4, Index: 2, LogTerm: 1}))
	assert.Equal(t, uint64(3), r.Vote)
	assert.Equal(t, 0, r.electionElapsed)
}
