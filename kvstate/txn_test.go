package kvstate

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTxnOperationsShareOneRevision(t *testing.T) {
	r := newReplica(t)
	r.put("a", "old") // 2
	r.put("b", "x")   // 3
	resp := r.mustApply(Request{Txn: &TxnRequest{Success: []Op{
		{Put: &PutRequest{Key: "a", Value: "new"}},
		{DeleteRange: &DeleteRangeRequest{Key: "b"}},
		{Put: &PutRequest{Key: "c", Value: "1"}},
		{Range: &RangeRequest{Key: "a", RangeEnd: "z"}},
	}}})
	txn := resp.Txn
	require.True(t, txn.Succeeded, "no compares means success")
	assert.Equal(t, int64(4), r.s.Rev(), "the whole transaction is one revision")
	assert.Equal(t, int64(4), txn.Header.Revision)
	require.Len(t, txn.Responses, 4)
	assert.Equal(t, int64(4), txn.Responses[0].Put.Header.Revision)
	assert.Equal(t, int64(1), txn.Responses[1].DeleteRange.Deleted)
	// The range sees the transaction's own earlier writes.
	assert.Equal(t, []KeyValue{
		{Key: "a", Value: "new", CreateRevision: 2, ModRevision: 4, Version: 2},
		{Key: "c", Value: "1", CreateRevision: 4, ModRevision: 4, Version: 1},
	}, txn.Responses[3].Range.KVs)
	assert.Equal(t, []GenerationView{{Created: rev(3), Revisions: []Revision{rev(3), subRev(4, 1)}, Tombstone: true}},
		r.s.KeyHistory("b"), "sub revisions number the changes in order")
	assert.Equal(t, []GenerationView{{Created: subRev(4, 2), Revisions: []Revision{subRev(4, 2)}}}, r.s.KeyHistory("c"))

	resp = r.mustApply(Request{Txn: &TxnRequest{Success: []Op{{Range: &RangeRequest{Key: "a"}}}}})
	assert.Equal(t, int64(4), r.s.Rev(), "a read-only transaction does not bump the revision")
	assert.Equal(t, int64(4), resp.Txn.Header.Revision)
}

func TestTxnCompares(t *testing.T) {
	r := newReplica(t)
	id := r.grant(0, 60)
	r.put("k", "b")         // 2
	r.put("k", "c")         // 3: version 2, create 2, mod 3
	r.putLease("l", "", id) // 4
	tests := []struct {
		name string
		cmp  Compare
		want bool
	}{
		{"value equal", Compare{Key: "k", Target: CompareValue, Value: "c"}, true},
		{"value not equal", Compare{Key: "k", Target: CompareValue, Result: CompareNotEqual, Value: "c"}, false},
		{"value greater", Compare{Key: "k", Target: CompareValue, Result: CompareGreater, Value: "b"}, true},
		{"value less", Compare{Key: "k", Target: CompareValue, Result: CompareLess, Value: "b"}, false},
		{"version equal", Compare{Key: "k", Target: CompareVersion, Version: 2}, true},
		{"version greater", Compare{Key: "k", Target: CompareVersion, Result: CompareGreater, Version: 2}, false},
		{"create equal", Compare{Key: "k", Target: CompareCreate, CreateRevision: 2}, true},
		{"create less", Compare{Key: "k", Target: CompareCreate, Result: CompareLess, CreateRevision: 3}, true},
		{"mod equal", Compare{Key: "k", Target: CompareMod, ModRevision: 3}, true},
		{"mod not equal", Compare{Key: "k", Target: CompareMod, Result: CompareNotEqual, ModRevision: 3}, false},
		{"lease equal", Compare{Key: "l", Target: CompareLease, Lease: id}, true},
		{"no lease", Compare{Key: "k", Target: CompareLease, Lease: NoLease}, true},
		{"missing key has create revision 0", Compare{Key: "missing", Target: CompareCreate, CreateRevision: 0}, true},
		{"missing key has version 0", Compare{Key: "missing", Target: CompareVersion, Result: CompareGreater, Version: 0}, false},
		{"value compare on a missing key fails", Compare{Key: "missing", Target: CompareValue, Value: ""}, false},
		{"value not-equal on a missing key fails too", Compare{Key: "missing", Target: CompareValue, Result: CompareNotEqual, Value: "x"}, false},
		{"range: every key must hold", Compare{Key: "k", RangeEnd: "m", Target: CompareVersion, Result: CompareGreater, Version: 0}, true},
		{"range: one key failing fails", Compare{Key: "k", RangeEnd: "m", Target: CompareVersion, Version: 2}, false},
		{"empty range compares as missing", Compare{Key: "x", RangeEnd: "y", Target: CompareMod, ModRevision: 0}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := r.mustApply(Request{Txn: &TxnRequest{
				Compare: []Compare{tt.cmp},
				Success: []Op{{Range: &RangeRequest{Key: "k"}}},
				Failure: []Op{{Range: &RangeRequest{Key: "l"}}},
			}})
			assert.Equal(t, tt.want, resp.Txn.Succeeded)
			want := "k"
			if !tt.want {
				want = "l"
			}
			assert.Equal(t, []string{want}, keys(resp.Txn.Responses[0].Range.KVs), "the matching branch ran")
		})
	}
}

