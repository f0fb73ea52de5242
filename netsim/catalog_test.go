package netsim

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raft-playground/playground/core/raft"
)

func TestEveryRecordOfABusyRunHasASentence(t *testing.T) {
	cfg := DefaultConfig()
	cfg.SnapshotEvery = 20
	w := play(t, cfg, busyScenario(), 15*Time(Second))
	missingField := regexp.MustCompile(`\?[A-Za-z]`)
	seen := map[string]bool{}
	for _, r := range w.Events(0) {
		key := r.Kind + "/" + r.Reason
		if seen[key] {
			continue
		}
		seen[key] = true
		assert.True(t, English.Has(r), "no English template for %s", key)
		line := English.Render(r)
		assert.False(t, missingField.MatchString(line), "%s renders a missing field: %q", key, line)
	}
	assert.Greater(t, len(seen), 40, "the busy run covers many kinds of event")
}

func TestEveryRaftEventKindHasATemplate(t *testing.T) {
	for k := raft.EventKind(1); k.String() != "unknown-event"; k++ {
		r := Record{Kind: "raft." + k.String()}
		assert.True(t, English.Has(r), "no English template for %s", r.Kind)
	}
}

func TestCatalogRendersTheExampleLine(t *testing.T) {
	ev := raft.Event{Kind: raft.EventVoteRejected, Reason: raft.ReasonLogBehind, Node: 4, Peer: 3, Term: 8,
		CandLastTerm: 7, CandLastIndex: 12, OwnLastTerm: 8, OwnLastIndex: 11}
	r := Record{At: 1_234_567, Kind: "raft.vote-rejected", Reason: "log-behind", Member: 4, Peer: 3, Detail: &ev}
	assert.Equal(t, "  1.234567s s4 refuses its vote to s3: s3's log ends in term 7 at index 12, s4's ends in term 8 at index 11", English.Line(r))

	unknown := Record{Kind: "something-new", Member: 2, Args: []Arg{{"x", "1"}}}
	require.False(t, English.Has(unknown))
	assert.Equal(t, "s2 something-new x=1", English.Render(unknown), "an unknown kind still renders")
}

func TestChineseMatchesEnglish(t *testing.T) {
	placeholders := regexp.MustCompile(`\{[^}]*\}`)
	set := func(s string) map[string]bool {
		out := map[string]bool{}
		for _, p := range placeholders.FindAllString(s, -1) {
			out[p] = true
		}
		return out
	}
	for key, en := range English.Templates {
		zh, ok := Chinese.Templates[key]
		if assert.True(t, ok, "zh-CN lacks %s", key) {
			assert.Equal(t, set(en), set(zh), "%s uses other placeholders in zh-CN", key)
		}
	}
	for key := range Chinese.Templates {
		assert.Contains(t, English.Templates, key, "zh-CN has a key English lacks")
	}
	for key := range English.Words {
		assert.Contains(t, Chinese.Words, key)
	}
	ev := raft.Event{Kind: raft.EventVoteRejected, Reason: raft.ReasonLogBehind, Node: 4, Peer: 3, Term: 8,
		CandLastTerm: 7, CandLastIndex: 12, OwnLastTerm: 8, OwnLastIndex: 11}
	r := Record{At: 1_234_567, Kind: "raft.vote-rejected", Reason: "log-behind", Member: 4, Peer: 3, Detail: &ev}
	assert.Equal(t, "  1.234567s s4 拒绝投票给 s3：s3 的日志止于任期 7 的索引 12，s4 的止于任期 8 的索引 11", Chinese.Line(r))
}

