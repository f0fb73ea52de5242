package raft

// Event explains one decision of a node: what happened (Kind), why (Reason)
// and the numbers behind it. The core never formats prose; catalogues
// outside it (netsim, the UI) turn events into words. Node, Term and Kind are
// always set; the doc comment of each EventKind says which other fields it
// sets. Fields that a kind does not mention are zero.
type Event struct {
	Kind   EventKind
	Reason Reason
	// MsgType and MsgTerm describe the message that caused the decision.
	MsgType MessageType
	// Node is the node that decided.
	Node uint64
	// Peer is the other node involved, if any (a candidate, a follower, the
	// sender of a message, a transfer target).
	Peer uint64
	// Term is Node's term when it decided.
	Term uint64
	// Index and LogTerm locate a log position; each kind says which.
	Index   uint64
	LogTerm uint64
	// OwnLastIndex and OwnLastTerm are the end of Node's log.
	OwnLastIndex uint64
	OwnLastTerm  uint64
	// CandLastIndex and CandLastTerm are the end of a candidate's log as
	// its vote request states it.
	CandLastIndex uint64
	CandLastTerm  uint64
	// Hint and HintTerm are the conflict hint of a rejected append.
	Hint     uint64
	HintTerm uint64
	// OldCommit and Commit are commit indexes before and after.
	OldCommit uint64
	Commit    uint64
	// Lead is a leader's ID; Vote is the node Node voted for.
	Lead uint64
	Vote uint64
	// MsgTerm is the term of the message that caused the decision.
	MsgTerm uint64
	// VotesGranted and VotesRejected count a candidate's answers so far,
	// its own vote included.
	VotesGranted  uint64
	VotesRejected uint64
}

// EventKind says what happened.
type EventKind uint8

