package raft

import "github.com/raft-playground/playground/core/raft/tracker"

// Status is a snapshot of a node's state for display. Every list is sorted,
// so two equal states render identically.
type Status struct {
	ID uint64
	HardState
	SoftState
	Applied    uint64
	LastIndex  uint64
	FirstIndex uint64
	// LeadTransferee is the target of a leadership transfer in progress.
	LeadTransferee uint64
	// ElectionElapsed and RandomizedElectionTimeout draw the election
	// timer: the node campaigns (or, as leader, checks its quorum) when
	// the first reaches the second.
	ElectionElapsed           int
	RandomizedElectionTimeout int
	ElectionTick              int
	HeartbeatTick             int
	// VotesGranted and VotesRejected are the answers gathered during an
	// election (candidate or pre-candidate only).
	VotesGranted  []uint64
	VotesRejected []uint64
	// Config is the current configuration.
	Config ConfState
	// Progress is the leader's view of every peer, itself included,
	// sorted by ID; nil on other roles.
	Progress []PeerStatus
}

// PeerStatus is the leader's view of one peer.
type PeerStatus struct {
	ID    uint64
	Match uint64
	Next  uint64
	// State is "probe", "replicate" or "snapshot".
	State string
	// RecentActive is true if the peer was heard from in the current
	// check-quorum period.
	RecentActive bool
	IsLearner    bool
	// Inflight is the number of append messages in flight.
	Inflight int
	// PendingSnapshot is the index of the snapshot being sent, or 0.
	PendingSnapshot uint64
}

func (r *raft) status() Status {
	s := Status{
		ID:                        r.id,
		HardState:                 r.hardState(),
		SoftState:                 r.softState(),
		Applied:                   r.raftLog.applied,
		LastIndex:                 r.raftLog.lastIndex(),
		FirstIndex:                r.raftLog.firstIndex(),
		LeadTransferee:            r.leadTransferee,
		ElectionElapsed:           r.electionElapsed,
		RandomizedElectionTimeout: r.randomizedElectionTimeout,
		ElectionTick:              r.electionTimeout,
		HeartbeatTick:             r.heartbeatTimeout,
		Config:                    ConfState(r.trk.ConfState()),
	}
	if r.state == StateCandidate || r.state == StatePreCandidate {
		s.VotesGranted, s.VotesRejected = r.trk.VoteIDs()
	}
	if r.state == StateLeader {
		s.Progress = make([]PeerStatus, 0, len(r.trk.Progress))
		r.trk.Visit(func(id uint64, pr *tracker.Progress) {
			s.Progress = append(s.Progress, PeerStatus{
				ID:              id,
				Match:           pr.Match,
				Next:            pr.Next,
				State:           pr.State.String(),
				RecentActive:    pr.RecentActive,
				IsLearner:       pr.IsLearner,
				Inflight:        pr.Inflights.Count(),
				PendingSnapshot: pr.PendingSnapshot,
			})
		})
	}
	return s
}
