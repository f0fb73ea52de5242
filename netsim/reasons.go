package netsim

import (
	"github.com/raft-playground/playground/core/member"
	"github.com/raft-playground/playground/core/raft"
)

// MemberDetail is the Detail of a member record: the numbers of a
// member.Event without the Raft event it may wrap.
type MemberDetail struct {
	Index, Term, Vote, Commit uint64
	// Count is the number of entries or records; Last the last entry index
	// of a persisted batch.
	Count    int
	Last     uint64
	Lease    int64
	Revision int64
	Op       string
}

// The reasons below choose a catalogue sentence where the lower layer's
// reason alone does not: they look at the event's numbers, never at words.

// raftReason is the catalogue reason of a raft event.
func raftReason(e *raft.Event) string {
	if e.Kind == raft.EventLogTruncated && e.Index == e.OwnLastIndex {
		return "one"
	}
	if e.Reason == raft.ReasonNone {
		return ""
	}
	r := e.Reason.String()
	switch e.Kind {
	case raft.EventVoteReceived:
		if e.MsgType == raft.MsgPreVoteResp {
			r += "-pre-vote"
		}
	case raft.EventVoteRejected, raft.EventPreVoteRejected:
		r = voteRefusalReason(e, r)
	case raft.EventNextDecreased:
		if e.Reason == raft.ReasonConflictHint && e.HintTerm == 0 {
			// The follower's hint names no entry with a term: it holds
			// nothing up to the rejected index that could match.
			r = "log-short"
		}
	case raft.EventCommitAdvanced:
		if e.Reason == raft.ReasonQuorumReplicated && e.Commit > e.OldCommit+1 {
			// Entries before the counted one commit with it, perhaps
			// entries of earlier terms (Raft §5.4.2, figure 8).
			r += "-many"
		}
	case raft.EventSteppedDown:
		switch {
		case e.Reason == raft.ReasonRemovedFromConfig && e.Peer == 0:
			// No message caused it: the removed leader sent TimeoutNow.
			r = "removed-handed-over"
		case e.Reason == raft.ReasonElectionLost && e.MsgTerm > e.Term:
			// The lost election was a pre-vote for the next term.
			r = "pre-vote-lost"
		}
	case raft.EventReadServed, raft.EventReadQueued:
		switch e.Reason {
		case raft.ReasonQuorumConfirmed, raft.ReasonLease, raft.ReasonNoCommitInTerm, raft.ReasonLeaseExpired:
			if e.Peer == e.Node {
				r += "-local"
			}
		}
	case raft.EventProposalDropped, raft.EventReadDropped:
		if e.Peer == e.Node {
			// The member's own client asked here, not another member.
			r += "-local"
		}
	}
	return r
}

// voteRefusalReason refines the reason of a refused (pre-)vote with what
// the event's numbers show.
func voteRefusalReason(e *raft.Event, r string) string {
	switch e.Reason {
	case raft.ReasonAlreadyVoted:
		if e.Vote == e.Node {
			return "already-voted-self"
		}
	case raft.ReasonLeaderAlive:
		switch e.Lead {
		case e.Node:
			return "leader-alive-self"
		case 0:
			// Lease reads: a node that just started waits an election
			// timeout before it votes, whoever leads.
			return "recently-started"
		}
	case raft.ReasonLogBehind:
		if e.CandLastTerm < e.OwnLastTerm {
			return "log-behind-term"
		}
		return "log-behind-index"
	}
	return r
}

// memberReason is the catalogue reason of a member event.
func memberReason(e *member.Event) string {
	switch {
	case e.Err != nil:
		return "refused"
	case e.Kind == member.EventApplied:
		return e.Op
	case e.Kind == member.EventPersisted && e.Count == 0:
		return "hard-state"
	case e.Kind == member.EventPersisted && e.Term == 0 && e.Count == 1:
		return "entry"
	case e.Kind == member.EventPersisted && e.Term == 0:
		return "entries"
	case e.Kind == member.EventPersisted && e.Count == 1:
		return "entry-hard-state"
	case e.Kind == member.EventLeasesPromoted && e.Count == 0:
		return "no-leases"
	}
	return ""
}

// messageReason is the catalogue reason of a send: the message type, with a
// suffix where the same type means different things.
func messageReason(m raft.Message, sum *MessageSummary) string {
	r := sum.Type
	switch {
	case m.Reject:
		r += "-reject"
	case m.Type == raft.MsgAppResp && m.Index == 0:
		// The empty answer a node of a higher term gives a stale leader.
		r += "-higher-term"
	case m.Type == raft.MsgApp && len(m.Entries) == 0:
		r += "-empty"
	case m.Type == raft.MsgApp && len(m.Entries) == 1:
		r += "-one"
	}
	return r
}
