package fuzz

import (
	"fmt"
	"math/rand/v2"
	"sort"
)

// memberState is what the generator believes about a member. It can be
// wrong (a command the world refuses changes nothing, and the generator does
// not see refusals), which is harmless: a refused line is simply not part of
// the run.
type memberState int

const (
	memberUp memberState = iota
	memberCrashed
	memberPaused
	memberRemoved
)

// generator writes one seed's script.
type generator struct {
	o       Options
	r       *rand.Rand
	lines   []string
	members map[int]memberState
	learner map[int]bool
	clients map[string]memberState // memberUp, memberCrashed or memberPaused
	leases  map[string]string      // granted lease name → client
	links   map[[2]int]bool        // links whose knobs were changed
	value   int                    // values are unique, so reads identify the write they saw
	lease   int
}

// clientNames are the clients a fuzz script uses.
var clientNames = []string{"c1", "c2", "c3"}

// kvKeys are the keys checked for linearizability; prefix reads and watches
// cover them all with the prefix "k". Leased keys live under "lease/" and
// locks under their own names, outside that prefix, because the lessor and
// the lock recipe write them outside the client history.
var kvKeys = []string{"k1", "k2", "k3", "k4"}

// Generate writes the script for seed: a cluster line, the actions, then a
// settling phase that heals every fault and lets the cluster catch up, and
// the whole-history checks.
func Generate(seed uint64) (Options, []string) {
	o := OptionsFor(seed)
	g := &generator{
		o:       o,
		r:       rand.New(rand.NewPCG(seed, 0x6e6e_7261_7465)),
		members: map[int]memberState{},
		learner: map[int]bool{},
		clients: map[string]memberState{},
		leases:  map[string]string{},
		links:   map[[2]int]bool{},
	}
	for id := 1; id <= o.Size; id++ {
		g.members[id] = memberUp
	}
	for _, c := range clientNames {
		g.clients[c] = memberUp
	}
	autoCompact := ""
	if o.AutoCompact > 0 {
		autoCompact = fmt.Sprintf(" auto-compact=%d auto-compact-every=%dms", o.AutoCompact, o.AutoCompactEveryMs)
	}
	g.emit("cluster size=%d seed=%d prevote=%s checkquorum=%s reads=%s snapshot-every=%d catchup=3 client-timeout=1s%s",
		o.Size, seed, onOff(o.PreVote), onOff(o.CheckQuorum), map[bool]string{true: "lease", false: "safe"}[o.LeaseRead], o.SnapshotEvery, autoCompact)
	g.emit("run 1s")
	for i := 0; i < o.Actions; i++ {
		g.action()
		g.emit("run %dms", 5+g.r.IntN(300))
	}
	g.settle()
	return o, g.lines
}

