package raft

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/raft-playground/playground/core/raft/confchange"
	"github.com/raft-playground/playground/core/raft/tracker"
)

// campaignTransferContext marks vote requests of an election started by a
// leadership transfer. Such requests bypass the leader lease: the current
// leader itself asked for the election.
var campaignTransferContext = []byte("CampaignTransfer")

// campaignType says which kind of election a node starts.
type campaignType uint8

const (
	// campaignPreElection starts the pre-vote phase (PreVote enabled).
	campaignPreElection campaignType = iota
	// campaignElection starts a normal election.
	campaignElection
	// campaignTransfer starts an election on the leader's TimeoutNow.
	campaignTransfer
)

// raft is the state machine of one node. RawNode wraps it; tests reach into
// it to set up situations that are hard to reach from outside.
type raft struct {
	id uint64

	// Term, Vote and raftLog.committed form the hard state.
	Term uint64
	Vote uint64

	raftLog *raftLog

	maxMsgSize uint64
	trk        tracker.ProgressTracker
	// peers holds the IDs of every voter and learner except this node, in
	// ascending order: the order in which a leader addresses them. It is
	// kept with the configuration so that the hot paths need not sort.
	peers []uint64

	state StateType
	// isLearner is true when this node is a learner of the configuration.
	isLearner bool

	// msgs are the messages to send once the Ready that carries them has
	// been persisted.
	msgs []Message
	// appendsPending is true when a leader appended proposals that it has
	// not sent yet; Ready sends them (flushAppends).
	appendsPending bool
	// msgsCapHint sizes the next msgs slice after the previous one was
	// handed out, saving the allocations of growing it one by one.
	msgsCapHint int

	// lead is the leader of the current term, or None.
	lead uint64
	// leadTransferee is the target of a leadership transfer in progress, or
	// None.
	leadTransferee uint64
	// campaignAfterApply is true when the leader asked this node to
	// campaign (TimeoutNow) while a committed configuration change was not
	// applied yet: it campaigns as soon as the application has applied it.
	campaignAfterApply bool
	// transferReason says why the transfer in progress was started:
	// ReasonTransfer (asked for) or ReasonRemovedFromConfig.
	transferReason Reason
	// pendingConfIndex is, on a leader, the index of the latest
	// configuration change it appended (or its last index when it was
	// elected, since the log may hold one). A new change may be proposed
	// only once this index is applied.
	pendingConfIndex uint64

	readOnly   *readOnly
	readStates []ReadState
	// pendingReadIndexMessages are read requests that arrived before the
	// leader committed an entry of its term; they are answered once it has.
	pendingReadIndexMessages []Message

	// electionElapsed counts ticks since the last election timeout reset:
	// since the last message from a leader (follower), the start of the
	// election (candidate), or the last check-quorum (leader).
	electionElapsed int
	// heartbeatElapsed counts a leader's ticks since its last heartbeat.
	heartbeatElapsed int

	checkQuorum         bool
	preVote             bool
	disableConflictHint bool

	heartbeatTimeout int
	electionTimeout  int
	// ticks counts every tick since the node started: the clock of the
	// leader lease.
	ticks uint64
	// leaseRevoked is true once the leader sent TimeoutNow in its term; it
	// answers no more reads from its lease in that term.
	leaseRevoked bool
	// randomizedElectionTimeout is in [electionTimeout, 2*electionTimeout)
	// and is drawn anew whenever the node resets its election timer.
	randomizedElectionTimeout int
	rand                      Rand

	// confChangesToApply holds, in log order, the indexes of the
	// configuration-change entries handed to the application and not yet
	// applied, so that each EventConfChanged names its entry.
	confChangesToApply []uint64

	// events are the explanations emitted since the last Ready.
	events        []Event
	eventsCapHint int
}

