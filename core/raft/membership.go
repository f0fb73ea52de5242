package raft

import (
	"fmt"

	"github.com/raft-playground/playground/core/raft/confchange"
	"github.com/raft-playground/playground/core/raft/tracker"
)

// checkConfChangeProposal decides whether the leader accepts a proposed
// configuration change. anotherInBatch is true when the same proposal
// already carries a change. Because only one change may be pending, the
// configuration the change will be applied to is the current one, so the
// leader can check it now and refuse a change that could never apply.
func (r *raft) checkConfChangeProposal(data []byte, anotherInBatch bool) error {
	if anotherInBatch || r.pendingConfIndex > r.raftLog.applied {
		return ErrConfChangePending
	}
	cc, err := UnmarshalConfChange(data)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidConfChange, err)
	}
	if r.trk.Config.Joint() && r.trk.Config.AutoLeave && !cc.leaveJoint() {
		// The leader itself will propose leaving; until then the joint
		// configuration counts as the pending change.
		return ErrConfChangePending
	}
	if _, _, err := r.changeConfig(cc); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidConfChange, err)
	}
	return nil
}

// changeConfig computes the configuration after cc without installing it.
func (r *raft) changeConfig(cc ConfChange) (tracker.Config, tracker.ProgressMap, error) {
	changer := confchange.Changer{Tracker: r.trk, LastIndex: r.raftLog.lastIndex()}
	if cc.leaveJoint() {
		return changer.LeaveJoint()
	}
	singles := make([]confchange.Single, len(cc.Changes))
	for i, c := range cc.Changes {
		singles[i] = confchange.Single{Type: confchange.ChangeType(c.Type), NodeID: c.NodeID}
	}
	if autoLeave, joint := cc.enterJoint(); joint {
		return changer.EnterJoint(autoLeave, singles...)
	}
	return changer.Simple(singles...)
}

// applyConfChange installs the configuration change the application is
// applying from a committed entry and returns the new configuration.
func (r *raft) applyConfChange(cc ConfChange) ConfState {
	cfg, prs, err := r.changeConfig(cc)
	if err != nil {
		// Every node applies the same committed changes in the same order
		// to the same configuration, and the leader checked this one
		// against it before proposing, so this cannot fail.
		panic(fmt.Sprintf("raft: cannot apply a committed configuration change: %v", err))
	}
	reason := ReasonSimpleChange
	switch {
	case cc.leaveJoint():
		reason = ReasonJointLeft
	case cfg.Joint():
		reason = ReasonJointEntered
	}
	var index uint64
	if len(r.confChangesToApply) > 0 {
		index = r.confChangesToApply[0]
		r.confChangesToApply = r.confChangesToApply[1:]
	}
	r.emit(Event{Kind: EventConfChanged, Reason: reason, Index: index})
	return r.switchToConfig(cfg, prs)
}

// switchToConfig installs a configuration and progress map, and lets the
// leader react: a removed leader steps down, a smaller quorum may commit
// more, new peers are probed, a removed transfer target ends the transfer.
func (r *raft) switchToConfig(cfg tracker.Config, prs tracker.ProgressMap) ConfState {
	r.trk.Config = cfg
	r.trk.Progress = prs
	r.peers = r.peers[:0]
	for _, id := range prs.IDs() {
		if id != r.id {
			r.peers = append(r.peers, id)
		}
	}
	cs := ConfState(r.trk.ConfState())
	pr, ok := r.trk.Progress[r.id]
	r.isLearner = ok && pr.IsLearner
	if r.state != StateLeader || len(cs.Voters) == 0 {
		return cs
	}
	if r.maybeCommit() {
		r.bcastAppend()
	} else {
		for _, id := range r.peers {
			r.maybeSendAppend(id, false)
		}
	}
	if r.leadTransferee != None {
		if tpr := r.trk.Progress[r.leadTransferee]; tpr == nil || tpr.IsLearner {
			r.abortLeaderTransfer(ReasonTransfereeRemoved)
		}
	}
	if r.removedFromConfig() {
		r.handOverAfterRemoval()
	}
	return cs
}

// removedFromConfig reports whether the node is no voter of the
// configuration (removed, or demoted to learner).
func (r *raft) removedFromConfig() bool {
	pr := r.trk.Progress[r.id]
	return pr == nil || pr.IsLearner
}

// handOverAfterRemoval is what a leader does once it applied a
// configuration in which it is no voter. It manages a cluster it is no
// longer part of (Raft §6): it takes no proposals, keeps replicating so that
// the new voters learn that the change is committed, and transfers
// leadership to the voter with the highest match index (the lowest ID among
// equals). Stepping down at once could strand the new configuration: a
// voter that has not yet learned of the commit still counts on the old
// leader's vote, which the old leader would refuse if its log is longer.
// It steps down once it sent TimeoutNow to a voter holding its whole log.
func (r *raft) handOverAfterRemoval() {
	if r.leadTransferee != None {
		return
	}
	var best uint64
	var bestMatch uint64
	for _, id := range r.trk.Voters[0].Slice() {
		if pr := r.trk.Progress[id]; id != r.id && pr != nil && (best == None || pr.Match > bestMatch) {
			best, bestMatch = id, pr.Match
		}
	}
	if best != None {
		r.startTransfer(best, ReasonRemovedFromConfig)
	}
}

// maybeAutoLeave proposes, on a leader, the empty change that leaves a
// joint configuration with AutoLeave once the change that entered it is
// applied.
func (r *raft) maybeAutoLeave() {
	if !r.trk.Config.AutoLeave || r.state != StateLeader || r.raftLog.applied < r.pendingConfIndex {
		return
	}
	r.appendEntry(Entry{Type: EntryConfChange, Data: ConfChange{}.Marshal()})
	r.pendingConfIndex = r.raftLog.lastIndex()
	r.emit(Event{Kind: EventJointAutoLeave, Index: r.pendingConfIndex})
	r.bcastAppend()
}
