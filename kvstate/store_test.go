package kvstate

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRevisionStartsAtOneAndBumpsOncePerWrite(t *testing.T) {
	r := newReplica(t)
	require.Equal(t, int64(1), r.s.Rev(), "an empty store is at revision 1")

	assert.Equal(t, int64(2), r.put("a", "1"), "the first write is revision 2")
	assert.Equal(t, int64(3), r.put("b", "1"))

	resp := r.del("zzz", "")
	assert.Equal(t, int64(0), resp.Deleted)
	assert.Equal(t, int64(3), r.s.Rev(), "a delete that matches nothing does not bump the revision")

	resp = r.del("a", "c")
	assert.Equal(t, int64(2), resp.Deleted)
	assert.Equal(t, int64(4), r.s.Rev(), "a delete of two keys is one revision")
	assert.Equal(t, int64(4), resp.Header.Revision)

	r.mustApply(Request{Range: &RangeRequest{Key: "a"}})
	assert.Equal(t, int64(4), r.s.Rev(), "a read through the log does not bump the revision")
	assert.Equal(t, uint64(5), r.s.AppliedIndex())
}

func TestPutTracksCreateModAndVersion(t *testing.T) {
	r := newReplica(t)
	r.put("foo", "v1")  // 2
	r.put("other", "x") // 3
	r.put("foo", "v2")  // 4
	r.del("foo", "")    // 5
	r.put("foo", "v3")  // 6
	kv, ok := r.get("foo", 0)
	require.True(t, ok)
	assert.Equal(t, KeyValue{Key: "foo", Value: "v3", CreateRevision: 6, ModRevision: 6, Version: 1}, kv,
		"a put after a delete starts a new generation")
	kv, ok = r.get("foo", 4)
	require.True(t, ok)
	assert.Equal(t, KeyValue{Key: "foo", Value: "v2", CreateRevision: 2, ModRevision: 4, Version: 2}, kv)
	_, ok = r.get("foo", 5)
	assert.False(t, ok, "the key is deleted at 5")
}

func TestPutOptions(t *testing.T) {
	r := newReplica(t)
	id := r.grant(7, 100)
	r.putLease("foo", "v1", id)

	resp := r.mustApply(Request{Put: &PutRequest{Key: "foo", Value: "v2", PrevKV: true, IgnoreLease: true}})
	require.NotNil(t, resp.Put.PrevKV)
	assert.Equal(t, "v1", resp.Put.PrevKV.Value)
	kv, _ := r.get("foo", 0)
	assert.Equal(t, id, kv.Lease, "ignore lease keeps the lease")
	assert.Equal(t, "v2", kv.Value)

	r.mustApply(Request{Put: &PutRequest{Key: "foo", IgnoreValue: true}})
	kv, _ = r.get("foo", 0)
	assert.Equal(t, "v2", kv.Value, "ignore value keeps the value")
	assert.Equal(t, NoLease, kv.Lease, "a put without a lease detaches it")
	st, err := r.s.TimeToLive(id, 0, true)
	require.NoError(t, err)
	assert.Empty(t, st.Keys)

	resp = r.mustApply(Request{Put: &PutRequest{Key: "new", Value: "x", PrevKV: true}})
	assert.Nil(t, resp.Put.PrevKV, "no previous version for a new key")
}

func TestPutRefusals(t *testing.T) {
	tests := []struct {
		name string
		req  PutRequest
		want error
	}{
		{"empty key", PutRequest{Value: "x"}, ErrEmptyKey},
		{"unknown lease", PutRequest{Key: "k", Lease: 99}, ErrLeaseNotFound},
		{"negative lease", PutRequest{Key: "k", Lease: -1}, ErrInvalidLeaseID},
		{"ignore value on a missing key", PutRequest{Key: "missing", IgnoreValue: true}, ErrKeyNotFound},
		{"ignore lease on a missing key", PutRequest{Key: "missing", IgnoreLease: true}, ErrKeyNotFound},
		{"ignore value with a value", PutRequest{Key: "k", Value: "x", IgnoreValue: true}, ErrValueProvided},
		{"ignore lease with a lease", PutRequest{Key: "k", Lease: 1, IgnoreLease: true}, ErrLeaseProvided},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newReplica(t)
			r.put("k", "v")
			before := r.s.Hash()
			req := tt.req
			resp := r.apply(Request{Put: &req})
			require.ErrorIs(t, resp.Err, tt.want)
			assert.Nil(t, resp.Put)
			assert.Equal(t, before, r.s.Hash(), "a refused put changes nothing")
			assert.Equal(t, int64(2), r.s.Rev())
		})
	}
}

