package kvstate

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// everyRequest has one request of each kind with every field set, so a
// field the encoding forgot shows up as a round-trip difference.
func everyRequest() map[string]Request {
	rangeReq := &RangeRequest{Key: "a", RangeEnd: "\xff\x00b", Limit: 3, Revision: 9, SortOrder: SortDescend, SortTarget: SortByMod,
		KeysOnly: true, CountOnly: true, MinModRevision: 1, MaxModRevision: 2, MinCreateRevision: 3, MaxCreateRevision: 4}
	putReq := &PutRequest{Key: "k", Value: "v\x00é", Lease: 5, PrevKV: true, IgnoreValue: true, IgnoreLease: true}
	delReq := &DeleteRangeRequest{Key: "d", RangeEnd: FromKeyEnd, PrevKV: true}
	return map[string]Request{
		"range":  {ID: 1, Range: rangeReq},
		"put":    {ID: 1<<64 - 1, Put: putReq},
		"delete": {ID: 3, DeleteRange: delReq},
		"txn": {ID: 4, Txn: &TxnRequest{
			Compare: []Compare{
				{Key: "a", RangeEnd: "b", Target: CompareValue, Result: CompareNotEqual, Value: "x"},
				{Key: "c", Target: CompareLease, Result: CompareLess, Version: -1, CreateRevision: 2, ModRevision: 3, Lease: 7},
			},
			Success: []Op{{Range: rangeReq}, {Put: putReq}, {DeleteRange: delReq}, {Txn: &TxnRequest{
				Failure: []Op{{Put: &PutRequest{Key: "nested"}}},
			}}},
			Failure: []Op{{Range: &RangeRequest{Key: "f"}}},
		}},
		"compaction": {ID: 5, Compaction: &CompactionRequest{Revision: 12}},
		"grant":      {ID: 6, LeaseGrant: &LeaseGrantRequest{ID: 8, TTL: 30}},
		"revoke":     {ID: 7, LeaseRevoke: &LeaseRevokeRequest{ID: 8}},
		"checkpoint": {ID: 8, LeaseCheckpoint: &LeaseCheckpointRequest{Checkpoints: []LeaseCheckpoint{{ID: 1, RemainingTTL: 2}, {ID: 3, RemainingTTL: 4}}}},
	}
}

func TestCommandRoundTrip(t *testing.T) {
	for name, req := range everyRequest() {
		t.Run(name, func(t *testing.T) {
			data, err := req.Encode()
			require.NoError(t, err)
			again, err := req.Encode()
			require.NoError(t, err)
			assert.Equal(t, data, again, "the encoding is deterministic")
			got, err := Decode(data)
			require.NoError(t, err)
			assert.Equal(t, req, *got)
		})
	}
}

func TestCommandEncodeRefusesAmbiguousRequests(t *testing.T) {
	tests := map[string]Request{
		"no operation":                  {ID: 1},
		"two operations":                {Put: &PutRequest{Key: "a"}, Range: &RangeRequest{Key: "a"}},
		"txn operation with none":       {Txn: &TxnRequest{Success: []Op{{}}}},
		"nested txn operation with two": {Txn: &TxnRequest{Failure: []Op{{Txn: &TxnRequest{Success: []Op{{Put: &PutRequest{}, DeleteRange: &DeleteRangeRequest{}}}}}}}},
	}
	for name, req := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := req.Encode()
			require.ErrorIs(t, err, ErrMalformedRequest)
		})
	}
}

func TestCommandDecodeRefusesGarbage(t *testing.T) {
	put, err := (&Request{ID: 9, Put: &PutRequest{Key: "key", Value: "value"}}).Encode()
	require.NoError(t, err)
	tests := []struct {
		name    string
		data    []byte
		message string
	}{
		{"empty", nil, "format at byte 0: unexpected end of data"},
		{"wrong format", []byte{9, 1, 2}, "unknown command format 9"},
		{"unknown tag", []byte{commandFormat, 1, 99}, "unknown operation tag 99"},
		{"truncated", put[:len(put)-3], "put prev kv at byte 14: unexpected end of data"},
		{"trailing bytes", append(append([]byte{}, put...), 0), "1 trailing bytes"},
		{"bad boolean", append(append([]byte{}, put[:len(put)-3]...), 2, 0, 0), "boolean byte 2"},
		{"huge length", []byte{commandFormat, 1, tagPut, 0xff, 0xff, 0xff, 0xff, 0x0f}, "exceeds"},
		{"huge count", []byte{commandFormat, 1, tagLeaseCheckpoint, 0xff, 0xff, 0xff, 0xff, 0x0f}, "checkpoint count"},
		{"overlong varint", []byte{commandFormat, 0x80, 0x00, tagCompaction, 0}, "overlong unsigned varint"},
		{"unknown txn operation", []byte{commandFormat, 1, tagTxn, 0, 1, 77}, "unknown txn operation tag 77"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := Decode(tt.data)
			require.ErrorIs(t, err, ErrDecode)
			assert.Contains(t, err.Error(), tt.message)
			assert.Nil(t, req)
		})
	}
	t.Run("nesting too deep", func(t *testing.T) {
		req := &TxnRequest{}
		for range maxTxnDepth + 1 {
			req = &TxnRequest{Success: []Op{{Txn: req}}}
		}
		data, err := (&Request{Txn: req}).Encode()
		require.NoError(t, err)
		_, err = Decode(data)
		require.ErrorIs(t, err, ErrDecode)
		assert.Contains(t, err.Error(), "nested deeper")
	})
}

