// Package confchange computes membership changes (Raft §6): single-step
// changes that alter at most one voter, and joint consensus, which moves
// through the joint configuration C_old,new so that two disjoint majorities
// can never decide at the same time. It validates every change and returns a
// new configuration and progress map without touching the ones it was given.
//
// It imports nothing from core/raft; core/raft converts its ConfChangeSingle
// to Single (the ChangeType values are the same).
package confchange

import (
	"errors"
	"fmt"
	"strings"

	"github.com/raft-playground/playground/core/raft/quorum"
	"github.com/raft-playground/playground/core/raft/tracker"
)

// ChangeType is the kind of one change. Its values equal raft.ConfChangeType.
type ChangeType uint8

const (
	// AddNode makes the node a voter (adding it, or promoting a learner).
	AddNode ChangeType = iota
	// RemoveNode removes the node from the configuration.
	RemoveNode
	// AddLearnerNode makes the node a learner (adding it, or demoting a voter).
	AddLearnerNode
)

// String returns "add", "remove" or "add-learner".
func (t ChangeType) String() string {
	switch t {
	case AddNode:
		return "add"
	case RemoveNode:
		return "remove"
	case AddLearnerNode:
		return "add-learner"
	}
	return fmt.Sprintf("ChangeType(%d)", uint8(t))
}

// Single changes the role of one node.
type Single struct {
	Type   ChangeType
	NodeID uint64
}

// String renders the change, e.g. "add-learner 4".
func (s Single) String() string { return fmt.Sprintf("%s %d", s.Type, s.NodeID) }

// Describe renders a list of changes, e.g. "add 4, remove 1".
func Describe(ccs ...Single) string {
	parts := make([]string, len(ccs))
	for i, cc := range ccs {
		parts[i] = cc.String()
	}
	return strings.Join(parts, ", ")
}

// Errors returned by the Changer. Each is wrapped with the details of the
// offending change; test for them with errors.Is.
var (
	// ErrAlreadyJoint: a joint configuration must be left before entering
	// another one or making a simple change.
	ErrAlreadyJoint = errors.New("the configuration is already joint; leave it first")
	// ErrNotJoint: LeaveJoint was called outside a joint configuration.
	ErrNotJoint = errors.New("the configuration is not joint; there is nothing to leave")
	// ErrNoVoters: a change would leave no voter, so nothing could ever be
	// committed again.
	ErrNoVoters = errors.New("the change removes every voter")
	// ErrTooManyVoterChanges: a simple change may change at most one voter,
	// otherwise the old and new majorities might not overlap (Raft §6).
	ErrTooManyVoterChanges = errors.New("a simple change may change at most one voter; use joint consensus")
	// ErrInvalidChange: a change names node 0 or has an unknown type.
	ErrInvalidChange = errors.New("invalid membership change")
	// ErrInvalidConfig: a configuration breaks an invariant, for example a
	// node that is both a voter and a learner.
	ErrInvalidConfig = errors.New("invalid configuration")
)

// Changer computes configuration changes starting from Tracker's
// configuration and progress. LastIndex is the leader's last log index; new
// peers are probed from LastIndex+1.
type Changer struct {
	Tracker   tracker.ProgressTracker
	LastIndex uint64
}

// EnterJoint enters the joint configuration C_old,new, where C_old is the
// current voter set and C_new is that set with ccs applied. With autoLeave the
// joint configuration is left automatically once it is committed and applied.
func (c Changer) EnterJoint(autoLeave bool, ccs ...Single) (tracker.Config, tracker.ProgressMap, error) {
	cfg, prs, err := c.checkAndCopy()
	if err != nil {
		return fail(err)
	}
	if cfg.Joint() {
		return fail(ErrAlreadyJoint)
	}
	if len(cfg.Voters[0]) == 0 {
		return fail(fmt.Errorf("%w: cannot enter a joint configuration from one without voters", ErrInvalidConfig))
	}
	// The outgoing half is a copy of the current voters; the changes apply
	// to the incoming half only.
	cfg.Voters[1] = quorum.MajorityConfig{}
	for id := range cfg.Voters[0] {
		cfg.Voters[1][id] = struct{}{}
	}
	if err := c.apply(&cfg, prs, ccs...); err != nil {
		return fail(err)
	}
	cfg.AutoLeave = autoLeave
	return checkAndReturn(cfg, prs)
}

// LeaveJoint leaves the joint configuration: the outgoing half is dropped,
// voters being demoted become learners, and nodes that are in neither the
// incoming voters nor the learners lose their progress.
func (c Changer) LeaveJoint() (tracker.Config, tracker.ProgressMap, error) {
	cfg, prs, err := c.checkAndCopy()
	if err != nil {
		return fail(err)
	}
	if !cfg.Joint() {
		return fail(ErrNotJoint)
	}
	for id := range cfg.LearnersNext {
		addTo(&cfg.Learners, id)
		prs[id].IsLearner = true
	}
	cfg.LearnersNext = nil
	for id := range cfg.Voters[1] {
		_, isVoter := cfg.Voters[0][id]
		_, isLearner := cfg.Learners[id]
		if !isVoter && !isLearner {
			delete(prs, id)
		}
	}
	cfg.Voters[1] = nil
	cfg.AutoLeave = false
	return checkAndReturn(cfg, prs)
}

