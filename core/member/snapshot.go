package member

import (
	"fmt"

	"github.com/raft-playground/playground/core/raft"
)

// Snapshot takes a snapshot at the applied index now and compacts the log,
// as the snapshot command of a script asks. While a write waits for its
// fsync the snapshot is refused, because the snapshot must not cover entries
// that are not yet durable.
func (m *Member) Snapshot() error {
	if m.pending != nil {
		return ErrSnapshotPending
	}
	if m.applied <= m.snapshotIndex {
		return ErrNothingToSnapshot
	}
	m.takeSnapshot()
	return nil
}

// maybeSnapshot takes a snapshot every SnapshotEvery applied entries.
func (m *Member) maybeSnapshot() {
	if m.cfg.SnapshotEvery == 0 || m.applied < m.snapshotIndex+m.cfg.SnapshotEvery {
		return
	}
	m.takeSnapshot()
}

// takeSnapshot saves the store at the applied index with the configuration,
// records it in the WAL, compacts the Raft log keeping SnapshotCatchUp
// entries for slow followers, and releases the WAL records the snapshot
// covers.
func (m *Member) takeSnapshot() {
	cs := m.confState
	snap, err := m.storage.CreateSnapshot(m.applied, &cs, m.store.Snapshot())
	if err != nil {
		panic(fmt.Sprintf("member s%d: snapshot at applied index %d: %v", m.cfg.ID, m.applied, err))
	}
	m.disk.Snapshot = snap
	m.snapshotIndex = snap.Metadata.Index
	m.appendSnapshotMarker(snap.Metadata)
	m.disk.WAL.Sync()
	compactTo := uint64(0)
	if m.applied > m.cfg.SnapshotCatchUp {
		compactTo = m.applied - m.cfg.SnapshotCatchUp
	}
	first, _ := m.storage.FirstIndex()
	if compactTo >= first {
		if err := m.storage.Compact(compactTo); err != nil {
			panic(fmt.Sprintf("member s%d: compacting to %d: %v", m.cfg.ID, compactTo, err))
		}
	}
	if _, err := m.disk.WAL.ReleaseTo(snap.Metadata.Index); err != nil {
		panic(fmt.Sprintf("member s%d: releasing the WAL to %d: %v", m.cfg.ID, snap.Metadata.Index, err))
	}
	m.emit(Event{Kind: EventSnapshotTaken, Index: snap.Metadata.Index, Term: snap.Metadata.Term,
		Count: int(compactTo), Revision: m.store.Rev()})
}

// restoreSnapshot installs a snapshot the leader sent: Raft's storage, the
// store and the configuration all jump to it.
func (m *Member) restoreSnapshot(snap raft.Snapshot) {
	if err := m.storage.ApplySnapshot(snap); err != nil {
		panic(fmt.Sprintf("member s%d: Raft's storage refused the snapshot at %d: %v", m.cfg.ID, snap.Metadata.Index, err))
	}
	if err := m.store.Restore(snap.Data); err != nil {
		panic(fmt.Sprintf("member s%d: the snapshot at %d does not restore: %v", m.cfg.ID, snap.Metadata.Index, err))
	}
	m.applied = snap.Metadata.Index
	m.snapshotIndex = snap.Metadata.Index
	m.confState = snap.Metadata.ConfState
	m.emit(Event{Kind: EventSnapshotRestored, Index: snap.Metadata.Index, Term: snap.Metadata.Term, Revision: m.store.Rev(), Digest: m.store.Digest()})
}
