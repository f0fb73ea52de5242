package kvstate

import "fmt"

// Request is one command carried in a Raft entry, as etcd's
// InternalRaftRequest: exactly one of the operation fields is set. ID lets the
// member match the Response to the client waiting for it; the store copies it
// into the Response and otherwise ignores it.
type Request struct {
	ID uint64

	Range           *RangeRequest
	Put             *PutRequest
	DeleteRange     *DeleteRangeRequest
	Txn             *TxnRequest
	Compaction      *CompactionRequest
	LeaseGrant      *LeaseGrantRequest
	LeaseRevoke     *LeaseRevokeRequest
	LeaseCheckpoint *LeaseCheckpointRequest
}

// SortOrder is the order of a range's results.
type SortOrder uint8

const (
	// SortNone returns keys in ascending key order, the natural order.
	SortNone SortOrder = iota
	// SortAscend sorts ascending by the sort target.
	SortAscend
	// SortDescend sorts descending by the sort target.
	SortDescend
)

// SortTarget is the field a range sorts by.
type SortTarget uint8

const (
	SortByKey SortTarget = iota
	SortByVersion
	SortByCreate
	SortByMod
	SortByValue
)

// RangeRequest reads keys, as etcd's RangeRequest.
type RangeRequest struct {
	// Key is the first key; RangeEnd selects a single key when empty, every
	// key ≥ Key when FromKeyEnd, and [Key, RangeEnd) otherwise (see PrefixEnd).
	Key      string
	RangeEnd string
	// Limit caps the number of keys returned (0: no limit). Count in the
	// response is still the total number of keys in the range.
	Limit int64
	// Revision reads the store as of that revision (0: the current one).
	Revision   int64
	SortOrder  SortOrder
	SortTarget SortTarget
	// KeysOnly leaves values out; CountOnly returns only the count.
	KeysOnly  bool
	CountOnly bool
	// The filters drop keys whose mod or create revision is outside the
	// bounds (0: no bound). They apply after counting, as in etcd.
	MinModRevision    int64
	MaxModRevision    int64
	MinCreateRevision int64
	MaxCreateRevision int64
}

// PutRequest writes one key, as etcd's PutRequest.
type PutRequest struct {
	Key   string
	Value string
	// Lease attaches the key to a lease (NoLease: none).
	Lease LeaseID
	// PrevKV returns the version the put replaced.
	PrevKV bool
	// IgnoreValue keeps the key's current value (the key must exist);
	// IgnoreLease keeps its current lease.
	IgnoreValue bool
	IgnoreLease bool
}

// DeleteRangeRequest deletes the keys of a range, as etcd's
// DeleteRangeRequest. Key and RangeEnd mean what they mean in RangeRequest.
type DeleteRangeRequest struct {
	Key      string
	RangeEnd string
	PrevKV   bool
}

// TxnRequest is a transaction: if every compare holds, the Success operations
// run, otherwise the Failure operations, all at one revision.
type TxnRequest struct {
	Compare []Compare
	Success []Op
	Failure []Op
}

// Op is one operation in a transaction branch: exactly one field is set.
type Op struct {
	Range       *RangeRequest
	Put         *PutRequest
	DeleteRange *DeleteRangeRequest
	Txn         *TxnRequest
}

// CompareTarget is the field a compare looks at.
type CompareTarget uint8

const (
	CompareVersion CompareTarget = iota
	CompareCreate
	CompareMod
	CompareValue
	CompareLease
)

// CompareResult is the relation a compare asks for.
type CompareResult uint8

const (
	CompareEqual CompareResult = iota
	CompareGreater
	CompareLess
	CompareNotEqual
)

// Compare is one condition of a transaction, as etcd's Compare. It holds
// when the Target field of every key in [Key, RangeEnd) stands in relation
// Result to the matching operand field below. A key that does not exist
// compares as version, create and mod revision 0 and no lease; a value
// compare on a missing key always fails, as in etcd.
type Compare struct {
	Key      string
	RangeEnd string
	Target   CompareTarget
	Result   CompareResult

	// Operands: the one named by Target is used.
	Version        int64
	CreateRevision int64
	ModRevision    int64
	Value          string
	Lease          LeaseID
}

// CompactionRequest compacts the history at Revision.
type CompactionRequest struct {
	Revision int64
}

