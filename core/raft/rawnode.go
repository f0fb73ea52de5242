package raft

import "errors"

// Ready is everything a node decided since the last Ready that the
// application must act on, in this order: persist Entries, HardState and
// Snapshot (synchronously if MustSync); then send Messages; then apply
// Snapshot and CommittedEntries; then call Advance. The slices stay valid
// after Advance (the node never writes into them again) and may be kept,
// but they share memory with the node's log, so the application must not
// modify them.
type Ready struct {
	// SoftState is the new volatile state, or nil if it did not change.
	*SoftState
	// HardState is the hard state to persist, or empty if it did not
	// change.
	HardState HardState
	// ReadStates answer ReadIndex requests: each read may be served once
	// the application has applied up to its Index.
	ReadStates []ReadState
	// Entries are to be persisted before Messages are sent.
	Entries []Entry
	// Snapshot is to be persisted and applied, or empty.
	Snapshot Snapshot
	// CommittedEntries are to be applied, in order. They were persisted by
	// an earlier Ready, or are in Entries of this one.
	CommittedEntries []Entry
	// Messages are to be sent once Entries and HardState are persisted.
	Messages []Message
	// MustSync says whether Entries, HardState and Snapshot must be synced
	// to disk before Messages go out (the term, the vote or the log
	// changed).
	MustSync bool
	// Events explain every decision since the last Ready, in order.
	Events []Event
}

// RawNode is a Raft node driven by the application: it calls Tick on its
// clock, Step with received messages, the Propose family for requests, and
// processes each Ready before calling Advance. It does nothing on its own.
type RawNode struct {
	raft       *raft
	prevSoftSt SoftState
	prevHardSt HardState
}

// NewRawNode returns a node built from cfg, restoring its state from
// cfg.Storage. It returns an error naming the bad field if cfg is invalid.
func NewRawNode(cfg *Config) (*RawNode, error) {
	r, err := newRaft(cfg)
	if err != nil {
		return nil, err
	}
	// What the storage holds need not be persisted again, but the state
	// of a member that just bootstrapped a cluster must be.
	persisted, _, err := cfg.Storage.InitialState()
	if err != nil {
		return nil, err
	}
	return &RawNode{raft: r, prevSoftSt: r.softState(), prevHardSt: persisted}, nil
}

// Tick advances the node's logical clock by one tick.
func (rn *RawNode) Tick() { rn.raft.tick() }

// Campaign makes the node start an election now (with pre-vote if enabled).
// The Ready's Events say if it could not (for example a learner).
func (rn *RawNode) Campaign() error {
	return rn.raft.Step(Message{Type: MsgHup})
}

// Propose proposes data to be appended to the log. On a follower the
// proposal is forwarded to the leader. ErrProposalDropped means it was not
// accepted; a nil error does not mean it will commit.
func (rn *RawNode) Propose(data []byte) error {
	return rn.raft.Step(Message{Type: MsgProp, From: rn.raft.id, Entries: []Entry{{Data: data}}})
}

// ProposeConfChange proposes a membership change. On the leader it returns
// ErrConfChangePending while another change is not applied yet, and an
// error wrapping ErrInvalidConfChange if the change cannot apply to the
// current configuration. A follower forwards it; the leader's verdict then
// shows only in the leader's events.
func (rn *RawNode) ProposeConfChange(cc ConfChange) error {
	return rn.raft.Step(Message{Type: MsgProp, From: rn.raft.id,
		Entries: []Entry{{Type: EntryConfChange, Data: cc.Marshal()}}})
}

// ApplyConfChange installs a membership change; the application calls it
// when it applies a committed EntryConfChange entry. It returns the new
// configuration, which the application records for its snapshots.
func (rn *RawNode) ApplyConfChange(cc ConfChange) *ConfState {
	cs := rn.raft.applyConfChange(cc)
	return &cs
}

// TakeEvents returns the events recorded since the last Ready (or
// TakeEvents) and forgets them, so they are not in the next Ready. An
// application that applies committed entries one by one calls it after
// ApplyConfChange, so the configuration change is reported between the
// entries applied before and after it rather than in the next Ready, after
// all of them.
func (rn *RawNode) TakeEvents() []Event {
	r := rn.raft
	events := r.events
	r.events = nil
	return events
}

// Step hands the node a message received from a peer. A proposal a peer
// forwarded and this node refuses is not an error of the caller's: the
// refusal shows in the Ready's Events, and Step returns nil.
func (rn *RawNode) Step(m Message) error {
	if IsLocal(m.Type) {
		return ErrStepLocalMsg
	}
	if isResponse(m.Type) && rn.raft.trk.Progress[m.From] == nil {
		return ErrStepPeerNotFound
	}
	err := rn.raft.Step(m)
	if m.Type == MsgProp && (errors.Is(err, ErrProposalDropped) || errors.Is(err, ErrConfChangePending) || errors.Is(err, ErrInvalidConfChange)) {
		return nil
	}
	return err
}

// isResponse reports whether a message type answers an earlier request.
func isResponse(t MessageType) bool {
	switch t {
	case MsgAppResp, MsgVoteResp, MsgHeartbeatResp, MsgPreVoteResp:
		return true
	}
	return false
}

