package netsim

import (
	"math/rand/v2"
	"slices"

	"github.com/raft-playground/playground/core/raft"
)

// Drop reasons, used as record reasons and in the view.
const (
	DropLink      = "link"      // the link's drop knob lost it
	DropPartition = "partition" // sender and receiver are in different partition groups
	DropDown      = "down"      // the receiver is crashed or not (yet) a member of the world
	DropSender    = "sender"    // the sender crashed before its message left
)

// flight is a raft message on the wire.
type flight struct {
	ID      uint64
	Msg     raft.Message
	Sent    Time
	Deliver Time
	// Dropped is set when the message is lost; it stays in the view until
	// Deliver so the UI can show it vanish on its way.
	Dropped    bool
	DropReason string
	Duplicate  bool
	// summary is shared by the message's send, drop and deliver records.
	summary *MessageSummary
}

// network holds every link's knobs, the partition groups and the messages
// on the wire. Arrays indexed by member ID keep the order deterministic.
type network struct {
	defaults LinkSettings
	links    [MaxMembers + 1][MaxMembers + 1]LinkSettings
	// group is each member's partition group; members in different groups
	// cannot reach each other. Zero everywhere means no partition.
	group [MaxMembers + 1]int
	// lastDeliver is the latest delivery time scheduled on each direction,
	// which keeps a link first-in first-out unless a message is reordered.
	lastDeliver [MaxMembers + 1][MaxMembers + 1]Time
	inFlight    map[uint64]*flight
	nextMsgID   uint64
	rng         *rand.Rand
	// skippedDup is set by send when the duplicate knob fired on a message
	// that is never duplicated (a forwarded proposal).
	skippedDup bool
}

func newNetwork(defaults LinkSettings, rng *rand.Rand) network {
	n := network{defaults: defaults, inFlight: map[uint64]*flight{}, rng: rng}
	for i := range n.links {
		for j := range n.links[i] {
			n.links[i][j] = defaults
		}
	}
	return n
}

// connected reports whether the partition lets from reach to.
func (n *network) connected(from, to uint64) bool {
	return n.group[from] == n.group[to]
}

// send puts m on the wire at now and returns the flights it became: one, or
// two when the link duplicates it. A flight may already be marked dropped.
func (n *network) send(m raft.Message, now Time) []*flight {
	link := n.links[m.From][m.To]
	copies := 1
	if chance(n.rng, link.DuplicatePercent) {
		copies = 2
		if m.Type == raft.MsgProp {
			// A forwarded proposal travels on the members' peer stream (etcd
			// uses TCP), which never delivers a message twice. Raft's own
			// messages are idempotent, but a second proposal would be a
			// second command, applied twice. The caller records the skip.
			copies = 1
			n.skippedDup = true
		}
	}
	out := make([]*flight, 0, copies)
	sum := summarize(m)
	for c := 0; c < copies; c++ {
		n.nextMsgID++
		f := &flight{ID: n.nextMsgID, Msg: m, Sent: now, Duplicate: c > 0, summary: &sum}
		at := now.Add(latency(n.rng, link.LatencyMin, link.LatencyMax))
		if chance(n.rng, link.ReorderPercent) {
			at = at.Add(latency(n.rng, 0, link.LatencyMax))
		} else if last := n.lastDeliver[m.From][m.To]; at < last {
			at = last
		}
		if at > n.lastDeliver[m.From][m.To] {
			n.lastDeliver[m.From][m.To] = at
		}
		f.Deliver = at
		switch {
		case !n.connected(m.From, m.To):
			f.Dropped, f.DropReason = true, DropPartition
		case chance(n.rng, link.DropPercent):
			f.Dropped, f.DropReason = true, DropLink
		}
		n.inFlight[f.ID] = f
		out = append(out, f)
	}
	return out
}

// sortedFlights returns the messages on the wire in id order.
func (n *network) sortedFlights() []*flight {
	out := make([]*flight, 0, len(n.inFlight))
	for _, f := range n.inFlight {
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b *flight) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	return out
}
