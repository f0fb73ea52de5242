// Package raft is Raft as a pure, deterministic state machine in the style of
// etcd's raft RawNode. The application drives it with Tick and Step, and reads
// its decisions back as a Ready: what to persist, what to send once persisted,
// what to apply, and the typed events that explain every decision.
//
// The package reads no clock, starts no goroutines and uses no global
// randomness; the only source of randomness is Config.Rand.
package raft

// None is the placeholder node ID used when there is no leader or no vote.
const None uint64 = 0

// EntryType says how the application interprets an entry's Data.
type EntryType uint8

const (
	// EntryNormal carries application data; an empty one is the no-op a new
	// leader appends to commit entries of earlier terms (Raft §5.4.2).
	EntryNormal EntryType = iota
	// EntryConfChange carries an encoded ConfChange.
	EntryConfChange
)

// Entry is one log entry.
type Entry struct {
	Term  uint64
	Index uint64
	Type  EntryType
	Data  []byte
}

// HardState is the state a member must persist before it sends any message
// that depends on it: its term, its vote in that term, and its commit index.
type HardState struct {
	Term   uint64
	Vote   uint64
	Commit uint64
}

// IsEmpty reports whether hs is the zero HardState.
func (hs HardState) IsEmpty() bool { return hs == HardState{} }

// ConfState is a membership configuration as it is recorded in snapshots.
// VotersOutgoing is non-empty only in a joint configuration (C_old,new).
type ConfState struct {
	Voters         []uint64
	Learners       []uint64
	VotersOutgoing []uint64
	// LearnersNext are voters of the outgoing configuration that become
	// learners when the joint configuration is left.
	LearnersNext []uint64
	// AutoLeave is true when the joint configuration is left automatically
	// once the entry that entered it is applied.
	AutoLeave bool
}

// SnapshotMetadata says which log prefix and configuration a snapshot covers.
type SnapshotMetadata struct {
	Index     uint64
	Term      uint64
	ConfState ConfState
}

// Snapshot is an application snapshot at Metadata.Index.
type Snapshot struct {
	Metadata SnapshotMetadata
	Data     []byte
}

// IsEmpty reports whether the snapshot is the zero snapshot.
func (s Snapshot) IsEmpty() bool { return s.Metadata.Index == 0 }

// MessageType names a Raft message. Local message types (MsgHup, MsgBeat,
// MsgProp, ...) are stepped into a node by the application or the node itself.
type MessageType uint8

const (
	MsgHup            MessageType = iota // local: start an election
	MsgBeat                              // local: leader sends heartbeats
	MsgProp                              // propose entries (local, or forwarded to the leader)
	MsgApp                               // AppendEntries
	MsgAppResp                           // AppendEntries response
	MsgVote                              // RequestVote
	MsgVoteResp                          // RequestVote response
	MsgPreVote                           // pre-vote request (no term bump)
	MsgPreVoteResp                       // pre-vote response
	MsgSnap                              // InstallSnapshot
	MsgHeartbeat                         // heartbeat (carries commit)
	MsgHeartbeatResp                     // heartbeat response
	MsgUnreachable                       // local: the transport could not reach a peer
	MsgSnapStatus                        // local: snapshot delivery result
	MsgCheckQuorum                       // local: leader checks it heard from a quorum
	MsgTransferLeader                    // local or forwarded: transfer leadership to the node in Index
	MsgTimeoutNow                        // leader tells the transfer target to campaign now
	MsgReadIndex                         // ReadIndex request (local, or forwarded to the leader)
	MsgReadIndexResp                     // ReadIndex response to a forwarding follower
)

// Message is one Raft message. Fields are used as in etcd's raftpb.Message.
type Message struct {
	Type       MessageType
	From       uint64
	To         uint64
	Term       uint64
	LogTerm    uint64 // prev log term for MsgApp; last log term for votes
	Index      uint64 // prev log index for MsgApp; last log index for votes; match for MsgAppResp
	Entries    []Entry
	Commit     uint64
	Snapshot   *Snapshot
	Reject     bool
	RejectHint uint64 // on a rejected MsgAppResp: the follower's hint index
	Context    []byte // read request context, campaign type, ...
}

// IsLocal reports whether a message type never crosses the network.
func IsLocal(t MessageType) bool {
	switch t {
	case MsgHup, MsgBeat, MsgUnreachable, MsgSnapStatus, MsgCheckQuorum:
		return true
	}
	return false
}

// ConfChangeType is the kind of a single membership change.
type ConfChangeType uint8

