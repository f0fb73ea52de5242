package netsim

import "github.com/raft-playground/playground/core/raft"

// messageLabels are the short, stable labels of message types that the view,
// the trace and the UI's colours use.
var messageLabels = map[raft.MessageType]string{
	raft.MsgHup:            "hup",
	raft.MsgBeat:           "beat",
	raft.MsgProp:           "propose",
	raft.MsgApp:            "append",
	raft.MsgAppResp:        "append-resp",
	raft.MsgVote:           "vote",
	raft.MsgVoteResp:       "vote-resp",
	raft.MsgPreVote:        "pre-vote",
	raft.MsgPreVoteResp:    "pre-vote-resp",
	raft.MsgSnap:           "snapshot",
	raft.MsgHeartbeat:      "heartbeat",
	raft.MsgHeartbeatResp:  "heartbeat-resp",
	raft.MsgUnreachable:    "unreachable",
	raft.MsgSnapStatus:     "snap-status",
	raft.MsgCheckQuorum:    "check-quorum",
	raft.MsgTransferLeader: "transfer",
	raft.MsgTimeoutNow:     "timeout-now",
	raft.MsgReadIndex:      "read-index",
	raft.MsgReadIndexResp:  "read-index-resp",
}

// messageLabel is the label of t ("append"); unknown types get "msg-N".
func messageLabel(t raft.MessageType) string {
	if l, ok := messageLabels[t]; ok {
		return l
	}
	return "msg-" + itoa(uint64(t))
}

// MessageSummary is the part of a raft message the trace and the UI show:
// the type label and the numbers, not the entries' data. It is the Detail of
// send, deliver and drop records.
type MessageSummary struct {
	Type          string `json:"type"`
	Term          uint64 `json:"term"`
	Index         uint64 `json:"index"`
	LogTerm       uint64 `json:"logTerm"`
	Commit        uint64 `json:"commit"`
	Entries       int    `json:"entries"`
	Reject        bool   `json:"reject"`
	Hint          uint64 `json:"hint"`
	SnapshotIndex uint64 `json:"snapshotIndex,omitempty"`
	// FirstIndex and LastIndex are the range of entries carried (0: none).
	FirstIndex uint64 `json:"firstIndex,omitempty"`
	LastIndex  uint64 `json:"lastIndex,omitempty"`
}

// summarize extracts the summary of m.
func summarize(m raft.Message) MessageSummary {
	s := MessageSummary{
		Type: messageLabel(m.Type), Term: m.Term, Index: m.Index, LogTerm: m.LogTerm,
		Commit: m.Commit, Entries: len(m.Entries), Reject: m.Reject, Hint: m.RejectHint,
	}
	if m.Snapshot != nil {
		s.SnapshotIndex = m.Snapshot.Metadata.Index
	}
	if n := len(m.Entries); n > 0 {
		s.FirstIndex, s.LastIndex = m.Entries[0].Index, m.Entries[n-1].Index
	}
	return s
}

// itoa formats an unsigned number.
func itoa(v uint64) string {
	var buf [20]byte
	i := len(buf)
	for {
		i--
		buf[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	return string(buf[i:])
}