const (
	// EventBecameFollower: Node became a follower in Term. Lead is the
	// leader if known; Peer is the node whose message caused it, if any.
	// Reason: ReasonStart, ReasonHigherTerm, ReasonLeaderAppeared,
	// ReasonQuorumLost, ReasonElectionLost, ReasonRemovedFromConfig,
	// ReasonSnapshotRestoreCandidate.
	EventBecameFollower EventKind = iota + 1
	// EventBecamePreCandidate: Node started a pre-vote for Term+1 without
	// increasing its term. Reason: ReasonElectionTimeout or ReasonCampaign.
	EventBecamePreCandidate
	// EventBecameCandidate: Node increased its term to Term and voted for
	// itself (Vote). Reason: ReasonElectionTimeout, ReasonCampaign,
	// ReasonPreVoteWon or ReasonTimeoutNow.
	EventBecameCandidate
	// EventBecameLeader: Node won the election of Term. Index is the index
	// of the empty entry it appends to commit entries of earlier terms;
	// Lead is Node.
	EventBecameLeader
	// EventSteppedDown: a leader, candidate or pre-candidate Node returned
	// to follower; Reason says why (ReasonHigherTerm, ReasonQuorumLost,
	// ReasonRemovedFromConfig (a removed leader saw the term of the voter
	// it handed over to), ReasonElectionLost, ReasonLeaderAppeared,
	// ReasonSnapshotRestoreCandidate). Term is the term Node stepped down
	// from. For a higher term MsgTerm is that term and Peer the node that
	// carried it. For ReasonElectionLost (the node can no longer win)
	// VotesGranted and VotesRejected are the tally and MsgTerm the term the
	// election was for (Term+1 for a pre-vote). The EventBecameFollower that
	// follows has the new term.
	EventSteppedDown
	// EventCampaignSkipped: Node should have started an election but did
	// not. Reason: ReasonNotPromotable, ReasonUnappliedConfChange,
	// ReasonAlreadyLeader.
	EventCampaignSkipped
	// EventVoteGranted: Node voted for candidate Peer in Term (Vote is
	// Peer; MsgTerm is the request's term). CandLastIndex, CandLastTerm,
	// OwnLastIndex and OwnLastTerm are set.
	EventVoteGranted
	// EventVoteRejected: Node refused its vote to Peer. MsgTerm is the
	// request's term. Reason: ReasonStaleTerm, ReasonAlreadyVoted (Vote),
	// ReasonLeaderKnown (Lead), ReasonLogBehind, ReasonLeaderAlive (Lead).
	// CandLastIndex, CandLastTerm, OwnLastIndex and OwnLastTerm are set.
	EventVoteRejected
	// EventPreVoteGranted: as EventVoteGranted, for a pre-vote; MsgTerm is
	// the term the pre-candidate would campaign in.
	EventPreVoteGranted
	// EventPreVoteRejected: as EventVoteRejected, for a pre-vote.
	EventPreVoteRejected
	// EventVoteReceived: candidate Node counted Peer's answer. Reason is
	// ReasonGranted or ReasonRejected; VotesGranted and VotesRejected are
	// the tally so far. MsgType says whether it was a vote or a pre-vote.
	EventVoteReceived
	// EventAppendAccepted: follower Node accepted an append from leader
	// Peer whose previous entry was (Index, LogTerm); Hint is the last index
	// the append vouches for, Commit is Node's commit index after it.
	EventAppendAccepted
	// EventAppendRejected: follower Node rejected an append from Peer whose
	// previous entry (Index, LogTerm) is not in its log. Reason:
	// ReasonPrevIndexMissing (the log is too short) or
	// ReasonPrevTermMismatch. Hint and HintTerm are the conflict hint sent
	// back; OwnLastIndex is the end of Node's log.
	EventAppendRejected
	// EventNextDecreased: leader Node learned that follower Peer rejected
	// an append at Index and moved its next index back to Hint (Raft §5.3).
	// HintTerm is the follower's hint term; Reason is ReasonConflictHint or
	// ReasonOneByOne.
	EventNextDecreased
	// EventCommitAdvanced: Node's commit index moved from OldCommit to
	// Commit. Reason: ReasonQuorumReplicated (a leader counted replicas),
	// ReasonLeaderCommit (a follower learned it from leader Peer).
	EventCommitAdvanced
	// EventSnapshotSent: leader Node sent follower Peer a snapshot at
	// (Index, LogTerm) because the entries it needs are compacted.
	EventSnapshotSent
	// EventSnapshotRestored: follower Node restored the snapshot at
	// (Index, LogTerm) sent by Peer; its commit index moved from OldCommit
	// to Commit.
	EventSnapshotRestored
	// EventSnapshotIgnored: Node ignored the snapshot at (Index, LogTerm)
	// from Peer. Reason: ReasonSnapshotStale (its commit index Commit is
	// already beyond), ReasonSnapshotFastForward (its log already holds the
	// snapshot's last entry, so it only advanced its commit index).
	EventSnapshotIgnored
	// EventSnapshotReported: leader Node learned that sending the snapshot
	// at Index to Peer finished (ReasonSnapshotFinished) or failed
	// (ReasonSnapshotFailed).
	EventSnapshotReported
	// EventConfChanged: Node applied the configuration change in the entry
	// at Index (0 if the change was not handed out in a Ready). Reason:
	// ReasonJointEntered, ReasonJointLeft or ReasonSimpleChange.
	EventConfChanged
	// EventJointAutoLeave: leader Node proposed, at Index, the empty change
	// that leaves the joint configuration automatically.
	EventJointAutoLeave
	// EventReadServed: Node answered a read request with read index Index.
	// Peer is the node that asked (Node itself for a local read). Reason:
	// ReasonQuorumConfirmed (safe mode), ReasonLease, ReasonSingleVoter,
	// ReasonLeaderAnswered (a follower received the leader's answer).
	EventReadServed
	// EventReadQueued: leader Node postponed a read from Peer. Reason:
	// ReasonNoCommitInTerm (until it has committed an entry of its own
	// term), ReasonLeaseExpired (lease mode: the lease does not cover the
	// read, so a heartbeat round must confirm it). Commit is the commit
	// index.
	EventReadQueued
	// EventReadDropped: Node dropped a read request from Peer. Reason:
	// ReasonNoLeader, ReasonNotLeader (Peer forwarded it here, but this
	// node no longer leads), ReasonLeadershipChanged (a queued read was lost
	// when the leader stepped down).
	EventReadDropped
	// EventTransferStarted: leader Node started handing leadership to Peer;
	// Index is Peer's match index. Reason: ReasonTransfer (asked for) or
	// ReasonRemovedFromConfig (Node applied a configuration in which it is
	// no voter; it leads until Peer takes over).
	EventTransferStarted
	// EventTransferAborted: leader Node gave up (or refused) the transfer to
	// Peer. Reason: ReasonTransferTimeout, ReasonTransfereeRemoved,
	// ReasonNewTransfer, ReasonNotPromotable (Peer is a learner),
	// ReasonNotInConfig (Peer is unknown). A transfer also ends when the
	// leader steps down; the role events tell that story.
	EventTransferAborted
	// EventTimeoutNowSent: leader Node told Peer, whose log is up to date
	// (Index is its match index), to start an election at once. Reason:
	// ReasonTransfer, ReasonRemovedFromConfig (the leader was removed and
	// hands over to speed up the next election).
	EventTimeoutNowSent
	// EventProposalDropped: Node dropped a proposal of Index entries from
	// Peer (Node itself for a local one). Reason: ReasonNoLeader,
	// ReasonTransferInProgress, ReasonConfChangePending,
	// ReasonInvalidConfChange, ReasonNotInConfig, ReasonNotLeader.
	EventProposalDropped
	// EventStaleMessageIgnored: Node ignored a message of type MsgType and
	// term MsgTerm from Peer because its own term is higher.
	EventStaleMessageIgnored
	// EventLogTruncated: follower Node deleted its entries Index through
	// OwnLastIndex, the first of which has term LogTerm, because they
	// conflict with the entries leader Peer sent (Raft §5.3). The
	// EventAppendAccepted for the same append follows.
	EventLogTruncated
)