const (
	ConfChangeAddNode ConfChangeType = iota
	ConfChangeRemoveNode
	ConfChangeAddLearnerNode
)

// ConfChangeSingle changes the role of one node.
type ConfChangeSingle struct {
	Type   ConfChangeType
	NodeID uint64
}

// ConfChangeTransition chooses how a change is carried out.
type ConfChangeTransition uint8

const (
	// ConfChangeTransitionAuto uses a single-step change when the change
	// has one element and joint consensus otherwise, leaving the joint
	// configuration automatically. With no elements it is the change that
	// leaves a joint configuration explicitly.
	ConfChangeTransitionAuto ConfChangeTransition = iota
	// ConfChangeTransitionJointImplicit always uses joint consensus and
	// leaves it automatically.
	ConfChangeTransitionJointImplicit
	// ConfChangeTransitionJointExplicit always uses joint consensus and waits
	// for an explicit empty ConfChange to leave it.
	ConfChangeTransitionJointExplicit
)

// ConfChange is a membership change carried in an EntryConfChange entry.
// An empty Changes list leaves a joint configuration.
type ConfChange struct {
	Transition ConfChangeTransition
	Changes    []ConfChangeSingle
	Context    []byte
}

// ReadState answers a ReadIndex request: the application may serve the read
// identified by RequestCtx once it has applied up to Index.
type ReadState struct {
	Index      uint64
	RequestCtx []byte
}

// StateType is a node's role.
type StateType uint8

const (
	StateFollower StateType = iota
	StateCandidate
	StateLeader
	StatePreCandidate
)

// SoftState is volatile state that the application may want to show; it
// need not be persisted.
type SoftState struct {
	Lead      uint64
	RaftState StateType
}

// ReadOnlyOption chooses how ReadIndex confirms leadership.
type ReadOnlyOption uint8

const (
	// ReadOnlySafe confirms leadership with a heartbeat round to a quorum.
	ReadOnlySafe ReadOnlyOption = iota
	// ReadOnlyLeaseBased answers reads from the leader lease (Raft thesis
	// §6.4.1): for an election timeout after a heartbeat round a quorum
	// answered, minus a tick, no other leader can be elected, because
	// those voters refuse votes for an election timeout after hearing from
	// the leader (check-quorum, which it requires). Outside the lease it
	// falls back to a heartbeat round. The lease assumes that ticks run at
	// the same rate everywhere and that nodes campaign only when their
	// election timer fires: Campaign on a follower that heard from the
	// leader within the election timeout, like a clock that jumps, can
	// break it. That is the price of skipping the round.
	ReadOnlyLeaseBased
)

// SnapshotStatus is the result of sending a snapshot, reported back by the
// application with ReportSnapshot.
type SnapshotStatus uint8

const (
	SnapshotFinish SnapshotStatus = iota
	SnapshotFailure
)

var messageTypeNames = [...]string{
	MsgHup:            "MsgHup",
	MsgBeat:           "MsgBeat",
	MsgProp:           "MsgProp",
	MsgApp:            "MsgApp",
	MsgAppResp:        "MsgAppResp",
	MsgVote:           "MsgVote",
	MsgVoteResp:       "MsgVoteResp",
	MsgPreVote:        "MsgPreVote",
	MsgPreVoteResp:    "MsgPreVoteResp",
	MsgSnap:           "MsgSnap",
	MsgHeartbeat:      "MsgHeartbeat",
	MsgHeartbeatResp:  "MsgHeartbeatResp",
	MsgUnreachable:    "MsgUnreachable",
	MsgSnapStatus:     "MsgSnapStatus",
	MsgCheckQuorum:    "MsgCheckQuorum",
	MsgTransferLeader: "MsgTransferLeader",
	MsgTimeoutNow:     "MsgTimeoutNow",
	MsgReadIndex:      "MsgReadIndex",
	MsgReadIndexResp:  "MsgReadIndexResp",
}

// String returns the message type's name, e.g. "MsgApp".
func (t MessageType) String() string {
	if int(t) < len(messageTypeNames) {
		return messageTypeNames[t]
	}
	return "MsgUnknown"
}

// String returns the role's stable identifier: "follower", "candidate",
// "leader" or "pre-candidate".
func (s StateType) String() string {
	switch s {
	case StateFollower:
		return "follower"
	case StateCandidate:
		return "candidate"
	case StateLeader:
		return "leader"
	case StatePreCandidate:
		return "pre-candidate"
	}
	return "unknown-state"
}
