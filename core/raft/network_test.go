package raft

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// instantNetwork is the in-test cluster: RawNodes over MemoryStorage whose
// messages are delivered at once, in the order they were sent. Each node's
// Ready is processed the way an application must: persist, send, apply,
// Advance. Links can be cut to model partitions.
type instantNetwork struct {
	t     testing.TB
	ids   []uint64
	nodes map[uint64]*testNode
	// cut holds directed links that drop every message.
	cut map[[2]uint64]bool
	// dropIf, if set, drops the messages it returns true for.
	dropIf func(m Message) bool
	// queue holds messages sent but not yet delivered.
	queue []Message
}

// testNode is one member of an instantNetwork with what its application
// has seen.
type testNode struct {
	rn      *RawNode
	storage *MemoryStorage
	cfg     Config
	// applied holds every normal entry with data the application applied.
	applied [][]byte
	// confState is the configuration after the last applied change.
	confState  ConfState
	readStates []ReadState
	events     []Event
	// down nodes receive nothing and are not processed.
	down bool
}

// testConfig returns a config with small timeouts and a seeded source.
func testConfig(id uint64, voters []uint64) Config {
	return Config{
		ID:              id,
		Voters:          voters,
		ElectionTick:    10,
		HeartbeatTick:   1,
		Storage:         NewMemoryStorage(),
		MaxSizePerMsg:   noLimit,
		MaxInflightMsgs: 256,
		Rand:            rand.New(rand.NewPCG(1, id)),
	}
}

// newInstantNetwork starts a cluster of the given voters; configure, if not
// nil, adjusts every node's config before it starts.
func newInstantNetwork(t testing.TB, voters []uint64, configure func(*Config)) *instantNetwork {
	n := &instantNetwork{t: t, nodes: map[uint64]*testNode{}, cut: map[[2]uint64]bool{}}
	for _, id := range voters {
		cfg := testConfig(id, voters)
		if configure != nil {
			configure(&cfg)
		}
		n.add(cfg)
	}
	// Every node persists and applies its bootstrap entries (the initial
	// configuration, indexes 1..len(voters), term 1) before the test starts.
	n.settle()
	return n
}

// add starts a node with cfg and adds it to the network.
func (n *instantNetwork) add(cfg Config) *testNode {
	rn, err := NewRawNode(&cfg)
	require.NoError(n.t, err)
	tn := &testNode{rn: rn, storage: cfg.Storage.(*MemoryStorage), cfg: cfg}
	// A restarted node's application state starts from its snapshot.
	if snap, err := tn.storage.Snapshot(); err == nil && !snap.IsEmpty() {
		tn.applied = decodeAppliedState(snap.Data)
		tn.confState = snap.Metadata.ConfState
	}
	n.nodes[cfg.ID] = tn
	if !slices.Contains(n.ids, cfg.ID) {
		n.ids = append(n.ids, cfg.ID)
		slices.Sort(n.ids)
	}
	return tn
}

// node returns the node with id.
func (n *instantNetwork) node(id uint64) *testNode {
	tn, ok := n.nodes[id]
	require.True(n.t, ok, "no node %d", id)
	return tn
}

// raft returns the state machine of node id, for assertions.
func (n *instantNetwork) raft(id uint64) *raft { return n.node(id).rn.raft }

// settle processes Readies and delivers messages until nothing is left.
func (n *instantNetwork) settle() {
	for round := 0; ; round++ {
		if round > 10000 {
			n.t.Fatalf("instantNetwork: the cluster did not settle")
		}
		progressed := false
		for _, id := range n.ids {
			tn := n.nodes[id]
			if !tn.down && tn.rn.HasReady() {
				n.processReady(id, tn)
				progressed = true
			}
		}
		if len(n.queue) > 0 {
			queue := n.queue
			n.queue = nil
			for _, m := range queue {
				n.deliver(m)
			}
			progressed = true
		}
		if !progressed {
			return
		}
	}
}

// processReady handles one Ready the way the contract says: persist, send,
// apply, Advance.
func (n *instantNetwork) processReady(id uint64, tn *testNode) {
	rd := tn.rn.Ready()
	if !rd.Snapshot.IsEmpty() {
		require.NoError(n.t, tn.storage.ApplySnapshot(rd.Snapshot))
		tn.confState = rd.Snapshot.Metadata.ConfState
		tn.applied = decodeAppliedState(rd.Snapshot.Data)
	}
	require.NoError(n.t, tn.storage.Append(rd.Entries))
	if !rd.HardState.IsEmpty() {
		require.NoError(n.t, tn.storage.SetHardState(rd.HardState))
	}
	for _, m := range rd.Messages {
		require.Equal(n.t, id, m.From, "message %s from node %d names another sender", m.Type, id)
		n.queue = append(n.queue, m)
	}
	for _, e := range rd.CommittedEntries {
		switch e.Type {
		case EntryConfChange:
			cc, err := UnmarshalConfChange(e.Data)
			require.NoError(n.t, err)
			tn.confState = *tn.rn.ApplyConfChange(cc)
		case EntryNormal:
			if len(e.Data) > 0 {
				tn.applied = append(tn.applied, e.Data)
			}
		}
	}
	tn.readStates = append(tn.readStates, rd.ReadStates...)
	tn.events = append(tn.events, rd.Events...)
	tn.rn.Advance(rd)
}