func TestValidateBeforeProposing(t *testing.T) {
	tests := []struct {
		name string
		req  Request
		want error
	}{
		{"no operation", Request{}, ErrMalformedRequest},
		{"two operations", Request{Put: &PutRequest{Key: "a"}, LeaseRevoke: &LeaseRevokeRequest{ID: 1}}, ErrMalformedRequest},
		{"empty put key", Request{Put: &PutRequest{}}, ErrEmptyKey},
		{"empty delete key", Request{DeleteRange: &DeleteRangeRequest{}}, ErrEmptyKey},
		{"delete range end before key", Request{DeleteRange: &DeleteRangeRequest{Key: "b", RangeEnd: "a"}}, ErrKeyRangeInvalid},
		{"negative compaction", Request{Compaction: &CompactionRequest{Revision: -1}}, ErrInvalidRevision},
		{"revoke of no lease", Request{LeaseRevoke: &LeaseRevokeRequest{}}, ErrLeaseNotFound},
		{"negative grant ID", Request{LeaseGrant: &LeaseGrantRequest{ID: -1}}, ErrInvalidLeaseID},
		{"bad checkpoint", Request{LeaseCheckpoint: &LeaseCheckpointRequest{Checkpoints: []LeaseCheckpoint{{ID: 1, RemainingTTL: -2}}}}, ErrMalformedRequest},
		{"negative range filter", Request{Range: &RangeRequest{Key: "a", MinModRevision: -1}}, ErrInvalidRevision},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.ErrorIs(t, tt.req.Validate(), tt.want)
		})
	}
	for name, req := range everyRequest() {
		if name == "txn" || name == "range" || name == "put" {
			continue // deliberately contradictory field combinations
		}
		t.Run("valid "+name, func(t *testing.T) {
			require.NoError(t, req.Validate())
		})
	}
	assert.False(t, (&Request{Range: &RangeRequest{Key: "a"}}).IsWrite())
	assert.True(t, (&Request{Put: &PutRequest{Key: "a"}}).IsWrite())
}

func TestPrefixEnd(t *testing.T) {
	tests := map[string]string{
		"a":        "b",
		"/svc/":    "/svc0",
		"a\xff":    "b",
		"\xff\xff": FromKeyEnd,
	}
	for prefix, want := range tests {
		assert.Equal(t, want, PrefixEnd(prefix), "prefix %q", prefix)
	}
}

// FuzzDecode checks that Decode never panics, and that whatever it accepts
// encodes back to the same bytes.
func FuzzDecode(f *testing.F) {
	for _, req := range everyRequest() {
		data, err := req.Encode()
		require.NoError(f, err)
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		req, err := Decode(data)
		if err != nil {
			require.ErrorIs(t, err, ErrDecode)
			return
		}
		again, err := req.Encode()
		require.NoError(t, err)
		require.Equal(t, data, again)
	})
}

// FuzzApply applies arbitrary entries to a store with history, leases and a
// compaction: nothing may panic, a refused request must leave the state as it
// was, and whatever the store reaches must survive a snapshot round trip.
func FuzzApply(f *testing.F) {
	for _, req := range everyRequest() {
		data, err := req.Encode()
		require.NoError(f, err)
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := busyReplica(t)
		before := r.s.Hash()
		resp, err := r.s.Apply(r.index+1, 0, data)
		if err != nil {
			require.ErrorIs(t, err, ErrDecode)
			require.Equal(t, before, r.s.Hash())
			return
		}
		if resp.Err != nil {
			require.Equal(t, before, r.s.Hash(), "refused with %v", resp.Err)
		}
		restored := New(Options{})
		require.NoError(t, restored.Restore(r.s.Snapshot()))
		require.Equal(t, r.s.Hash(), restored.Hash())
	})
}
