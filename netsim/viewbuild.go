package netsim

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/raft-playground/playground/core/raft"
	"github.com/raft-playground/playground/kvstate"
	"github.com/raft-playground/playground/kvstate/concurrency"
)

// ViewLogTail is how many of each member's newest log entries View carries,
// so that the view the UI asks for every frame stays small in a long
// session; the indexes in MemberView stay exact.
const ViewLogTail = 64

var roleLabels = map[raft.StateType]string{
	raft.StateFollower:     "follower",
	raft.StateCandidate:    "candidate",
	raft.StateLeader:       "leader",
	raft.StatePreCandidate: "pre-candidate",
}

// View returns what the UI draws now. kvMember chooses the member whose
// key-value store is shown in detail (0: none).
func (w *World) View(kvMember uint64) View {
	v := View{NowUs: w.now, Term: w.Term(), TickUs: w.cfg.Tick, Events: w.nRecords}
	v.Leader, _ = w.Leader()
	for _, n := range w.nodes[1:] {
		if n.state != stateAbsent {
			v.Members = append(v.Members, w.memberView(n, ViewLogTail))
		}
	}
	for _, f := range w.net.sortedFlights() {
		s := summarize(f.Msg)
		v.Messages = append(v.Messages, MessageView{
			ID: f.ID, From: f.Msg.From, To: f.Msg.To, Type: s.Type, SentUs: f.Sent, DeliverUs: f.Deliver,
			Dropped: f.Dropped, DropReason: f.DropReason, Duplicate: f.Duplicate,
			Term: s.Term, Index: s.Index, LogTerm: s.LogTerm, Commit: s.Commit, Entries: s.Entries,
			Reject: s.Reject, Hint: s.Hint, SnapshotIndex: s.SnapshotIndex,
		})
	}
	v.Links, v.LinkDefaults = w.linkViews(), linkView(0, 0, w.net.defaults)
	clients := slices.Clone(w.clients)
	slices.SortFunc(clients, func(a, b *client) int { return compareClientNames(a.name, b.name) })
	for _, c := range clients {
		v.Clients = append(v.Clients, w.clientView(c))
	}
	if kvMember != 0 {
		if n, err := w.member(kvMember); err == nil && n.m != nil {
			kv := w.kvView(n)
			v.KV = &kv
		}
	}
	if v.Members == nil {
		v.Members = []MemberView{}
	}
	if v.Messages == nil {
		v.Messages = []MessageView{}
	}
	if v.Clients == nil {
		v.Clients = []ClientView{}
	}
	return v
}

// linkViews lists the link directions between members of the world whose
// knobs differ from the defaults, by sender then receiver (the arrays are
// indexed by member ID, so the order is deterministic).
func (w *World) linkViews() []LinkView {
	out := []LinkView{}
	for from := uint64(1); from <= MaxMembers; from++ {
		if w.nodes[from].state == stateAbsent {
			continue
		}
		for to := uint64(1); to <= MaxMembers; to++ {
			if to == from || w.nodes[to].state == stateAbsent {
				continue
			}
			if s := w.net.links[from][to]; s != w.net.defaults {
				out = append(out, linkView(from, to, s))
			}
		}
	}
	return out
}

func linkView(from, to uint64, s LinkSettings) LinkView {
	return LinkView{From: from, To: to, LatencyMinUs: s.LatencyMin, LatencyMaxUs: s.LatencyMax,
		DropPercent: s.DropPercent, DuplicatePercent: s.DuplicatePercent, ReorderPercent: s.ReorderPercent}
}

// Member returns the view of one member.
func (w *World) Member(id uint64) (MemberView, error) {
	n, err := w.member(id)
	if err != nil {
		return MemberView{}, err
	}
	return w.memberView(n, 0), nil
}