// rangeFixture writes keys a..e with values chosen so that every sort target
// gives a different order.
func rangeFixture(t *testing.T) *replica {
	r := newReplica(t)
	r.put("c", "3")  // 2
	r.put("a", "5")  // 3
	r.put("e", "1")  // 4
	r.put("b", "4")  // 5
	r.put("d", "2")  // 6
	r.put("b", "4b") // 7: b has version 2
	return r
}

func TestRangeSelection(t *testing.T) {
	r := rangeFixture(t)
	tests := []struct {
		name string
		req  RangeRequest
		want []string
		more bool
		cnt  int64
	}{
		{"single key", RangeRequest{Key: "b"}, []string{"b"}, false, 1},
		{"missing key", RangeRequest{Key: "bb"}, []string{}, false, 0},
		{"half-open range", RangeRequest{Key: "b", RangeEnd: "d"}, []string{"b", "c"}, false, 2},
		{"prefix", RangeRequest{Key: "c", RangeEnd: PrefixEnd("c")}, []string{"c"}, false, 1},
		{"from key", RangeRequest{Key: "c", RangeEnd: FromKeyEnd}, []string{"c", "d", "e"}, false, 3},
		{"all keys", RangeRequest{Key: "\x00", RangeEnd: FromKeyEnd}, []string{"a", "b", "c", "d", "e"}, false, 5},
		{"limit counts all", RangeRequest{Key: "a", RangeEnd: "z", Limit: 2}, []string{"a", "b"}, true, 5},
		{"limit equal to count", RangeRequest{Key: "a", RangeEnd: "z", Limit: 5}, []string{"a", "b", "c", "d", "e"}, false, 5},
		{"at a past revision", RangeRequest{Key: "a", RangeEnd: "z", Revision: 4}, []string{"a", "c", "e"}, false, 3},
		{"descend by key", RangeRequest{Key: "a", RangeEnd: "z", SortOrder: SortDescend}, []string{"e", "d", "c", "b", "a"}, false, 5},
		{"by value (order defaults to ascend)", RangeRequest{Key: "a", RangeEnd: "z", SortTarget: SortByValue}, []string{"e", "d", "c", "b", "a"}, false, 5},
		{"by create descending", RangeRequest{Key: "a", RangeEnd: "z", SortTarget: SortByCreate, SortOrder: SortDescend}, []string{"d", "b", "e", "a", "c"}, false, 5},
		{"by mod ascending", RangeRequest{Key: "a", RangeEnd: "z", SortTarget: SortByMod, SortOrder: SortAscend}, []string{"c", "a", "e", "d", "b"}, false, 5},
		{"by version descending, ties in key order", RangeRequest{Key: "a", RangeEnd: "z", SortTarget: SortByVersion, SortOrder: SortDescend}, []string{"b", "a", "c", "d", "e"}, false, 5},
		{"sorted then limited", RangeRequest{Key: "a", RangeEnd: "z", SortTarget: SortByMod, SortOrder: SortDescend, Limit: 2}, []string{"b", "d"}, true, 5},
		{"min mod filter", RangeRequest{Key: "a", RangeEnd: "z", MinModRevision: 5}, []string{"b", "d"}, false, 5},
		{"max create filter", RangeRequest{Key: "a", RangeEnd: "z", MaxCreateRevision: 3}, []string{"a", "c"}, false, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := tt.req
			resp, err := r.s.Range(&req)
			require.NoError(t, err)
			assert.Equal(t, tt.want, keys(resp.KVs))
			assert.Equal(t, tt.more, resp.More)
			assert.Equal(t, tt.cnt, resp.Count)
			assert.Equal(t, int64(7), resp.Header.Revision)
		})
	}
}

func TestRangeKeysOnlyAndCountOnly(t *testing.T) {
	r := rangeFixture(t)
	resp, err := r.s.Range(&RangeRequest{Key: "a", RangeEnd: "c", KeysOnly: true})
	require.NoError(t, err)
	assert.Equal(t, []KeyValue{
		{Key: "a", CreateRevision: 3, ModRevision: 3, Version: 1},
		{Key: "b", CreateRevision: 5, ModRevision: 7, Version: 2},
	}, resp.KVs)

	resp, err = r.s.Range(&RangeRequest{Key: "a", RangeEnd: "z", CountOnly: true, Limit: 1})
	require.NoError(t, err)
	assert.Empty(t, resp.KVs)
	assert.Equal(t, int64(5), resp.Count)
}

