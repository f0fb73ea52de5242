package raft_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/raft-playground/playground/core/raft"
)

// TestSafetyUnderRandomFaults runs random sequences of ticks, deliveries,
// proposals, ReadIndex requests, leadership transfers, log compactions,
// partitions, crashes and restarts on 3- and 5-member clusters whose network
// drops, duplicates and reorders messages (so lagging members need
// InstallSnapshot), and checks the safety properties of Raft
// figure 3 after every step:
//
//   - Election Safety: at most one leader in a term (§5.2);
//   - Log Matching: two logs with an entry of the same index and term are
//     identical up to that index (§5.3);
//   - Leader Completeness: a committed entry is in the log of every leader of
//     a later term (§5.4);
//   - State Machine Safety: no two members apply different entries at the
//     same index (§5.4.3);
//
// and that a ReadIndex answer is never below an index committed before the
// read was asked (§8: linearizable reads).
//
// Each seed draws its own fault rates and node options (swarm testing). A
// failure names the seed and the last steps; rerun one seed with
// -run 'TestSafetyUnderRandomFaults/voters=N/seed=S'.
func TestSafetyUnderRandomFaults(t *testing.T) {
	seeds, steps := 40, 1500
	if testing.Short() {
		seeds = 10
	}
	for _, voters := range []int{3, 5} {
		for seed := uint64(1); seed <= uint64(seeds); seed++ {
			t.Run(fmt.Sprintf("voters=%d/seed=%d", voters, seed), func(t *testing.T) {
				w := newFaultyWorld(t, voters, 0, seed)
				for step := range steps {
					w.randomStep()
					if err := w.checkSafety(); err != nil {
						t.Fatalf("seed %d, voters %d, step %d: %v\nlast steps:\n%s", seed, voters, step, err, w.recentSteps())
					}
				}
				if err := w.settle(); err != nil {
					t.Fatalf("seed %d, voters %d: after healing: %v\nlast steps:\n%s", seed, voters, err, w.recentSteps())
				}
			})
		}
	}
}

// TestSafetyUnderMembershipChanges is TestSafetyUnderRandomFaults with
// membership changes as well: members propose adding voters and learners,
// promoting, demoting and removing members, one at a time or several at once
// through a joint configuration (Raft §6), while spare nodes wait with empty
// storage to be added.
func TestSafetyUnderMembershipChanges(t *testing.T) {
	seeds, steps := 30, 1500
	if testing.Short() {
		seeds = 8
	}
	for _, voters := range []int{3, 5} {
		for seed := uint64(1); seed <= uint64(seeds); seed++ {
			t.Run(fmt.Sprintf("voters=%d/seed=%d", voters, seed), func(t *testing.T) {
				w := newFaultyWorld(t, voters, 2, seed)
				for step := range steps {
					w.randomStep()
					if err := w.checkSafety(); err != nil {
						t.Fatalf("seed %d, voters %d, step %d: %v\nlast steps:\n%s", seed, voters, step, err, w.recentSteps())
					}
				}
				if err := w.settle(); err != nil {
					t.Fatalf("seed %d, voters %d: after healing: %v\nlast steps:\n%s", seed, voters, err, w.recentSteps())
				}
			})
		}
	}
}

// TestLeaseReadsUnderLockstepClocks checks lease-based ReadIndex (Raft
// thesis §6.4.1) with check-quorum: a leader answers reads from its lease,
// without a heartbeat round, while a quorum answered a heartbeat sent less
// than an election timeout ago. That is only sound if clocks run at the same
// rate, so here every running member ticks together (messages may still be
// dropped, duplicated, reordered and delayed arbitrarily, and members crash
// and restart); under that assumption no read may miss a committed write.
//
// Reference: Raft §8 — read-only operations must not return stale data.
func TestLeaseReadsUnderLockstepClocks(t *testing.T) {
	seeds := 30
	if testing.Short() {
		seeds = 8
	}
	lease := func(c *raft.Config) { c.CheckQuorum, c.ReadOnlyOption = true, raft.ReadOnlyLeaseBased }
	leaseReads := 0
	for _, voters := range []int{3, 5} {
		for seed := uint64(1); seed <= uint64(seeds); seed++ {
			t.Run(fmt.Sprintf("voters=%d/seed=%d", voters, seed), func(t *testing.T) {
				w := newFaultyWorld(t, voters, 0, seed, lease)
				w.lockstepClocks = true
				for step := range 1500 {
					w.randomStep()
					if err := w.checkSafety(); err != nil {
						t.Fatalf("seed %d, voters %d, step %d: %v\nlast steps:\n%s", seed, voters, step, err, w.recentSteps())
					}
				}
				leaseReads += w.readsServed[raft.ReasonLease]
			})
		}
	}
	require.Positive(t, leaseReads, "no read was served from a lease: the test checked nothing")
}

