package member

import (
	"github.com/raft-playground/playground/core/raft"
	"github.com/raft-playground/playground/core/wal"
)

// Disk is what a member keeps across a crash: its write-ahead log and its
// newest snapshot. etcd keeps the snapshot in a file of its own beside the
// WAL and records only a marker of it in the WAL; a snapshot is written and
// synced in one go, so here it is durable as soon as it is taken.
type Disk struct {
	WAL      *wal.WAL
	Snapshot raft.Snapshot
}

// NewDisk returns an empty disk.
func NewDisk() *Disk {
	w, err := wal.New(wal.Options{})
	if err != nil {
		panic("member: the WAL's default options are invalid: " + err.Error())
	}
	return &Disk{WAL: w}
}

// persist writes a Ready's snapshot, entries and hard state to the WAL
// without syncing them, and reports whether it wrote anything.
func (m *Member) persist(rd *raft.Ready) bool {
	wrote := false
	if !rd.Snapshot.IsEmpty() {
		// The snapshot itself becomes durable in finishReady, together with
		// its marker, so that a crash before the sync leaves the old
		// snapshot and the old marker, which agree.
		m.appendSnapshotMarker(rd.Snapshot.Metadata)
		wrote = true
	}
	if len(rd.Entries) > 0 || !rd.HardState.IsEmpty() {
		ents := make([]wal.Entry, len(rd.Entries))
		for i, e := range rd.Entries {
			ents[i] = wal.Entry{Index: e.Index, Term: e.Term, Type: uint8(e.Type), Data: e.Data}
		}
		hs := rd.HardState
		if err := m.disk.WAL.Save(wal.HardState{Term: hs.Term, Vote: hs.Vote, Commit: hs.Commit}, ents); err != nil {
			panic("member: the WAL refused what Raft produced: " + err.Error())
		}
		wrote = true
	}
	if wrote {
		first, count := uint64(0), len(rd.Entries)
		if count > 0 {
			first = rd.Entries[0].Index
		}
		m.emit(Event{Kind: EventPersisted, Index: first, Count: count,
			Term: rd.HardState.Term, Vote: rd.HardState.Vote, Commit: rd.HardState.Commit})
	}
	return wrote
}

func (m *Member) appendSnapshotMarker(md raft.SnapshotMetadata) {
	if err := m.disk.WAL.AppendSnapshot(wal.SnapshotMarker{Index: md.Index, Term: md.Term}); err != nil {
		panic("member: the WAL refused a snapshot marker: " + err.Error())
	}
}

// sync makes everything written to the WAL durable.
func (m *Member) sync() {
	before := m.disk.WAL.Stats()
	m.disk.WAL.Sync()
	after := m.disk.WAL.Stats()
	m.emit(Event{Kind: EventSynced, Count: after.SyncedRecords - before.SyncedRecords})
}

// WALStats returns the WAL's size accounting for the UI.
func (m *Member) WALStats() wal.Stats { return m.disk.WAL.Stats() }

func entriesFromWAL(ents []wal.Entry, after uint64) []raft.Entry {
	out := make([]raft.Entry, 0, len(ents))
	for _, e := range ents {
		if e.Index <= after {
			continue
		}
		out = append(out, raft.Entry{Index: e.Index, Term: e.Term, Type: raft.EntryType(e.Type), Data: e.Data})
	}
	return out
}

func hardStateFromWAL(hs wal.HardState) raft.HardState {
	return raft.HardState{Term: hs.Term, Vote: hs.Vote, Commit: hs.Commit}
}
