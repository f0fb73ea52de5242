package raft

import (
	"fmt"
	"testing"

	"github.com/raft-playground/playground/core/raft/tracker"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSnapshotInstalledOnLaggingFollower(t *testing.T) {
	// Reference: Raft §7 — a leader whose log no longer holds the entries a
	// follower needs sends its snapshot (InstallSnapshot).
	n := newInstantNetwork(t, []uint64{1, 2, 3}, nil)
	n.electLeader(1)
	n.node(3).down = true
	for i := range 5 {
		require.NoError(t, n.propose(1, fmt.Sprintf("v%d", i)))
	}
	snap := n.snapshotAndCompact(1)
	// Three bootstrap entries, the empty entry of term 2, v0..v4.
	require.Equal(t, uint64(9), snap.Metadata.Index)
	require.NoError(t, n.propose(1, "after"))

	n.node(3).down = false
	n.tick(1, 1) // a heartbeat; the answer shows node 3 is behind
	sent := eventOfKind(t, n.node(1).events, EventSnapshotSent)
	assert.Equal(t, uint64(3), sent.Peer)
	assert.Equal(t, uint64(9), sent.Index)
	assert.Equal(t, uint64(2), sent.LogTerm)

	restored := eventOfKind(t, n.node(3).events, EventSnapshotRestored)
	assert.Equal(t, uint64(9), restored.Index)
	assert.Equal(t, uint64(1), restored.Peer)
	assert.Equal(t, uint64(9), restored.Commit)

	// The follower persisted the snapshot and then caught up by appends.
	first, _ := n.node(3).storage.FirstIndex()
	assert.Equal(t, uint64(10), first)
	assert.Equal(t, uint64(10), n.raft(3).raftLog.committed)
	assert.Equal(t, [][]byte{[]byte("v0"), []byte("v1"), []byte("v2"), []byte("v3"), []byte("v4"), []byte("after")}, n.node(3).applied,
		"the application state came with the snapshot")
	assert.Equal(t, []uint64{1, 2, 3}, n.node(3).confState.Voters)
	for _, p := range n.node(1).rn.Status().Progress {
		if p.ID == 3 {
			assert.Equal(t, "replicate", p.State)
			assert.Equal(t, uint64(10), p.Match)
		}
	}
}

func TestSnapshotNotSentToInactiveFollower(t *testing.T) {
	r := newTestRaft(t, 1, []uint64{1, 2}, NewMemoryStorage(), nil)
	r.becomeCandidate(ReasonCampaign)
	r.becomeLeader()
	ms := r.raftLog.storage.(*MemoryStorage)
	require.NoError(t, ms.Append(r.raftLog.unstableEntries()))
	r.raftLog.stableTo(1, 1)
	_, err := ms.CreateSnapshot(1, &ConfState{Voters: []uint64{1, 2}}, nil)
	require.NoError(t, err)
	require.NoError(t, ms.Compact(1))
	takeMessages(r)
	pr := r.trk.Progress[2]
	pr.RecentActive = false
	pr.Next = 1
	pr.MsgAppFlowPaused = false
	r.sendAppend(2)
	assert.Empty(t, takeMessages(r))
	pr.RecentActive = true
	r.sendAppend(2)
	msgs := takeMessages(r)
	require.Len(t, msgs, 1)
	assert.Equal(t, MsgSnap, msgs[0].Type)
	assert.Equal(t, tracker.StateSnapshot, pr.State)
	assert.Equal(t, uint64(1), pr.PendingSnapshot)
}

func TestReportSnapshot(t *testing.T) {
	tests := []struct {
		name       string
		status     SnapshotStatus
		wantNext   uint64
		wantReason Reason
	}{
		{"finished: probe after the snapshot", SnapshotFinish, 11, ReasonSnapshotFinished},
		{"failed: probe from the match again", SnapshotFailure, 2, ReasonSnapshotFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rn, err := NewRawNode(func() *Config { c := testConfig(1, []uint64{1, 2}); return &c }())
			require.NoError(t, err)
			r := rn.raft
			r.becomeCandidate(ReasonCampaign)
			r.becomeLeader()
			pr := r.trk.Progress[2]
			pr.Match = 1
			pr.BecomeSnapshot(10)
			takeEvents(r)
			rn.ReportSnapshot(2, tt.status)
			assert.Equal(t, tracker.StateProbe, pr.State)
			assert.Equal(t, tt.wantNext, pr.Next)
			assert.True(t, pr.MsgAppFlowPaused, "wait for a heartbeat answer before probing")
			assert.Equal(t, tt.wantReason, eventOfKind(t, takeEvents(r), EventSnapshotReported).Reason)
		})
	}
}