// LeaseGrantRequest creates a lease. ID 0 lets the store pick the ID; TTL is
// in seconds and is raised to the store's minimum.
type LeaseGrantRequest struct {
	ID  LeaseID
	TTL int64
}

// LeaseRevokeRequest deletes a lease and every key attached to it.
type LeaseRevokeRequest struct {
	ID LeaseID
}

// LeaseCheckpoint records a lease's remaining TTL on every replica, so a new
// leader resumes the countdown instead of restarting it (etcd's checkpoints).
type LeaseCheckpoint struct {
	ID           LeaseID
	RemainingTTL int64
}

// LeaseCheckpointRequest carries the checkpoints the leader's lessor made.
type LeaseCheckpointRequest struct {
	Checkpoints []LeaseCheckpoint
}

// IsWrite reports whether applying the request may change the store, that is
// whether it must go through the Raft log (a Range may, but need not).
func (r *Request) IsWrite() bool { return r.Range == nil }

// Validate checks what can be checked without the store's state: exactly one
// operation, non-empty keys, range ends after keys, known enumerations,
// well-formed compares, no key written twice in a transaction branch. The
// member can call it before proposing so a bad request never reaches the log;
// Apply calls it again because the log is the authority.
func (r *Request) Validate() error {
	if n := r.opCount(); n != 1 {
		return fmt.Errorf("%w: a request must carry exactly one operation, this one carries %d", ErrMalformedRequest, n)
	}
	switch {
	case r.Range != nil:
		return r.Range.validate()
	case r.Put != nil:
		return r.Put.validate()
	case r.DeleteRange != nil:
		return r.DeleteRange.validate()
	case r.Txn != nil:
		return r.Txn.validate(maxTxnOps)
	case r.Compaction != nil:
		if r.Compaction.Revision < 0 {
			return fmt.Errorf("%w: compaction revision %d", ErrInvalidRevision, r.Compaction.Revision)
		}
	case r.LeaseGrant != nil:
		if r.LeaseGrant.ID < 0 {
			return fmt.Errorf("%w: grant of lease %d", ErrInvalidLeaseID, r.LeaseGrant.ID)
		}
	case r.LeaseRevoke != nil:
		if r.LeaseRevoke.ID <= 0 {
			return fmt.Errorf("%w: revoke of lease %d", ErrLeaseNotFound, r.LeaseRevoke.ID)
		}
	case r.LeaseCheckpoint != nil:
		for _, cp := range r.LeaseCheckpoint.Checkpoints {
			if cp.ID <= 0 || cp.RemainingTTL < 0 {
				return fmt.Errorf("%w: checkpoint of lease %d with remaining TTL %d", ErrMalformedRequest, cp.ID, cp.RemainingTTL)
			}
		}
	}
	return nil
}

// maxTxnOps is etcd's default limit on operations per transaction branch.
const maxTxnOps = 128

func (r *RangeRequest) validate() error {
	if err := checkKeyRange(r.Key, r.RangeEnd); err != nil {
		return err
	}
	if r.Revision < 0 {
		return fmt.Errorf("%w: range revision %d", ErrInvalidRevision, r.Revision)
	}
	if r.Limit < 0 {
		return fmt.Errorf("%w: range limit %d is negative", ErrMalformedRequest, r.Limit)
	}
	if r.SortOrder > SortDescend {
		return fmt.Errorf("%w: unknown sort order %d", ErrMalformedRequest, r.SortOrder)
	}
	if r.SortTarget > SortByValue {
		return fmt.Errorf("%w: unknown sort target %d", ErrMalformedRequest, r.SortTarget)
	}
	for _, f := range []int64{r.MinModRevision, r.MaxModRevision, r.MinCreateRevision, r.MaxCreateRevision} {
		if f < 0 {
			return fmt.Errorf("%w: range revision filter %d", ErrInvalidRevision, f)
		}
	}
	return nil
}

func (r *PutRequest) validate() error {
	if r.Key == "" {
		return ErrEmptyKey
	}
	if r.Lease < 0 {
		return fmt.Errorf("%w: put of %q with lease %d", ErrInvalidLeaseID, r.Key, r.Lease)
	}
	if r.IgnoreValue && r.Value != "" {
		return fmt.Errorf("%w: put of %q", ErrValueProvided, r.Key)
	}
	if r.IgnoreLease && r.Lease != NoLease {
		return fmt.Errorf("%w: put of %q", ErrLeaseProvided, r.Key)
	}
	return nil
}

