package kvstate

// LeaseID identifies a lease. NoLease (0) means a key is not attached to any
// lease.
type LeaseID int64

// NoLease is the LeaseID of a key without a lease.
const NoLease LeaseID = 0

// KeyValue is one version of a key, as etcd's mvccpb.KeyValue.
type KeyValue struct {
	Key string
	// CreateRevision is the main revision that created the key's current
	// generation (0 for a key that does not exist).
	CreateRevision int64
	// ModRevision is the main revision of this version.
	ModRevision int64
	// Version counts the puts in the key's current generation, starting at 1;
	// a delete resets it to 0.
	Version int64
	Value   string
	Lease   LeaseID
}

// EventType tells whether a watch event is a put or a delete.
type EventType uint8

const (
	// EventPut is a new version of a key.
	EventPut EventType = iota
	// EventDelete is a key deleted (a tombstone).
	EventDelete
)

// String returns "PUT" or "DELETE" as etcd prints them.
func (t EventType) String() string {
	if t == EventDelete {
		return "DELETE"
	}
	return "PUT"
}

// Event is one change seen by a watcher. For a delete, KV holds only the key
// and the ModRevision of the delete. PrevKV is the version before the change
// when the watcher asked for it and that version has not been compacted away.
type Event struct {
	Type   EventType
	KV     KeyValue
	PrevKV *KeyValue
}
