package kvstate

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// canonicalState is the store's whole replicated state as bytes: its
// snapshot with the applied index left out (neither Hash nor Digest covers
// it). The snapshot is count-prefixed throughout and Restore rebuilds the
// store from it alone, so two stores have the same state exactly when these
// bytes are equal.
func canonicalState(s *Store) string {
	applied := s.appliedIndex
	s.appliedIndex = 0
	defer func() { s.appliedIndex = applied }()
	return string(s.Snapshot())
}

// digestGen draws random requests over a small key space, so that puts,
// deletes, txns, compactions and lease operations keep meeting each other,
// and so that refused requests (an unknown lease, a compaction below the
// last one) happen too.
type digestGen struct {
	r      *rand.Rand
	keys   []string
	values []string
	// leases is the lease ID range the requests name (1..leases); some are
	// not granted, so a put or revoke naming them is refused.
	leases int
}

func (g *digestGen) key() string   { return g.keys[g.r.IntN(len(g.keys))] }
func (g *digestGen) value() string { return g.values[g.r.IntN(len(g.values))] }
func (g *digestGen) lease() LeaseID {
	return LeaseID(g.r.IntN(g.leases) + 1)
}

func (g *digestGen) put() *PutRequest {
	p := &PutRequest{Key: g.key(), Value: g.value()}
	switch g.r.IntN(6) {
	case 0, 1:
		p.Lease = g.lease()
	case 2:
		p.IgnoreValue = true
	case 3:
		p.IgnoreLease = true
	}
	return p
}

func (g *digestGen) deleteRange() *DeleteRangeRequest {
	d := &DeleteRangeRequest{Key: g.key()}
	switch g.r.IntN(4) {
	case 0:
		d.RangeEnd = g.key()
	case 1:
		d.RangeEnd = FromKeyEnd
	}
	return d
}

func (g *digestGen) op(depth int) Op {
	switch n := g.r.IntN(10); {
	case n < 5:
		return Op{Put: g.put()}
	case n < 8:
		return Op{DeleteRange: g.deleteRange()}
	case n < 9 || depth > 0:
		return Op{Range: &RangeRequest{Key: g.key()}}
	default:
		return Op{Txn: g.txn(depth + 1)}
	}
}

func (g *digestGen) txn(depth int) *TxnRequest {
	t := &TxnRequest{}
	if g.r.IntN(4) != 0 {
		c := Compare{Key: g.key(), Target: CompareTarget(g.r.IntN(5)), Result: CompareResult(g.r.IntN(4))}
		c.Value, c.Version, c.CreateRevision, c.ModRevision, c.Lease = g.value(), int64(g.r.IntN(3)), int64(g.r.IntN(8)), int64(g.r.IntN(8)), LeaseID(g.r.IntN(g.leases+1))
		t.Compare = append(t.Compare, c)
	}
	for range g.r.IntN(3) {
		t.Success = append(t.Success, g.op(depth))
	}
	for range g.r.IntN(3) {
		t.Failure = append(t.Failure, g.op(depth))
	}
	return t
}

// request returns a random request for store s (compactions aim near its
// revisions, so that some succeed and some are refused).
func (g *digestGen) request(s *Store) Request {
	switch n := g.r.IntN(20); {
	case n < 6:
		return Request{Put: g.put()}
	case n < 9:
		return Request{DeleteRange: g.deleteRange()}
	case n < 12:
		return Request{Txn: g.txn(0)}
	case n < 14:
		return Request{Compaction: &CompactionRequest{Revision: s.compactRev + int64(g.r.IntN(int(s.currentRev-s.compactRev)+2))}}
	case n < 16:
		id := LeaseID(0)
		if g.r.IntN(2) == 0 {
			id = g.lease()
		}
		return Request{LeaseGrant: &LeaseGrantRequest{ID: id, TTL: int64(g.r.IntN(3) * 30)}}
	case n < 18:
		return Request{LeaseRevoke: &LeaseRevokeRequest{ID: g.lease()}}
	case n < 19:
		return Request{LeaseCheckpoint: &LeaseCheckpointRequest{Checkpoints: []LeaseCheckpoint{
			{ID: g.lease(), RemainingTTL: int64(g.r.IntN(3) * 10)}, {ID: g.lease(), RemainingTTL: int64(g.r.IntN(3) * 10)}}}}
	default:
		return Request{Range: &RangeRequest{Key: g.key(), RangeEnd: FromKeyEnd}}
	}
}

