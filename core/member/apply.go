package member

import (
	"fmt"

	"github.com/raft-playground/playground/core/raft"
	"github.com/raft-playground/playground/kvstate"
)

// applyEntries applies committed entries in order: commands to the store,
// configuration changes to Raft. The member that received a write answers its
// client here, when the write's entry is applied — like etcd, a member
// answers only what its own state machine has applied.
func (m *Member) applyEntries(ents []raft.Entry) {
	for _, e := range ents {
		if e.Index <= m.applied {
			continue
		}
		switch e.Type {
		case raft.EntryConfChange:
			m.applyConfChange(e)
		default:
			m.applyCommand(e)
		}
		m.applied = e.Index
	}
}

func (m *Member) applyConfChange(e raft.Entry) {
	cc, err := raft.UnmarshalConfChange(e.Data)
	if err != nil {
		panic(fmt.Sprintf("member s%d: committed conf-change entry %d does not decode: %v", m.cfg.ID, e.Index, err))
	}
	wasMember := m.inConfig()
	m.confState = *m.node.ApplyConfChange(cc)
	// Raft records the change as it applies it; reporting it now keeps the
	// trace in the order things happened (entry 3's change before entry 4's
	// apply), where the next Ready would report it after the whole batch.
	for _, re := range m.node.TakeEvents() {
		m.emit(Event{Kind: EventRaft, Raft: re})
	}
	if err := m.store.MarkApplied(e.Index); err != nil {
		panic(fmt.Sprintf("member s%d: store refused applied index %d: %v", m.cfg.ID, e.Index, err))
	}
	m.emit(Event{Kind: EventApplied, Index: e.Index, Term: e.Term, Op: "conf-change", Revision: m.store.Rev(), Digest: m.store.Digest()})
	// Only a change that takes this member out of a configuration it was in
	// removes it; a joining member replays the changes that built the
	// cluster before the one that adds it, and those remove nothing.
	if wasMember && !m.inConfig() {
		m.removed = true
		m.emit(Event{Kind: EventRemoved, Index: e.Index})
	}
}

func (m *Member) inConfig() bool {
	for _, ids := range [][]uint64{m.confState.Voters, m.confState.Learners, m.confState.VotersOutgoing} {
		for _, id := range ids {
			if id == m.cfg.ID {
				return true
			}
		}
	}
	return false
}

func (m *Member) applyCommand(e raft.Entry) {
	if len(e.Data) == 0 {
		// The empty entry a new leader appends to commit its predecessors'
		// entries (Raft §5.4.2).
		if err := m.store.MarkApplied(e.Index); err != nil {
			panic(fmt.Sprintf("member s%d: store refused applied index %d: %v", m.cfg.ID, e.Index, err))
		}
		m.emit(Event{Kind: EventApplied, Index: e.Index, Term: e.Term, Op: "no-op", Revision: m.store.Rev(), Digest: m.store.Digest()})
		if m.role == raft.StateLeader {
			m.promoteLessor()
		}
		return
	}
	req, decodeErr := kvstate.Decode(e.Data)
	resp, err := m.store.Apply(e.Index, m.now, e.Data)
	if err != nil {
		// The store refuses only an index it has already applied or data that
		// does not decode; both mean the log and the store disagree, which
		// no client input can cause.
		panic(fmt.Sprintf("member s%d: applying entry %d: %v", m.cfg.ID, e.Index, err))
	}
	op := "unknown"
	if decodeErr == nil {
		op = opName(req)
	}
	m.emit(Event{Kind: EventApplied, Index: e.Index, Term: e.Term, Op: op, Revision: m.store.Rev(), Digest: m.store.Digest(), Err: resp.Err, ReqID: resp.ID})
	if w, ok := m.writes[resp.ID]; ok && resp.ID != 0 {
		delete(m.writes, resp.ID)
		r := resp
		m.reply(Reply{Client: w.Client, ID: w.ID, Kind: RequestWrite, Write: &r, Err: resp.Err})
	}
}

// promoteLessor makes the leader's lessor primary, as etcd's applyEntryNormal
// does when a leader applies an empty entry: by its own term's empty entry the
// leader has applied every entry of earlier terms, so its leases are the ones
// those terms left. Every lease's countdown restarts to end an election
// timeout plus its remaining TTL from now (the TTL last checkpointed, else the
// granted one): the old leader's countdowns were never replicated, and the
// extra election timeout lets clients find the new leader before anything
// expires (etcd's lessor.Promote(ElectionTimeout)). Until then keep-alives to
// this leader fail with kvstate.ErrNotPrimary and no lease expires.
func (m *Member) promoteLessor() {
	m.store.Promote(m.now, m.cfg.electionTimeout())
	m.emit(Event{Kind: EventLeasesPromoted, Count: len(m.store.Leases(m.now))})
}

// opName names the command an entry carries, for the trace.
func opName(r *kvstate.Request) string {
	switch {
	case r.Put != nil:
		return "put"
	case r.DeleteRange != nil:
		return "delete"
	case r.Txn != nil:
		return "txn"
	case r.Compaction != nil:
		return "compact"
	case r.LeaseGrant != nil:
		return "lease-grant"
	case r.LeaseRevoke != nil:
		return "lease-revoke"
	case r.LeaseCheckpoint != nil:
		return "lease-checkpoint"
	case r.Range != nil:
		return "range"
	}
	return "unknown"
}
