package raft

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRandomizedFaultsKeepSafety drives clusters of this package's
// mechanisms together through random ticks, proposals, partitions, dropped
// messages, restarts, snapshots, reads, transfers and membership changes,
// with options drawn from the seed (swarm testing), and checks after every
// step: at most one leader per term (Raft §5.2), applied sequences that are
// prefixes of each other (state machine safety, §5.4.3), and read indexes
// that cover every entry committed before the read was asked for (§6.4, the
// lease included). At the end the network heals and a leader must emerge.
// A failure names the seed.
func TestRandomizedFaultsKeepSafety(t *testing.T) {
	for seed := uint64(1); seed <= 40; seed++ {
		if !runRandomizedFaults(t, seed) {
			t.Fatalf("seed %d failed; rerun it alone with runRandomizedFaults(t, %d)", seed, seed)
		}
	}
}

// runRandomizedFaults runs one seed and reports whether every check held.
func runRandomizedFaults(t *testing.T, seed uint64) bool {
	rng := rand.New(rand.NewPCG(seed, 99))
	size := 3 + 2*rng.IntN(2)
	ids := make([]uint64, size)
	for i := range ids {
		ids[i] = uint64(i + 1)
	}
	preVote, checkQuorum, leaseReads := rng.IntN(2) == 0, rng.IntN(2) == 0, rng.IntN(3) == 0
	n := newInstantNetwork(t, ids, func(c *Config) {
		c.PreVote = preVote
		c.CheckQuorum = checkQuorum
		if checkQuorum && leaseReads {
			c.ReadOnlyOption = ReadOnlyLeaseBased
		}
		c.Rand = rand.New(rand.NewPCG(seed, c.ID))
		c.MaxSizePerMsg = uint64(rng.IntN(3)) * 100
		c.MaxInflightMsgs = 1 + rng.IntN(4)
		c.DisableConflictHint = rng.IntN(4) == 0
	})
	leaders := map[uint64]uint64{}
	readFloor := map[string]uint64{}
	proposals := 0
	for step := range 300 {
		randomFault(n, rng, &ids, step, &proposals, readFloor)
		if msg := checkSafety(n, ids, leaders, readFloor); msg != "" {
			t.Errorf("seed %d, step %d: %s", seed, step, msg)
			return false
		}
	}
	// Removed members are shut down, as an operator would: they are no
	// longer part of the cluster and would only disturb its elections
	// (Raft §6).
	n.heal()
	var best uint64
	for _, id := range ids {
		if best == None || n.raft(id).raftLog.committed > n.raft(best).raftLog.committed {
			best = id
		}
	}
	for _, id := range ids {
		if _, ok := n.raft(best).trk.Progress[id]; !ok {
			n.node(id).down = true
		}
	}
	n.tickAll(150)
	if n.leader() == None {
		t.Errorf("seed %d: no leader after healing", seed)
		return false
	}
	return true
}

// randomFault applies one random step to the cluster.
func randomFault(n *instantNetwork, rng *rand.Rand, ids *[]uint64, step int, proposals *int, readFloor map[string]uint64) {
	pick := func() uint64 { return (*ids)[rng.IntN(len(*ids))] }
	switch r := rng.IntN(100); {
	case r < 60:
		n.tickAll(1)
	case r < 75:
		if lead := n.leader(); lead != None {
			*proposals++
			_ = n.propose(lead, fmt.Sprintf("v%d", *proposals))
		}
	case r < 80:
		n.heal()
		n.isolate(pick())
	case r < 85:
		n.heal()
	case r < 88:
		n.restart(pick())
		n.settle()
	case r < 91:
		id := pick()
		if snap, _ := n.node(id).storage.Snapshot(); n.raft(id).raftLog.applied > snap.Metadata.Index {
			n.snapshotAndCompact(id)
		}
	case r < 94:
		ctx := fmt.Sprintf("read%d", step)
		var committed uint64
		for _, id := range *ids {
			committed = max(committed, n.raft(id).raftLog.committed)
		}
		readFloor[ctx] = committed
		n.node(pick()).rn.ReadIndex([]byte(ctx))
		n.settle()
	case r < 95:
		if lead := n.leader(); lead != None {
			n.node(lead).rn.TransferLeader(pick())
			n.settle()
		}
	case r < 97:
		if lead := n.leader(); lead != None {
			proposeRandomConfChange(n, rng, ids, lead)
		}
	default:
		n.dropIf = func(Message) bool { return rng.IntN(3) == 0 }
		n.tickAll(3)
		n.dropIf = nil
	}
}

// proposeRandomConfChange proposes one or two random changes, sometimes
// adding a new node, and sometimes leaves a joint configuration explicitly.
func proposeRandomConfChange(n *instantNetwork, rng *rand.Rand, ids *[]uint64, lead uint64) {
	var changes []ConfChangeSingle
	for range 1 + rng.IntN(2) {
		id := uint64(1 + rng.IntN(len(*ids)+1))
		if id > uint64(len(*ids)) {
			*ids = append(*ids, id)
			n.addJoiner(id)
		}
		changes = append(changes, ConfChangeSingle{Type: ConfChangeType(rng.IntN(3)), NodeID: id})
	}
	cc := ConfChange{Transition: ConfChangeTransition(rng.IntN(3)), Changes: changes}
	if err := n.proposeConfChange(lead, cc); err == nil && rng.IntN(2) == 0 {
		n.tickAll(2)
		_ = n.proposeConfChange(lead, ConfChange{})
	}
}

// checkSafety returns a description of the first broken property, or "".
func checkSafety(n *instantNetwork, ids []uint64, leaders map[uint64]uint64, readFloor map[string]uint64) string {
	for _, id := range ids {
		if r := n.raft(id); r.state == StateLeader {
			if other, ok := leaders[r.Term]; ok && other != id {
				return fmt.Sprintf("two leaders in term %d: %d and %d", r.Term, other, id)
			}
			leaders[r.Term] = id
		}
		for _, rs := range n.node(id).readStates {
			if floor, ok := readFloor[string(rs.RequestCtx)]; ok && rs.Index < floor {
				return fmt.Sprintf("node %d read %s at index %d, but %d was committed before it was asked", id, rs.RequestCtx, rs.Index, floor)
			}
		}
	}
	var longest [][]byte
	for _, id := range ids {
		if applied := n.node(id).applied; len(applied) > len(longest) {
			longest = applied
		}
	}
	for _, id := range ids {
		for i, data := range n.node(id).applied {
			if string(data) != string(longest[i]) {
				return fmt.Sprintf("node %d applied %q as command %d, another node %q", id, data, i, longest[i])
			}
		}
	}
	return ""
}

func TestRandomizedFaultsCheckCatchesDivergence(t *testing.T) {
	// The safety check itself must be able to fail.
	n := newInstantNetwork(t, []uint64{1, 2, 3}, nil)
	n.node(1).applied = [][]byte{[]byte("a")}
	n.node(2).applied = [][]byte{[]byte("b")}
	require.Contains(t, checkSafety(n, n.ids, map[uint64]uint64{}, nil), "applied")
	n.node(2).applied = nil
	n.node(3).readStates = []ReadState{{Index: 1, RequestCtx: []byte("r")}}
	require.Contains(t, checkSafety(n, n.ids, map[uint64]uint64{}, map[string]uint64{"r": 2}), "read r at index 1")
	n.raft(1).state, n.raft(2).state = StateLeader, StateLeader
	require.Contains(t, checkSafety(n, n.ids, map[uint64]uint64{}, nil), "two leaders")
}
