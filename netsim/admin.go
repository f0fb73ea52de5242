package netsim

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/raft-playground/playground/core/member"
	"github.com/raft-playground/playground/core/raft"
)

// Timeout fires member id's election timer now: it campaigns at once.
func (w *World) Timeout(id uint64) error {
	_, err := w.do(command{kind: cmdTimeout, member: id})
	return err
}

// Transfer asks the current leader to hand leadership to member to.
func (w *World) Transfer(to uint64) error {
	_, err := w.do(command{kind: cmdTransfer, member: to})
	return err
}

// AddMember starts member id empty and asks the leader to add it to the
// configuration, as a learner or as a voter.
func (w *World) AddMember(id uint64, learner bool) error {
	_, err := w.do(command{kind: cmdAddMember, member: id, learner: learner})
	return err
}

// PromoteMember asks the leader to make the learner id a voter.
func (w *World) PromoteMember(id uint64) error {
	_, err := w.do(command{kind: cmdPromote, member: id})
	return err
}

// RemoveMember asks the leader to remove member id from the configuration.
func (w *World) RemoveMember(id uint64) error {
	_, err := w.do(command{kind: cmdRemove, member: id})
	return err
}

// Snapshot makes member id take a snapshot at its applied index and compact
// its log.
func (w *World) Snapshot(id uint64) error {
	_, err := w.do(command{kind: cmdSnapshot, member: id})
	return err
}

// running returns member id if it is up (not paused, not down).
func (w *World) running(id uint64) (*node, error) {
	n, err := w.member(id)
	if err != nil {
		return nil, err
	}
	if n.state != StateUp {
		return nil, fmt.Errorf("%s is %s", MemberName(id), n.state)
	}
	return n, nil
}

func (w *World) timeout(id uint64) error {
	n, err := w.running(id)
	if err != nil {
		return err
	}
	w.record(Record{Kind: "timeout", Member: id})
	if err := n.m.Campaign(); err != nil {
		// Raft explains a refused campaign with its own event.
		w.pump(n)
		return nil
	}
	w.pump(n)
	return nil
}

// leaderNode returns the running leader or an error saying there is none.
func (w *World) leaderNode() (*node, error) {
	id, err := w.Leader()
	if err != nil {
		return nil, err
	}
	n := w.nodes[id]
	if n.state != StateUp {
		return nil, fmt.Errorf("the leader %s is paused", MemberName(id))
	}
	return n, nil
}

func (w *World) transfer(to uint64) error {
	if _, err := w.member(to); err != nil {
		return err
	}
	lead, err := w.leaderNode()
	if err != nil {
		return fmt.Errorf("transfer to %s: %w", MemberName(to), err)
	}
	if lead.id == to {
		return fmt.Errorf("transfer to %s: it already leads", MemberName(to))
	}
	w.record(Record{Kind: "transfer", Member: lead.id, Peer: to})
	lead.m.TransferLeader(to)
	w.pump(lead)
	return nil
}

// proposeConfChange proposes cc on the leader, recording the proposal.
func (w *World) proposeConfChange(kind string, id uint64, cc raft.ConfChange, args ...Arg) error {
	lead, err := w.leaderNode()
	if err != nil {
		return err
	}
	if err := lead.m.ProposeConfChange(cc); err != nil {
		return fmt.Errorf("%s refused the configuration change: %w", MemberName(lead.id), err)
	}
	w.record(Record{Kind: kind, Member: lead.id, Peer: id, Args: args})
	w.pump(lead)
	return nil
}

// configOf returns the leader's current configuration.
func (w *World) configOf() (raft.ConfState, error) {
	lead, err := w.leaderNode()
	if err != nil {
		return raft.ConfState{}, err
	}
	return lead.m.Status().Config, nil
}

func (w *World) addMember(id uint64, learner bool) error {
	if id < 1 || id > MaxMembers {
		return fmt.Errorf("there is no member %d: members are s1 to s%d", id, MaxMembers)
	}
	n := w.nodes[id]
	if n.state != stateAbsent {
		return fmt.Errorf("%s already exists (%s); a removed member cannot rejoin under the same ID", MemberName(id), n.state)
	}
	if _, err := w.leaderNode(); err != nil {
		return fmt.Errorf("adding %s: %w", MemberName(id), err)
	}
	typ, role := raft.ConfChangeAddNode, "voter"
	if learner {
		typ, role = raft.ConfChangeAddLearnerNode, "learner"
	}
	cc := raft.ConfChange{Changes: []raft.ConfChangeSingle{{Type: typ, NodeID: id}}}
	if err := w.proposeConfChange("member-add", id, cc, Arg{"role", role}); err != nil {
		return fmt.Errorf("adding %s: %w", MemberName(id), err)
	}
	// The new member starts empty: like a new etcd member it learns the
	// configuration and the data from the leader.
	w.record(Record{Kind: "member-start", Member: id})
	if err := w.startNew(n); err != nil {
		panic(fmt.Sprintf("netsim: starting an empty member failed: %v", err))
	}
	return nil
}

func (w *World) promote(id uint64) error {
	if _, err := w.member(id); err != nil {
		return err
	}
	cs, err := w.configOf()
	if err != nil {
		return fmt.Errorf("promoting %s: %w", MemberName(id), err)
	}
	if !contains(cs.Learners, id) {
		return fmt.Errorf("promoting %s: it is not a learner", MemberName(id))
	}
	cc := raft.ConfChange{Changes: []raft.ConfChangeSingle{{Type: raft.ConfChangeAddNode, NodeID: id}}}
	if err := w.proposeConfChange("member-promote", id, cc); err != nil {
		return fmt.Errorf("promoting %s: %w", MemberName(id), err)
	}
	return nil
}

func (w *World) removeMember(id uint64) error {
	if _, err := w.member(id); err != nil {
		return err
	}
	cs, err := w.configOf()
	if err != nil {
		return fmt.Errorf("removing %s: %w", MemberName(id), err)
	}
	if !contains(cs.Voters, id) && !contains(cs.Learners, id) {
		return fmt.Errorf("removing %s: it is not in the configuration", MemberName(id))
	}
	cc := raft.ConfChange{Changes: []raft.ConfChangeSingle{{Type: raft.ConfChangeRemoveNode, NodeID: id}}}
	if err := w.proposeConfChange("member-remove", id, cc); err != nil {
		return fmt.Errorf("removing %s: %w", MemberName(id), err)
	}
	return nil
}

func (w *World) snapshot(id uint64) error {
	n, err := w.running(id)
	if err != nil {
		return err
	}
	applied := n.m.AppliedIndex()
	if err := n.m.Snapshot(); err != nil {
		if errors.Is(err, member.ErrNothingToSnapshot) || errors.Is(err, member.ErrSnapshotPending) {
			return fmt.Errorf("%s cannot snapshot now: %w", MemberName(id), err)
		}
		return err
	}
	w.record(Record{Kind: "snapshot", Member: id, Args: []Arg{{"applied", strconv.FormatUint(applied, 10)}}})
	w.pump(n)
	return nil
}

func contains(ids []uint64, id uint64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