// TestRandomWorldIsDeterministic runs the same seeded worlds twice and
// requires identical traces — every step, message and event. The core must
// not let Go's random map iteration order, or anything else outside the
// seed, reach what it does: the playground replays, rewinds and shares
// sessions by re-running them.
func TestRandomWorldIsDeterministic(t *testing.T) {
	trace := func(voters, spares int, seed uint64) string {
		w := newFaultyWorld(t, voters, spares, seed)
		var b strings.Builder
		for range 600 {
			w.randomStep()
			for _, id := range w.ids {
				for _, e := range w.nodes[id].events {
					fmt.Fprintf(&b, "%+v\n", e)
				}
				w.nodes[id].events = nil
			}
		}
		for _, m := range w.inflight {
			fmt.Fprintf(&b, "%+v\n", m)
		}
		return strings.Join(w.steps, "\n") + b.String()
	}
	for _, voters := range []int{3, 5} {
		for seed := uint64(1); seed <= 4; seed++ {
			first, second := trace(voters, 2, seed), trace(voters, 2, seed)
			require.Equal(t, first, second, "voters=%d seed=%d: two runs of the same seed differ", voters, seed)
		}
	}
}

// TestSafetyCheckerDetectsForgottenVotes breaks a rule on purpose — members
// forget their vote when they restart, so they can vote twice in a term — and
// checks that the safety checks catch it for some seed. Without this, a
// checker that never fails would look like a passing Raft.
//
// Reference: Raft §5.2 — "Each server will vote for at most one candidate in
// a given term"; the vote is persistent state (figure 2).
func TestSafetyCheckerDetectsForgottenVotes(t *testing.T) {
	for seed := uint64(1); seed <= 200; seed++ {
		violation := false
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			w := newFaultyWorld(t, 3, 0, seed)
			w.forgetVotes = true
			w.crashPercent = 5
			for range 1500 {
				w.randomStep()
				if w.checkSafety() != nil {
					violation = true
					return
				}
			}
		})
		if violation {
			return
		}
	}
	t.Fatal("forgotten votes were never caught by the safety checks")
}

// faultyWorld is a cluster on an unreliable network, driven by one seeded
// source.
type faultyWorld struct {
	t    *testing.T
	rng  *rand.Rand
	ids  []uint64
	opts []nodeOption
	// nodes holds every member; a crashed one stays here with down set, so
	// that its storage (what it persisted) survives to the restart.
	nodes map[uint64]*testNode
	down  map[uint64]bool
	// inflight are messages sent but not delivered, in any order.
	inflight []raft.Message

	dropPercent, dupPercent, crashPercent int
	proposals, reads                      int
	// readBounds maps each read request's context to the highest index
	// known committed when it was asked.
	readBounds map[string]uint64
	// readsServed counts the reads a leader served, by how it confirmed
	// its leadership.
	readsServed map[raft.Reason]int
	// changeMembership enables proposals of configuration changes.
	changeMembership bool
	// step counts the random steps taken; isolatedUntil maps a member cut
	// off by a partition to the step at which the partition heals.
	step          int
	isolatedUntil map[uint64]int
	// lockstepClocks makes every running member tick together, so that
	// their clocks never drift apart: the assumption lease reads rest on.
	lockstepClocks bool

	// leaders maps each term to the member that led it.
	leaders map[uint64]uint64
	// committed maps each index to the entry applied there and the lowest
	// term in which a member is known to have applied it: every leader of
	// that term or later must hold it.
	committed map[uint64]committedEntry
	// appliedUpTo is how far each member's state machine got since its
	// last (re)start; a member applies every index in order.
	appliedUpTo map[uint64]uint64

	// forgetVotes makes a restart lose the persisted vote: a broken disk
	// that TestSafetyCheckerDetectsForgottenVotes uses to show that the
	// checks can fail.
	forgetVotes bool
	// violation is the first State Machine Safety violation seen while
	// applying; checkSafety reports it.
	violation error

	steps []string
}