// Simple applies ccs directly, without a joint configuration. That is safe
// only if at most one voter changes, because then every majority of the old
// voters overlaps every majority of the new ones.
func (c Changer) Simple(ccs ...Single) (tracker.Config, tracker.ProgressMap, error) {
	cfg, prs, err := c.checkAndCopy()
	if err != nil {
		return fail(err)
	}
	if cfg.Joint() {
		return fail(ErrAlreadyJoint)
	}
	if err := c.apply(&cfg, prs, ccs...); err != nil {
		return fail(err)
	}
	if n := symmetricDifference(c.Tracker.Voters[0], cfg.Voters[0]); n > 1 {
		return fail(fmt.Errorf("%w: [%s] changes %d voters", ErrTooManyVoterChanges, Describe(ccs...), n))
	}
	return checkAndReturn(cfg, prs)
}

// Restore rebuilds a configuration and fresh progress from a ConfState, as a
// node does when it starts from a snapshot. The Changer's current
// configuration is ignored; new peers are probed from LastIndex+1.
func (c Changer) Restore(cs tracker.ConfState) (tracker.Config, tracker.ProgressMap, error) {
	cfg := tracker.Config{
		Voters:    quorum.JointConfig{quorum.NewMajorityConfig(cs.Voters...), nil},
		AutoLeave: cs.AutoLeave,
	}
	if len(cs.VotersOutgoing) > 0 {
		cfg.Voters[1] = quorum.NewMajorityConfig(cs.VotersOutgoing...)
	}
	for _, id := range cs.Learners {
		addTo(&cfg.Learners, id)
	}
	for _, id := range cs.LearnersNext {
		addTo(&cfg.LearnersNext, id)
	}
	prs := tracker.ProgressMap{}
	for _, ids := range [][]uint64{cs.Voters, cs.VotersOutgoing, cs.Learners, cs.LearnersNext} {
		for _, id := range ids {
			if id == 0 {
				return fail(fmt.Errorf("%w: node ID 0 is reserved and cannot be a member", ErrInvalidConfig))
			}
			if _, ok := prs[id]; !ok {
				_, isLearner := cfg.Learners[id]
				prs[id] = c.newProgress(isLearner)
			}
		}
	}
	if len(cfg.Voters[0]) == 0 && len(cfg.Voters[1]) > 0 {
		return fail(fmt.Errorf("%w: a joint configuration needs incoming voters", ErrInvalidConfig))
	}
	return checkAndReturn(cfg, prs)
}

// apply applies each change in order to the incoming half of cfg.
func (c Changer) apply(cfg *tracker.Config, prs tracker.ProgressMap, ccs ...Single) error {
	for _, cc := range ccs {
		if cc.NodeID == 0 {
			return fmt.Errorf("%w: %s: node ID 0 is reserved", ErrInvalidChange, cc)
		}
		switch cc.Type {
		case AddNode:
			c.makeVoter(cfg, prs, cc.NodeID)
		case AddLearnerNode:
			c.makeLearner(cfg, prs, cc.NodeID)
		case RemoveNode:
			c.remove(cfg, prs, cc.NodeID)
		default:
			return fmt.Errorf("%w: unknown change type %d for node %d", ErrInvalidChange, uint8(cc.Type), cc.NodeID)
		}
	}
	if len(cfg.Voters[0]) == 0 {
		return fmt.Errorf("%w: [%s]", ErrNoVoters, Describe(ccs...))
	}
	return nil
}

// makeVoter adds id as an incoming voter, promoting it if it is a learner.
func (c Changer) makeVoter(cfg *tracker.Config, prs tracker.ProgressMap, id uint64) {
	pr := prs[id]
	if pr == nil {
		prs[id] = c.newProgress(false)
	} else {
		pr.IsLearner = false
	}
	removeFrom(&cfg.Learners, id)
	removeFrom(&cfg.LearnersNext, id)
	cfg.Voters[0][id] = struct{}{}
}

// makeLearner makes id a learner. A voter of the outgoing half keeps voting
// there until the joint configuration is left, so it becomes a learner only
// then (LearnersNext); otherwise it becomes a learner at once.
func (c Changer) makeLearner(cfg *tracker.Config, prs tracker.ProgressMap, id uint64) {
	pr := prs[id]
	if pr == nil {
		prs[id] = c.newProgress(true)
		addTo(&cfg.Learners, id)
		return
	}
	if pr.IsLearner {
		return
	}
	delete(cfg.Voters[0], id)
	if _, outgoing := cfg.Voters[1][id]; outgoing {
		addTo(&cfg.LearnersNext, id)
		return
	}
	pr.IsLearner = true
	addTo(&cfg.Learners, id)
}

// remove takes id out of the incoming half and the learners. Its progress is
// kept while it still votes in the outgoing half.
func (c Changer) remove(cfg *tracker.Config, prs tracker.ProgressMap, id uint64) {
	if _, ok := prs[id]; !ok {
		return
	}
	delete(cfg.Voters[0], id)
	removeFrom(&cfg.Learners, id)
	removeFrom(&cfg.LearnersNext, id)
	if _, outgoing := cfg.Voters[1][id]; !outgoing {
		delete(prs, id)
	}
}