var eventKindNames = [...]string{
	EventBecameFollower:      "became-follower",
	EventBecamePreCandidate:  "became-pre-candidate",
	EventBecameCandidate:     "became-candidate",
	EventBecameLeader:        "became-leader",
	EventSteppedDown:         "stepped-down",
	EventCampaignSkipped:     "campaign-skipped",
	EventVoteGranted:         "vote-granted",
	EventVoteRejected:        "vote-rejected",
	EventPreVoteGranted:      "pre-vote-granted",
	EventPreVoteRejected:     "pre-vote-rejected",
	EventVoteReceived:        "vote-received",
	EventAppendAccepted:      "append-accepted",
	EventAppendRejected:      "append-rejected",
	EventNextDecreased:       "next-decreased",
	EventCommitAdvanced:      "commit-advanced",
	EventSnapshotSent:        "snapshot-sent",
	EventSnapshotRestored:    "snapshot-restored",
	EventSnapshotIgnored:     "snapshot-ignored",
	EventSnapshotReported:    "snapshot-reported",
	EventConfChanged:         "conf-changed",
	EventJointAutoLeave:      "joint-auto-leave",
	EventReadServed:          "read-served",
	EventReadQueued:          "read-queued",
	EventReadDropped:         "read-dropped",
	EventTransferStarted:     "transfer-started",
	EventTransferAborted:     "transfer-aborted",
	EventTimeoutNowSent:      "timeout-now-sent",
	EventProposalDropped:     "proposal-dropped",
	EventStaleMessageIgnored: "stale-message-ignored",
	EventLogTruncated:        "log-truncated",
}

// String returns the kind's stable identifier, e.g. "vote-rejected".
func (k EventKind) String() string {
	if int(k) < len(eventKindNames) && eventKindNames[k] != "" {
		return eventKindNames[k]
	}
	return "unknown-event"
}

// Reason says why a node decided what an Event records.
type Reason uint8