func TestFollowerSnapshotDecisions(t *testing.T) {
	voters := ConfState{Voters: []uint64{1, 2, 3}}
	tests := []struct {
		name       string
		snap       SnapshotMetadata
		wantKind   EventKind
		wantReason Reason
		wantCommit uint64
		wantLast   uint64
	}{
		{"stale: at or below the commit index", SnapshotMetadata{Index: 2, Term: 1, ConfState: voters},
			EventSnapshotIgnored, ReasonSnapshotStale, 2, 3},
		{"fast-forward: the log holds its last entry", SnapshotMetadata{Index: 3, Term: 1, ConfState: voters},
			EventSnapshotIgnored, ReasonSnapshotFastForward, 3, 3},
		{"restored though its configuration leaves the node out", SnapshotMetadata{Index: 9, Term: 2, ConfState: ConfState{Voters: []uint64{2, 3, 4}}},
			EventSnapshotRestored, ReasonNone, 9, 9},
		{"restored", SnapshotMetadata{Index: 9, Term: 2, ConfState: voters},
			EventSnapshotRestored, ReasonNone, 9, 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := NewMemoryStorage()
			require.NoError(t, ms.Append(entriesOfTerms(1, 1, 1, 1)))
			require.NoError(t, ms.SetHardState(HardState{Term: 2, Commit: 2}))
			r := newTestRaft(t, 1, []uint64{1, 2, 3}, ms, nil)
			takeEvents(r)
			snap := Snapshot{Metadata: tt.snap, Data: []byte("state")}
			require.NoError(t, r.Step(Message{From: 2, To: 1, Type: MsgSnap, Term: 2, Snapshot: &snap}))
			ev := eventOfKind(t, takeEvents(r), tt.wantKind)
			assert.Equal(t, tt.wantReason, ev.Reason)
			assert.Equal(t, tt.wantCommit, r.raftLog.committed)
			assert.Equal(t, tt.wantLast, r.raftLog.lastIndex())
			msgs := takeMessages(r)
			require.Len(t, msgs, 1)
			assert.Equal(t, MsgAppResp, msgs[0].Type)
		})
	}
}

func TestRestoreFromSnapshotOnStart(t *testing.T) {
	ms := NewMemoryStorage()
	snap := Snapshot{Metadata: SnapshotMetadata{Index: 11, Term: 11, ConfState: ConfState{Voters: []uint64{1, 2, 3}}}}
	require.NoError(t, ms.ApplySnapshot(snap))
	require.NoError(t, ms.SetHardState(HardState{Term: 11, Commit: 11}))
	// Config.Voters is ignored: the storage's configuration wins.
	r := newTestRaft(t, 1, []uint64{1, 5}, ms, nil)
	assert.Equal(t, []uint64{1, 2, 3}, r.trk.VoterNodes())
	assert.Equal(t, uint64(11), r.raftLog.lastIndex())
	assert.Equal(t, uint64(11), r.raftLog.committed)
	assert.Equal(t, uint64(11), r.raftLog.applied)
	assert.Equal(t, uint64(11), r.Term)
}

func TestJoinerAcceptsSnapshotThatPredatesItsAddition(t *testing.T) {
	// The leader compacted its log before node 4 was added, so the only
	// snapshot it can send does not name node 4; node 4, which knows no
	// configuration yet, takes it and learns of its addition from the log.
	n := newInstantNetwork(t, []uint64{1, 2, 3}, nil)
	n.electLeader(1)
	require.NoError(t, n.propose(1, "a"))
	n.snapshotAndCompact(1)
	n.addJoiner(4)
	require.NoError(t, n.proposeConfChange(1, ConfChange{Changes: []ConfChangeSingle{single(ConfChangeAddLearnerNode, 4)}}))
	n.tick(1, 2)
	assert.NotEmpty(t, n.eventsOf(4, EventSnapshotRestored))
	assert.Equal(t, []uint64{4}, n.node(4).confState.Learners)
	assert.Equal(t, [][]byte{[]byte("a")}, n.node(4).applied)

}

func TestReaddedMemberWithStaleConfigurationTakesOlderSnapshot(t *testing.T) {
	// Node 3 is removed and added back after the leader compacted its log;
	// the snapshot names only {1, 2}, node 3 still knows its old
	// configuration, and it must still catch up from the snapshot.
	n := newInstantNetwork(t, []uint64{1, 2, 3}, nil)
	n.electLeader(1)
	n.node(3).down = true // it misses its removal
	require.NoError(t, n.proposeConfChange(1, ConfChange{Changes: []ConfChangeSingle{single(ConfChangeRemoveNode, 3)}}))
	require.NoError(t, n.propose(1, "while out"))
	n.snapshotAndCompact(1)
	require.NoError(t, n.proposeConfChange(1, ConfChange{Changes: []ConfChangeSingle{single(ConfChangeAddNode, 3)}}))
	n.node(3).down = false
	n.tick(1, 3)
	assert.NotEmpty(t, n.eventsOf(3, EventSnapshotRestored))
	assert.Equal(t, []uint64{1, 2, 3}, n.node(3).confState.Voters)
	assert.Equal(t, n.raft(1).raftLog.committed, n.raft(3).raftLog.committed)
	assert.Contains(t, n.node(3).applied, []byte("while out"))
}

func TestReportUnreachableMovesReplicatingPeerToProbe(t *testing.T) {
	n := newInstantNetwork(t, []uint64{1, 2, 3}, nil)
	n.electLeader(1)
	require.NoError(t, n.propose(1, "x"))
	pr := n.raft(1).trk.Progress[2]
	require.Equal(t, tracker.StateReplicate, pr.State)
	n.node(1).rn.ReportUnreachable(2)
	assert.Equal(t, tracker.StateProbe, pr.State, "appends sent optimistically were probably lost")
	assert.Equal(t, pr.Match+1, pr.Next)
}