// newRaft builds a node from a validated config and its storage's state.
func newRaft(c *Config) (*raft, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	hs, cs, err := c.Storage.InitialState()
	if err != nil {
		return nil, fmt.Errorf("raft: reading the initial state from storage: %w", err)
	}
	r := &raft{
		id:                  c.ID,
		raftLog:             newRaftLog(c.Storage),
		maxMsgSize:          c.MaxSizePerMsg,
		trk:                 tracker.MakeProgressTracker(c.MaxInflightMsgs),
		electionTimeout:     c.ElectionTick,
		heartbeatTimeout:    c.HeartbeatTick,
		checkQuorum:         c.CheckQuorum,
		preVote:             c.PreVote,
		disableConflictHint: c.DisableConflictHint,
		readOnly:            newReadOnly(c.ReadOnlyOption),
		rand:                c.Rand,
	}
	// The configuration starts as the snapshot's (empty without one); the
	// application re-applies the configuration changes logged after it.
	changer := confchange.Changer{Tracker: r.trk, LastIndex: r.raftLog.lastIndex()}
	cfg, prs, err := changer.Restore(tracker.ConfState(cs))
	if err != nil {
		return nil, fmt.Errorf("%w: the storage's configuration: %w", ErrInvalidConfig, err)
	}
	r.switchToConfig(cfg, prs)
	if !hs.IsEmpty() {
		if err := r.loadState(hs); err != nil {
			return nil, err
		}
	}
	switch {
	case !confStateIsEmpty(cs) || len(c.Voters)+len(c.Learners) == 0:
		// The snapshot's configuration, or a member being added, which
		// learns the configuration from the leader.
	case hs.IsEmpty() && r.raftLog.lastIndex() == 0:
		if err := r.bootstrap(c.Voters, c.Learners); err != nil {
			return nil, err
		}
	default:
		// A member restarted from a log without a snapshot: its
		// configuration starts as the initial one, and the application
		// re-applies the logged changes.
		if err := r.installInitialConfig(c.Voters, c.Learners); err != nil {
			return nil, err
		}
	}
	if c.Applied > 0 {
		if c.Applied > r.raftLog.committed {
			return nil, fmt.Errorf("%w: Applied (%d) is beyond the commit index (%d)", ErrInvalidConfig, c.Applied, r.raftLog.committed)
		}
		r.raftLog.appliedTo(max(c.Applied, r.raftLog.applied))
	}
	r.becomeFollower(r.Term, None, ReasonStart, None)
	return r, nil
}

// bootstrap starts a new cluster. It writes the initial configuration into
// the log as committed configuration changes of term 1, one per member in
// ascending ID order, exactly as every other founding member writes them.
// A member added later starts with an empty log and learns the
// configuration by replicating these entries (or a snapshot covering them),
// and a member restarted from its log rebuilds it the same way: the
// configuration always follows from the log alone.
func (r *raft) bootstrap(voters, learners []uint64) error {
	ents := make([]Entry, 0, len(voters)+len(learners))
	add := func(t ConfChangeType, ids []uint64) {
		for _, id := range slices.Sorted(slices.Values(ids)) {
			cc := ConfChange{Changes: []ConfChangeSingle{{Type: t, NodeID: id}}}
			ents = append(ents, Entry{Term: 1, Index: uint64(len(ents)) + 1, Type: EntryConfChange, Data: cc.Marshal()})
		}
	}
	add(ConfChangeAddNode, voters)
	add(ConfChangeAddLearnerNode, learners)
	r.raftLog.append(ents...)
	r.raftLog.committed = uint64(len(ents))
	// The configuration is installed at once; the application still
	// applies the entries like any committed change (adding a member that
	// is already there changes nothing), so that it knows the
	// configuration for its snapshots. Until it has, the node does not
	// campaign.
	r.Term = 1
	return r.installInitialConfig(voters, learners)
}

// installInitialConfig makes voters and learners the configuration.
func (r *raft) installInitialConfig(voters, learners []uint64) error {
	changer := confchange.Changer{Tracker: r.trk, LastIndex: r.raftLog.lastIndex()}
	cfg, prs, err := changer.Restore(tracker.ConfState{Voters: voters, Learners: learners})
	if err != nil {
		return fmt.Errorf("%w: initial configuration: %w", ErrInvalidConfig, err)
	}
	r.switchToConfig(cfg, prs)
	return nil
}

func confStateIsEmpty(cs ConfState) bool {
	return len(cs.Voters) == 0 && len(cs.Learners) == 0 && len(cs.VotersOutgoing) == 0 && len(cs.LearnersNext) == 0
}

