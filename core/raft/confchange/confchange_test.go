package confchange

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raft-playground/playground/core/raft/tracker"
)

// changerFor restores a Changer at lastIndex 10 from cs.
func changerFor(t *testing.T, cs tracker.ConfState) Changer {
	t.Helper()
	c := Changer{Tracker: tracker.MakeProgressTracker(4), LastIndex: 10}
	cfg, prs, err := c.Restore(cs)
	require.NoError(t, err)
	c.Tracker.Config, c.Tracker.Progress = cfg, prs
	return c
}

// set stores a successful result in the Changer, as core/raft does once a
// change is applied.
func (c *Changer) set(cfg tracker.Config, prs tracker.ProgressMap) {
	c.Tracker.Config, c.Tracker.Progress = cfg, prs
}

func add(id uint64) Single        { return Single{AddNode, id} }
func remove(id uint64) Single     { return Single{RemoveNode, id} }
func addLearner(id uint64) Single { return Single{AddLearnerNode, id} }

// Reference: Raft §6 — a change of a single voter can be made directly,
// because any majority of the old and the new configuration overlap.
func TestSimple(t *testing.T) {
	tests := []struct {
		name    string
		start   tracker.ConfState
		changes []Single
		want    tracker.ConfState
		wantErr error
	}{
		{"add the first voter", tracker.ConfState{}, []Single{add(1)}, tracker.ConfState{Voters: []uint64{1}}, nil},
		{"add a voter", tracker.ConfState{Voters: []uint64{1, 2, 3}}, []Single{add(4)},
			tracker.ConfState{Voters: []uint64{1, 2, 3, 4}}, nil},
		{"remove a voter", tracker.ConfState{Voters: []uint64{1, 2, 3}}, []Single{remove(2)},
			tracker.ConfState{Voters: []uint64{1, 3}}, nil},
		{"add a learner", tracker.ConfState{Voters: []uint64{1}}, []Single{addLearner(2)},
			tracker.ConfState{Voters: []uint64{1}, Learners: []uint64{2}}, nil},
		{"promote a learner", tracker.ConfState{Voters: []uint64{1}, Learners: []uint64{2}}, []Single{add(2)},
			tracker.ConfState{Voters: []uint64{1, 2}}, nil},
		{"demote a voter", tracker.ConfState{Voters: []uint64{1, 2}}, []Single{addLearner(2)},
			tracker.ConfState{Voters: []uint64{1}, Learners: []uint64{2}}, nil},
		{"several learners at once is fine", tracker.ConfState{Voters: []uint64{1}},
			[]Single{addLearner(2), addLearner(3), add(4)},
			tracker.ConfState{Voters: []uint64{1, 4}, Learners: []uint64{2, 3}}, nil},
		{"re-adding an existing voter changes nothing", tracker.ConfState{Voters: []uint64{1, 2}}, []Single{add(2)},
			tracker.ConfState{Voters: []uint64{1, 2}}, nil},
		{"removing an unknown node changes nothing", tracker.ConfState{Voters: []uint64{1}}, []Single{remove(9)},
			tracker.ConfState{Voters: []uint64{1}}, nil},
		{"add and remove the same voter", tracker.ConfState{Voters: []uint64{1}}, []Single{add(2), remove(2)},
			tracker.ConfState{Voters: []uint64{1}}, nil},
		{"two voters at once", tracker.ConfState{Voters: []uint64{1}}, []Single{add(2), add(3)},
			tracker.ConfState{}, ErrTooManyVoterChanges},
		{"replace a voter", tracker.ConfState{Voters: []uint64{1, 2, 3}}, []Single{add(4), remove(3)},
			tracker.ConfState{}, ErrTooManyVoterChanges},
		{"remove the last voter", tracker.ConfState{Voters: []uint64{1}}, []Single{remove(1)},
			tracker.ConfState{}, ErrNoVoters},
		{"demote the last voter", tracker.ConfState{Voters: []uint64{1}}, []Single{addLearner(1)},
			tracker.ConfState{}, ErrNoVoters},
		{"node 0", tracker.ConfState{Voters: []uint64{1}}, []Single{add(0)},
			tracker.ConfState{}, ErrInvalidChange},
		{"unknown type", tracker.ConfState{Voters: []uint64{1}}, []Single{{Type: 7, NodeID: 2}},
			tracker.ConfState{}, ErrInvalidChange},
		{"while joint", tracker.ConfState{Voters: []uint64{1, 2}, VotersOutgoing: []uint64{1}}, []Single{add(3)},
			tracker.ConfState{}, ErrAlreadyJoint},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := changerFor(t, tt.start)
			before := c.Tracker.Config.Clone()
			cfg, prs, err := c.Simple(tt.changes...)
			assert.Equal(t, before, c.Tracker.Config, "the changer's own configuration is never modified")
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				assert.Nil(t, prs)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, cfg.ConfState())
			assert.Equal(t, cfg.Voters.IDs(), without(prs.IDs(), cfg.Learners), "every member has progress")
		})
	}
}