// deliver steps m into its target unless the link or the target is down.
func (n *instantNetwork) deliver(m Message) {
	tn, ok := n.nodes[m.To]
	if !ok || tn.down || n.cut[[2]uint64{m.From, m.To}] || (n.dropIf != nil && n.dropIf(m)) {
		return
	}
	if n.nodes[m.From] != nil && n.nodes[m.From].down {
		return
	}
	err := tn.rn.Step(m)
	if err != nil && err != ErrStepPeerNotFound {
		n.t.Fatalf("node %d stepping %s from %d: %v", m.To, m.Type, m.From, err)
	}
}

// tick ticks node id k times, settling after each tick.
func (n *instantNetwork) tick(id uint64, k int) {
	for range k {
		n.node(id).rn.Tick()
		n.settle()
	}
}

// tickAll ticks every node that is up k times, settling after each round.
func (n *instantNetwork) tickAll(k int) {
	for range k {
		for _, id := range n.ids {
			if !n.nodes[id].down {
				n.nodes[id].rn.Tick()
			}
		}
		n.settle()
	}
}

// campaign makes node id campaign and settles.
func (n *instantNetwork) campaign(id uint64) {
	require.NoError(n.t, n.node(id).rn.Campaign())
	n.settle()
}

// propose proposes data at node id and settles.
func (n *instantNetwork) propose(id uint64, data string) error {
	err := n.node(id).rn.Propose([]byte(data))
	n.settle()
	return err
}

// isolate cuts every link to and from id.
func (n *instantNetwork) isolate(id uint64) {
	for _, other := range n.ids {
		if other != id {
			n.cut[[2]uint64{id, other}] = true
			n.cut[[2]uint64{other, id}] = true
		}
	}
}

// partition cuts every link between the two groups.
func (n *instantNetwork) partition(a, b []uint64) {
	for _, x := range a {
		for _, y := range b {
			n.cut[[2]uint64{x, y}] = true
			n.cut[[2]uint64{y, x}] = true
		}
	}
}

// heal restores every link.
func (n *instantNetwork) heal() { clear(n.cut) }

// leader returns the node that is leader in the highest term, or None.
func (n *instantNetwork) leader() uint64 {
	var lead, term uint64
	for _, id := range n.ids {
		r := n.nodes[id].rn.raft
		if !n.nodes[id].down && r.state == StateLeader && r.Term >= term {
			lead, term = id, r.Term
		}
	}
	return lead
}

// snapshotAndCompact makes node id snapshot its state at its applied index
// and compact its log up to it.
func (n *instantNetwork) snapshotAndCompact(id uint64) Snapshot {
	tn := n.node(id)
	applied := tn.rn.raft.raftLog.applied
	cs := tn.confState
	snap, err := tn.storage.CreateSnapshot(applied, &cs, encodeAppliedState(tn.applied))
	require.NoError(n.t, err)
	require.NoError(n.t, tn.storage.Compact(applied))
	return snap
}

// eventsOf returns node id's events of kind.
func (n *instantNetwork) eventsOf(id uint64, kind EventKind) []Event {
	var out []Event
	for _, e := range n.node(id).events {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

// clearEvents forgets every node's events.
func (n *instantNetwork) clearEvents() {
	for _, tn := range n.nodes {
		tn.events = nil
	}
}

// electLeader makes node id campaign and requires it to win.
func (n *instantNetwork) electLeader(id uint64) {
	n.campaign(id)
	require.Equal(n.t, StateLeader, n.raft(id).state, "node %d did not win the election", id)
}

// proposeConfChange proposes cc at node id and settles.
func (n *instantNetwork) proposeConfChange(id uint64, cc ConfChange) error {
	err := n.node(id).rn.ProposeConfChange(cc)
	n.settle()
	return err
}

// addJoiner starts node id, which is about to be added to the cluster. It
// starts with an empty log and configuration and learns both from the
// leader.
func (n *instantNetwork) addJoiner(id uint64) *testNode {
	return n.add(testConfig(id, nil))
}

// restart replaces node id by a new node over the same storage, as after a
// crash that lost everything volatile. The application state is rebuilt by
// applying the committed log again (Applied stays 0).
func (n *instantNetwork) restart(id uint64) *testNode {
	old := n.node(id)
	cfg := old.cfg
	cfg.Rand = rand.New(rand.NewPCG(2, id))
	n.queue = slices.DeleteFunc(n.queue, func(m Message) bool { return m.To == id || m.From == id })
	return n.add(cfg)
}

// encodeAppliedState is the snapshot data of a test application: the data
// of every entry it applied, each followed by a zero byte.
func encodeAppliedState(applied [][]byte) []byte {
	var out []byte
	for _, d := range applied {
		out = append(append(out, d...), 0)
	}
	return out
}

// decodeAppliedState reverses encodeAppliedState.
func decodeAppliedState(data []byte) [][]byte {
	var applied [][]byte
	for len(data) > 0 {
		i := bytes.IndexByte(data, 0)
		applied = append(applied, data[:i])
		data = data[i+1:]
	}
	return applied
}
