package member

import (
	"github.com/raft-playground/playground/core/raft"
	"github.com/raft-playground/playground/kvstate"
)

// EventKind names a member decision or step. Raft's own decisions come
// through as EventRaft with the Raft event inside; the rest are the member's.
type EventKind uint8

const (
	// EventRaft wraps a decision of the Raft node (Event.Raft).
	EventRaft EventKind = iota
	// EventPersisted: entries Index..Index+Count-1 (Count may be 0) and the
	// hard state (Term, Vote, Commit) were written to the WAL, not yet synced.
	EventPersisted
	// EventSynced: the WAL was synced; Count records are durable now.
	EventSynced
	// EventApplied: the entry at Index (of Term) was applied; Revision is the
	// store's revision after it, Op names what it did, Err says why the
	// store refused it.
	EventApplied
	// EventSnapshotTaken: a snapshot at Index (of Term) was taken and the log
	// compacted up to Count entries before it (Revision is the store's).
	EventSnapshotTaken
	// EventSnapshotRestored: a snapshot from the leader at Index was restored.
	EventSnapshotRestored
	// EventReadServed: the read of Client/ReqID was served at ReadIndex Index.
	EventReadServed
	// EventLeaseExpired: the leader's lessor found Lease expired and proposed
	// its revocation through Raft.
	EventLeaseExpired
	// EventLeasesPromoted: this member, the leader, applied an empty entry
	// and made its lessor primary (etcd's lessor Promote): each of its Count
	// leases now expires an election timeout plus its remaining TTL (the
	// checkpointed one, else the granted TTL) from now.
	EventLeasesPromoted
	// EventReplayed: a restarted member replayed its WAL: Count entries up to
	// Index, hard state Term/Vote/Commit, snapshot at Revision (as an index).
	EventReplayed
	// EventRemoved: the configuration change at Index removed this member.
	EventRemoved
	// EventAutoCompact: this member, the leader, proposed compacting the
	// store at Revision through Raft, keeping the last Count revisions
	// (Config.AutoCompactRetention; etcd's revision-mode auto-compaction).
	EventAutoCompact
)

var eventKindNames = [...]string{
	EventRaft:             "raft",
	EventPersisted:        "persisted",
	EventSynced:           "synced",
	EventApplied:          "applied",
	EventSnapshotTaken:    "snapshot-taken",
	EventSnapshotRestored: "snapshot-restored",
	EventReadServed:       "read-served",
	EventLeaseExpired:     "lease-expired",
	EventLeasesPromoted:   "leases-promoted",
	EventReplayed:         "replayed",
	EventRemoved:          "removed",
	EventAutoCompact:      "auto-compact",
}

// String returns the kind's stable identifier.
func (k EventKind) String() string {
	if int(k) < len(eventKindNames) {
		return eventKindNames[k]
	}
	return "unknown"
}

// Event is one typed record of what the member did, with its numbers; the
// simulator's message catalogue turns it into words.
type Event struct {
	Kind   EventKind
	Member uint64
	Raft   raft.Event

	Index  uint64
	Term   uint64
	Vote   uint64
	Commit uint64
	Count  int

	Client   string
	ReqID    uint64
	Lease    kvstate.LeaseID
	Revision int64
	// Digest is the store's state digest (kvstate's Store.Digest) right
	// after an EventApplied or EventSnapshotRestored, so a checker can
	// compare members at every applied index, not only where a member's
	// output ends.
	Digest uint64
	// Op names the applied command: "no-op", "conf-change", "put", "delete",
	// "txn", "compact", "lease-grant", "lease-revoke", "lease-checkpoint",
	// "range".
	Op  string
	Err error
}