func (g *generator) emit(format string, args ...any) {
	g.lines = append(g.lines, fmt.Sprintf(format, args...))
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// action picks one action class by weight and emits one of its commands.
func (g *generator) action() {
	classes := []struct {
		weight int
		emit   func()
	}{
		{g.o.Crashes, g.crashes},
		{g.o.Pauses, g.pauses},
		{g.o.Partitions, g.partitions},
		{g.o.LossyLinks, g.lossyLinks},
		{g.o.Membership, g.membership},
		{g.o.Snapshots, g.snapshots},
		{g.o.Elections, g.elections},
		{g.o.ClientCrash, g.clientFaults},
		{g.o.KV, g.kv},
		{g.o.Leases, g.leaseOps},
		{g.o.Locks, g.locks},
		{g.o.Watches, g.watches},
	}
	total := 0
	for _, c := range classes {
		total += c.weight
	}
	pick := g.r.IntN(total)
	for _, c := range classes {
		if pick < c.weight {
			c.emit()
			return
		}
		pick -= c.weight
	}
}

// membersIn returns the members in one of the given states, sorted.
func (g *generator) membersIn(states ...memberState) []int {
	var out []int
	for id, s := range g.members {
		for _, want := range states {
			if s == want {
				out = append(out, id)
			}
		}
	}
	sort.Ints(out)
	return out
}

func (g *generator) pickMember(states ...memberState) (int, bool) {
	ids := g.membersIn(states...)
	if len(ids) == 0 {
		return 0, false
	}
	return ids[g.r.IntN(len(ids))], true
}

func (g *generator) crashes() {
	if id, ok := g.pickMember(memberCrashed); ok && g.r.IntN(2) == 0 {
		g.emit("restart s%d", id)
		g.members[id] = memberUp
		return
	}
	if id, ok := g.pickMember(memberUp, memberPaused); ok {
		// Only the normal crash: a torn synced record models a disk that
		// lies about fsync, which Raft does not survive by design.
		g.emit("crash s%d", id)
		g.members[id] = memberCrashed
	}
}

func (g *generator) pauses() {
	if id, ok := g.pickMember(memberPaused); ok && g.r.IntN(2) == 0 {
		g.emit("resume s%d", id)
		g.members[id] = memberUp
		return
	}
	if id, ok := g.pickMember(memberUp); ok {
		g.emit("pause s%d", id)
		g.members[id] = memberPaused
	}
}

func (g *generator) partitions() {
	ids := g.membersIn(memberUp, memberCrashed, memberPaused)
	switch g.r.IntN(3) {
	case 0:
		g.emit("heal")
	case 1:
		if len(ids) > 0 {
			g.emit("isolate s%d", ids[g.r.IntN(len(ids))])
		}
	default:
		if len(ids) < 2 {
			return
		}
		g.r.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
		cut := 1 + g.r.IntN(len(ids)-1)
		g.emit("partition %s | %s", names(ids[:cut]), names(ids[cut:]))
	}
}

func names(ids []int) string {
	sorted := append([]int(nil), ids...)
	sort.Ints(sorted)
	s := ""
	for i, id := range sorted {
		if i > 0 {
			s += ","
		}
		s += fmt.Sprintf("s%d", id)
	}
	return s
}

func (g *generator) lossyLinks() {
	ids := g.membersIn(memberUp, memberCrashed, memberPaused)
	if len(ids) < 2 {
		return
	}
	from := ids[g.r.IntN(len(ids))]
	to := ids[g.r.IntN(len(ids))]
	if from == to {
		return
	}
	key := [2]int{from, to}
	if g.links[key] && g.r.IntN(3) == 0 {
		g.emit("link s%d->s%d reset", from, to)
		delete(g.links, key)
		return
	}
	g.links[key] = true
	switch g.r.IntN(4) {
	case 0:
		g.emit("link s%d->s%d drop=%d%%", from, to, 10+g.r.IntN(91))
	case 1:
		g.emit("link s%d->s%d dup=%d%%", from, to, 5+g.r.IntN(50))
	case 2:
		g.emit("link s%d->s%d reorder=%d%%", from, to, 5+g.r.IntN(60))
	default:
		lo := 1 + g.r.IntN(50)
		g.emit("link s%d->s%d latency=%dms..%dms", from, to, lo, lo+g.r.IntN(200))
	}
}

func (g *generator) membership() {
	learners := []int{}
	for id, l := range g.learner {
		if l && g.members[id] != memberRemoved {
			learners = append(learners, id)
		}
	}
	sort.Ints(learners)
	switch g.r.IntN(3) {
	case 0:
		for id := 1; id <= 9; id++ {
			if _, used := g.members[id]; !used {
				g.emit("member add s%d learner", id)
				g.members[id] = memberUp
				g.learner[id] = true
				return
			}
		}
	case 1:
		if len(learners) > 0 {
			id := learners[g.r.IntN(len(learners))]
			g.emit("member promote s%d", id)
			g.learner[id] = false
		}
	default:
		// Keep at least three members, so the cluster can still make progress
		// with one of them down.
		if len(g.membersIn(memberUp, memberCrashed, memberPaused)) > 3 {
			if id, ok := g.pickMember(memberUp, memberPaused, memberCrashed); ok {
				g.emit("member remove s%d", id)
				g.members[id] = memberRemoved
			}
		}
	}
}

func (g *generator) snapshots() {
	if id, ok := g.pickMember(memberUp); ok {
		g.emit("snapshot s%d", id)
	}
}

func (g *generator) elections() {
	id, ok := g.pickMember(memberUp)
	if !ok {
		return
	}
	if g.r.IntN(2) == 0 {
		g.emit("timeout s%d", id)
	} else {
		g.emit("transfer to=s%d", id)
	}
}

func (g *generator) pickClient(states ...memberState) (string, bool) {
	var out []string
	for _, c := range clientNames {
		for _, s := range states {
			if g.clients[c] == s {
				out = append(out, c)
			}
		}
	}
	if len(out) == 0 {
		return "", false
	}
	return out[g.r.IntN(len(out))], true
}

func (g *generator) clientFaults() {
	switch g.r.IntN(4) {
	case 0:
		if c, ok := g.pickClient(memberUp, memberPaused); ok {
			g.emit("crash %s", c)
			g.clients[c] = memberCrashed
		}
	case 1:
		if c, ok := g.pickClient(memberCrashed); ok {
			g.emit("restart %s", c)
			g.clients[c] = memberUp
		}
	case 2:
		if c, ok := g.pickClient(memberUp); ok {
			g.emit("pause %s", c)
			g.clients[c] = memberPaused
		}
	default:
		if c, ok := g.pickClient(memberPaused); ok {
			g.emit("resume %s", c)
			g.clients[c] = memberUp
		}
	}
}

func (g *generator) nextValue() string {
	g.value++
	return fmt.Sprintf("v%d", g.value)
}

func (g *generator) key() string { return kvKeys[g.r.IntN(len(kvKeys))] }

func (g *generator) kv() {
	c, ok := g.pickClient(memberUp)
	if !ok {
		return
	}
	switch g.r.IntN(12) {
	case 0, 1, 2:
		g.emit("put %s %s %s", c, g.key(), g.nextValue())
	case 3, 4:
		g.emit("get %s %s", c, g.key())
	case 5:
		// A serializable read may be stale by design; it is excluded from
		// the linearizability check but still exercises the read path.
		g.emit("get %s %s serializable", c, g.key())
	case 6:
		g.emit("get %s k prefix", c)
	case 7:
		g.emit("delete %s %s", c, g.key())
	case 8:
		// Reads of the past and compactions exercise MVCC history; the
		// revision may be compacted or in the future, which the client
		// reports as an error.
		if g.r.IntN(2) == 0 {
			g.emit("get %s k prefix rev=%d", c, 1+g.r.IntN(g.value+1))
		} else {
			g.emit("compact %s %d", c, 1+g.r.IntN(g.value+1))
		}
	default:
		k := g.key()
		if g.value > 0 && g.r.IntN(3) > 0 {
			g.emit(`txn %s if="value(%s)=v%d" then="put %s %s" else="get %s"`, c, k, 1+g.r.IntN(g.value), k, g.nextValue(), k)
		} else {
			g.emit(`txn %s if="version(%s)=0" then="put %s %s; get %s" else="get %s; delete %s"`, c, k, k, g.nextValue(), k, k, k)
		}
	}
}

func (g *generator) leaseOps() {
	c, ok := g.pickClient(memberUp)
	if !ok {
		return
	}
	var held []string
	for name, owner := range g.leases {
		if owner == c {
			held = append(held, name)
		}
	}
	sort.Strings(held)
	if len(held) == 0 || g.r.IntN(4) == 0 {
		g.lease++
		name := fmt.Sprintf("L%d", g.lease)
		g.emit("lease grant %s %s ttl=%ds", c, name, 1+g.r.IntN(4))
		g.leases[name] = c
		return
	}
	name := held[g.r.IntN(len(held))]
	switch g.r.IntN(4) {
	case 0:
		g.emit("put %s lease/%s %s lease=%s", c, name, g.nextValue(), name)
	case 1:
		g.emit("lease keepalive %s %s", c, name)
	case 2:
		g.emit("lease keepalive %s %s once", c, name)
	default:
		g.emit("lease revoke %s %s", c, name)
		delete(g.leases, name)
	}
}

func (g *generator) locks() {
	c, ok := g.pickClient(memberUp)
	if !ok {
		return
	}
	name := []string{"lockA", "lockB"}[g.r.IntN(2)]
	if g.r.IntN(3) == 0 {
		g.emit("unlock %s %s", c, name)
		return
	}
	g.emit("lock %s %s ttl=%ds", c, name, 1+g.r.IntN(5))
}

func (g *generator) watches() {
	c, ok := g.pickClient(memberUp)
	if !ok {
		return
	}
	if g.r.IntN(2) == 0 {
		g.emit("watch %s k prefix", c)
	} else {
		g.emit("watch %s %s", c, g.key())
	}
}

// settle heals every fault so that the cluster converges and pending
// requests complete, then asks for the whole-history checks.
func (g *generator) settle() {
	g.emit("heal")
	var links [][2]int
	for l := range g.links {
		links = append(links, l)
	}
	sort.Slice(links, func(i, j int) bool {
		return links[i][0] < links[j][0] || links[i][0] == links[j][0] && links[i][1] < links[j][1]
	})
	for _, l := range links {
		g.emit("link s%d->s%d reset", l[0], l[1])
	}
	for _, id := range g.membersIn(memberPaused) {
		g.emit("resume s%d", id)
	}
	for _, id := range g.membersIn(memberCrashed) {
		g.emit("restart s%d", id)
	}
	for _, c := range clientNames {
		switch g.clients[c] {
		case memberPaused:
			g.emit("resume %s", c)
		case memberCrashed:
			g.emit("restart %s", c)
		}
	}
	g.emit("run 5s")
	g.emit("check safety")
	g.emit("check linearizable")
	g.emit("check watches")
}