func TestTxnCompareAndSwap(t *testing.T) {
	r := newReplica(t)
	r.put("lock", "free")
	cas := func(from, to string) bool {
		return r.mustApply(Request{Txn: &TxnRequest{
			Compare: []Compare{{Key: "lock", Target: CompareValue, Value: from}},
			Success: []Op{{Put: &PutRequest{Key: "lock", Value: to}}},
		}}).Txn.Succeeded
	}
	assert.True(t, cas("free", "c1"))
	assert.False(t, cas("free", "c2"), "the second swap sees c1's value")
	kv, _ := r.get("lock", 0)
	assert.Equal(t, "c1", kv.Value)
	assert.Equal(t, int64(3), r.s.Rev(), "a failed swap with an empty else branch writes nothing")
}

func TestTxnNested(t *testing.T) {
	r := newReplica(t)
	r.put("a", "1") // 2
	resp := r.mustApply(Request{Txn: &TxnRequest{
		Compare: []Compare{{Key: "a", Target: CompareValue, Value: "1"}},
		Success: []Op{
			{Put: &PutRequest{Key: "a", Value: "2"}},
			{Txn: &TxnRequest{
				// Decided on the state before the outer transaction: a is
				// still 1 here, as etcd decides every compare up front.
				Compare: []Compare{{Key: "a", Target: CompareValue, Value: "1"}},
				Success: []Op{{Put: &PutRequest{Key: "b", Value: "inner-then"}}, {Range: &RangeRequest{Key: "a"}}},
				Failure: []Op{{Put: &PutRequest{Key: "b", Value: "inner-else"}}},
			}},
		},
	}})
	require.True(t, resp.Txn.Succeeded)
	inner := resp.Txn.Responses[1].Txn
	require.NotNil(t, inner)
	assert.True(t, inner.Succeeded)
	assert.Equal(t, int64(3), inner.Header.Revision)
	assert.Equal(t, "2", inner.Responses[1].Range.KVs[0].Value, "the nested range sees the outer put")
	kv, _ := r.get("b", 0)
	assert.Equal(t, "inner-then", kv.Value)
	assert.Equal(t, int64(3), kv.ModRevision, "nested writes share the outer revision")
}

