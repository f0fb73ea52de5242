package raft

import (
	"fmt"

	"github.com/raft-playground/playground/core/raft/quorum"
)

// promotable reports whether the node may become leader: it is a voter of
// the configuration and has no snapshot waiting to be persisted.
func (r *raft) promotable() bool {
	pr := r.trk.Progress[r.id]
	return pr != nil && !pr.IsLearner && !r.raftLog.hasPendingSnapshot()
}

// hup starts an election (with pre-vote if enabled) unless the node may not.
func (r *raft) hup(reason Reason) {
	if r.preVote {
		r.tryCampaign(campaignPreElection, reason)
	} else {
		r.tryCampaign(campaignElection, reason)
	}
}

// hupForTransfer starts the election a leader asked for with TimeoutNow. It
// skips pre-vote: the leader wants this node to win now.
func (r *raft) hupForTransfer() {
	r.tryCampaign(campaignTransfer, ReasonTimeoutNow)
}

func (r *raft) tryCampaign(t campaignType, reason Reason) {
	switch {
	case r.state == StateLeader:
		r.emit(Event{Kind: EventCampaignSkipped, Reason: ReasonAlreadyLeader})
	case !r.promotable():
		r.emit(Event{Kind: EventCampaignSkipped, Reason: ReasonNotPromotable})
	case r.hasUnappliedConfChanges():
		// The node does not know its configuration until the committed
		// change is applied, so it cannot know whose votes count. The
		// leader asked for this election, so it starts once the change is
		// applied (see Advance).
		r.emit(Event{Kind: EventCampaignSkipped, Reason: ReasonUnappliedConfChange})
		r.campaignAfterApply = t == campaignTransfer
	default:
		r.campaign(t, reason)
	}
}

// hasUnappliedConfChanges reports whether a committed configuration change
// is still waiting to be applied.
func (r *raft) hasUnappliedConfChanges() bool {
	if r.raftLog.applied >= r.raftLog.committed {
		return false
	}
	lo, hi := max(r.raftLog.applied+1, r.raftLog.firstIndex()), r.raftLog.committed+1
	ents, err := r.raftLog.slice(lo, hi, noLimit)
	if err != nil {
		panic(fmt.Sprintf("raft: reading committed entries [%d, %d): %v", lo, hi, err))
	}
	for i := range ents {
		if ents[i].Type == EntryConfChange {
			return true
		}
	}
	return false
}

// campaign becomes a (pre-)candidate and asks every other voter for its
// vote. Votes go out in ascending ID order so that runs are reproducible.
func (r *raft) campaign(t campaignType, reason Reason) {
	var term uint64
	var voteMsg MessageType
	if t == campaignPreElection {
		r.becomePreCandidate(reason)
		voteMsg = MsgPreVote
		// A pre-vote asks about the term the node would campaign in,
		// without moving to it.
		term = r.Term + 1
	} else {
		r.becomeCandidate(reason)
		voteMsg = MsgVote
		term = r.Term
	}
	if _, _, res := r.poll(r.id, voteMsg, true); res == quorum.VoteWon {
		// The only voter: the election is won at once.
		if t == campaignPreElection {
			r.campaign(campaignElection, ReasonPreVoteWon)
		} else {
			r.becomeLeader()
		}
		return
	}
	var ctx []byte
	if t == campaignTransfer {
		ctx = campaignTransferContext
	}
	lastIndex, lastTerm := r.raftLog.lastIndex(), r.raftLog.lastTerm()
	for _, id := range r.trk.VoterNodes() {
		if id == r.id {
			continue
		}
		r.send(Message{To: id, Term: term, Type: voteMsg, Index: lastIndex, LogTerm: lastTerm, Context: ctx})
	}
}

// poll records a vote answer and returns the tally.
func (r *raft) poll(id uint64, t MessageType, granted bool) (int, int, quorum.VoteResult) {
	r.trk.RecordVote(id, granted)
	return r.trk.TallyVotes()
}

