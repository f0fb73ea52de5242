package kvstate

// Header is carried by every response. Revision is the store revision after
// the request (for a read: the revision the read saw as current).
type Header struct {
	Revision int64
}

// Response is the outcome of applying one Request. ID is the request's ID.
// When Err is set the request was refused and the store did not change;
// otherwise exactly the field matching the request's operation is set.
type Response struct {
	ID     uint64
	Header Header
	Err    error

	Range           *RangeResponse
	Put             *PutResponse
	DeleteRange     *DeleteRangeResponse
	Txn             *TxnResponse
	Compaction      *CompactionResponse
	LeaseGrant      *LeaseGrantResponse
	LeaseRevoke     *LeaseRevokeResponse
	LeaseCheckpoint *LeaseCheckpointResponse
}

// RangeResponse is the result of a range.
type RangeResponse struct {
	Header Header
	KVs    []KeyValue
	// More is true when Limit cut the result short.
	More bool
	// Count is the number of keys in the range, regardless of Limit.
	Count int64
}

// PutResponse is the result of a put.
type PutResponse struct {
	Header Header
	// PrevKV is the replaced version when the request asked for it and the key
	// existed.
	PrevKV *KeyValue
}

// DeleteRangeResponse is the result of a delete.
type DeleteRangeResponse struct {
	Header  Header
	Deleted int64
	PrevKVs []KeyValue
}

// TxnResponse is the result of a transaction: which branch ran and one
// response per operation of that branch.
type TxnResponse struct {
	Header    Header
	Succeeded bool
	Responses []OpResponse
}

// OpResponse is the response of one transaction operation: exactly one field
// is set, matching the Op.
type OpResponse struct {
	Range       *RangeResponse
	Put         *PutResponse
	DeleteRange *DeleteRangeResponse
	Txn         *TxnResponse
}

// CompactionResponse is the result of a compaction.
type CompactionResponse struct {
	Header Header
}

// LeaseGrantResponse is the result of a grant: the lease's ID (picked by the
// store when the request named none) and its TTL after the minimum applied.
type LeaseGrantResponse struct {
	Header Header
	ID     LeaseID
	TTL    int64
}

// LeaseRevokeResponse is the result of a revoke. Deleted lists the keys the
// revoke deleted, in the order it deleted them.
type LeaseRevokeResponse struct {
	Header  Header
	Deleted []string
}

// LeaseCheckpointResponse is the result of applying lease checkpoints.
type LeaseCheckpointResponse struct {
	Header Header
}
