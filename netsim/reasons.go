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
	if e.Reason == raft.ReasonNone {
		return ""
	}
	r := e.Reason.String()
	switch e.Kind {
	case raft.EventVoteReceived:
		if e.MsgType == raft.MsgPreVoteResp {
			r += "-pre-vote"
		}
	case raft.EventNextDecreased:
		if e.Reason == raft.ReasonConflictHint && e.HintTerm == 0 {
			// The follower's log was just short: no term conflicts.
			r = "log-short"
		}
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
	case e.Kind == member.EventPersisted && e.Term == 0:
		return "entries"
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
	}
	return r
}