// digestStep applies one random step to *s: a request, a no-op entry, or a
// snapshot restored into a fresh store or into s itself. It reports what it
// did, for failure messages.
func digestStep(t *testing.T, g *digestGen, s **Store, index uint64) string {
	t.Helper()
	switch g.r.IntN(25) {
	case 0:
		require.NoError(t, (*s).MarkApplied(index))
		return "no-op"
	case 1:
		fresh := New(Options{})
		fresh.put(&PutRequest{Key: "replaced", Value: "by the restore"})
		require.NoError(t, fresh.Restore((*s).Snapshot()))
		*s = fresh
		require.NoError(t, (*s).MarkApplied(index))
		return "snapshot restored into a fresh store"
	case 2:
		require.NoError(t, (*s).Restore((*s).Snapshot()))
		require.NoError(t, (*s).MarkApplied(index))
		return "snapshot restored in place"
	}
	req := g.request(*s)
	data, err := req.Encode()
	require.NoError(t, err)
	resp, err := (*s).Apply(index, 0, data)
	require.NoError(t, err)
	return fmt.Sprintf("%+v (refused: %v)", req, resp.Err)
}

func newDigestGen(seed uint64) *digestGen {
	return &digestGen{
		r:      rand.New(rand.NewPCG(seed, 0xd19e57)),
		keys:   []string{"a", "ab", "b", "c", "d"},
		values: []string{"", "1", "11", "2"},
		leases: 3,
	}
}

// TestDigestFollowsEveryChange applies random histories and checks after
// every step that the incremental digest equals one recomputed from scratch,
// and that it moved exactly when the state (and so the full hash) did.
func TestDigestFollowsEveryChange(t *testing.T) {
	const seeds, steps = 150, 300
	changed, unchanged := 0, 0
	for seed := range uint64(seeds) {
		g := newDigestGen(seed)
		s := New(Options{})
		prevDigest, prevHash, prevState := s.Digest(), s.Hash(), canonicalState(s)
		require.Equal(t, s.digestFromScratch(), prevDigest, "empty store")
		for i := range steps {
			did := digestStep(t, g, &s, uint64(i+1))
			digest, hash, state := s.Digest(), s.Hash(), canonicalState(s)
			require.Equal(t, s.digestFromScratch(), digest, "seed %d step %d: %s", seed, i, did)
			sameState := state == prevState
			require.Equal(t, sameState, digest == prevDigest, "seed %d step %d: digest equality against the state before: %s", seed, i, did)
			require.Equal(t, sameState, hash == prevHash, "seed %d step %d: hash equality against the state before: %s", seed, i, did)
			if sameState {
				unchanged++
			} else {
				changed++
			}
			prevDigest, prevHash, prevState = digest, hash, state
		}
	}
	// Both sides of "iff" were exercised many times.
	assert.Greater(t, changed, seeds*steps/3)
	assert.Greater(t, unchanged, seeds*steps/10)
}

// TestDigestEqualExactlyWhenStatesAre builds many stores from random
// histories, half of them short and over a tiny key space so that different
// histories often reach the same state (a refused request, a delete of
// nothing, a compaction that erases how a key got its value), and checks
// across all of them: equal digests ⇔ equal states ⇔ equal full hashes.
func TestDigestEqualExactlyWhenStatesAre(t *testing.T) {
	const stores = 6000
	digestOf := map[string]uint64{}
	stateOfDigest := map[uint64]string{}
	hashOf := map[string]uint32{}
	stateOfHash := map[uint32]string{}
	histories := map[string]int{}
	for seed := range uint64(stores) {
		g := newDigestGen(seed)
		steps := 1 + g.r.IntN(30)
		if seed%2 == 0 {
			// Tiny histories over a tiny key space often meet.
			g.keys, g.values, g.leases = []string{"a", "b"}, []string{"1", "2"}, 1
			steps = 1 + g.r.IntN(6)
		}
		s := New(Options{})
		for i := range steps {
			digestStep(t, g, &s, uint64(i+1))
		}
		state, digest, hash := canonicalState(s), s.Digest(), s.Hash()
		histories[state]++
		if d, ok := digestOf[state]; ok {
			require.Equal(t, d, digest, "seed %d: an equal state reached another way has another digest", seed)
		}
		if st, ok := stateOfDigest[digest]; ok {
			require.Equal(t, st, state, "seed %d: a different state has the same digest %x", seed, digest)
		}
		if h, ok := hashOf[state]; ok {
			require.Equal(t, h, hash, "seed %d: an equal state reached another way has another hash", seed)
		}
		if st, ok := stateOfHash[hash]; ok {
			require.Equal(t, st, state, "seed %d: a different state has the same hash %x", seed, hash)
		}
		digestOf[state], stateOfDigest[digest] = digest, state
		hashOf[state], stateOfHash[hash] = hash, state
	}
	shared := 0
	for _, n := range histories {
		if n > 1 {
			shared++
		}
	}
	t.Logf("%d histories reached %d distinct states, %d of them by more than one history", stores, len(histories), shared)
	assert.Greater(t, len(histories), stores/3, "the histories reach many different states")
	assert.Greater(t, shared, 100, "many states are reached by different histories")
}