func TestTxnRefusals(t *testing.T) {
	put := func(k string) Op { return Op{Put: &PutRequest{Key: k, Value: "v"}} }
	del := func(k, end string) Op { return Op{DeleteRange: &DeleteRangeRequest{Key: k, RangeEnd: end}} }
	nested := func(then, els []Op) Op { return Op{Txn: &TxnRequest{Success: then, Failure: els}} }
	tests := []struct {
		name string
		txn  TxnRequest
		want error
	}{
		{"same key put twice", TxnRequest{Success: []Op{put("a"), put("a")}}, ErrDuplicateKey},
		{"put twice in the else branch", TxnRequest{Failure: []Op{put("a"), put("a")}}, ErrDuplicateKey},
		{"put inside a deleted range", TxnRequest{Success: []Op{del("a", "c"), put("b")}}, ErrDuplicateKey},
		{"delete then put of one key", TxnRequest{Success: []Op{del("a", ""), put("a")}}, ErrDuplicateKey},
		{"put in a nested txn and outside", TxnRequest{Success: []Op{put("a"), nested([]Op{put("a")}, nil)}}, ErrDuplicateKey},
		{"nested put inside an outer delete", TxnRequest{Success: []Op{del("a", FromKeyEnd), nested(nil, []Op{put("q")})}}, ErrDuplicateKey},
		{"outer put inside a nested delete", TxnRequest{Success: []Op{put("b"), nested([]Op{del("a", "c")}, nil)}}, ErrDuplicateKey},
		{"malformed compare target", TxnRequest{Compare: []Compare{{Key: "a", Target: 42}}}, ErrMalformedCompare},
		{"malformed compare result", TxnRequest{Compare: []Compare{{Key: "a", Result: 42}}}, ErrMalformedCompare},
		{"compare without a key", TxnRequest{Compare: []Compare{{Target: CompareVersion}}}, ErrMalformedCompare},
		{"compare range end before key", TxnRequest{Compare: []Compare{{Key: "b", RangeEnd: "a"}}}, ErrMalformedCompare},
		{"operation with two requests", TxnRequest{Success: []Op{{Put: &PutRequest{Key: "a"}, Range: &RangeRequest{Key: "a"}}}}, ErrMalformedRequest},
		{"empty operation", TxnRequest{Success: []Op{{}}}, ErrMalformedRequest},
		{"put with empty key", TxnRequest{Success: []Op{put("")}}, ErrEmptyKey},
		{"put with unknown lease", TxnRequest{Success: []Op{{Put: &PutRequest{Key: "a", Lease: 77}}}}, ErrLeaseNotFound},
		{"range at a future revision", TxnRequest{Success: []Op{{Range: &RangeRequest{Key: "a", Revision: 99}}}}, ErrFutureRev},
		{"nested put with ignore value on a missing key", TxnRequest{Success: []Op{nested([]Op{{Put: &PutRequest{Key: "zz", IgnoreValue: true}}}, nil)}}, ErrKeyNotFound},
		{"too many operations", TxnRequest{Success: manyPuts(maxTxnOps + 1)}, ErrTooManyOps},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newReplica(t)
			r.put("a", "1")
			before := r.s.Hash()
			txn := tt.txn
			resp := r.applyDecoded(Request{Txn: &txn})
			require.ErrorIs(t, resp.Err, tt.want)
			assert.Nil(t, resp.Txn)
			assert.Equal(t, before, r.s.Hash(), "a refused transaction changes nothing")
		})
	}
	t.Run("the same key in exclusive nested branches is allowed", func(t *testing.T) {
		r := newReplica(t)
		resp := r.apply(Request{Txn: &TxnRequest{Success: []Op{nested([]Op{put("a")}, []Op{put("a")})}}})
		require.NoError(t, resp.Err)
	})
	t.Run("the same key in the then and else branches is allowed", func(t *testing.T) {
		r := newReplica(t)
		resp := r.apply(Request{Txn: &TxnRequest{Success: []Op{put("a")}, Failure: []Op{put("a")}}})
		require.NoError(t, resp.Err)
	})
	t.Run("a failing branch is checked only when it runs", func(t *testing.T) {
		r := newReplica(t)
		resp := r.apply(Request{Txn: &TxnRequest{
			Success: []Op{put("a")},
			Failure: []Op{{Put: &PutRequest{Key: "b", Lease: 77}}},
		}})
		require.NoError(t, resp.Err, "the unknown lease is in the branch that does not run")
	})
}

func manyPuts(n int) []Op {
	ops := make([]Op, n)
	for i := range ops {
		ops[i] = Op{Put: &PutRequest{Key: string(rune('a'+i%26)) + string(rune('a'+i/26)), Value: "v"}}
	}
	return ops
}
