package kvstate

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBadInputIsRefusedAndChangesNothing applies each kind of bad request
// through the log and checks the error kind, that the message names what is
// wrong, and that the replicated state did not move.
func TestBadInputIsRefusedAndChangesNothing(t *testing.T) {
	tests := []struct {
		name    string
		req     Request
		want    error
		message string
		// stateful is set when only the store can tell (Validate passes).
		stateful bool
	}{
		{"put with an empty key", Request{Put: &PutRequest{Value: "v"}}, ErrEmptyKey, "key is not provided", false},
		{"delete with an empty key", Request{DeleteRange: &DeleteRangeRequest{RangeEnd: "b"}}, ErrEmptyKey, "key is not provided", false},
		{"range end before key", Request{Range: &RangeRequest{Key: "m", RangeEnd: "c"}}, ErrKeyRangeInvalid, `range end "c" is not after key "m"`, false},
		{"delete range end before key", Request{DeleteRange: &DeleteRangeRequest{Key: "m", RangeEnd: "c"}}, ErrKeyRangeInvalid, `range end "c" is not after key "m"`, false},
		{"put on an unknown lease", Request{Put: &PutRequest{Key: "k", Lease: 404}}, ErrLeaseNotFound, `put of "k" with lease 404`, true},
		{"revoke of an unknown lease", Request{LeaseRevoke: &LeaseRevokeRequest{ID: 404}}, ErrLeaseNotFound, "revoke of lease 404", true},
		{"TTL above the maximum", Request{LeaseGrant: &LeaseGrantRequest{TTL: 9_000_000_001}}, ErrLeaseTTLTooLarge, "TTL 9000000001s, maximum 9000000000s", true},
		{"grant of a lease in use", Request{LeaseGrant: &LeaseGrantRequest{ID: 1, TTL: 5}}, ErrLeaseExists, "lease 1", true},
		{"malformed compare", Request{Txn: &TxnRequest{Compare: []Compare{{Key: "k", Target: 9}}, Success: []Op{{Put: &PutRequest{Key: "k"}}}}}, ErrMalformedCompare, `compare 0: kvstate: malformed compare: unknown target 9 on key "k"`, false},
		{"compare with range end before key", Request{Txn: &TxnRequest{Compare: []Compare{{Key: "k", RangeEnd: "a"}}}}, ErrKeyRangeInvalid, "malformed compare", false},
		{"txn putting a key twice", Request{Txn: &TxnRequest{Success: []Op{{Put: &PutRequest{Key: "k"}}, {Put: &PutRequest{Key: "k"}}}}}, ErrDuplicateKey, `key "k"`, false},
		{"txn with an unknown lease", Request{Txn: &TxnRequest{Success: []Op{{Put: &PutRequest{Key: "x"}}, {Put: &PutRequest{Key: "k", Lease: 404}}}}}, ErrLeaseNotFound, "txn operation 1", true},
		{"range at a future revision", Request{Range: &RangeRequest{Key: "k", Revision: 100}}, ErrFutureRev, "revision 100, current revision 3", true},
		{"range at a compacted revision", Request{Range: &RangeRequest{Key: "k", Revision: 1}}, ErrCompacted, "revision 1, compacted revision 2", true},
		{"compaction in the future", Request{Compaction: &CompactionRequest{Revision: 4}}, ErrFutureRev, "compaction at revision 4, current revision 3", true},
		{"compaction already done", Request{Compaction: &CompactionRequest{Revision: 2}}, ErrCompacted, "already compacted at 2", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newReplica(t)
			r.grant(1, 10)
			r.put("k", "v")  // 2
			r.compact(2)     // compacted at 2
			r.put("k", "v2") // 3
			before, rev := r.s.Hash(), r.s.Rev()

			if tt.stateful {
				require.NoError(t, tt.req.Validate())
			} else {
				require.ErrorIs(t, tt.req.Validate(), tt.want, "refused before proposing")
			}
			resp := r.apply(tt.req)
			require.ErrorIs(t, resp.Err, tt.want)
			assert.Contains(t, resp.Err.Error(), tt.message)
			assert.Equal(t, before, r.s.Hash(), "a refused request changes nothing")
			assert.Equal(t, rev, r.s.Rev())
			assert.Equal(t, rev, resp.Header.Revision)
		})
	}
}