// compareClientNames orders c2 before c10.
func compareClientNames(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

// memberView describes member n with the newest tail entries of its log
// (0: all of them).
func (w *World) memberView(n *node, tail int) MemberView {
	v := MemberView{ID: n.id, Name: MemberName(n.id), State: n.state, Group: w.net.group[n.id],
		VotesGranted: []uint64{}, VotesRejected: []uint64{}, Log: []EntryView{}, Voters: []uint64{}, Learners: []uint64{}}
	if n.m == nil {
		if len(n.durableLog) > 0 {
			v.Log = n.durableLog
			if tail > 0 && len(v.Log) > tail {
				v.Log = v.Log[len(v.Log)-tail:]
			}
			v.FirstIndex, v.LastIndex = n.durableLog[0].Index, n.durableLog[len(n.durableLog)-1].Index
			v.SyncedIndex = v.LastIndex
		}
		return v
	}
	st := n.m.Status()
	v.Role = roleLabels[st.RaftState]
	v.Term, v.Vote, v.Lead, v.Commit = st.Term, st.Vote, st.Lead, st.Commit
	v.Applied = n.m.AppliedIndex()
	v.ElectionElapsed, v.ElectionTimeout = st.ElectionElapsed, st.RandomizedElectionTimeout
	if st.VotesGranted != nil {
		v.VotesGranted = st.VotesGranted
	}
	if st.VotesRejected != nil {
		v.VotesRejected = st.VotesRejected
	}
	v.LeadTransferee = st.LeadTransferee
	if st.Config.Voters != nil {
		v.Voters = st.Config.Voters
	}
	if st.Config.Learners != nil {
		v.Learners = st.Config.Learners
	}
	v.VotersOutgoing = st.Config.VotersOutgoing
	v.Learner = contains(st.Config.Learners, n.id)
	for _, p := range st.Progress {
		v.Progress = append(v.Progress, ProgressView{ID: p.ID, Match: p.Match, Next: p.Next, State: p.State,
			RecentActive: p.RecentActive, Learner: p.IsLearner, Inflight: p.Inflight, PendingSnapshot: p.PendingSnapshot})
	}
	lo := st.FirstIndex
	if tail > 0 && st.LastIndex >= uint64(tail) {
		lo = max(lo, st.LastIndex-uint64(tail)+1)
	}
	// Entries from the member's pending write on are written but not yet
	// synced: the tail a crash would lose.
	v.SyncedIndex = st.LastIndex
	if n.unsyncedFrom != 0 {
		v.SyncedIndex = n.unsyncedFrom - 1
	}
	for _, e := range entriesIn(n, lo, st.LastIndex) {
		if e.Index < lo || e.Index > st.LastIndex {
			continue
		}
		typ, desc := describeEntry(e)
		v.Log = append(v.Log, EntryView{Index: e.Index, Term: e.Term, Type: typ, Desc: desc, Synced: e.Index <= v.SyncedIndex})
	}
	v.FirstIndex, v.LastIndex = st.FirstIndex, st.LastIndex
	if v.FirstIndex > 0 {
		v.CompactedIndex = v.FirstIndex - 1
	}
	store := n.m.Store()
	v.KV = KVSummary{Revision: store.Rev(), CompactRevision: store.CompactRev()}
	store.Each(func(kvstate.KeyValue) bool { v.KV.Keys++; return true })
	return v
}

// describeEntry labels an entry and describes its command briefly.
func describeEntry(e raft.Entry) (string, string) {
	if e.Type == raft.EntryConfChange {
		cc, err := raft.UnmarshalConfChange(e.Data)
		if err != nil {
			return "conf-change", "undecodable"
		}
		if len(cc.Changes) == 0 {
			return "conf-change", "leave joint"
		}
		parts := make([]string, len(cc.Changes))
		for i, ch := range cc.Changes {
			parts[i] = ch.Type.String() + " " + MemberName(ch.NodeID)
		}
		return "conf-change", strings.Join(parts, ", ")
	}
	if len(e.Data) == 0 {
		return "no-op", ""
	}
	req, err := kvstate.Decode(e.Data)
	if err != nil {
		return "normal", "undecodable"
	}
	return "normal", describeRequest(req)
}

// describeRequest writes a store command briefly ("put foo=bar").
func describeRequest(r *kvstate.Request) string {
	switch {
	case r.Put != nil:
		s := "put " + r.Put.Key + "=" + r.Put.Value
		if r.Put.Lease != 0 {
			s += fmt.Sprintf(" lease=%x", int64(r.Put.Lease))
		}
		return s
	case r.DeleteRange != nil:
		if r.DeleteRange.RangeEnd != "" {
			return "delete " + r.DeleteRange.Key + "…"
		}
		return "delete " + r.DeleteRange.Key
	case r.Txn != nil:
		return fmt.Sprintf("txn (%d compares)", len(r.Txn.Compare))
	case r.Compaction != nil:
		return fmt.Sprintf("compact %d", r.Compaction.Revision)
	case r.LeaseGrant != nil:
		return fmt.Sprintf("lease grant ttl=%ds", r.LeaseGrant.TTL)
	case r.LeaseRevoke != nil:
		return fmt.Sprintf("lease revoke %x", int64(r.LeaseRevoke.ID))
	case r.LeaseCheckpoint != nil:
		return fmt.Sprintf("lease checkpoint (%d)", len(r.LeaseCheckpoint.Checkpoints))
	case r.Range != nil:
		return "range " + r.Range.Key
	}
	return "?"
}

func (w *World) clientView(c *client) ClientView {
	v := ClientView{Name: c.name, Crashed: c.crashed, Paused: c.paused, Target: c.target, Pending: []OpView{}, Leases: []LeaseView{}, Locks: []LockView{}, Watches: []WatchView{}}
	for _, p := range c.ops {
		v.Pending = append(v.Pending, opView(&p.op))
	}
	if c.lastReply >= 0 {
		op := w.opByID(c.lastReply)
		ov := opView(&op)
		v.LastReply = &ov
	}
	for _, l := range c.leases {
		if l.revoked || l.name == "" {
			continue
		}
		v.Leases = append(v.Leases, LeaseView{Name: l.name, ID: int64(l.id), TTLUs: l.ttl, KeepAlive: l.keepAlive})
	}
	for _, l := range c.locks {
		if l.closed || l.mutex == nil {
			continue
		}
		lv := LockView{Name: l.name, Held: l.phase == lockHeld, Key: l.mutex.Key()}
		if kv, ok := l.mutex.WaitingOn(); ok {
			lv.WaitingOn = kv.Key
		}
		v.Locks = append(v.Locks, lv)
	}
	for _, wt := range c.watches {
		if wt.closed || wt.lock >= 0 {
			continue
		}
		v.Watches = append(v.Watches, WatchView{Key: wt.req.Key, Prefix: wt.req.RangeEnd != "", Member: wt.member, NextRev: wt.nextRev, Events: wt.events})
	}
	return v
}

func opView(op *Op) OpView {
	v := OpView{ID: op.ID, Kind: op.Kind, Desc: op.Desc, CallUs: op.Call, ReturnUs: op.Return, Status: op.Status, Err: op.ErrText}
	if op.Status == StatusOK {
		v.Result = describeResult(op)
	}
	return v
}

func (w *World) kvView(n *node) KVView {
	store := n.m.Store()
	v := KVView{Member: n.id, Revision: store.Rev(), CompactRevision: store.CompactRev(),
		Keys: []KeyView{}, Leases: []LeaseDetail{}, Locks: []LockQueue{}, Watches: []WatchDetail{}}
	store.Each(func(kv kvstate.KeyValue) bool {
		v.Keys = append(v.Keys, KeyView{Key: kv.Key, Value: kv.Value, CreateRevision: kv.CreateRevision,
			ModRevision: kv.ModRevision, Version: kv.Version, Lease: int64(kv.Lease)})
		return true
	})
	for _, l := range store.Leases(time.Duration(w.now) * time.Microsecond) {
		d := LeaseDetail{ID: int64(l.ID), TTLUs: Duration(l.GrantedTTL) * Second, RemainingUs: -1, Keys: l.Keys}
		if l.Counting {
			d.RemainingUs = Duration(l.Remaining / time.Microsecond)
		}
		if d.Keys == nil {
			d.Keys = []string{}
		}
		v.Leases = append(v.Leases, d)
	}
	v.Locks = w.lockQueues(v.Keys)
	for _, c := range w.clients {
		for _, wt := range c.watches {
			if !wt.closed && wt.member == n.id && wt.reqID != 0 {
				v.Watches = append(v.Watches, WatchDetail{Client: c.name, Key: wt.req.Key, Prefix: wt.req.RangeEnd != "", NextRev: wt.nextRev})
			}
		}
	}
	slices.SortStableFunc(v.Watches, func(a, b WatchDetail) int { return compareClientNames(a.Client, b.Client) })
	return v
}

// lockQueues lists, for every lock name a client used, who holds it and who
// waits, in create-revision order, naming clients by their session leases.
func (w *World) lockQueues(keys []KeyView) []LockQueue {
	owner := map[kvstate.LeaseID]string{}
	var names []string
	for _, c := range w.clients {
		for _, l := range c.locks {
			if !slices.Contains(names, l.name) {
				names = append(names, l.name)
			}
			if l.session != nil {
				owner[l.session.Lease()] = c.name
			}
		}
	}
	slices.Sort(names)
	var out []LockQueue
	for _, name := range names {
		var held []KeyView
		for _, k := range keys {
			if _, ok := concurrency.LeaseOf(name, k.Key); ok {
				held = append(held, k)
			}
		}
		slices.SortFunc(held, func(a, b KeyView) int { return int(a.CreateRevision - b.CreateRevision) })
		q := LockQueue{Name: name, Waiters: []string{}}
		for i, k := range held {
			id, _ := concurrency.LeaseOf(name, k.Key)
			who := owner[id]
			if who == "" {
				who = k.Key
			}
			if i == 0 {
				q.Holder = who
			} else {
				q.Waiters = append(q.Waiters, who)
			}
		}
		out = append(out, q)
	}
	if out == nil {
		return []LockQueue{}
	}
	return out
}

// LockHolder returns the client holding the lock name according to the
// leader's store ("" when nobody holds it).
func (w *World) LockHolder(name string) (string, error) {
	lead, err := w.leaderNode()
	if err != nil {
		return "", err
	}
	kv := w.kvView(lead)
	for _, q := range kv.Locks {
		if q.Name == name {
			return q.Holder, nil
		}
	}
	return "", nil
}

// LocalGet reads a key from one member's store directly, without a client
// or Raft: what `expect value` compares.
func (w *World) LocalGet(id uint64, key string) (kvstate.KeyValue, bool, error) {
	n, err := w.member(id)
	if err != nil {
		return kvstate.KeyValue{}, false, err
	}
	if n.m == nil {
		return kvstate.KeyValue{}, false, fmt.Errorf("%s is %s", MemberName(id), n.state)
	}
	resp, err := n.m.Store().Range(&kvstate.RangeRequest{Key: key})
	if err != nil {
		return kvstate.KeyValue{}, false, err
	}
	if len(resp.KVs) == 0 {
		return kvstate.KeyValue{}, false, nil
	}
	return resp.KVs[0], true, nil
}