// TestRecordHashesCoverEveryField changes one field of a record at a time:
// every change must change the record's hash, or two replicas differing in
// that field would look equal.
func TestRecordHashesCoverEveryField(t *testing.T) {
	// A new field in these types must be added to the record hash and here.
	require.Equal(t, 6, reflect.TypeFor[KeyValue]().NumField(), "KeyValue's fields")
	require.Equal(t, 3, reflect.TypeFor[version]().NumField(), "version's fields")
	require.Equal(t, 2, reflect.TypeFor[Revision]().NumField(), "Revision's fields")

	base := version{rev: Revision{Main: 7, Sub: 1}, kv: KeyValue{Key: "ab", CreateRevision: 5, ModRevision: 7, Version: 2, Value: "c", Lease: 3}}
	versions := []struct {
		name   string
		change func(v *version)
	}{
		{"main revision", func(v *version) { v.rev.Main++ }},
		{"sub revision", func(v *version) { v.rev.Sub++ }},
		{"tombstone", func(v *version) { v.tombstone = true }},
		{"key", func(v *version) { v.kv.Key = "ac" }},
		{"key and value split differently", func(v *version) { v.kv.Key, v.kv.Value = "a", "bc" }},
		{"create revision", func(v *version) { v.kv.CreateRevision++ }},
		{"mod revision", func(v *version) { v.kv.ModRevision++ }},
		{"version", func(v *version) { v.kv.Version++ }},
		{"value", func(v *version) { v.kv.Value = "d" }},
		{"empty value", func(v *version) { v.kv.Value = "" }},
		{"lease", func(v *version) { v.kv.Lease++ }},
		{"no lease", func(v *version) { v.kv.Lease = NoLease }},
	}
	for _, tc := range versions {
		t.Run("version/"+tc.name, func(t *testing.T) {
			v := base
			tc.change(&v)
			assert.NotEqual(t, versionRecordHash(base), versionRecordHash(v))
		})
	}

	baseLease := lease{id: 4, ttl: 30, remainingTTL: 10}
	leases := []struct {
		name   string
		change func(le *lease)
	}{
		{"ID", func(le *lease) { le.id++ }},
		{"TTL", func(le *lease) { le.ttl++ }},
		{"remaining TTL", func(le *lease) { le.remainingTTL++ }},
		{"TTL and remaining TTL swapped", func(le *lease) { le.ttl, le.remainingTTL = le.remainingTTL, le.ttl }},
	}
	for _, tc := range leases {
		t.Run("lease/"+tc.name, func(t *testing.T) {
			le := baseLease
			tc.change(&le)
			assert.NotEqual(t, leaseRecordHash(&baseLease), leaseRecordHash(&le))
		})
	}

	scalars := []struct {
		name   string
		change func(s *Store)
	}{
		{"current revision", func(s *Store) { s.currentRev++ }},
		{"compacted revision", func(s *Store) { s.compactRev++ }},
		{"next lease ID", func(s *Store) { s.lessor.nextID++ }},
	}
	for _, tc := range scalars {
		t.Run("store/"+tc.name, func(t *testing.T) {
			s := busyReplica(t).s
			before := s.Digest()
			tc.change(s)
			assert.NotEqual(t, before, s.Digest())
		})
	}

	t.Run("a key that swallows the next field", func(t *testing.T) {
		// Without the key's length prefix these two records would encode
		// to the same bytes.
		a := version{rev: Revision{Main: 7}, kv: KeyValue{Key: "k", ModRevision: 7, CreateRevision: 5, Version: 2, Value: "\x00"}}
		b := version{rev: Revision{Main: 7}, kv: KeyValue{Key: "k\x0e", ModRevision: 5, CreateRevision: 2, Lease: -1}}
		assert.NotEqual(t, versionRecordHash(a), versionRecordHash(b))
	})

	t.Run("records of different kinds", func(t *testing.T) {
		// A lease and a version (or the scalars) never stand in for each
		// other: each record starts with its own tag.
		s := New(Options{})
		assert.NotEqual(t, leaseRecordHash(&lease{id: 1, ttl: 1, remainingTTL: 0}), s.scalarDigest())
	})
}