// loadState restores a persisted hard state.
func (r *raft) loadState(hs HardState) error {
	if hs.Commit < r.raftLog.committed || hs.Commit > r.raftLog.lastIndex() {
		return fmt.Errorf("raft: persisted commit index %d is out of range [%d, %d]; the log was lost or truncated",
			hs.Commit, r.raftLog.committed, r.raftLog.lastIndex())
	}
	r.raftLog.committed = hs.Commit
	r.Term = hs.Term
	r.Vote = hs.Vote
	return nil
}

func (r *raft) hardState() HardState {
	return HardState{Term: r.Term, Vote: r.Vote, Commit: r.raftLog.committed}
}

func (r *raft) softState() SoftState { return SoftState{Lead: r.lead, RaftState: r.state} }

// emit records an event, filling in the deciding node and its term.
func (r *raft) emit(e Event) {
	e.Node = r.id
	e.Term = r.Term
	if r.events == nil {
		r.events = make([]Event, 0, max(2, r.eventsCapHint))
	}
	r.events = append(r.events, e)
}

// send queues a message. Proposals and read requests forwarded to the
// leader keep term 0 (they are handled like local messages there); vote
// messages carry the term their sender set; every other message carries the
// node's current term.
func (r *raft) send(m Message) {
	if m.From == None {
		m.From = r.id
	}
	switch m.Type {
	case MsgVote, MsgVoteResp, MsgPreVote, MsgPreVoteResp:
		if m.Term == 0 {
			panic(fmt.Sprintf("raft: %s sent without a term", m.Type))
		}
	case MsgProp, MsgReadIndex:
	default:
		m.Term = r.Term
	}
	if r.msgs == nil {
		r.msgs = make([]Message, 0, max(2, r.msgsCapHint))
	}
	r.msgs = append(r.msgs, m)
}

// reset starts a new term (or a new role in the same term): it forgets the
// vote if the term changes, the leader, the timers, the votes and the
// per-peer progress.
func (r *raft) reset(term uint64) {
	if r.Term != term {
		r.Term = term
		r.Vote = None
	}
	r.lead = None
	r.appendsPending = false
	r.leaseRevoked = false
	r.campaignAfterApply = false
	r.electionElapsed = 0
	r.heartbeatElapsed = 0
	r.resetRandomizedElectionTimeout()
	// A transfer ends with the leadership; the role events say how, so
	// it is dropped without an event of its own.
	r.leadTransferee = None
	r.trk.ResetVotes()
	last := r.raftLog.lastIndex()
	r.trk.Visit(func(id uint64, pr *tracker.Progress) {
		inflights := pr.Inflights
		inflights.Reset()
		*pr = tracker.Progress{Next: last + 1, Inflights: inflights, IsLearner: pr.IsLearner}
		if id == r.id {
			pr.Match = last
		}
	})
	r.pendingConfIndex = 0
	for _, rs := range r.readOnly.queue {
		r.emit(Event{Kind: EventReadDropped, Reason: ReasonLeadershipChanged, Peer: origin(rs.req, r.id)})
	}
	r.readOnly.reset()
	for _, m := range r.pendingReadIndexMessages {
		r.emit(Event{Kind: EventReadDropped, Reason: ReasonLeadershipChanged, Peer: origin(m, r.id)})
	}
	r.pendingReadIndexMessages = nil
}

func (r *raft) resetRandomizedElectionTimeout() {
	r.randomizedElectionTimeout = r.electionTimeout + r.rand.IntN(r.electionTimeout)
}

func (r *raft) pastElectionTimeout() bool {
	return r.electionElapsed >= r.randomizedElectionTimeout
}

// becomeFollower makes the node a follower in term, following lead (None if
// unknown). reason and from (the node whose message caused it, if any) go
// into the events.
func (r *raft) becomeFollower(term, lead uint64, reason Reason, from uint64) {
	if r.state != StateFollower {
		// Emitted before the term changes, so that Term is the term the
		// node stepped down from.
		down := Event{Kind: EventSteppedDown, Reason: reason, Peer: from, Lead: lead}
		switch {
		case reason == ReasonElectionLost:
			granted, rejected, _ := r.trk.TallyVotes()
			down.VotesGranted, down.VotesRejected = uint64(granted), uint64(rejected)
			down.MsgTerm = r.Term
			if r.state == StatePreCandidate {
				down.MsgTerm = r.Term + 1
			}
		case term > r.Term:
			down.MsgTerm = term
		}
		r.emit(down)
	}
	r.reset(term)
	r.state = StateFollower
	r.lead = lead
	r.emit(Event{Kind: EventBecameFollower, Reason: reason, Peer: from, Lead: lead})
}