// handleVoteResponse counts a (pre-)vote answer in the candidate role.
func (r *raft) handleVoteResponse(m Message) {
	want := MsgVoteResp
	if r.state == StatePreCandidate {
		want = MsgPreVoteResp
	}
	if m.Type != want {
		return
	}
	granted, rejected, res := r.poll(m.From, m.Type, !m.Reject)
	reason := ReasonGranted
	if m.Reject {
		reason = ReasonRejected
	}
	r.emit(Event{Kind: EventVoteReceived, Reason: reason, Peer: m.From, MsgType: m.Type,
		VotesGranted: uint64(granted), VotesRejected: uint64(rejected)})
	switch res {
	case quorum.VoteWon:
		if r.state == StatePreCandidate {
			r.campaign(campaignElection, ReasonPreVoteWon)
		} else {
			r.becomeLeader()
			r.bcastAppend()
		}
	case quorum.VoteLost:
		// A rejected pre-vote response carries the voter's term; if it was
		// higher, Step already made this node a follower in it.
		r.becomeFollower(r.Term, None, ReasonElectionLost, None)
	}
}

// handleVoteRequest answers a vote or pre-vote request whose term is at
// least the node's own (Raft §5.2, §5.4.1).
func (r *raft) handleVoteRequest(m Message) {
	pre := m.Type == MsgPreVote
	// A node votes once per term: for the candidate it already voted for,
	// or for anyone if it neither voted nor follows a leader in this term.
	// A pre-vote for a later term is free, since it changes nothing.
	canVote := r.Vote == m.From ||
		(r.Vote == None && r.lead == None) ||
		(pre && m.Term > r.Term)
	var reason Reason
	switch {
	case !canVote && r.Vote != None:
		reason = ReasonAlreadyVoted
	case !canVote:
		reason = ReasonLeaderKnown
	case !r.raftLog.isUpToDate(m.Index, m.LogTerm):
		reason = ReasonLogBehind
	}
	if reason != ReasonNone {
		r.emitVoteRefusal(m, reason)
		r.send(Message{To: m.From, Term: r.Term, Type: voteResponseType(m.Type), Reject: true})
		return
	}
	// The response carries the request's term: for a pre-vote that is the
	// future term the candidate asked about, which the node does not adopt.
	r.send(Message{To: m.From, Term: m.Term, Type: voteResponseType(m.Type)})
	kind := EventPreVoteGranted
	if !pre {
		kind = EventVoteGranted
		// The vote is part of the hard state, which the application
		// persists before it sends this response.
		r.electionElapsed = 0
		r.Vote = m.From
	}
	r.emit(Event{Kind: kind, Peer: m.From, MsgTerm: m.Term, Vote: r.Vote,
		CandLastIndex: m.Index, CandLastTerm: m.LogTerm,
		OwnLastIndex: r.raftLog.lastIndex(), OwnLastTerm: r.raftLog.lastTerm()})
}

// emitVoteRefusal records why a (pre-)vote request was refused or ignored.
func (r *raft) emitVoteRefusal(m Message, reason Reason) {
	kind := EventVoteRejected
	if m.Type == MsgPreVote {
		kind = EventPreVoteRejected
	}
	r.emit(Event{Kind: kind, Reason: reason, Peer: m.From, MsgTerm: m.Term, Vote: r.Vote, Lead: r.lead,
		CandLastIndex: m.Index, CandLastTerm: m.LogTerm,
		OwnLastIndex: r.raftLog.lastIndex(), OwnLastTerm: r.raftLog.lastTerm()})
}

// voteResponseType returns the response type of a vote request type.
func voteResponseType(t MessageType) MessageType {
	switch t {
	case MsgVote:
		return MsgVoteResp
	case MsgPreVote:
		return MsgPreVoteResp
	}
	panic(fmt.Sprintf("raft: not a vote message type: %d", t))
}