type committedEntry struct {
	entry raft.Entry
	term  uint64
}

// newFaultyWorld builds a cluster founded by voters members, plus spares
// nodes with empty storage that membership changes may add.
// extra options apply to every node after the seed's own choices.
func newFaultyWorld(t *testing.T, voters, spares int, seed uint64, extra ...nodeOption) *faultyWorld {
	rng := rand.New(rand.NewPCG(seed, uint64(voters*10+spares)))
	w := &faultyWorld{
		t:             t,
		rng:           rng,
		nodes:         map[uint64]*testNode{},
		down:          map[uint64]bool{},
		dropPercent:   rng.IntN(30),
		dupPercent:    rng.IntN(10),
		crashPercent:  1 + rng.IntN(2),
		leaders:       map[uint64]uint64{},
		committed:     map[uint64]committedEntry{},
		appliedUpTo:   map[uint64]uint64{},
		readBounds:    map[string]uint64{},
		isolatedUntil: map[uint64]int{},
		readsServed:   map[raft.Reason]int{},
	}
	for id := range uint64(voters + spares) {
		w.ids = append(w.ids, id+1)
	}
	w.changeMembership = spares > 0
	// Short election timeouts give many elections, and so many chances to
	// get one wrong, within a modest number of steps.
	electionTicks := 3 + rng.IntN(6)
	timeouts := func(c *raft.Config) { c.ElectionTick, c.HeartbeatTick = electionTicks, 1 }
	w.opts = []nodeOption{withRandSeed(seed), timeouts}
	if rng.IntN(2) == 0 {
		w.opts = append(w.opts, func(c *raft.Config) { c.PreVote = true })
	}
	if rng.IntN(2) == 0 {
		w.opts = append(w.opts, withCheckQuorum)
	}
	if rng.IntN(2) == 0 {
		w.opts = append(w.opts, withOneByOneBackOff)
	}
	if rng.IntN(2) == 0 {
		w.opts = append(w.opts, withOneEntryPerMessage)
	}
	w.opts = append(w.opts, extra...)
	w.log("options: drop=%d%% dup=%d%% crash=%d%% election=%d ticks", w.dropPercent, w.dupPercent, w.crashPercent, electionTicks)
	founders := w.ids[:voters]
	for _, id := range w.ids {
		opts := w.opts
		if int(id) <= voters {
			opts = append(slices.Clone(opts), withBootstrap(founders...))
		}
		w.nodes[id] = newTestNode(t, id, raft.NewMemoryStorage(), opts...)
		w.collect(id)
	}
	return w
}

func (w *faultyWorld) log(format string, args ...any) {
	w.steps = append(w.steps, fmt.Sprintf(format, args...))
}

// recentSteps returns the last steps taken, for a failure report.
func (w *faultyWorld) recentSteps() string {
	return strings.Join(w.steps[max(0, len(w.steps)-40):], "\n")
}

func (w *faultyWorld) up() []uint64 {
	var ids []uint64
	for _, id := range w.ids {
		if !w.down[id] {
			ids = append(ids, id)
		}
	}
	return ids
}