// becomePreCandidate starts the pre-vote phase. Unlike becomeCandidate it
// changes neither the term nor the vote, so a node that cannot win leaves no
// trace on the cluster.
func (r *raft) becomePreCandidate(reason Reason) {
	if r.state == StateLeader {
		panic("raft: invalid transition from leader to pre-candidate")
	}
	r.trk.ResetVotes()
	r.lead = None
	r.state = StatePreCandidate
	r.emit(Event{Kind: EventBecamePreCandidate, Reason: reason})
}

// becomeCandidate starts an election in the next term, voting for itself.
func (r *raft) becomeCandidate(reason Reason) {
	if r.state == StateLeader {
		panic("raft: invalid transition from leader to candidate")
	}
	r.reset(r.Term + 1)
	r.Vote = r.id
	r.state = StateCandidate
	r.emit(Event{Kind: EventBecameCandidate, Reason: reason, Vote: r.id})
}

// becomeLeader takes leadership of the current term and appends an empty
// entry: committing it commits every entry of earlier terms before it, which
// a leader may not commit by counting replicas (Raft §5.4.2).
func (r *raft) becomeLeader() {
	if r.state == StateFollower {
		panic("raft: invalid transition from follower to leader")
	}
	r.reset(r.Term)
	r.lead = r.id
	r.state = StateLeader
	pr := r.trk.Progress[r.id]
	pr.BecomeReplicate()
	pr.RecentActive = true
	// The uncommitted tail may hold a configuration change; no new change
	// may be proposed before everything in it is applied.
	r.pendingConfIndex = r.raftLog.lastIndex()
	r.emit(Event{Kind: EventBecameLeader, Index: r.raftLog.lastIndex() + 1, Lead: r.id})
	r.appendEntry(Entry{})
}

// tick advances the node's logical clock by one tick.
func (r *raft) tick() {
	r.ticks++
	if r.state == StateLeader {
		r.tickHeartbeat()
	} else {
		r.tickElection()
	}
}

// tickElection is the tick of followers and candidates: once the randomized
// election timeout passes without word from a leader, the node campaigns.
func (r *raft) tickElection() {
	r.electionElapsed++
	if r.promotable() && r.pastElectionTimeout() {
		r.electionElapsed = 0
		r.hup(ReasonElectionTimeout)
	}
}

// tickHeartbeat is the leader's tick: heartbeats every heartbeat timeout,
// and every election timeout the check-quorum and the transfer deadline.
func (r *raft) tickHeartbeat() {
	r.heartbeatElapsed++
	r.electionElapsed++
	if r.electionElapsed >= r.electionTimeout {
		r.electionElapsed = 0
		if r.checkQuorum {
			_ = r.Step(Message{From: r.id, Type: MsgCheckQuorum})
		}
		// A transfer that did not finish within an election timeout is
		// abandoned so that the leader takes proposals again. A leader
		// that is no longer a voter tries again at once.
		if r.state == StateLeader && r.leadTransferee != None {
			r.abortLeaderTransfer(ReasonTransferTimeout)
		}
		if r.state == StateLeader && r.removedFromConfig() {
			r.handOverAfterRemoval()
		}
	}
	if r.state != StateLeader {
		return
	}
	if r.heartbeatElapsed >= r.heartbeatTimeout {
		r.heartbeatElapsed = 0
		_ = r.Step(Message{From: r.id, Type: MsgBeat})
	}
}