// newProgress is the progress of a peer that just joined: probed from the
// leader's next index, and considered active so check-quorum gives it time.
func (c Changer) newProgress(isLearner bool) *tracker.Progress {
	return tracker.NewProgress(c.LastIndex+1, c.Tracker.MaxInflight, c.Tracker.MaxInflightBytes, isLearner)
}

// checkAndCopy validates the current configuration and returns deep copies
// of it and of the progress map, so a failed change leaves them untouched.
func (c Changer) checkAndCopy() (tracker.Config, tracker.ProgressMap, error) {
	cfg := c.Tracker.Config.Clone()
	if cfg.Voters[0] == nil {
		cfg.Voters[0] = quorum.MajorityConfig{}
	}
	prs := c.Tracker.Progress.Clone()
	if err := checkInvariants(cfg, prs); err != nil {
		return tracker.Config{}, nil, err
	}
	return cfg, prs, nil
}

func checkAndReturn(cfg tracker.Config, prs tracker.ProgressMap) (tracker.Config, tracker.ProgressMap, error) {
	if err := checkInvariants(cfg, prs); err != nil {
		return tracker.Config{}, nil, err
	}
	return cfg, prs, nil
}

func fail(err error) (tracker.Config, tracker.ProgressMap, error) {
	return tracker.Config{}, nil, err
}

// checkInvariants verifies the invariants documented on tracker.Config and
// tracker.ProgressTracker. IDs are visited in ascending order so that the
// error reported for a configuration with several problems is always the same.
func checkInvariants(cfg tracker.Config, prs tracker.ProgressMap) error {
	named := map[uint64]struct{}{}
	for _, set := range []map[uint64]struct{}{cfg.Voters[0], cfg.Voters[1], cfg.Learners, cfg.LearnersNext} {
		for id := range set {
			named[id] = struct{}{}
		}
	}
	for _, id := range sorted(named) {
		if _, ok := prs[id]; !ok {
			return fmt.Errorf("%w: node %d is in the configuration but has no progress", ErrInvalidConfig, id)
		}
	}
	for _, id := range prs.IDs() {
		if _, ok := named[id]; !ok {
			return fmt.Errorf("%w: node %d has progress but is not in the configuration", ErrInvalidConfig, id)
		}
	}
	for _, id := range sorted(cfg.LearnersNext) {
		if _, ok := cfg.Voters[1][id]; !ok {
			return fmt.Errorf("%w: node %d is a next learner but not an outgoing voter", ErrInvalidConfig, id)
		}
		if _, ok := cfg.Voters[0][id]; ok {
			return fmt.Errorf("%w: node %d is a next learner and an incoming voter", ErrInvalidConfig, id)
		}
		if prs[id].IsLearner {
			return fmt.Errorf("%w: node %d is a next learner but already marked as a learner", ErrInvalidConfig, id)
		}
	}
	for _, id := range sorted(cfg.Learners) {
		for half, voters := range cfg.Voters {
			if _, ok := voters[id]; ok {
				return fmt.Errorf("%w: node %d is both a learner and a voter (%s half)", ErrInvalidConfig, id, halfName(half))
			}
		}
		if !prs[id].IsLearner {
			return fmt.Errorf("%w: node %d is a learner but its progress is not marked as one", ErrInvalidConfig, id)
		}
	}
	for _, id := range cfg.Voters.IDs() {
		if prs[id].IsLearner {
			return fmt.Errorf("%w: node %d is a voter but its progress is marked as a learner", ErrInvalidConfig, id)
		}
	}
	if !cfg.Joint() {
		if len(cfg.LearnersNext) > 0 {
			return fmt.Errorf("%w: next learners outside a joint configuration", ErrInvalidConfig)
		}
		if cfg.AutoLeave {
			return fmt.Errorf("%w: auto-leave set outside a joint configuration", ErrInvalidConfig)
		}
	}
	return nil
}

func halfName(half int) string {
	if half == 0 {
		return "incoming"
	}
	return "outgoing"
}

func sorted(m map[uint64]struct{}) []uint64 { return quorum.MajorityConfig(m).Slice() }

// symmetricDifference counts the IDs that are in exactly one of a and b.
func symmetricDifference(a, b map[uint64]struct{}) int {
	n := 0
	for id := range a {
		if _, ok := b[id]; !ok {
			n++
		}
	}
	for id := range b {
		if _, ok := a[id]; !ok {
			n++
		}
	}
	return n
}

// addTo adds id to *m, allocating the map on first use so that empty sets
// stay nil.
func addTo(m *map[uint64]struct{}, id uint64) {
	if *m == nil {
		*m = map[uint64]struct{}{}
	}
	(*m)[id] = struct{}{}
}

// removeFrom removes id from *m and sets *m to nil when it becomes empty.
func removeFrom(m *map[uint64]struct{}, id uint64) {
	delete(*m, id)
	if len(*m) == 0 {
		*m = nil
	}
}
