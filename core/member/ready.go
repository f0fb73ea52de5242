package member

import (
	"github.com/raft-playground/playground/core/raft"
)

// HasWork reports whether Process would do something: Raft has a Ready and
// the previous one is not still waiting for its sync.
func (m *Member) HasWork() bool {
	return m.pending == nil && m.node.HasReady()
}

// NeedsSync reports whether a Ready is written to the WAL and waits for the
// simulator to call Synced once the fsync latency has passed.
func (m *Member) NeedsSync() bool { return m.pending != nil }

// Process takes Raft's Ready and writes what must be durable to the WAL,
// unsynced. When nothing in it needs an fsync (only commits advanced or
// messages that depend on nothing new), it completes at once; otherwise the
// messages wait until Synced, because a member must not promise anything —
// a vote, an appended entry — before it is on disk.
func (m *Member) Process(nowUs int64) Output {
	m.setNow(nowUs)
	if !m.HasWork() {
		return m.takeOutput()
	}
	rd := m.node.Ready()
	for _, e := range rd.Events {
		m.emit(Event{Kind: EventRaft, Raft: e})
	}
	if rd.SoftState != nil {
		m.onSoftState(*rd.SoftState)
	}
	wrote := m.persist(&rd)
	m.pending = &rd
	// A received snapshot always waits for the sync, whatever MustSync says:
	// the entries that follow it only make sense in a WAL that records it.
	if wrote && (rd.MustSync || !rd.Snapshot.IsEmpty()) {
		return m.takeOutput()
	}
	m.finishReady()
	return m.takeOutput()
}

// Synced completes the pending Ready once the WAL is durable: it syncs the
// WAL, hands the entries to Raft's storage, sends the messages, applies the
// committed entries and serves the reads that became ready.
func (m *Member) Synced(nowUs int64) Output {
	m.setNow(nowUs)
	if m.pending == nil {
		return m.takeOutput()
	}
	m.sync()
	m.finishReady()
	return m.takeOutput()
}

func (m *Member) finishReady() {
	rd := m.pending
	if !rd.Snapshot.IsEmpty() {
		m.disk.Snapshot = rd.Snapshot
		m.restoreSnapshot(rd.Snapshot)
	}
	if len(rd.Entries) > 0 {
		if err := m.storage.Append(rd.Entries); err != nil {
			panic("member: Raft's storage refused entries Raft produced: " + err.Error())
		}
	}
	if !rd.HardState.IsEmpty() {
		if err := m.storage.SetHardState(rd.HardState); err != nil {
			panic("member: Raft's storage refused its hard state: " + err.Error())
		}
	}
	m.out.Messages = append(m.out.Messages, rd.Messages...)
	for _, msg := range rd.Messages {
		if msg.Type == raft.MsgSnap {
			// The simulated transport hands a snapshot over in one message;
			// whether it arrives or is lost, Raft learns it from the
			// follower's reply or its silence, as after etcd's report of a
			// finished send.
			m.node.ReportSnapshot(msg.To, raft.SnapshotFinish)
		}
	}
	m.applyEntries(rd.CommittedEntries)
	m.collectReadStates(rd.ReadStates)
	m.node.Advance(*rd)
	m.pending = nil
	m.serveReads()
	m.flushWatches()
	m.maybeSnapshot()
}

// onSoftState follows role changes. A member that stops leading demotes its
// lessor at once; a new leader promotes it only when it applies an empty
// entry (see applyCommand), as etcd does.
func (m *Member) onSoftState(ss raft.SoftState) {
	wasLeader := m.role == raft.StateLeader
	m.role = ss.RaftState
	m.lead = ss.Lead
	isLeader := m.role == raft.StateLeader
	if wasLeader != isLeader {
		// etcd pauses the compactor on a member that stops leading and
		// resumes it on one that starts; ours starts over either way.
		m.compactor.reset()
	}
	if wasLeader && !isLeader {
		m.store.Demote()
	}
	if !isLeader {
		m.failReadsWithoutLeader()
	}
}