// Step handles one message: first the term rules every role shares
// (Raft §5.1), then the role's own handling.
func (r *raft) Step(m Message) error {
	switch {
	case m.Term == 0:
		// A local message, or a forwarded proposal or read request.
	case m.Term > r.Term:
		if m.Type == MsgVote || m.Type == MsgPreVote {
			force := bytes.Equal(m.Context, campaignTransferContext)
			inLease := r.checkQuorum && r.lead != None && r.electionElapsed < r.electionTimeout
			// With lease reads a node that just (re)started also waits an
			// election timeout: before a crash it may have answered the
			// heartbeat that a leader's lease is counting on.
			inLease = inLease || (r.checkQuorum && r.readOnly.option == ReadOnlyLeaseBased && r.ticks < uint64(r.electionTimeout))
			if !force && inLease {
				// The node heard from a live leader within the election
				// timeout, so it ignores the request without adopting the
				// higher term: a member that was cut off and rejoins must
				// not depose a healthy leader.
				r.emitVoteRefusal(m, ReasonLeaderAlive)
				return nil
			}
		}
		switch {
		case m.Type == MsgPreVote:
			// A pre-vote never changes the term.
		case m.Type == MsgPreVoteResp && !m.Reject:
			// The term in a granted pre-vote response is the term the
			// pre-candidate will campaign in; it adopts it only once a
			// quorum granted it.
		default:
			lead := None
			if m.Type == MsgApp || m.Type == MsgHeartbeat || m.Type == MsgSnap {
				lead = m.From
			}
			elapsed, timeout := r.electionElapsed, r.randomizedElectionTimeout
			reason := ReasonHigherTerm
			if r.state == StateLeader && r.removedFromConfig() {
				// The new leader it handed over to has taken over.
				reason = ReasonRemovedFromConfig
			}
			r.becomeFollower(m.Term, lead, reason, m.From)
			if m.Type == MsgVote {
				// A vote request is no word from a leader: the election
				// timer keeps running unless the vote is granted (Raft
				// §5.2). Otherwise a candidate with a stale log, refused
				// again and again, would keep resetting the timer of the
				// node that could win.
				r.electionElapsed, r.randomizedElectionTimeout = elapsed, timeout
			}
		}
	case m.Term < r.Term:
		r.stepStaleTerm(m)
		return nil
	}

	switch m.Type {
	case MsgHup:
		r.hup(ReasonCampaign)
	case MsgVote, MsgPreVote:
		r.handleVoteRequest(m)
	default:
		switch r.state {
		case StateLeader:
			return r.stepLeader(m)
		case StateCandidate, StatePreCandidate:
			return r.stepCandidate(m)
		default:
			return r.stepFollower(m)
		}
	}
	return nil
}

// stepStaleTerm handles a message from a lower term.
func (r *raft) stepStaleTerm(m Message) {
	switch {
	case (r.checkQuorum || r.preVote) && (m.Type == MsgHeartbeat || m.Type == MsgApp):
		// A leader cut off by a partition keeps its old term. With
		// check-quorum or pre-vote the others never raise their term
		// towards it, so it would never learn of the new term on its own;
		// the answer tells it, and it steps down.
		r.emit(Event{Kind: EventStaleMessageIgnored, Peer: m.From, MsgType: m.Type, MsgTerm: m.Term})
		r.send(Message{To: m.From, Type: MsgAppResp})
	case m.Type == MsgPreVote || m.Type == MsgVote:
		r.emitVoteRefusal(m, ReasonStaleTerm)
		r.send(Message{To: m.From, Term: r.Term, Type: voteResponseType(m.Type), Reject: true})
	default:
		r.emit(Event{Kind: EventStaleMessageIgnored, Peer: m.From, MsgType: m.Type, MsgTerm: m.Term})
	}
}

// stepLeader handles a message in the leader role.
func (r *raft) stepLeader(m Message) error {
	switch m.Type {
	case MsgBeat:
		r.bcastHeartbeat()
		return nil
	case MsgCheckQuorum:
		if !r.trk.QuorumActive() {
			r.becomeFollower(r.Term, None, ReasonQuorumLost, None)
			return nil
		}
		// Everyone must prove again within the next election timeout
		// that it can hear the leader.
		r.trk.Visit(func(id uint64, pr *tracker.Progress) {
			if id != r.id {
				pr.RecentActive = false
			}
		})
		return nil
	case MsgProp:
		return r.handleProposal(m)
	case MsgReadIndex:
		r.handleReadIndex(m)
		return nil
	case MsgTransferLeader:
		r.handleTransferLeader(m)
		return nil
	}

	// Everything else comes from a peer that must be in the configuration.
	pr := r.trk.Progress[m.From]
	if pr == nil {
		return nil
	}
	switch m.Type {
	case MsgAppResp:
		r.handleAppendResponse(m, pr)
	case MsgHeartbeatResp:
		r.handleHeartbeatResponse(m, pr)
	case MsgSnapStatus:
		if pr.State != tracker.StateSnapshot {
			return nil
		}
		reason := ReasonSnapshotFinished
		if m.Reject {
			// Probe from the known match instead of from the snapshot.
			reason = ReasonSnapshotFailed
			pr.PendingSnapshot = 0
		}
		r.emit(Event{Kind: EventSnapshotReported, Reason: reason, Peer: m.From, Index: pr.PendingSnapshot})
		pr.BecomeProbe()
		// Wait for a heartbeat response before probing: the follower may
		// still be busy applying the snapshot.
		pr.MsgAppFlowPaused = true
	case MsgUnreachable:
		// Appends sent optimistically were probably lost.
		if pr.State == tracker.StateReplicate {
			pr.BecomeProbe()
		}
	}
	return nil
}

