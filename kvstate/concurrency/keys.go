package concurrency

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/raft-playground/playground/kvstate"
)

// KeyFor returns the key a session with the given lease writes under a lock
// or election name: the name, a slash, and the lease ID in lower-case hex,
// as etcd's recipes name it ("mylock/694d77aa9e38260f").
func KeyFor(name string, lease kvstate.LeaseID) string {
	return fmt.Sprintf("%s%x", keyPrefix(name), int64(lease))
}

// LeaseOf parses a key written by KeyFor under name back into its lease ID,
// so a view can tell which session (and so which client) a key belongs to.
// It reports false for a key that is not of that form.
func LeaseOf(name, key string) (kvstate.LeaseID, bool) {
	hex, ok := strings.CutPrefix(key, keyPrefix(name))
	if !ok || hex == "" {
		return kvstate.NoLease, false
	}
	id, err := strconv.ParseInt(hex, 16, 64)
	if err != nil || id <= 0 || KeyFor(name, kvstate.LeaseID(id)) != key {
		return kvstate.NoLease, false
	}
	return kvstate.LeaseID(id), true
}

// keyPrefix is the prefix of every key under a lock or election name. The
// slash keeps the keys of "lock" apart from those of "lock2".
func keyPrefix(name string) string { return name + "/" }

// HolderQuery returns the request that reads the current holder of a lock,
// or the current leader of an election, with that name: the key with the
// lowest create revision under the name (etcd's WithFirstCreate). Read its
// response with FirstCreated.
func HolderQuery(name string) *kvstate.Request {
	return &kvstate.Request{Range: firstCreatedRange(keyPrefix(name))}
}

// FirstCreated returns the key a HolderQuery found, and false when no key
// exists under the name (nobody holds the lock, the election has no leader).
func FirstCreated(resp kvstate.Response) (kvstate.KeyValue, bool, error) {
	if resp.Err != nil {
		return kvstate.KeyValue{}, false, resp.Err
	}
	if resp.Range == nil {
		return kvstate.KeyValue{}, false, fmt.Errorf("concurrency: holder query answered without a range response")
	}
	if len(resp.Range.KVs) == 0 {
		return kvstate.KeyValue{}, false, nil
	}
	return resp.Range.KVs[0], true, nil
}

// firstCreatedRange reads the key with the lowest create revision under a
// prefix: the lock holder or the election leader.
func firstCreatedRange(prefix string) *kvstate.RangeRequest {
	return &kvstate.RangeRequest{
		Key:        prefix,
		RangeEnd:   kvstate.PrefixEnd(prefix),
		Limit:      1,
		SortOrder:  kvstate.SortAscend,
		SortTarget: kvstate.SortByCreate,
	}
}

// lastCreatedBelowRange reads the key with the highest create revision at or
// below maxCreateRev under a prefix: the waiter just ahead in the queue.
func lastCreatedBelowRange(prefix string, maxCreateRev int64) *kvstate.RangeRequest {
	return &kvstate.RangeRequest{
		Key:               prefix,
		RangeEnd:          kvstate.PrefixEnd(prefix),
		Limit:             1,
		SortOrder:         kvstate.SortDescend,
		SortTarget:        kvstate.SortByCreate,
		MaxCreateRevision: maxCreateRev,
	}
}

// createIfAbsentTxn is the transaction both recipes open with: put our key
// with our lease if it does not exist, otherwise read it (the session already
// queued under this name, for instance before a lost response was retried).
// extra operations run after either branch.
func createIfAbsentTxn(key, value string, lease kvstate.LeaseID, extra ...kvstate.Op) *kvstate.Request {
	return &kvstate.Request{Txn: &kvstate.TxnRequest{
		Compare: []kvstate.Compare{{Key: key, Target: kvstate.CompareCreate, Result: kvstate.CompareEqual, CreateRevision: 0}},
		Success: append([]kvstate.Op{{Put: &kvstate.PutRequest{Key: key, Value: value, Lease: lease}}}, extra...),
		Failure: append([]kvstate.Op{{Range: &kvstate.RangeRequest{Key: key}}}, extra...),
	}}
}

// createdAt reads the create revision of our key from a createIfAbsentTxn
// response: the transaction's revision when it created the key, otherwise
// the existing key's create revision.
func createdAt(t *kvstate.TxnResponse) (rev int64, value string, err error) {
	if t.Succeeded {
		return t.Header.Revision, "", nil
	}
	if len(t.Responses) == 0 || t.Responses[0].Range == nil || len(t.Responses[0].Range.KVs) == 0 {
		return 0, "", fmt.Errorf("concurrency: the key's create revision is missing from the transaction response")
	}
	kv := t.Responses[0].Range.KVs[0]
	return kv.CreateRevision, kv.Value, nil
}

// deleteKey deletes one key.
func deleteKey(key string) *kvstate.Request {
	return &kvstate.Request{DeleteRange: &kvstate.DeleteRangeRequest{Key: key}}
}

// getKey reads one key.
func getKey(key string) *kvstate.Request {
	return &kvstate.Request{Range: &kvstate.RangeRequest{Key: key}}
}

// ifCreatedAt wraps operations in a transaction that runs them only while
// key still has create revision rev, that is while the session that created
// it still holds it.
func ifCreatedAt(key string, rev int64, op kvstate.Op) *kvstate.Request {
	return &kvstate.Request{Txn: &kvstate.TxnRequest{
		Compare: []kvstate.Compare{{Key: key, Target: kvstate.CompareCreate, Result: kvstate.CompareEqual, CreateRevision: rev}},
		Success: []kvstate.Op{op},
	}}
}
