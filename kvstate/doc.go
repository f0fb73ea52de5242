// Package kvstate is an etcd-v3 style MVCC store, applied deterministically
// from committed Raft entries: revisions, the key index with generations and
// tombstones, ranges, puts, deletes, transactions, compaction, watches and
// leases, with the semantics etcd gives them.
//
// The pieces, one per file:
//
//   - request.go: the Request carried in a Raft entry, and the checks that
//     need no store; command.go: its binary encoding; response.go: results.
//   - store.go: the Store and Apply, the member's entry point per committed
//     entry. A refused request comes back as Response.Err and changes nothing.
//   - keyindex.go: per key, the revisions at which it changed, grouped into
//     generations; history.go: the changes themselves, ordered by revision.
//     Together they are etcd's in-memory index and backend.
//   - writetxn.go, range.go, txn.go, compact.go: the operations.
//   - lease.go: the lessor. Grants, revokes and checkpoints are replicated
//     through the log; expiry is decided only by the primary lessor (the
//     leader's), which the member promotes and demotes as leadership moves.
//   - watch.go: watch streams. Each write queues its events on the streams at
//     once, so a watch never loses events to a later compaction, and a
//     response never splits a revision.
//   - snapshot.go, hash.go: the whole replicated state as bytes, and hashes
//     to compare replicas; view.go: read-only views for the UI.
//
// The store is deterministic: it reads no clock (time comes in as a
// time.Duration of virtual time), uses no randomness, starts no goroutines,
// and never lets map order reach results, encodings or hashes. Keys and
// values are strings holding arbitrary bytes.
package kvstate