// stepCandidate handles a message in the candidate and pre-candidate roles.
func (r *raft) stepCandidate(m Message) error {
	switch m.Type {
	case MsgProp:
		r.emit(Event{Kind: EventProposalDropped, Reason: ReasonNotLeader, Peer: origin(m, r.id), Index: uint64(len(m.Entries))})
		return ErrProposalDropped
	case MsgApp:
		r.becomeFollower(m.Term, m.From, ReasonLeaderAppeared, m.From)
		r.handleAppendEntries(m)
	case MsgHeartbeat:
		r.becomeFollower(m.Term, m.From, ReasonLeaderAppeared, m.From)
		r.handleHeartbeat(m)
	case MsgSnap:
		r.becomeFollower(m.Term, m.From, ReasonSnapshotRestoreCandidate, m.From)
		r.handleSnapshot(m)
	case MsgVoteResp, MsgPreVoteResp:
		r.handleVoteResponse(m)
	case MsgReadIndex:
		r.emit(Event{Kind: EventReadDropped, Reason: ReasonNoLeader, Peer: origin(m, r.id)})
	}
	return nil
}

// stepFollower handles a message in the follower role.
func (r *raft) stepFollower(m Message) error {
	// A request forwarded by another node that took this one for the
	// leader is dropped, not forwarded again: a message always comes from
	// the node that sent it, and the requester retries.
	forwarded := m.From != None && m.From != r.id
	switch m.Type {
	case MsgProp:
		if r.lead == None || forwarded {
			r.emit(Event{Kind: EventProposalDropped, Reason: notLeaderReason(forwarded), Peer: origin(m, r.id), Index: uint64(len(m.Entries))})
			return ErrProposalDropped
		}
		m.To = r.lead
		r.send(m)
	case MsgApp:
		r.electionElapsed = 0
		r.lead = m.From
		r.handleAppendEntries(m)
	case MsgHeartbeat:
		r.electionElapsed = 0
		r.lead = m.From
		r.handleHeartbeat(m)
	case MsgSnap:
		r.electionElapsed = 0
		r.lead = m.From
		r.handleSnapshot(m)
	case MsgTransferLeader:
		if r.lead == None || forwarded {
			return nil
		}
		m.To = r.lead
		r.send(m)
	case MsgTimeoutNow:
		r.hupForTransfer()
	case MsgReadIndex:
		if r.lead == None || forwarded {
			r.emit(Event{Kind: EventReadDropped, Reason: notLeaderReason(forwarded), Peer: origin(m, r.id)})
			return nil
		}
		m.To = r.lead
		r.send(m)
	case MsgReadIndexResp:
		if len(m.Entries) != 1 {
			return nil
		}
		r.readStates = append(r.readStates, ReadState{Index: m.Index, RequestCtx: m.Entries[0].Data})
		r.emit(Event{Kind: EventReadServed, Reason: ReasonLeaderAnswered, Peer: m.From, Index: m.Index})
	}
	return nil
}

// notLeaderReason says why a follower drops a request: it knows no leader,
// or the request was forwarded to it by a node that took it for the leader.
func notLeaderReason(forwarded bool) Reason {
	if forwarded {
		return ReasonNotLeader
	}
	return ReasonNoLeader
}

// origin names the node a proposal or read request came from: its sender,
// or this node for a local one.
func origin(m Message, self uint64) uint64 {
	if m.From == None {
		return self
	}
	return m.From
}
