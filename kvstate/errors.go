package kvstate

import "errors"

// The sentinel errors below are what callers match with errors.Is. Functions
// usually wrap them with fmt.Errorf("%w: ...") so the message also names the
// offending key, revision or lease, while errors.Is still recognises the kind.
var (
	// ErrCompacted means the requested revision is at or below history that
	// compaction has already removed.
	ErrCompacted = errors.New("kvstate: required revision has been compacted")
	// ErrFutureRev means the requested revision is above the current revision.
	ErrFutureRev = errors.New("kvstate: required revision is a future revision")
	// ErrInvalidRevision means a revision argument is negative.
	ErrInvalidRevision = errors.New("kvstate: revision must not be negative")
	// ErrEmptyKey means a request named no key.
	ErrEmptyKey = errors.New("kvstate: key is not provided")
	// ErrKeyRangeInvalid means a range end is not after its key.
	ErrKeyRangeInvalid = errors.New("kvstate: range end must be greater than the key")
	// ErrKeyNotFound means a put with IgnoreValue or IgnoreLease named a key
	// that does not exist, so there is nothing to keep.
	ErrKeyNotFound = errors.New("kvstate: key not found")
	// ErrValueProvided means a put set IgnoreValue and also carried a value.
	ErrValueProvided = errors.New("kvstate: value is provided together with ignore_value")
	// ErrLeaseProvided means a put set IgnoreLease and also carried a lease.
	ErrLeaseProvided = errors.New("kvstate: lease is provided together with ignore_lease")
	// ErrDuplicateKey means a transaction branch writes the same key twice
	// (two puts, or a put inside a deleted range), which etcd refuses because
	// the outcome would depend on operation order within one revision.
	ErrDuplicateKey = errors.New("kvstate: duplicate key given in txn request")
	// ErrTooManyOps means a transaction has more operations than allowed.
	ErrTooManyOps = errors.New("kvstate: too many operations in txn request")
	// ErrMalformedCompare means a transaction compare has an unknown target or
	// result, or an invalid key range.
	ErrMalformedCompare = errors.New("kvstate: malformed compare")
	// ErrMalformedRequest means a request does not carry exactly one operation,
	// or carries an out-of-range enumeration value.
	ErrMalformedRequest = errors.New("kvstate: malformed request")
	// ErrDecode means bytes handed to Decode or Restore are not a valid
	// encoding.
	ErrDecode = errors.New("kvstate: cannot decode")
	// ErrAlreadyApplied means Apply was called with an index at or below the
	// last applied index; the entry is not applied again.
	ErrAlreadyApplied = errors.New("kvstate: entry index already applied")

	// ErrLeaseNotFound means the named lease does not exist (or has expired).
	ErrLeaseNotFound = errors.New("kvstate: requested lease not found")
	// ErrLeaseExists means a grant named an ID that is already in use.
	ErrLeaseExists = errors.New("kvstate: lease already exists")
	// ErrLeaseTTLTooLarge means a grant asked for a TTL above the maximum.
	ErrLeaseTTLTooLarge = errors.New("kvstate: too large lease TTL")
	// ErrInvalidLeaseID means a lease ID is negative.
	ErrInvalidLeaseID = errors.New("kvstate: lease ID must not be negative")
	// ErrNotPrimary means a lease keep-alive reached a lessor that is not the
	// leader's; only the leader's lessor tracks expiry.
	ErrNotPrimary = errors.New("kvstate: not a primary lessor")

	// ErrWatchNotFound means Cancel named a watch that does not exist.
	ErrWatchNotFound = errors.New("kvstate: watch not found")
	// ErrWatchStreamClosed means the watch stream was closed.
	ErrWatchStreamClosed = errors.New("kvstate: watch stream closed")
)