func without(ids []uint64, drop map[uint64]struct{}) []uint64 {
	var out []uint64
	for _, id := range ids {
		if _, ok := drop[id]; !ok {
			out = append(out, id)
		}
	}
	return out
}

// Reference: Raft §6 — joint consensus: the cluster first switches to
// C_old,new, in which decisions need majorities of both configurations, and
// then to C_new.
func TestEnterAndLeaveJoint(t *testing.T) {
	tests := []struct {
		name      string
		start     tracker.ConfState
		changes   []Single
		wantJoint tracker.ConfState
		wantFinal tracker.ConfState
	}{
		{"replace one voter", tracker.ConfState{Voters: []uint64{1, 2, 3}}, []Single{add(4), remove(3)},
			tracker.ConfState{Voters: []uint64{1, 2, 4}, VotersOutgoing: []uint64{1, 2, 3}, AutoLeave: true},
			tracker.ConfState{Voters: []uint64{1, 2, 4}}},
		{"replace the whole cluster", tracker.ConfState{Voters: []uint64{1, 2, 3}},
			[]Single{add(4), add(5), add(6), remove(1), remove(2), remove(3)},
			tracker.ConfState{Voters: []uint64{4, 5, 6}, VotersOutgoing: []uint64{1, 2, 3}, AutoLeave: true},
			tracker.ConfState{Voters: []uint64{4, 5, 6}}},
		{"demote a voter: learner only after leaving", tracker.ConfState{Voters: []uint64{1, 2, 3}},
			[]Single{addLearner(3)},
			tracker.ConfState{Voters: []uint64{1, 2}, VotersOutgoing: []uint64{1, 2, 3}, LearnersNext: []uint64{3}, AutoLeave: true},
			tracker.ConfState{Voters: []uint64{1, 2}, Learners: []uint64{3}}},
		{"promote a learner and add a learner", tracker.ConfState{Voters: []uint64{1}, Learners: []uint64{2}},
			[]Single{add(2), addLearner(3)},
			tracker.ConfState{Voters: []uint64{1, 2}, Learners: []uint64{3}, VotersOutgoing: []uint64{1}, AutoLeave: true},
			tracker.ConfState{Voters: []uint64{1, 2}, Learners: []uint64{3}}},
		{"demote then re-promote within the same change", tracker.ConfState{Voters: []uint64{1, 2, 3}},
			[]Single{addLearner(3), add(3)},
			tracker.ConfState{Voters: []uint64{1, 2, 3}, VotersOutgoing: []uint64{1, 2, 3}, AutoLeave: true},
			tracker.ConfState{Voters: []uint64{1, 2, 3}}},
		{"remove two voters", tracker.ConfState{Voters: []uint64{1, 2, 3, 4, 5}},
			[]Single{remove(1), remove(2)},
			tracker.ConfState{Voters: []uint64{3, 4, 5}, VotersOutgoing: []uint64{1, 2, 3, 4, 5}, AutoLeave: true},
			tracker.ConfState{Voters: []uint64{3, 4, 5}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := changerFor(t, tt.start)
			cfg, prs, err := c.EnterJoint(true, tt.changes...)
			require.NoError(t, err)
			assert.Equal(t, tt.wantJoint, cfg.ConfState())
			for _, id := range cfg.Voters.IDs() {
				require.Contains(t, prs, id, "outgoing voters keep their progress while joint")
				assert.False(t, prs[id].IsLearner)
			}
			c.set(cfg, prs)

			cfg, prs, err = c.LeaveJoint()
			require.NoError(t, err)
			assert.Equal(t, tt.wantFinal, cfg.ConfState())
			assert.ElementsMatch(t, append(cfg.Voters.IDs(), cfg.ConfState().Learners...), prs.IDs(),
				"removed nodes lose their progress when the joint configuration is left")
			for id := range cfg.Learners {
				assert.True(t, prs[id].IsLearner)
			}
		})
	}
}