func TestRangeBadRevisionsAndRanges(t *testing.T) {
	r := rangeFixture(t)
	r.compact(4)
	tests := []struct {
		name string
		req  RangeRequest
		want error
	}{
		{"future revision", RangeRequest{Key: "a", Revision: 8}, ErrFutureRev},
		{"compacted revision", RangeRequest{Key: "a", Revision: 3}, ErrCompacted},
		{"negative revision", RangeRequest{Key: "a", Revision: -1}, ErrInvalidRevision},
		{"empty key", RangeRequest{RangeEnd: "z"}, ErrEmptyKey},
		{"range end before key", RangeRequest{Key: "d", RangeEnd: "b"}, ErrKeyRangeInvalid},
		{"range end equal to key", RangeRequest{Key: "d", RangeEnd: "d"}, ErrKeyRangeInvalid},
		{"negative limit", RangeRequest{Key: "a", Limit: -1}, ErrMalformedRequest},
		{"unknown sort order", RangeRequest{Key: "a", SortOrder: 9}, ErrMalformedRequest},
		{"unknown sort target", RangeRequest{Key: "a", SortTarget: 9}, ErrMalformedRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := tt.req
			_, err := r.s.Range(&req)
			require.ErrorIs(t, err, tt.want)
			resp := r.apply(Request{Range: &req})
			require.ErrorIs(t, resp.Err, tt.want, "the same error through the log")
		})
	}
	t.Run("the compacted revision itself is readable", func(t *testing.T) {
		kv, ok := r.get("e", 4)
		require.True(t, ok)
		assert.Equal(t, "1", kv.Value)
		_, ok = r.get("b", 4)
		assert.False(t, ok)
	})
}

func TestRangeAtEveryRevisionOfThreeGenerations(t *testing.T) {
	// The store builds foo's key index {2, 4, 6t}, {8, 10, 12t},
	// {14, 15.1, 16t}; "pad" fills the revisions in between.
	r := newReplica(t)
	r.put("foo", "2")
	r.put("pad", "3")
	r.put("foo", "4")
	r.put("pad", "5")
	r.del("foo", "")
	r.put("pad", "7")
	r.put("foo", "8")
	r.put("pad", "9")
	r.put("foo", "10")
	r.put("pad", "11")
	r.del("foo", "")
	r.put("pad", "13")
	r.put("foo", "14")
	r.mustApply(Request{Txn: &TxnRequest{Success: []Op{
		{Put: &PutRequest{Key: "pad", Value: "15.0"}},
		{Put: &PutRequest{Key: "foo", Value: "15.1"}},
	}}})
	r.del("foo", "")
	r.put("pad", "17")
	require.Equal(t, int64(17), r.s.Rev())
	assert.Equal(t, []GenerationView{
		{Created: rev(2), Revisions: []Revision{rev(2), rev(4), rev(6)}, Tombstone: true},
		{Created: rev(8), Revisions: []Revision{rev(8), rev(10), rev(12)}, Tombstone: true},
		{Created: rev(14), Revisions: []Revision{rev(14), subRev(15, 1), rev(16)}, Tombstone: true},
	}, r.s.KeyHistory("foo"))

	type want struct {
		value            string
		create, mod, ver int64
	}
	expect := map[int64]*want{
		2: {"2", 2, 2, 1}, 3: {"2", 2, 2, 1}, 4: {"4", 2, 4, 2}, 5: {"4", 2, 4, 2},
		8: {"8", 8, 8, 1}, 9: {"8", 8, 8, 1}, 10: {"10", 8, 10, 2}, 11: {"10", 8, 10, 2},
		14: {"14", 14, 14, 1}, 15: {"15.1", 14, 15, 2},
	}
	readAll := func(t *testing.T, from int64) {
		for at := from; at <= 17; at++ {
			kv, ok := r.get("foo", at)
			w := expect[at]
			if w == nil {
				assert.False(t, ok, "foo must be absent at %d", at)
				continue
			}
			require.True(t, ok, "foo must exist at %d", at)
			assert.Equal(t, KeyValue{Key: "foo", Value: w.value, CreateRevision: w.create, ModRevision: w.mod, Version: w.ver}, kv, "at %d", at)
		}
	}
	readAll(t, 1)
	for _, c := range []int64{3, 5, 6, 9, 12, 15, 16, 17} {
		t.Run(fmt.Sprintf("after compaction at %d", c), func(t *testing.T) {
			r.compact(c)
			readAll(t, c)
			_, err := r.s.Range(&RangeRequest{Key: "foo", Revision: c - 1})
			require.ErrorIs(t, err, ErrCompacted)
		})
	}
	assert.Nil(t, r.s.KeyHistory("foo"), "a key deleted before the compaction leaves the index")
	kv, ok := r.get("pad", 0)
	require.True(t, ok)
	assert.Equal(t, "17", kv.Value)
}