const (
	// ReasonNone: the kind needs no reason.
	ReasonNone Reason = iota
	// ReasonStart: the node started (or restarted) as a follower.
	ReasonStart
	// ReasonHigherTerm: a message carried a higher term (Raft §5.1).
	ReasonHigherTerm
	// ReasonLeaderAppeared: a candidate heard from a leader of its term.
	ReasonLeaderAppeared
	// ReasonQuorumLost: check-quorum found that the leader did not hear
	// from a quorum within an election timeout.
	ReasonQuorumLost
	// ReasonElectionLost: a quorum refused the (pre-)vote.
	ReasonElectionLost
	// ReasonRemovedFromConfig: the node is no longer a voter.
	ReasonRemovedFromConfig
	// ReasonSnapshotRestoreCandidate: a candidate received a snapshot from
	// a leader of its term.
	ReasonSnapshotRestoreCandidate
	// ReasonElectionTimeout: no leader was heard within the randomized
	// election timeout.
	ReasonElectionTimeout
	// ReasonCampaign: the application asked the node to campaign.
	ReasonCampaign
	// ReasonPreVoteWon: a quorum granted the pre-vote.
	ReasonPreVoteWon
	// ReasonTimeoutNow: the leader handed leadership over with TimeoutNow.
	ReasonTimeoutNow
	// ReasonNotPromotable: the node is a learner, not in the configuration,
	// or has a snapshot pending.
	ReasonNotPromotable
	// ReasonUnappliedConfChange: a committed configuration change is not
	// applied yet, so the node does not know its configuration.
	ReasonUnappliedConfChange
	// ReasonAlreadyLeader: the node already leads.
	ReasonAlreadyLeader
	// ReasonStaleTerm: the request's term is lower than the node's.
	ReasonStaleTerm
	// ReasonAlreadyVoted: the node voted for another candidate this term.
	ReasonAlreadyVoted
	// ReasonLeaderKnown: the node already follows a leader this term.
	ReasonLeaderKnown
	// ReasonLogBehind: the candidate's log is less up to date (Raft §5.4.1).
	ReasonLogBehind
	// ReasonLeaderAlive: the node heard from a live leader within the
	// election timeout and ignores the request (check-quorum lease).
	ReasonLeaderAlive
	// ReasonGranted: a vote was granted.
	ReasonGranted
	// ReasonRejected: a vote was refused.
	ReasonRejected
	// ReasonPrevIndexMissing: the follower's log is shorter than the
	// append's previous index.
	ReasonPrevIndexMissing
	// ReasonPrevTermMismatch: the follower's entry at the previous index has
	// another term.
	ReasonPrevTermMismatch
	// ReasonConflictHint: the leader used the follower's conflict hint.
	ReasonConflictHint
	// ReasonOneByOne: the leader backed off one entry (teaching option).
	ReasonOneByOne
	// ReasonQuorumReplicated: a quorum stores the entry, which is of the
	// leader's term.
	ReasonQuorumReplicated
	// ReasonLeaderCommit: the leader's message carried the commit index.
	ReasonLeaderCommit
	// ReasonSnapshotStale: the snapshot is older than the commit index.
	ReasonSnapshotStale
	// ReasonSnapshotFastForward: the log already holds the snapshot's entry.
	ReasonSnapshotFastForward
	// ReasonNotInConfig: the node is not in the configuration.
	ReasonNotInConfig
	// ReasonSnapshotFinished: the snapshot reached the follower.
	ReasonSnapshotFinished
	// ReasonSnapshotFailed: the snapshot did not reach the follower.
	ReasonSnapshotFailed
	// ReasonJointEntered: the joint configuration C_old,new took effect.
	ReasonJointEntered
	// ReasonJointLeft: the joint configuration was left for C_new.
	ReasonJointLeft
	// ReasonSimpleChange: a single-step change took effect.
	ReasonSimpleChange
	// ReasonQuorumConfirmed: a heartbeat round confirmed leadership.
	ReasonQuorumConfirmed
	// ReasonLease: the leader lease vouches for leadership: a quorum
	// answered a heartbeat sent less than an election timeout ago, and
	// those voters refuse to elect anyone else until it has passed.
	ReasonLease
	// ReasonSingleVoter: the leader is the only voter.
	ReasonSingleVoter
	// ReasonLeaderAnswered: the leader answered a forwarded read.
	ReasonLeaderAnswered
	// ReasonNoCommitInTerm: the leader has not yet committed an entry of
	// its term, so its commit index may be behind (Raft §8).
	ReasonNoCommitInTerm
	// ReasonNoLeader: no leader is known to forward to.
	ReasonNoLeader
	// ReasonTransferTimeout: the transfer did not finish within an
	// election timeout.
	ReasonTransferTimeout
	// ReasonTransfereeRemoved: the transfer target left the configuration.
	ReasonTransfereeRemoved
	// ReasonNewTransfer: a transfer to another node replaced this one.
	ReasonNewTransfer
	// ReasonLeadershipChanged: the node stopped being leader or changed
	// term.
	ReasonLeadershipChanged
	// ReasonTransfer: a leadership transfer.
	ReasonTransfer
	// ReasonTransferInProgress: the leader takes no proposals while it
	// hands leadership over.
	ReasonTransferInProgress
	// ReasonConfChangePending: a configuration change is already pending.
	ReasonConfChangePending
	// ReasonInvalidConfChange: the configuration change cannot be applied
	// to the current configuration.
	ReasonInvalidConfChange
	// ReasonNotLeader: the node does not lead: a candidate takes no
	// proposals, and a follower does not pass on a request another node
	// forwarded to it.
	ReasonNotLeader
	// ReasonLeaseExpired: the leader lease does not cover the moment.
	ReasonLeaseExpired
)