// randomStep takes one random action and lets the members involved process
// their Ready.
func (w *faultyWorld) randomStep() {
	w.step++
	up := w.up()
	if len(up) == 0 {
		w.restartRandom()
		return
	}
	id := up[w.rng.IntN(len(up))]
	r := w.rng.IntN(100)
	if r >= 89 && r < 92 && !w.changeMembership {
		r = 75 // a membership change's share goes to proposals
	}
	switch {
	case r < 55 && len(w.inflight) > 0:
		w.deliverRandom()
	case r < 75 && w.lockstepClocks:
		// Every member ticks at the same average rate as when one member
		// ticks at a time.
		if w.rng.IntN(len(up)) != 0 {
			return
		}
		w.log("tick all")
		for _, id := range up {
			w.nodes[id].rn.Tick()
			w.collect(id)
		}
	case r < 75:
		w.log("tick %d", id)
		w.nodes[id].rn.Tick()
		w.collect(id)
	case r < 83:
		w.proposals++
		data := fmt.Appendf(nil, "p%d", w.proposals)
		w.log("propose %s at %d", data, id)
		_ = w.nodes[id].rn.Propose(data) // dropped without a leader; that is fine
		w.collect(id)
	case r < 86:
		w.readIndex(id)
	case r < 87:
		target := w.ids[w.rng.IntN(len(w.ids))]
		w.log("transfer leadership to %d at %d", target, id)
		w.nodes[id].rn.TransferLeader(target)
		w.collect(id)
	case r < 89:
		w.compact(id)
	case r < 92:
		w.proposeConfChange(id)
	case r < 93:
		w.isolate(id)
	case r < 93+w.crashPercent:
		w.log("crash %d", id)
		w.down[id] = true
	default:
		w.restartRandom()
	}
}

// isolate cuts member id off the network for a while: every message to or
// from it is lost until the partition heals, after 50 to 300 steps.
func (w *faultyWorld) isolate(id uint64) {
	steps := 50 + w.rng.IntN(250)
	w.log("isolate %d for %d steps", id, steps)
	w.isolatedUntil[id] = w.step + steps
}

func (w *faultyWorld) partitioned(m raft.Message) bool {
	return w.isolatedUntil[m.From] > w.step || w.isolatedUntil[m.To] > w.step
}

func (w *faultyWorld) restartRandom() {
	var down []uint64
	for _, id := range w.ids {
		if w.down[id] {
			down = append(down, id)
		}
	}
	if len(down) > 0 {
		w.restart(down[w.rng.IntN(len(down))])
	}
}

// readIndex asks member id for a linearizable read point. Whatever index
// the answer carries must be at least every index known to be committed when
// the read was asked: a read must see every write completed before it began.
func (w *faultyWorld) readIndex(id uint64) {
	w.reads++
	ctx := fmt.Sprintf("r%d", w.reads)
	bound := uint64(0)
	for _, n := range w.nodes {
		bound = max(bound, n.status().Commit)
	}
	w.readBounds[ctx] = bound
	w.log("read %s at %d (committed so far: %d)", ctx, id, bound)
	w.nodes[id].rn.ReadIndex([]byte(ctx))
	w.collect(id)
}

// proposeConfChange proposes a random membership change at member id: one
// change (applied directly), or two (through a joint configuration, left
// automatically or, sometimes, by an explicit empty change proposed later).
// Refusals — one change already pending, an invalid change, no leader — are
// part of the game.
func (w *faultyWorld) proposeConfChange(id uint64) {
	types := []raft.ConfChangeType{raft.ConfChangeAddNode, raft.ConfChangeAddLearnerNode, raft.ConfChangeRemoveNode}
	var cc raft.ConfChange
	switch r := w.rng.IntN(10); {
	case r == 0:
		// Leave an explicitly entered joint configuration (refused if
		// there is none).
	case r < 7:
		cc.Changes = []raft.ConfChangeSingle{{Type: types[w.rng.IntN(3)], NodeID: w.ids[w.rng.IntN(len(w.ids))]}}
	default:
		for range 2 {
			cc.Changes = append(cc.Changes, raft.ConfChangeSingle{Type: types[w.rng.IntN(3)], NodeID: w.ids[w.rng.IntN(len(w.ids))]})
		}
		if w.rng.IntN(2) == 0 {
			cc.Transition = raft.ConfChangeTransitionJointExplicit
		}
	}
	err := w.nodes[id].rn.ProposeConfChange(cc)
	w.log("propose conf change %+v at %d: %v", cc, id, err)
	w.collect(id)
}