// TestDigestThroughSnapshots checks the digest across snapshot round trips
// and a refused restore.
func TestDigestThroughSnapshots(t *testing.T) {
	src := busyReplica(t)
	want := src.s.Digest()
	require.Equal(t, src.s.digestFromScratch(), want)

	dst := newReplica(t)
	dst.put("unrelated", "state that the restore replaces")
	other := dst.s.Digest()
	require.NotEqual(t, want, other)

	require.Error(t, dst.s.Restore(src.s.Snapshot()[:10]), "a truncated snapshot")
	assert.Equal(t, other, dst.s.Digest(), "a refused restore changes nothing")

	require.NoError(t, dst.s.Restore(src.s.Snapshot()))
	assert.Equal(t, want, dst.s.Digest())
	assert.Equal(t, want, dst.s.digestFromScratch())

	// Both go on identically, through a revoke, a checkpoint and a
	// compaction, which change leases and drop history.
	dst.index = src.s.AppliedIndex()
	for _, r := range []*replica{src, dst} {
		r.put("e", "1")
		r.mustApply(Request{LeaseRevoke: &LeaseRevokeRequest{ID: 1}})
		r.mustApply(Request{LeaseCheckpoint: &LeaseCheckpointRequest{Checkpoints: []LeaseCheckpoint{{ID: 9, RemainingTTL: 5}}}})
		r.compact(r.s.Rev())
	}
	assert.Equal(t, src.s.Digest(), dst.s.Digest())
	assert.Equal(t, src.s.Hash(), dst.s.Hash())
	assert.Equal(t, src.s.digestFromScratch(), src.s.Digest())
	assert.NotEqual(t, want, src.s.Digest())
}

// TestDigestTellsStatesApart compares pairs of histories that end in states
// differing in one field only (or not at all), which random histories
// rarely produce.
func TestDigestTellsStatesApart(t *testing.T) {
	put := func(k, v string) Request { return Request{Put: &PutRequest{Key: k, Value: v}} }
	del := func(k string) Request { return Request{DeleteRange: &DeleteRangeRequest{Key: k}} }
	compact := func(rev int64) Request { return Request{Compaction: &CompactionRequest{Revision: rev}} }
	grant := func(id LeaseID, ttl int64) Request { return Request{LeaseGrant: &LeaseGrantRequest{ID: id, TTL: ttl}} }
	revoke := func(id LeaseID) Request { return Request{LeaseRevoke: &LeaseRevokeRequest{ID: id}} }
	checkpoint := func(id LeaseID, ttl int64) Request {
		return Request{LeaseCheckpoint: &LeaseCheckpointRequest{Checkpoints: []LeaseCheckpoint{{ID: id, RemainingTTL: ttl}}}}
	}
	cases := []struct {
		name  string
		a, b  []Request
		equal bool
	}{
		{"only the version of a key whose earlier puts were compacted",
			[]Request{put("a", "1"), put("a", "1"), put("a", "1"), put("a", "2"), compact(5)},
			[]Request{put("a", "1"), put("b", "1"), del("b"), put("a", "2"), compact(5)}, false},
		{"only the compacted revision",
			[]Request{put("a", "1"), compact(1)},
			[]Request{put("a", "1"), compact(2)}, false},
		{"only the next lease ID",
			[]Request{grant(0, 30), revoke(1)},
			[]Request{grant(5, 30), revoke(5)}, false},
		{"only a lease's TTL",
			[]Request{grant(1, 30)},
			[]Request{grant(1, 60)}, false},
		{"only a lease's checkpointed TTL",
			[]Request{grant(1, 30), checkpoint(1, 10)},
			[]Request{grant(1, 30), checkpoint(1, 20)}, false},
		{"only an older value still readable at its revision",
			[]Request{put("a", "1"), put("a", "2")},
			[]Request{put("a", "3"), put("a", "2")}, false},
		{"the same state after a compaction erased different pasts",
			[]Request{put("a", "1"), put("a", "2"), compact(3)},
			[]Request{put("a", "3"), put("a", "2"), compact(3)}, true},
		{"the same state after refused requests",
			[]Request{put("a", "1")},
			[]Request{revoke(4), put("a", "1"), compact(9), del("b")}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, b := newReplica(t), newReplica(t)
			for _, req := range tc.a {
				a.apply(req)
			}
			for _, req := range tc.b {
				b.apply(req)
			}
			require.Equal(t, tc.equal, canonicalState(a.s) == canonicalState(b.s), "the histories do not set up the case")
			assert.Equal(t, tc.equal, a.s.Digest() == b.s.Digest(), "digests")
			assert.Equal(t, tc.equal, a.s.Hash() == b.s.Hash(), "full hashes")
		})
	}
}
