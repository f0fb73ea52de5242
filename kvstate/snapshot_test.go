package kvstate

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// busyReplica builds a store with every kind of state: several generations,
// sub revisions, a compaction, leases with keys and a checkpoint.
func busyReplica(t *testing.T) *replica {
	r := newReplica(t)
	l1 := r.grant(0, 30)
	l2 := r.grant(9, 60)
	r.put("a", "1")
	r.putLease("b", "1", l1)
	r.put("a", "2")
	r.del("a", "")
	r.put("a", "3")
	r.mustApply(Request{Txn: &TxnRequest{Success: []Op{
		{Put: &PutRequest{Key: "c", Value: "1", Lease: l2}},
		{Put: &PutRequest{Key: "d", Value: "1"}},
	}}})
	r.compact(4)
	r.put("d", "2")
	r.del("c", "")
	r.mustApply(Request{LeaseCheckpoint: &LeaseCheckpointRequest{Checkpoints: []LeaseCheckpoint{{ID: l2, RemainingTTL: 20}}}})
	return r
}

func TestSnapshotRoundTrip(t *testing.T) {
	src := busyReplica(t)
	data := src.s.Snapshot()

	dst := newReplica(t)
	dst.put("unrelated", "state that the restore replaces")
	require.NoError(t, dst.s.Restore(data))
	dst.index = src.s.AppliedIndex()

	assert.Equal(t, src.s.Hash(), dst.s.Hash())
	assert.Equal(t, data, dst.s.Snapshot(), "a restored store snapshots to the same bytes")
	assert.Equal(t, src.s.Rev(), dst.s.Rev())
	assert.Equal(t, src.s.CompactRev(), dst.s.CompactRev())
	assert.Equal(t, src.s.AppliedIndex(), dst.s.AppliedIndex())
	assert.Equal(t, src.s.Leases(0), dst.s.Leases(0))
	for _, key := range []string{"a", "b", "c", "d", "unrelated"} {
		assert.Equal(t, src.s.KeyHistory(key), dst.s.KeyHistory(key), "key index of %q", key)
	}
	for at := src.s.CompactRev(); at <= src.s.Rev(); at++ {
		want, err := src.s.Range(&RangeRequest{Key: "\x00", RangeEnd: FromKeyEnd, Revision: at})
		require.NoError(t, err)
		got, err := dst.s.Range(&RangeRequest{Key: "\x00", RangeEnd: FromKeyEnd, Revision: at})
		require.NoError(t, err)
		assert.Equal(t, want, got, "range at %d", at)
	}

	// Both continue identically.
	for _, req := range []Request{
		{Put: &PutRequest{Key: "b", Value: "2", IgnoreLease: true, PrevKV: true}},
		{LeaseRevoke: &LeaseRevokeRequest{ID: 1}},
		{LeaseGrant: &LeaseGrantRequest{TTL: 5}},
		{Compaction: &CompactionRequest{Revision: 8}},
	} {
		assert.Equal(t, src.apply(req), dst.apply(req))
		assert.Equal(t, src.s.Hash(), dst.s.Hash())
	}
}

func TestSnapshotRestoreDemotesAndKeepsWatchers(t *testing.T) {
	src := busyReplica(t)
	dst := newReplica(t)
	dst.s.Promote(0, 0)
	require.NoError(t, dst.s.Restore(src.s.Snapshot()))
	assert.False(t, dst.s.IsPrimary(), "a snapshot carries no countdowns")
	assert.Empty(t, dst.s.ExpiredLeases(time.Hour))
}