// compact snapshots member id at the last index it applied and discards the
// log up to there, as a member does to bound its log.
func (w *faultyWorld) compact(id uint64) {
	n := w.nodes[id]
	if len(n.applied) == 0 {
		return
	}
	index := n.applied[len(n.applied)-1].Index
	snap, err := n.storage.Snapshot()
	require.NoError(w.t, err)
	if index <= snap.Metadata.Index {
		return
	}
	w.log("compact %d at %d", id, index)
	cs := n.status().Config
	_, err = n.storage.CreateSnapshot(index, &cs, nil)
	require.NoError(w.t, err)
	require.NoError(w.t, n.storage.Compact(index))
}

// restart rebuilds a crashed member from what it persisted. Its state
// machine starts empty and re-applies the committed log.
func (w *faultyWorld) restart(id uint64) {
	w.log("restart %d", id)
	old := w.nodes[id]
	if w.forgetVotes {
		hs := old.storage.HardState()
		hs.Vote = raft.None
		require.NoError(w.t, old.storage.SetHardState(hs))
	}
	w.nodes[id] = newTestNode(w.t, id, old.storage, old.opts...)
	delete(w.down, id)
	w.appliedUpTo[id] = 0
	if snap, err := old.storage.Snapshot(); err == nil {
		w.appliedUpTo[id] = snap.Metadata.Index
	}
	w.collect(id)
}

// deliverRandom delivers, drops or duplicates one in-flight message chosen
// at random, which also reorders the network.
func (w *faultyWorld) deliverRandom() {
	i := w.rng.IntN(len(w.inflight))
	m := w.inflight[i]
	switch r := w.rng.IntN(100); {
	case r < w.dropPercent || w.partitioned(m):
		w.log("drop %s %d->%d term %d", m.Type, m.From, m.To, m.Term)
		w.inflight = slices.Delete(w.inflight, i, i+1)
		w.reportSnapshot(m, raft.SnapshotFailure)
		return
	case r < w.dropPercent+w.dupPercent:
		w.log("duplicate %s %d->%d", m.Type, m.From, m.To)
	default:
		w.inflight = slices.Delete(w.inflight, i, i+1)
	}
	if w.down[m.To] {
		w.log("lost %s %d->%d (receiver down)", m.Type, m.From, m.To)
		w.reportSnapshot(m, raft.SnapshotFailure)
		return
	}
	w.log("deliver %s %d->%d term %d index %d entries %d commit %d reject %v",
		m.Type, m.From, m.To, m.Term, m.Index, len(m.Entries), m.Commit, m.Reject)
	if err := w.nodes[m.To].rn.Step(m); err != nil {
		// A forwarded proposal may be refused by the leader, and a member
		// refuses answers from nodes outside its configuration.
		refusals := []error{raft.ErrProposalDropped, raft.ErrConfChangePending, raft.ErrInvalidConfChange, raft.ErrStepPeerNotFound}
		require.True(w.t, slices.ContainsFunc(refusals, func(e error) bool { return errors.Is(err, e) }), "step: %v", err)
	}
	w.collect(m.To)
	w.reportSnapshot(m, raft.SnapshotFinish)
}

// reportSnapshot tells the sender of a snapshot whether it arrived, as the
// application's transport must.
func (w *faultyWorld) reportSnapshot(m raft.Message, status raft.SnapshotStatus) {
	if m.Type != raft.MsgSnap || w.down[m.From] {
		return
	}
	w.nodes[m.From].rn.ReportSnapshot(m.To, status)
	w.collect(m.From)
}