// ReadIndex asks for a linearizable read point. The answer comes back as a
// ReadState carrying rctx, which must identify the request uniquely; the
// read may be served once the application has applied up to its index.
func (rn *RawNode) ReadIndex(rctx []byte) {
	_ = rn.raft.Step(Message{Type: MsgReadIndex, Entries: []Entry{{Data: rctx}}})
}

// TransferLeader asks the leader to hand leadership to transferee. On a
// follower the request is forwarded to the leader.
func (rn *RawNode) TransferLeader(transferee uint64) {
	_ = rn.raft.Step(Message{Type: MsgTransferLeader, Index: transferee})
}

// ReportUnreachable tells the leader that the last message to id could not
// be delivered, so appends sent optimistically were probably lost.
func (rn *RawNode) ReportUnreachable(id uint64) {
	_ = rn.raft.Step(Message{Type: MsgUnreachable, From: id})
}

// ReportSnapshot tells the leader whether the snapshot sent to id arrived.
func (rn *RawNode) ReportSnapshot(id uint64, status SnapshotStatus) {
	_ = rn.raft.Step(Message{Type: MsgSnapStatus, From: id, Reject: status == SnapshotFailure})
}

// HasReady reports whether Ready would return anything.
func (rn *RawNode) HasReady() bool {
	r := rn.raft
	if r.appendsPending && r.state == StateLeader && len(r.peers) > 0 {
		return true
	}
	if r.softState() != rn.prevSoftSt {
		return true
	}
	if hs := r.hardState(); !hs.IsEmpty() && hs != rn.prevHardSt {
		return true
	}
	return r.raftLog.hasPendingSnapshot() || len(r.msgs) > 0 || len(r.raftLog.unstable.entries) > 0 ||
		r.raftLog.hasNextCommittedEnts() || len(r.readStates) > 0 || len(r.events) > 0
}

// Ready returns what the application must persist, send and apply, and the
// events since the last Ready. The application must call Advance once it
// has processed it, before the next Ready.
func (rn *RawNode) Ready() Ready {
	r := rn.raft
	r.flushAppends()
	rd := Ready{
		Entries:          r.raftLog.unstableEntries(),
		CommittedEntries: r.raftLog.nextCommittedEnts(),
		Messages:         r.msgs,
		ReadStates:       r.readStates,
		Events:           r.events,
	}
	if ss := r.softState(); ss != rn.prevSoftSt {
		// Allocated only on a change: taking the address of ss itself
		// would move it to the heap on every call.
		rd.SoftState = new(SoftState)
		*rd.SoftState = ss
		rn.prevSoftSt = ss
	}
	hs := r.hardState()
	if hs != rn.prevHardSt {
		rd.HardState = hs
		rd.MustSync = hs.Term != rn.prevHardSt.Term || hs.Vote != rn.prevHardSt.Vote
		rn.prevHardSt = hs
	}
	if r.raftLog.hasPendingSnapshot() {
		rd.Snapshot = *r.raftLog.unstable.snapshot
	}
	// The answer to an append or a snapshot tells the leader what this node
	// stores, so it must be on disk first.
	rd.MustSync = rd.MustSync || len(rd.Entries) > 0 || !rd.Snapshot.IsEmpty()
	// What is handed out now is never handed out again.
	r.msgsCapHint = len(r.msgs)
	r.msgs = nil
	r.readStates = nil
	r.eventsCapHint = len(r.events)
	r.events = nil
	if n := len(rd.CommittedEntries); n > 0 {
		r.raftLog.acceptApplying(rd.CommittedEntries[n-1].Index)
		for i := range rd.CommittedEntries {
			if rd.CommittedEntries[i].Type == EntryConfChange {
				r.confChangesToApply = append(r.confChangesToApply, rd.CommittedEntries[i].Index)
			}
		}
	}
	return rd
}

// Advance tells the node that the application processed rd: its entries
// and snapshot are persisted and its committed entries applied.
func (rn *RawNode) Advance(rd Ready) {
	r := rn.raft
	if n := len(rd.Entries); n > 0 {
		e := rd.Entries[n-1]
		r.raftLog.stableTo(e.Index, e.Term)
	}
	if !rd.Snapshot.IsEmpty() {
		r.raftLog.stableSnapTo(rd.Snapshot.Metadata.Index)
	}
	applied := rd.Snapshot.Metadata.Index
	if n := len(rd.CommittedEntries); n > 0 {
		applied = rd.CommittedEntries[n-1].Index
	}
	if applied > r.raftLog.applied {
		r.raftLog.appliedTo(applied)
		// Changes the application skipped no longer wait for it.
		for len(r.confChangesToApply) > 0 && r.confChangesToApply[0] <= applied {
			r.confChangesToApply = r.confChangesToApply[1:]
		}
		r.maybeAutoLeave()
		if r.campaignAfterApply && !r.hasUnappliedConfChanges() {
			r.campaignAfterApply = false
			r.hupForTransfer()
		}
	}
}

// Status returns the node's state for display: see Status.
func (rn *RawNode) Status() Status { return rn.raft.status() }