func TestCompactionKeepsLastValueAndRefusesBadRevisions(t *testing.T) {
	r := newReplica(t)
	r.put("a", "1") // 2
	r.put("a", "2") // 3
	r.put("b", "1") // 4
	r.del("b", "")  // 5
	r.put("a", "3") // 6
	r.put("c", "1") // 7
	r.compact(6)
	assert.Equal(t, int64(6), r.s.CompactRev())

	kv, ok := r.get("a", 6)
	require.True(t, ok)
	assert.Equal(t, KeyValue{Key: "a", Value: "3", CreateRevision: 2, ModRevision: 6, Version: 3}, kv,
		"the last value before the compaction stays with its create revision and version")
	_, ok = r.get("b", 6)
	assert.False(t, ok)
	assert.Equal(t, 2, r.s.history.tree.Len(), "only a@6 and c@7 remain in the history")

	before := r.s.Hash()
	for _, tt := range []struct {
		rev  int64
		want error
	}{{6, ErrCompacted}, {3, ErrCompacted}, {8, ErrFutureRev}, {-1, ErrInvalidRevision}} {
		resp := r.apply(Request{Compaction: &CompactionRequest{Revision: tt.rev}})
		require.ErrorIs(t, resp.Err, tt.want, "compaction at %d", tt.rev)
	}
	assert.Equal(t, before, r.s.Hash(), "refused compactions change nothing")
	r.compact(7)
	assert.Equal(t, int64(7), r.s.CompactRev(), "compacting at the current revision is allowed")
}

func TestApplyIndexRules(t *testing.T) {
	r := newReplica(t)
	r.put("a", "1")
	data, err := (&Request{Put: &PutRequest{Key: "a", Value: "2"}}).Encode()
	require.NoError(t, err)

	_, err = r.s.Apply(1, 0, data)
	require.ErrorIs(t, err, ErrAlreadyApplied)
	kv, _ := r.get("a", 0)
	assert.Equal(t, "1", kv.Value, "a replayed entry is not applied twice")

	resp, err := r.s.Apply(2, 0, nil)
	require.NoError(t, err, "an empty entry is a no-op")
	assert.Equal(t, int64(2), resp.Header.Revision)
	assert.Equal(t, uint64(2), r.s.AppliedIndex())

	_, err = r.s.Apply(3, 0, []byte{0xde, 0xad})
	require.ErrorIs(t, err, ErrDecode)
	assert.Equal(t, uint64(3), r.s.AppliedIndex(), "garbage is skipped alike on every replica")
	assert.Equal(t, int64(2), r.s.Rev())

	require.NoError(t, r.s.MarkApplied(4))
	require.ErrorIs(t, r.s.MarkApplied(4), ErrAlreadyApplied)

	resp, err = r.s.Apply(5, 0, mustEncode(t, Request{ID: 42, Put: &PutRequest{Key: "b"}}))
	require.NoError(t, err)
	assert.Equal(t, uint64(42), resp.ID, "the response carries the request ID")
	resp, err = r.s.Apply(6, 0, mustEncode(t, Request{ID: 43, Put: &PutRequest{Key: "b", Lease: 5}}))
	require.NoError(t, err)
	assert.Equal(t, uint64(43), resp.ID, "a refused request's response carries its ID too")
	require.ErrorIs(t, resp.Err, ErrLeaseNotFound)
}

func mustEncode(t *testing.T, req Request) []byte {
	t.Helper()
	data, err := req.Encode()
	require.NoError(t, err)
	return data
}

func TestEachListsCurrentKeys(t *testing.T) {
	r := newReplica(t)
	id := r.grant(0, 10)
	r.put("b", "2")
	r.putLease("a", "1", id)
	r.put("c", "3")
	r.del("c", "")
	var got []KeyValue
	r.s.Each(func(kv KeyValue) bool {
		got = append(got, kv)
		return true
	})
	assert.Equal(t, []KeyValue{
		{Key: "a", Value: "1", CreateRevision: 3, ModRevision: 3, Version: 1, Lease: id},
		{Key: "b", Value: "2", CreateRevision: 2, ModRevision: 2, Version: 1},
	}, got)
	n := 0
	r.s.Each(func(KeyValue) bool { n++; return false })
	assert.Equal(t, 1, n, "Each stops when fn returns false")
}
