package kvstate

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// replica applies requests to one store through the command encoding, the
// way a member applies committed entries, numbering the entries itself.
type replica struct {
	t     *testing.T
	s     *Store
	index uint64
	now   time.Duration
}

func newReplica(t *testing.T) *replica {
	t.Helper()
	return &replica{t: t, s: New(Options{})}
}

// apply encodes, decodes and applies one request as the next entry.
func (r *replica) apply(req Request) Response {
	r.t.Helper()
	data, err := req.Encode()
	require.NoError(r.t, err)
	r.index++
	resp, err := r.s.Apply(r.index, r.now, data)
	require.NoError(r.t, err)
	return resp
}

// applyDecoded applies a request without encoding it, for requests that
// Encode refuses (an operation with no or two requests).
func (r *replica) applyDecoded(req Request) Response {
	r.t.Helper()
	r.index++
	resp, err := r.s.ApplyRequest(r.index, r.now, &req)
	require.NoError(r.t, err)
	return resp
}

// mustApply applies a request that must succeed.
func (r *replica) mustApply(req Request) Response {
	r.t.Helper()
	resp := r.apply(req)
	require.NoError(r.t, resp.Err)
	return resp
}

func (r *replica) put(key, value string) int64 {
	r.t.Helper()
	return r.mustApply(Request{Put: &PutRequest{Key: key, Value: value}}).Header.Revision
}

func (r *replica) putLease(key, value string, id LeaseID) int64 {
	r.t.Helper()
	return r.mustApply(Request{Put: &PutRequest{Key: key, Value: value, Lease: id}}).Header.Revision
}

func (r *replica) del(key, end string) *DeleteRangeResponse {
	r.t.Helper()
	return r.mustApply(Request{DeleteRange: &DeleteRangeRequest{Key: key, RangeEnd: end}}).DeleteRange
}

func (r *replica) compact(rev int64) {
	r.t.Helper()
	r.mustApply(Request{Compaction: &CompactionRequest{Revision: rev}})
}

func (r *replica) grant(id LeaseID, ttl int64) LeaseID {
	r.t.Helper()
	return r.mustApply(Request{LeaseGrant: &LeaseGrantRequest{ID: id, TTL: ttl}}).LeaseGrant.ID
}

// get reads one key at a revision (0: current); ok is false when absent.
func (r *replica) get(key string, rev int64) (KeyValue, bool) {
	r.t.Helper()
	resp, err := r.s.Range(&RangeRequest{Key: key, Revision: rev})
	require.NoError(r.t, err)
	if len(resp.KVs) == 0 {
		return KeyValue{}, false
	}
	return resp.KVs[0], true
}

// keys returns the keys a range response holds, in order.
func keys(kvs []KeyValue) []string {
	out := []string{}
	for _, kv := range kvs {
		out = append(out, kv.Key)
	}
	return out
}