func TestRestoreRefusesBadSnapshots(t *testing.T) {
	good := busyReplica(t).s.Snapshot()
	enc := func(build func(e *encoder)) []byte {
		e := &encoder{}
		build(e)
		return e.buf
	}
	header := func(e *encoder, current, compacted int64) {
		e.byte(snapshotFormat)
		e.int(current)
		e.int(compacted)
		e.uint(7) // applied index
		e.int(1)  // next lease ID
	}
	putVersion := func(e *encoder, main, sub int64, key string, create, ver int64, lease LeaseID) {
		encodeVersion(e, version{rev: Revision{Main: main, Sub: sub}, kv: KeyValue{Key: key, Value: "v", CreateRevision: create, ModRevision: main, Version: ver, Lease: lease}})
	}
	tests := []struct {
		name    string
		data    []byte
		message string
	}{
		{"empty", nil, "unexpected end of data"},
		{"truncated", good[:len(good)/2], "kvstate: cannot decode"},
		{"trailing bytes", append(append([]byte{}, good...), 1), "trailing bytes"},
		{"wrong format", append([]byte{42}, good[1:]...), "unknown snapshot format 42"},
		{"compacted above current", enc(func(e *encoder) { header(e, 3, 4); e.uint(0); e.uint(0) }), "out of range"},
		{"revision zero", enc(func(e *encoder) { header(e, 0, 0); e.uint(0); e.uint(0) }), "out of range"},
		{"bad lease", enc(func(e *encoder) {
			header(e, 2, 0)
			e.uint(1)
			e.int(-5)
			e.int(10)
			e.int(0)
			e.uint(0)
		}), "lease -5"},
		{"versions out of order", enc(func(e *encoder) {
			header(e, 5, 0)
			e.uint(0)
			e.uint(2)
			putVersion(e, 3, 0, "a", 3, 1, 0)
			putVersion(e, 2, 0, "b", 2, 1, 0)
		}), "out of order"},
		{"version above current", enc(func(e *encoder) {
			header(e, 2, 0)
			e.uint(0)
			e.uint(1)
			putVersion(e, 3, 0, "a", 3, 1, 0)
		}), "above the current revision"},
		{"version does not follow", enc(func(e *encoder) {
			header(e, 5, 0)
			e.uint(0)
			e.uint(2)
			putVersion(e, 2, 0, "a", 2, 1, 0)
			putVersion(e, 3, 0, "a", 2, 5, 0)
		}), "does not follow"},
		{"delete of a missing key", enc(func(e *encoder) {
			header(e, 5, 0)
			e.uint(0)
			e.uint(1)
			encodeVersion(e, version{rev: rev(2), kv: KeyValue{Key: "a", ModRevision: 2}, tombstone: true})
		}), "does not exist"},
		{"key on a missing lease", enc(func(e *encoder) {
			header(e, 5, 0)
			e.uint(0)
			e.uint(1)
			putVersion(e, 2, 0, "a", 2, 1, 4)
		}), "missing lease 4"},
		{"bad create revision", enc(func(e *encoder) {
			header(e, 5, 0)
			e.uint(0)
			e.uint(1)
			putVersion(e, 3, 0, "a", 3, 2, 0)
		}), "create revision 3 and version 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := busyReplica(t)
			before, beforeSnap := r.s.Hash(), r.s.Snapshot()
			err := r.s.Restore(tt.data)
			require.ErrorIs(t, err, ErrDecode)
			assert.Contains(t, err.Error(), tt.message)
			assert.Equal(t, before, r.s.Hash(), "a refused snapshot changes nothing")
			assert.Equal(t, beforeSnap, r.s.Snapshot())
		})
	}
}

// FuzzRestore checks that Restore never panics, and that a snapshot it
// accepts snapshots back to the same bytes.
func FuzzRestore(f *testing.F) {
	f.Add(New(Options{}).Snapshot())
	s := New(Options{})
	for i, req := range []Request{
		{LeaseGrant: &LeaseGrantRequest{TTL: 3}},
		{Put: &PutRequest{Key: "a", Value: "1", Lease: 1}},
		{Put: &PutRequest{Key: "a", Value: "2"}},
		{DeleteRange: &DeleteRangeRequest{Key: "a"}},
		{Put: &PutRequest{Key: "b", Value: "1"}},
		{Compaction: &CompactionRequest{Revision: 3}},
	} {
		data, err := req.Encode()
		require.NoError(f, err)
		_, err = s.Apply(uint64(i+1), 0, data)
		require.NoError(f, err)
	}
	f.Add(s.Snapshot())
	f.Fuzz(func(t *testing.T, data []byte) {
		s := New(Options{})
		if err := s.Restore(data); err != nil {
			require.ErrorIs(t, err, ErrDecode)
			return
		}
		require.Equal(t, data, s.Snapshot())
	})
}

func TestHashKV(t *testing.T) {
	a, b := busyReplica(t), busyReplica(t)
	ha, ca, err := a.s.HashKV(0)
	require.NoError(t, err)
	hb, cb, err := b.s.HashKV(0)
	require.NoError(t, err)
	assert.Equal(t, ha, hb, "replicas that applied the same entries agree")
	assert.Equal(t, int64(4), ca)
	assert.Equal(t, ca, cb)

	older, _, err := a.s.HashKV(a.s.Rev() - 1)
	require.NoError(t, err)
	assert.NotEqual(t, ha, older, "the hash covers the versions up to the revision")

	b.put("d", "different")
	a.put("d", "other")
	ha, _, _ = a.s.HashKV(0)
	hb, _, _ = b.s.HashKV(0)
	assert.NotEqual(t, ha, hb, "one differing value changes the hash")
	assert.NotEqual(t, a.s.Hash(), b.s.Hash())
	same, _, _ := a.s.HashKV(a.s.Rev() - 1)
	same2, _, _ := b.s.HashKV(b.s.Rev() - 1)
	assert.Equal(t, same, same2, "history before the divergence still agrees")

	for _, tt := range []struct {
		rev  int64
		want error
	}{{a.s.Rev() + 1, ErrFutureRev}, {3, ErrCompacted}, {-1, ErrInvalidRevision}} {
		_, _, err := a.s.HashKV(tt.rev)
		require.ErrorIs(t, err, tt.want, fmt.Sprintf("HashKV(%d)", tt.rev))
	}
}

func TestHashCoversLeases(t *testing.T) {
	a, b := newReplica(t), newReplica(t)
	a.grant(1, 10)
	b.grant(1, 11)
	assert.NotEqual(t, a.s.Hash(), b.s.Hash())
	h, _, _ := a.s.HashKV(0)
	h2, _, _ := b.s.HashKV(0)
	assert.Equal(t, h, h2, "HashKV covers only the key-value history")
}