func (r *DeleteRangeRequest) validate() error {
	return checkKeyRange(r.Key, r.RangeEnd)
}

func (c *Compare) validate() error {
	if c.Key == "" {
		return fmt.Errorf("%w: %w", ErrMalformedCompare, ErrEmptyKey)
	}
	if err := checkKeyRange(c.Key, c.RangeEnd); err != nil {
		return fmt.Errorf("%w: %w", ErrMalformedCompare, err)
	}
	if c.Target > CompareLease {
		return fmt.Errorf("%w: unknown target %d on key %q", ErrMalformedCompare, c.Target, c.Key)
	}
	if c.Result > CompareNotEqual {
		return fmt.Errorf("%w: unknown result %d on key %q", ErrMalformedCompare, c.Result, c.Key)
	}
	return nil
}

func (t *TxnRequest) validate(maxOps int) error {
	if len(t.Compare) > maxOps || len(t.Success) > maxOps || len(t.Failure) > maxOps {
		return fmt.Errorf("%w: %d compares, %d success ops, %d failure ops (limit %d each)",
			ErrTooManyOps, len(t.Compare), len(t.Success), len(t.Failure), maxOps)
	}
	for i := range t.Compare {
		if err := t.Compare[i].validate(); err != nil {
			return fmt.Errorf("compare %d: %w", i, err)
		}
	}
	for _, branch := range [][]Op{t.Success, t.Failure} {
		for i := range branch {
			if err := branch[i].validate(maxOps); err != nil {
				return err
			}
		}
	}
	if _, _, err := branchWrites(t.Success); err != nil {
		return err
	}
	if _, _, err := branchWrites(t.Failure); err != nil {
		return err
	}
	return nil
}

func (o *Op) validate(maxOps int) error {
	if n := o.opCount(); n != 1 {
		return fmt.Errorf("%w: a txn operation must carry exactly one request, this one carries %d", ErrMalformedRequest, n)
	}
	switch {
	case o.Range != nil:
		return o.Range.validate()
	case o.Put != nil:
		return o.Put.validate()
	case o.DeleteRange != nil:
		return o.DeleteRange.validate()
	default:
		return o.Txn.validate(maxOps)
	}
}

// branchWrites collects the keys a transaction branch puts and the ranges it
// deletes, nested transactions included, and refuses a branch that could
// write one key twice. The two branches of a nested transaction exclude each
// other, so a key put in both of them counts once.
func branchWrites(ops []Op) (puts map[string]bool, dels []keyRange, err error) {
	puts = map[string]bool{}
	for i := range ops {
		if d := ops[i].DeleteRange; d != nil {
			dels = append(dels, keyRange{key: d.Key, end: d.RangeEnd})
		}
	}
	putConflicts := func(k string) bool {
		for _, d := range dels {
			if d.contains(k) {
				return true
			}
		}
		return puts[k]
	}
	for i := range ops {
		t := ops[i].Txn
		if t == nil {
			continue
		}
		thenPuts, thenDels, err := branchWrites(t.Success)
		if err != nil {
			return nil, nil, err
		}
		elsePuts, elseDels, err := branchWrites(t.Failure)
		if err != nil {
			return nil, nil, err
		}
		for _, k := range sortedKeys(thenPuts) {
			if putConflicts(k) {
				return nil, nil, fmt.Errorf("%w: key %q", ErrDuplicateKey, k)
			}
			puts[k] = true
		}
		for _, k := range sortedKeys(elsePuts) {
			if putConflicts(k) && !thenPuts[k] {
				return nil, nil, fmt.Errorf("%w: key %q", ErrDuplicateKey, k)
			}
			puts[k] = true
		}
		// A nested branch's deletes join this level only after its own
		// puts were checked: they were already checked against each other.
		dels = append(dels, thenDels...)
		dels = append(dels, elseDels...)
	}
	for i := range ops {
		p := ops[i].Put
		if p == nil {
			continue
		}
		if putConflicts(p.Key) {
			return nil, nil, fmt.Errorf("%w: key %q", ErrDuplicateKey, p.Key)
		}
		puts[p.Key] = true
	}
	return puts, dels, nil
}