// collect processes member id's Ready: it persists, queues the messages,
// and applies the committed entries, recording what the checks need.
func (w *faultyWorld) collect(id uint64) {
	n := w.nodes[id]
	for n.rn.HasReady() {
		before := len(n.applied)
		rd := n.process()
		w.inflight = append(w.inflight, rd.Messages...)
		if !rd.Snapshot.IsEmpty() {
			w.recordSnapshot(id, rd.Snapshot.Metadata)
		}
		for _, e := range rd.Events {
			if e.Kind == raft.EventReadServed {
				w.readsServed[e.Reason]++
			}
		}
		for _, rs := range rd.ReadStates {
			bound, ok := w.readBounds[string(rs.RequestCtx)]
			if ok && rs.Index < bound && w.violation == nil {
				w.violation = fmt.Errorf("linearizable read: member %d got read index %d for %s, but index %d was committed before the read was asked",
					id, rs.Index, rs.RequestCtx, bound)
			}
		}
		term := n.status().Term
		for _, e := range n.applied[before:] {
			w.recordApplied(id, e, term)
		}
	}
}

// recordApplied checks State Machine Safety as each entry is applied (a
// violation is reported by the next checkSafety) and remembers the entry for
// Leader Completeness.
func (w *faultyWorld) recordApplied(id uint64, e raft.Entry, term uint64) {
	if e.Index != w.appliedUpTo[id]+1 && w.violation == nil {
		w.violation = fmt.Errorf("member %d applied index %d after %d: the state machine skipped or repeated an index",
			id, e.Index, w.appliedUpTo[id])
	}
	w.appliedUpTo[id] = e.Index
	prev, ok := w.committed[e.Index]
	if !ok {
		w.committed[e.Index] = committedEntry{entry: e, term: term}
		return
	}
	if (prev.entry.Term != e.Term || !bytes.Equal(prev.entry.Data, e.Data)) && w.violation == nil {
		w.violation = fmt.Errorf("State Machine Safety: member %d applied %s at index %d, another member applied %s",
			id, describe(e), e.Index, describe(prev.entry))
	}
	if term < prev.term {
		prev.term = term
		w.committed[e.Index] = prev
	}
}

// recordSnapshot checks a snapshot a member installs: its last entry must be
// the entry committed at that index, if one is known; the member's state
// machine then continues after it.
func (w *faultyWorld) recordSnapshot(id uint64, meta raft.SnapshotMetadata) {
	if c, ok := w.committed[meta.Index]; ok && c.entry.Term != meta.Term && w.violation == nil {
		w.violation = fmt.Errorf("State Machine Safety: member %d installed a snapshot at index %d of term %d, but the entry committed there is %s",
			id, meta.Index, meta.Term, describe(c.entry))
	}
	w.appliedUpTo[id] = meta.Index
}

func describe(e raft.Entry) string { return fmt.Sprintf("(term %d, %q)", e.Term, e.Data) }

// checkSafety checks Election Safety, Log Matching and Leader Completeness
// on the current state.
func (w *faultyWorld) checkSafety() error {
	if w.violation != nil {
		return w.violation
	}
	logs := map[uint64][]raft.Entry{}
	for _, id := range w.ids {
		n := w.nodes[id]
		logs[id] = n.log()
		if w.down[id] {
			continue
		}
		st := n.status()
		if st.RaftState != raft.StateLeader {
			continue
		}
		if other, ok := w.leaders[st.Term]; ok && other != id {
			return fmt.Errorf("Election Safety: members %d and %d both led term %d", other, id, st.Term)
		}
		w.leaders[st.Term] = id
		first, err := n.storage.FirstIndex()
		require.NoError(w.t, err)
		for index, c := range w.committed {
			if c.term > st.Term || index < first {
				// Entries before the first index are covered by the
				// leader's snapshot, which holds only committed entries.
				continue
			}
			e, ok := entryAt(logs[id], index)
			if !ok || e.Term != c.entry.Term || !bytes.Equal(e.Data, c.entry.Data) {
				return fmt.Errorf("Leader Completeness: leader %d of term %d lacks entry %d %s, committed by term %d",
					id, st.Term, index, describe(c.entry), c.term)
			}
		}
	}
	for i, a := range w.ids {
		for _, b := range w.ids[i+1:] {
			if err := checkLogMatching(a, logs[a], b, logs[b]); err != nil {
				return err
			}
		}
	}
	return nil
}