func TestEnterJointKeepsProgressOfExistingPeers(t *testing.T) {
	c := changerFor(t, tracker.ConfState{Voters: []uint64{1, 2, 3}})
	c.Tracker.Progress[2].Match = 7
	cfg, prs, err := c.EnterJoint(false, add(4))
	require.NoError(t, err)
	assert.Equal(t, uint64(7), prs[2].Match)
	assert.Equal(t, uint64(11), prs[4].Next, "a new peer is probed from LastIndex+1")
	assert.True(t, prs[4].RecentActive, "a new peer is given a chance before check-quorum counts it")
	assert.False(t, cfg.AutoLeave)
	prs[2].Match = 9
	assert.Equal(t, uint64(7), c.Tracker.Progress[2].Match, "the result shares no memory with the input")
}

func TestJointErrors(t *testing.T) {
	tests := []struct {
		name    string
		start   tracker.ConfState
		op      func(Changer) error
		wantErr error
	}{
		{"enter while joint", tracker.ConfState{Voters: []uint64{1, 2}, VotersOutgoing: []uint64{1}},
			func(c Changer) error { _, _, err := c.EnterJoint(false, add(3)); return err }, ErrAlreadyJoint},
		{"leave when not joint", tracker.ConfState{Voters: []uint64{1, 2}},
			func(c Changer) error { _, _, err := c.LeaveJoint(); return err }, ErrNotJoint},
		{"enter from no voters", tracker.ConfState{},
			func(c Changer) error { _, _, err := c.EnterJoint(false, add(1)); return err }, ErrInvalidConfig},
		{"enter removing every voter", tracker.ConfState{Voters: []uint64{1, 2}},
			func(c Changer) error { _, _, err := c.EnterJoint(false, remove(1), remove(2)); return err }, ErrNoVoters},
		{"enter with node 0", tracker.ConfState{Voters: []uint64{1}},
			func(c Changer) error { _, _, err := c.EnterJoint(false, addLearner(0)); return err }, ErrInvalidChange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.op(changerFor(t, tt.start))
			require.ErrorIs(t, err, tt.wantErr)
			assert.NotEmpty(t, err.Error())
		})
	}
}

func TestRestore(t *testing.T) {
	tests := []struct {
		name    string
		cs      tracker.ConfState
		wantErr string
	}{
		{"empty", tracker.ConfState{}, ""},
		{"voters and learners", tracker.ConfState{Voters: []uint64{1, 2, 3}, Learners: []uint64{4}}, ""},
		{"joint with next learners", tracker.ConfState{Voters: []uint64{1, 2}, VotersOutgoing: []uint64{1, 2, 3},
			LearnersNext: []uint64{3}, Learners: []uint64{5}, AutoLeave: true}, ""},
		{"learner that is also a voter", tracker.ConfState{Voters: []uint64{1, 2}, Learners: []uint64{2}},
			"node 2 is both a learner and a voter (incoming half)"},
		{"learner that is also an outgoing voter", tracker.ConfState{Voters: []uint64{1}, VotersOutgoing: []uint64{1, 2}, Learners: []uint64{2}},
			"node 2 is both a learner and a voter (outgoing half)"},
		{"next learner outside joint", tracker.ConfState{Voters: []uint64{1}, LearnersNext: []uint64{2}},
			"node 2 is a next learner but not an outgoing voter"},
		{"next learner that is an incoming voter", tracker.ConfState{Voters: []uint64{1, 2}, VotersOutgoing: []uint64{1, 2}, LearnersNext: []uint64{2}},
			"node 2 is a next learner and an incoming voter"},
		{"auto-leave outside joint", tracker.ConfState{Voters: []uint64{1}, AutoLeave: true},
			"auto-leave set outside a joint configuration"},
		{"joint without incoming voters", tracker.ConfState{VotersOutgoing: []uint64{1}},
			"a joint configuration needs incoming voters"},
		{"node 0", tracker.ConfState{Voters: []uint64{0, 1}}, "node ID 0 is reserved"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Changer{Tracker: tracker.MakeProgressTracker(4), LastIndex: 5}
			cfg, prs, err := c.Restore(tt.cs)
			if tt.wantErr != "" {
				require.ErrorIs(t, err, ErrInvalidConfig)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.cs, cfg.ConfState(), "restoring is lossless")
			for _, pr := range prs {
				assert.Equal(t, uint64(6), pr.Next)
				assert.Equal(t, tracker.StateProbe, pr.State)
			}
		})
	}
}

func TestDescribe(t *testing.T) {
	assert.Equal(t, "add 4, remove 1, add-learner 5", Describe(add(4), remove(1), addLearner(5)))
	assert.Equal(t, "ChangeType(9) 2", Single{Type: 9, NodeID: 2}.String())
}