var reasonNames = [...]string{
	ReasonNone:                     "none",
	ReasonStart:                    "start",
	ReasonHigherTerm:               "higher-term",
	ReasonLeaderAppeared:           "leader-appeared",
	ReasonQuorumLost:               "quorum-lost",
	ReasonElectionLost:             "election-lost",
	ReasonRemovedFromConfig:        "removed-from-config",
	ReasonSnapshotRestoreCandidate: "snapshot-restore-candidate",
	ReasonElectionTimeout:          "election-timeout",
	ReasonCampaign:                 "campaign",
	ReasonPreVoteWon:               "pre-vote-won",
	ReasonTimeoutNow:               "timeout-now",
	ReasonNotPromotable:            "not-promotable",
	ReasonUnappliedConfChange:      "unapplied-conf-change",
	ReasonAlreadyLeader:            "already-leader",
	ReasonStaleTerm:                "stale-term",
	ReasonAlreadyVoted:             "already-voted",
	ReasonLeaderKnown:              "leader-known",
	ReasonLogBehind:                "log-behind",
	ReasonLeaderAlive:              "leader-alive",
	ReasonGranted:                  "granted",
	ReasonRejected:                 "rejected",
	ReasonPrevIndexMissing:         "prev-index-missing",
	ReasonPrevTermMismatch:         "prev-term-mismatch",
	ReasonConflictHint:             "conflict-hint",
	ReasonOneByOne:                 "one-by-one",
	ReasonQuorumReplicated:         "quorum-replicated",
	ReasonLeaderCommit:             "leader-commit",
	ReasonSnapshotStale:            "snapshot-stale",
	ReasonSnapshotFastForward:      "snapshot-fast-forward",
	ReasonNotInConfig:              "not-in-config",
	ReasonSnapshotFinished:         "snapshot-finished",
	ReasonSnapshotFailed:           "snapshot-failed",
	ReasonJointEntered:             "joint-entered",
	ReasonJointLeft:                "joint-left",
	ReasonSimpleChange:             "simple-change",
	ReasonQuorumConfirmed:          "quorum-confirmed",
	ReasonLease:                    "lease",
	ReasonSingleVoter:              "single-voter",
	ReasonLeaderAnswered:           "leader-answered",
	ReasonNoCommitInTerm:           "no-commit-in-term",
	ReasonNoLeader:                 "no-leader",
	ReasonTransferTimeout:          "transfer-timeout",
	ReasonTransfereeRemoved:        "transferee-removed",
	ReasonNewTransfer:              "new-transfer",
	ReasonLeadershipChanged:        "leadership-changed",
	ReasonTransfer:                 "transfer",
	ReasonTransferInProgress:       "transfer-in-progress",
	ReasonConfChangePending:        "conf-change-pending",
	ReasonInvalidConfChange:        "invalid-conf-change",
	ReasonNotLeader:                "not-leader",
	ReasonLeaseExpired:             "lease-expired",
}

// String returns the reason's stable identifier, e.g. "log-behind".
func (r Reason) String() string {
	if int(r) < len(reasonNames) && reasonNames[r] != "" {
		return reasonNames[r]
	}
	return "unknown-reason"
}
