package fuzz

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Options are the knobs one seed draws. Every rate is a weight: how likely an
// action of that class is, relative to the others, at each generation step.
type Options struct {
	Seed        uint64
	Size        int
	PreVote     bool
	CheckQuorum bool
	LeaseRead   bool
	// SnapshotEvery makes members snapshot every N applied entries (0: never
	// on their own).
	SnapshotEvery int
	// AutoCompact makes the leader compact the store to all but the last N
	// revisions every AutoCompactEveryMs (0: off), as etcd's revision-mode
	// auto-compaction does; small values make watches and reads at old
	// revisions meet compaction often.
	AutoCompact        int
	AutoCompactEveryMs int
	// Actions is how many actions the script takes before it heals everything.
	Actions int

	Crashes     int // crash and restart members (WAL keeps its synced prefix)
	Pauses      int // pause and resume members
	Partitions  int // partitions, isolation, heal
	LossyLinks  int // drops, duplicates, reordering and latency on single links
	Membership  int // add learners, promote, remove members
	Snapshots   int // explicit snapshots
	Elections   int // forced timeouts and leadership transfers
	ClientCrash int // crash, restart, pause and resume clients
	KV          int // puts, gets, deletes, txns
	Leases      int // grant, keep alive, revoke leases; puts attached to them
	Locks       int // lock and unlock
	Watches     int // open watches
}

// weight draws a rate for a fault class: zero half of the time (the class is
// left out of this run), otherwise from 1 to max.
func weight(r *rand.Rand, max int) int {
	if r.IntN(2) == 0 {
		return 0
	}
	return 1 + r.IntN(max)
}

// OptionsFor derives the options of a seed.
func OptionsFor(seed uint64) Options {
	r := rand.New(rand.NewPCG(seed, 0x5a4a_2e55))
	o := Options{Seed: seed}
	o.Size = []int{3, 3, 4, 5, 5}[r.IntN(5)]
	o.PreVote = r.IntN(2) == 0
	o.CheckQuorum = r.IntN(2) == 0
	o.LeaseRead = o.CheckQuorum && r.IntN(3) == 0
	if r.IntN(3) == 0 {
		o.SnapshotEvery = 5 + r.IntN(20)
	}
	o.Actions = 20 + r.IntN(40)
	o.Crashes = weight(r, 4)
	o.Pauses = weight(r, 3)
	if o.LeaseRead {
		// A lease read trusts the leader's clock: a leader paused past its
		// lease and then resumed still believes it leads and may serve a
		// stale read. That is the documented price of lease reads (etcd
		// assumes bounded clock drift and no long pauses), not a bug, so
		// runs with lease reads do not pause members.
		o.Pauses = 0
	}
	o.Partitions = weight(r, 4)
	o.LossyLinks = weight(r, 4)
	o.Membership = weight(r, 2)
	o.Snapshots = weight(r, 2)
	o.Elections = weight(r, 2)
	o.ClientCrash = weight(r, 2)
	// Client load is always on: a run without requests checks only elections.
	o.KV = 4 + r.IntN(8)
	o.Leases = weight(r, 3)
	o.Locks = weight(r, 3)
	o.Watches = weight(r, 2)
	// Drawn last, so the draws above stay what they were for every seed.
	if r.IntN(3) == 0 {
		o.AutoCompact = 1 + r.IntN(8)
		o.AutoCompactEveryMs = 100 + 100*r.IntN(5)
	}
	return o
}

// String lists the options compactly, for reports.
func (o Options) String() string {
	var parts []string
	parts = append(parts, fmt.Sprintf("size=%d", o.Size))
	flag := func(name string, on bool) {
		if on {
			parts = append(parts, name)
		}
	}
	flag("prevote", o.PreVote)
	flag("checkquorum", o.CheckQuorum)
	flag("lease-reads", o.LeaseRead)
	if o.SnapshotEvery > 0 {
		parts = append(parts, fmt.Sprintf("snapshot-every=%d", o.SnapshotEvery))
	}
	if o.AutoCompact > 0 {
		parts = append(parts, fmt.Sprintf("auto-compact=%d/%dms", o.AutoCompact, o.AutoCompactEveryMs))
	}
	parts = append(parts, fmt.Sprintf("actions=%d", o.Actions))
	for _, k := range []struct {
		name string
		v    int
	}{{"crashes", o.Crashes}, {"pauses", o.Pauses}, {"partitions", o.Partitions}, {"lossy-links", o.LossyLinks},
		{"membership", o.Membership}, {"snapshots", o.Snapshots}, {"elections", o.Elections}, {"client-crashes", o.ClientCrash},
		{"kv", o.KV}, {"leases", o.Leases}, {"locks", o.Locks}, {"watches", o.Watches}} {
		if k.v > 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", k.name, k.v))
		}
	}
	return strings.Join(parts, " ")
}
