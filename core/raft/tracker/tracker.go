package tracker

import (
	"slices"
	"strings"

	"github.com/raft-playground/playground/core/raft/quorum"
)

// ConfState is a configuration as recorded in snapshots. Its fields match
// raft.ConfState one for one (same names, types and order), so core/raft
// converts with a plain type conversion: raft.ConfState(cs).
type ConfState struct {
	Voters         []uint64
	Learners       []uint64
	VotersOutgoing []uint64
	LearnersNext   []uint64
	AutoLeave      bool
}

// Config is the membership configuration.
type Config struct {
	// Voters is the joint voter configuration; Voters[1] is empty unless a
	// joint configuration is in effect.
	Voters quorum.JointConfig
	// AutoLeave is true if the joint configuration is left automatically
	// once the entry that entered it has been applied.
	//
	// Invariant: AutoLeave is false outside a joint configuration.
	AutoLeave bool
	// Learners receive the log but do not vote.
	//
	// Invariant: Learners and Voters (both halves) are disjoint.
	Learners map[uint64]struct{}
	// LearnersNext are outgoing voters that become learners when the joint
	// configuration is left. A node cannot be a voter and a learner at once,
	// so a voter being demoted waits here until it no longer votes in the
	// outgoing half.
	//
	// Invariant: LearnersNext is a subset of Voters[1] and disjoint from
	// Voters[0]; it is empty outside a joint configuration.
	LearnersNext map[uint64]struct{}
}

// Joint reports whether the configuration is joint (C_old,new, Raft §6).
func (c Config) Joint() bool { return len(c.Voters[1]) > 0 }

// Clone returns a deep copy.
func (c Config) Clone() Config {
	clone := func(m map[uint64]struct{}) map[uint64]struct{} {
		if m == nil {
			return nil
		}
		out := make(map[uint64]struct{}, len(m))
		for id := range m {
			out[id] = struct{}{}
		}
		return out
	}
	return Config{
		Voters:       quorum.JointConfig{clone(c.Voters[0]), clone(c.Voters[1])},
		AutoLeave:    c.AutoLeave,
		Learners:     clone(c.Learners),
		LearnersNext: clone(c.LearnersNext),
	}
}

// ConfState returns the configuration with every list sorted (nil when empty).
func (c Config) ConfState() ConfState {
	return ConfState{
		Voters:         sortedIDs(c.Voters[0]),
		Learners:       sortedIDs(c.Learners),
		VotersOutgoing: sortedIDs(c.Voters[1]),
		LearnersNext:   sortedIDs(c.LearnersNext),
		AutoLeave:      c.AutoLeave,
	}
}

// String renders the configuration deterministically, e.g.
// "voters=(1 2 3)&&(1 2) learners=(4) learners_next=(3) autoleave".
func (c Config) String() string {
	var b strings.Builder
	b.WriteString("voters=")
	b.WriteString(c.Voters.String())
	if len(c.Learners) > 0 {
		b.WriteString(" learners=")
		b.WriteString(quorum.MajorityConfig(c.Learners).String())
	}
	if len(c.LearnersNext) > 0 {
		b.WriteString(" learners_next=")
		b.WriteString(quorum.MajorityConfig(c.LearnersNext).String())
	}
	if c.AutoLeave {
		b.WriteString(" autoleave")
	}
	return b.String()
}

func sortedIDs(m map[uint64]struct{}) []uint64 {
	if len(m) == 0 {
		return nil
	}
	return quorum.MajorityConfig(m).Slice()
}

// ProgressTracker tracks the configuration, the progress of every peer in it,
// and the votes of the current election.
type ProgressTracker struct {
	Config
	// Progress has one entry per voter and learner.
	//
	// Invariant: its keys are exactly the IDs named by Config.
	Progress ProgressMap
	// Votes holds the answers of the current election: true granted, false
	// rejected; a peer without an entry has not answered.
	Votes map[uint64]bool
	// MaxInflight is the inflight window of a new peer's Progress.
	MaxInflight int
	// MaxInflightBytes is the inflight byte limit of a new peer's Progress;
	// 0 means no byte limit.
	MaxInflightBytes uint64
}