// TestRefinedReasonsPickTheRightSentence checks the sentences chosen from an
// event's numbers where its reason alone would mislead.
func TestRefinedReasonsPickTheRightSentence(t *testing.T) {
	cases := []struct {
		name string
		ev   raft.Event
		want string
	}{
		{"a voter that voted for itself", raft.Event{Kind: raft.EventVoteRejected, Reason: raft.ReasonAlreadyVoted, Node: 2, Peer: 3, Term: 4, Vote: 2},
			"s2 refuses its vote to s3: it already voted for itself in term 4"},
		{"a voter that voted for another", raft.Event{Kind: raft.EventVoteRejected, Reason: raft.ReasonAlreadyVoted, Node: 2, Peer: 3, Term: 4, Vote: 1},
			"s2 refuses its vote to s3: it already voted for s1 in term 4"},
		// Reference: Raft §5.4.1 — last term first, then last index.
		{"an older last term", raft.Event{Kind: raft.EventVoteRejected, Reason: raft.ReasonLogBehind, Node: 4, Peer: 3, Term: 8,
			CandLastTerm: 7, CandLastIndex: 12, OwnLastTerm: 8, OwnLastIndex: 11},
			"s4 refuses its vote to s3: s3's log ends in term 7 (index 12), older than its own last term 8 (index 11), so s3 may lack committed entries"},
		{"the same last term, shorter", raft.Event{Kind: raft.EventVoteRejected, Reason: raft.ReasonLogBehind, Node: 4, Peer: 3, Term: 8,
			CandLastTerm: 6, CandLastIndex: 10, OwnLastTerm: 6, OwnLastIndex: 11},
			"s4 refuses its vote to s3: both logs end in term 6, but s3's is shorter (index 10, its own 11), so s3 may lack committed entries"},
		{"the leader ignores a pre-vote", raft.Event{Kind: raft.EventPreVoteRejected, Reason: raft.ReasonLeaderAlive, Node: 1, Peer: 3, Term: 2, Lead: 1},
			"s1 ignores s3's pre-vote request and does not answer: it is the leader, and with check-quorum it steps down only when it loses its majority"},
		{"a follower ignores a pre-vote", raft.Event{Kind: raft.EventPreVoteRejected, Reason: raft.ReasonLeaderAlive, Node: 2, Peer: 3, Term: 2, Lead: 1},
			"s2 ignores s3's pre-vote request and does not answer: it heard from leader s1 less than an election timeout ago (check-quorum)"},
		{"a member that just started ignores a vote", raft.Event{Kind: raft.EventVoteRejected, Reason: raft.ReasonLeaderAlive, Node: 2, Peer: 3, Term: 2},
			"s2 ignores s3's vote request and does not answer: it started less than an election timeout ago and, with lease reads, may have answered a heartbeat that a leader's lease counts on"},
		// Reference: Raft §5.4.2 and figure 8.
		{"earlier entries commit with a current-term entry", raft.Event{Kind: raft.EventCommitAdvanced, Reason: raft.ReasonQuorumReplicated, Node: 1, Term: 5, OldCommit: 0, Commit: 4},
			"s1 commits up to index 4 (was 0): a majority stores entry 4, which is of its current term 5, so every entry before it is committed too, whatever its term"},
		{"a removed leader hands over", raft.Event{Kind: raft.EventSteppedDown, Reason: raft.ReasonRemovedFromConfig, Node: 1, Term: 2},
			"s1 steps down in term 2: it is no longer a voter and has told its successor to campaign"},
		{"a lost pre-vote", raft.Event{Kind: raft.EventSteppedDown, Reason: raft.ReasonElectionLost, Node: 3, Term: 2, MsgTerm: 3, VotesGranted: 1, VotesRejected: 2},
			"s3 lost the pre-vote for term 3: 2 refused, 1 granted, so it cannot win; its term stays 2"},
		{"a lost election", raft.Event{Kind: raft.EventSteppedDown, Reason: raft.ReasonElectionLost, Node: 3, Term: 3, MsgTerm: 3, VotesGranted: 1, VotesRejected: 2},
			"s3 lost the election for term 3: 2 refused, 1 granted, so it cannot win"},
		{"a hint that skips a conflicting suffix", raft.Event{Kind: raft.EventNextDecreased, Reason: raft.ReasonConflictHint, Node: 1, Peer: 6, Index: 10, Hint: 6, HintTerm: 4},
			"s1 moves s6's next index back to 6: s6's hint (an entry of term 4) lets it skip, in one round trip, every entry that cannot match"},
		{"a hint that names no entry", raft.Event{Kind: raft.EventNextDecreased, Reason: raft.ReasonConflictHint, Node: 1, Peer: 4, Index: 6, Hint: 1},
			"s1 moves s4's next index back to 1: s4 has no entry up to index 6 that could match (its log is empty, or its entries there are all of later terms)"},
		{"one conflicting entry", raft.Event{Kind: raft.EventLogTruncated, Node: 3, Peer: 5, Index: 2, OwnLastIndex: 2, LogTerm: 2},
			"s3 deletes its entry 2 (term 2): it conflicts with what leader s5 sent"},
		// Reference: Raft §6.4 — the leader fixes the read index; the
		// member serves the read once it has applied that far.
		{"a leader's own read", raft.Event{Kind: raft.EventReadServed, Reason: raft.ReasonQuorumConfirmed, Node: 1, Peer: 1, Index: 7},
			"s1 fixes read index 7 for a read of its own: a heartbeat round sent after the read arrived confirmed it still leads"},
		{"a local proposal without a leader", raft.Event{Kind: raft.EventProposalDropped, Reason: raft.ReasonNoLeader, Node: 2, Peer: 2, Index: 1},
			"s2 drops a local proposal: it knows no leader to forward it to"},
		{"a forwarded proposal at a non-leader", raft.Event{Kind: raft.EventProposalDropped, Reason: raft.ReasonNotLeader, Node: 2, Peer: 1, Index: 1},
			"s2 drops a proposal s1 forwarded to it: it is not the leader (it is campaigning, or s1 took it for the leader)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ev := tc.ev
			r := Record{Kind: "raft." + ev.Kind.String(), Reason: raftReason(&ev), Member: ev.Node, Peer: ev.Peer, Detail: &ev}
			require.True(t, English.Has(r), "no template for %s/%s", r.Kind, r.Reason)
			assert.Equal(t, tc.want, English.Render(r))
			assert.True(t, Chinese.Has(r))
		})
	}
}

// TestEveryLocalDropHasASentence: a proposal or read dropped where it was
// made renders without naming the member as its own peer, for every reason
// the raft package can give it.
func TestEveryLocalDropHasASentence(t *testing.T) {
	reasons := map[raft.EventKind][]raft.Reason{
		raft.EventProposalDropped: {raft.ReasonNoLeader, raft.ReasonTransferInProgress, raft.ReasonConfChangePending,
			raft.ReasonInvalidConfChange, raft.ReasonNotInConfig, raft.ReasonNotLeader},
		raft.EventReadDropped: {raft.ReasonNoLeader, raft.ReasonLeadershipChanged},
	}
	for kind, rs := range reasons {
		for _, reason := range rs {
			ev := raft.Event{Kind: kind, Reason: reason, Node: 2, Peer: 2}
			r := Record{Kind: "raft." + kind.String(), Reason: raftReason(&ev), Member: 2, Peer: 2, Detail: &ev}
			assert.True(t, English.Has(r) && Chinese.Has(r), "no template for %s/%s", r.Kind, r.Reason)
			assert.NotContains(t, English.Render(r), "from s2", r.Reason)
		}
	}
}