// entryAt finds index in a log that starts at any index.
func entryAt(log []raft.Entry, index uint64) (raft.Entry, bool) {
	if len(log) == 0 || index < log[0].Index || index > log[len(log)-1].Index {
		return raft.Entry{}, false
	}
	return log[index-log[0].Index], true
}

// checkLogMatching checks that once the logs of a and b agree on the term of
// an index, they hold identical entries at every index up to it.
func checkLogMatching(a uint64, la []raft.Entry, b uint64, lb []raft.Entry) error {
	if len(la) == 0 || len(lb) == 0 {
		return nil
	}
	lo := max(la[0].Index, lb[0].Index)
	hi := min(la[len(la)-1].Index, lb[len(lb)-1].Index)
	matched := false
	for index := hi; index >= lo && index > 0; index-- {
		ea, _ := entryAt(la, index)
		eb, _ := entryAt(lb, index)
		if ea.Term == eb.Term {
			matched = true
		}
		if matched && (ea.Term != eb.Term || ea.Type != eb.Type || !bytes.Equal(ea.Data, eb.Data)) {
			return fmt.Errorf("Log Matching: members %d and %d agree on a later index but differ at index %d: %s vs %s",
				a, b, index, describe(ea), describe(eb))
		}
	}
	return nil
}

// settle heals everything — restarts crashed members and stops dropping
// messages — and checks that the cluster then elects a leader and commits a
// new proposal on every member: faults must not leave it stuck. Nodes outside
// the leader's configuration are shut down, as an operator would, and started
// again if the configuration takes them back.
func (w *faultyWorld) settle() error {
	for _, id := range w.ids {
		if w.down[id] {
			w.restart(id)
		}
	}
	w.dropPercent, w.dupPercent = 0, 0
	clear(w.isolatedUntil)
	marker := []byte("settled")
	proposed := false
	members := w.ids
	for round := range 200 * testElectionTicks {
		for len(w.inflight) > 0 {
			w.deliverRandom()
		}
		if err := w.checkSafety(); err != nil {
			return err
		}
		leader := w.currentLeader()
		if leader != 0 {
			members = configMembers(w.nodes[leader].status().Config)
			for _, id := range w.ids {
				switch member := slices.Contains(members, id); {
				case !member && !w.down[id]:
					w.log("shut down %d, not a member", id)
					w.down[id] = true
				case member && w.down[id]:
					w.restart(id) // added back after it was shut down
				}
			}
		}
		// Propose the marker, and again now and then: a leader that loses
		// its leadership may lose the proposal with it.
		if leader != 0 && (!proposed || round%(5*testElectionTicks) == 0) {
			proposed = w.nodes[leader].rn.Propose(marker) == nil || proposed
			w.collect(leader)
		}
		if proposed && w.allApplied(members, marker) {
			return nil
		}
		for _, id := range w.up() {
			w.nodes[id].rn.Tick()
			w.collect(id)
		}
	}
	return fmt.Errorf("no leader committed a proposal on every member after healing")
}

// currentLeader returns the leader of the highest term among the members
// that are up, or 0.
func (w *faultyWorld) currentLeader() uint64 {
	leader, term := uint64(0), uint64(0)
	for _, id := range w.up() {
		st := w.nodes[id].status()
		if st.RaftState == raft.StateLeader && st.Term > term {
			leader, term = id, st.Term
		}
	}
	return leader
}

// configMembers lists every node a configuration names.
func configMembers(cs raft.ConfState) []uint64 {
	ids := slices.Concat(cs.Voters, cs.Learners, cs.VotersOutgoing, cs.LearnersNext)
	slices.Sort(ids)
	return slices.Compact(ids)
}

// allApplied reports whether every member applied the entry holding data,
// itself or through a snapshot covering it.
func (w *faultyWorld) allApplied(members []uint64, data []byte) bool {
	index := uint64(0)
	for i, c := range w.committed {
		if bytes.Equal(c.entry.Data, data) {
			index = i
		}
	}
	if index == 0 {
		return false
	}
	for _, id := range members {
		if w.appliedUpTo[id] < index {
			return false
		}
	}
	return true
}