// MakeProgressTracker returns a tracker with an empty configuration whose
// peers get an inflight window of maxInflight messages.
func MakeProgressTracker(maxInflight int) ProgressTracker {
	return ProgressTracker{
		Config: Config{
			Voters:       quorum.JointConfig{quorum.MajorityConfig{}, nil},
			Learners:     nil,
			LearnersNext: nil,
		},
		Progress:    ProgressMap{},
		Votes:       map[uint64]bool{},
		MaxInflight: maxInflight,
	}
}

// IsSingleton reports whether one node is the only voter, which can then
// commit and win elections alone. That includes a joint configuration whose
// halves both consist of that node alone (for example while learners are
// added to a one-voter cluster through joint consensus): its vote is a
// majority of each half.
func (p *ProgressTracker) IsSingleton() bool {
	var only uint64
	for _, half := range p.Voters {
		for id := range half {
			if only != 0 && id != only {
				return false
			}
			only = id
		}
	}
	return only != 0
}

// matchAckIndexer reads Match of every voter's progress.
type matchAckIndexer ProgressMap

// AckedIndex implements quorum.AckedIndexer.
func (m matchAckIndexer) AckedIndex(id uint64) (quorum.Index, bool) {
	pr, ok := m[id]
	if !ok {
		return 0, false
	}
	return quorum.Index(pr.Match), true
}

// Committed returns the highest index a quorum of voters has in its log (in
// both halves of a joint configuration). The caller still has to check that
// the entry there is of the current term before committing it (Raft §5.4.2).
func (p *ProgressTracker) Committed() uint64 {
	return uint64(p.Voters.CommittedIndex(matchAckIndexer(p.Progress)))
}

// visitStackSize is how many peers Visit sorts without allocating; the
// playground runs at most nine members plus a few learners.
const visitStackSize = 16

// Visit calls f for every peer, voters and learners, in ascending ID order so
// that the messages a leader emits never depend on map iteration order.
func (p *ProgressTracker) Visit(f func(id uint64, pr *Progress)) {
	n := len(p.Progress)
	var stack [visitStackSize]uint64
	var ids []uint64
	if n <= len(stack) {
		ids = stack[:0]
	} else {
		ids = make([]uint64, 0, n)
	}
	for id := range p.Progress {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		f(id, p.Progress[id])
	}
}

// QuorumActive reports whether a quorum of voters was recently active. With
// check-quorum, a leader for which this is false steps down (Raft §6.2 of the
// dissertation; etcd's CheckQuorum).
func (p *ProgressTracker) QuorumActive() bool {
	votes := make(map[uint64]bool, len(p.Progress))
	for id, pr := range p.Progress {
		if !pr.IsLearner {
			votes[id] = pr.RecentActive
		}
	}
	return p.Voters.VoteResult(votes) == quorum.VoteWon
}

// VoterNodes returns the voters of both halves in ascending order.
func (p *ProgressTracker) VoterNodes() []uint64 { return p.Voters.IDs() }

// LearnerNodes returns the learners in ascending order (nil if none).
func (p *ProgressTracker) LearnerNodes() []uint64 { return sortedIDs(p.Learners) }

// ResetVotes forgets the votes of the previous election.
func (p *ProgressTracker) ResetVotes() { clear(p.Votes) }

// RecordVote records id's answer. Only the first answer of each peer counts,
// so a duplicated or replayed response cannot change the tally.
func (p *ProgressTracker) RecordVote(id uint64, granted bool) {
	if _, ok := p.Votes[id]; !ok {
		p.Votes[id] = granted
	}
}

// VoteIDs returns the voters that granted and that rejected their vote, each
// in ascending order, for showing an election in progress.
func (p *ProgressTracker) VoteIDs() (granted, rejected []uint64) {
	for _, id := range p.Voters.IDs() {
		v, ok := p.Votes[id]
		switch {
		case !ok:
		case v:
			granted = append(granted, id)
		default:
			rejected = append(rejected, id)
		}
	}
	return granted, rejected
}

// TallyVotes counts the granted and rejected votes of voters (answers from
// non-voters are ignored) and says whether the election is won, lost or
// still pending.
func (p *ProgressTracker) TallyVotes() (granted, rejected int, result quorum.VoteResult) {
	for id, pr := range p.Progress {
		if pr.IsLearner {
			continue
		}
		v, ok := p.Votes[id]
		if !ok {
			continue
		}
		if v {
			granted++
		} else {
			rejected++
		}
	}
	return granted, rejected, p.Voters.VoteResult(p.Votes)
}
