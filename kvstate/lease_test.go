package kvstate

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLeaseGrant(t *testing.T) {
	r := &replica{t: t, s: New(Options{MinLeaseTTL: 5, MaxLeaseTTL: 100})}
	tests := []struct {
		name    string
		req     LeaseGrantRequest
		wantID  LeaseID
		wantTTL int64
		wantErr error
	}{
		{"store picks the first free ID", LeaseGrantRequest{TTL: 10}, 1, 10, nil},
		{"explicit ID", LeaseGrantRequest{ID: 3, TTL: 10}, 3, 10, nil},
		{"store picks the next ID", LeaseGrantRequest{TTL: 10}, 2, 10, nil},
		{"store skips IDs in use", LeaseGrantRequest{TTL: 10}, 4, 10, nil},
		{"TTL raised to the minimum", LeaseGrantRequest{ID: 10, TTL: 1}, 10, 5, nil},
		{"zero TTL raised to the minimum", LeaseGrantRequest{ID: 11}, 11, 5, nil},
		{"maximum TTL is allowed", LeaseGrantRequest{ID: 12, TTL: 100}, 12, 100, nil},
		{"TTL above the maximum", LeaseGrantRequest{ID: 13, TTL: 101}, 0, 0, ErrLeaseTTLTooLarge},
		{"ID in use", LeaseGrantRequest{ID: 3, TTL: 10}, 0, 0, ErrLeaseExists},
		{"negative ID", LeaseGrantRequest{ID: -4, TTL: 10}, 0, 0, ErrInvalidLeaseID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := r.s.Hash()
			req := tt.req
			resp := r.apply(Request{LeaseGrant: &req})
			if tt.wantErr != nil {
				require.ErrorIs(t, resp.Err, tt.wantErr)
				assert.Equal(t, before, r.s.Hash(), "a refused grant changes nothing")
				return
			}
			require.NoError(t, resp.Err)
			assert.Equal(t, tt.wantID, resp.LeaseGrant.ID)
			assert.Equal(t, tt.wantTTL, resp.LeaseGrant.TTL)
		})
	}
	assert.Equal(t, int64(1), r.s.Rev(), "granting leases does not bump the revision")
}

func TestLeaseRevokeDeletesKeysAtOneRevision(t *testing.T) {
	r := newReplica(t)
	id := r.grant(0, 30)
	other := r.grant(0, 30)
	r.putLease("svc/c", "3", id) // 2
	r.putLease("svc/a", "1", id) // 3
	r.putLease("svc/b", "2", other)
	r.putLease("svc/b", "2", id) // moved to id
	r.put("svc/d", "no lease")
	ws := r.s.NewWatchStream(0)
	_, err := ws.Watch(WatchRequest{Key: "svc/", RangeEnd: PrefixEnd("svc/")})
	require.NoError(t, err)
	ws.Take()

	resp := r.mustApply(Request{LeaseRevoke: &LeaseRevokeRequest{ID: id}})
	assert.Equal(t, []string{"svc/a", "svc/b", "svc/c"}, resp.LeaseRevoke.Deleted, "deleted in key order")
	assert.Equal(t, int64(7), resp.Header.Revision, "one revision for all the keys")

	got, err := r.s.Range(&RangeRequest{Key: "svc/", RangeEnd: PrefixEnd("svc/")})
	require.NoError(t, err)
	assert.Equal(t, []string{"svc/d"}, keys(got.KVs))
	_, err = r.s.TimeToLive(id, 0, false)
	require.ErrorIs(t, err, ErrLeaseNotFound)
	st, err := r.s.TimeToLive(other, 0, true)
	require.NoError(t, err)
	assert.Empty(t, st.Keys, "svc/b left the other lease when it moved")

	out := ws.Take()
	require.Len(t, out, 1, "the watcher gets the revoke as one response")
	require.Len(t, out[0].Events, 3)
	for i, key := range []string{"svc/a", "svc/b", "svc/c"} {
		assert.Equal(t, EventDelete, out[0].Events[i].Type)
		assert.Equal(t, key, out[0].Events[i].KV.Key)
		assert.Equal(t, int64(7), out[0].Events[i].KV.ModRevision)
	}

	refused := r.apply(Request{LeaseRevoke: &LeaseRevokeRequest{ID: id}})
	require.ErrorIs(t, refused.Err, ErrLeaseNotFound, "revoking twice")
	empty := r.mustApply(Request{LeaseRevoke: &LeaseRevokeRequest{ID: other}})
	assert.Empty(t, empty.LeaseRevoke.Deleted)
	assert.Equal(t, int64(7), r.s.Rev(), "revoking a lease without keys does not bump the revision")
}

func TestLeaseKeysFollowPutsAndDeletes(t *testing.T) {
	r := newReplica(t)
	id := r.grant(0, 30)
	r.putLease("a", "1", id)
	r.putLease("b", "1", id)
	r.del("a", "")
	st, err := r.s.TimeToLive(id, 0, true)
	require.NoError(t, err)
	assert.Equal(t, []string{"b"}, st.Keys)
	st, err = r.s.TimeToLive(id, 0, false)
	require.NoError(t, err)
	assert.Nil(t, st.Keys, "keys only when asked")
}

// leaderAndFollower returns two replicas that apply the same entries, the
// first promoted at time 0.
func leaderAndFollower(t *testing.T) (leader, follower *replica) {
	leader, follower = newReplica(t), newReplica(t)
	leader.s.Promote(0, 0)
	return leader, follower
}

func both(leader, follower *replica, now time.Duration, req Request) Response {
	leader.now, follower.now = now, now
	resp := leader.mustApply(req)
	follower.mustApply(req)
	return resp
}

func TestLeaseExpiryOnlyOnThePrimary(t *testing.T) {
	leader, follower := leaderAndFollower(t)
	id := both(leader, follower, 0, Request{LeaseGrant: &LeaseGrantRequest{TTL: 10}}).LeaseGrant.ID
	both(leader, follower, time.Second, Request{Put: &PutRequest{Key: "k", Lease: id}})

	assert.Empty(t, leader.s.ExpiredLeases(9*time.Second+999*time.Millisecond), "not yet expired")
	assert.Equal(t, []LeaseID{id}, leader.s.ExpiredLeases(10*time.Second), "expired when the TTL has passed")
	assert.Empty(t, follower.s.ExpiredLeases(time.Hour), "a follower's lessor never expires leases")
	_, err := follower.s.Renew(id, time.Second)
	require.ErrorIs(t, err, ErrNotPrimary)

	assert.Empty(t, leader.s.ExpiredLeases(11*time.Second), "reported once, then waits for the revoke")
	assert.Equal(t, []LeaseID{id}, leader.s.ExpiredLeases(13*time.Second), "reported again after the retry interval")
	_, err = leader.s.Renew(id, 13*time.Second)
	require.ErrorIs(t, err, ErrLeaseNotFound, "an expired lease cannot be renewed")

	// The leader proposes the revoke; every replica applies it alike.
	both(leader, follower, 13*time.Second, Request{LeaseRevoke: &LeaseRevokeRequest{ID: id}})
	_, ok := follower.get("k", 0)
	assert.False(t, ok)
	assert.Equal(t, leader.s.Hash(), follower.s.Hash())
	assert.Empty(t, leader.s.ExpiredLeases(time.Hour))
}

func TestLeaseRenew(t *testing.T) {
	leader, _ := leaderAndFollower(t)
	id := leader.grant(0, 10)
	ttl, err := leader.s.Renew(id, 8*time.Second)
	require.NoError(t, err)
	assert.Equal(t, int64(10), ttl)
	assert.Empty(t, leader.s.ExpiredLeases(17*time.Second), "renewal restarted the countdown")
	assert.Equal(t, []LeaseID{id}, leader.s.ExpiredLeases(18*time.Second))
	_, err = leader.s.Renew(99, 0)
	require.ErrorIs(t, err, ErrLeaseNotFound)
}

func TestLeaseExtendedOnPromote(t *testing.T) {
	a, b := leaderAndFollower(t)
	id := both(a, b, 0, Request{LeaseGrant: &LeaseGrantRequest{TTL: 10}}).LeaseGrant.ID

	// Leadership moves from a to b at 8s; b's countdown starts afresh with
	// the election timeout as extra room, so the lease outlives the change.
	a.s.Demote()
	b.s.Promote(8*time.Second, time.Second)
	assert.Empty(t, a.s.ExpiredLeases(time.Hour), "a demoted lessor expires nothing")
	assert.Empty(t, b.s.ExpiredLeases(18*time.Second))
	assert.Equal(t, []LeaseID{id}, b.s.ExpiredLeases(19*time.Second))

	st, err := b.s.TimeToLive(id, 12*time.Second, false)
	require.NoError(t, err)
	assert.Equal(t, LeaseStatus{ID: id, GrantedTTL: 10, TTL: 7, Remaining: 7 * time.Second, Counting: true}, st)
	st, err = a.s.TimeToLive(id, 12*time.Second, false)
	require.NoError(t, err)
	assert.Equal(t, LeaseStatus{ID: id, GrantedTTL: 10, TTL: 10, Remaining: 10 * time.Second, Counting: false}, st,
		"a non-primary lessor reports what a promotion would start from")
}

func TestLeaseCheckpoints(t *testing.T) {
	opts := Options{CheckpointInterval: time.Minute}
	a := &replica{t: t, s: New(opts)}
	b := &replica{t: t, s: New(opts)}
	a.s.Promote(0, 0)
	id := both(a, b, 0, Request{LeaseGrant: &LeaseGrantRequest{TTL: 100}}).LeaseGrant.ID

	assert.Empty(t, a.s.Checkpoints(59*time.Second), "no checkpoint before the interval")
	cps := a.s.Checkpoints(70*time.Second + 500*time.Millisecond)
	assert.Equal(t, []LeaseCheckpoint{{ID: id, RemainingTTL: 30}}, cps, "remaining TTL rounded up")
	assert.Empty(t, a.s.Checkpoints(71*time.Second), "one checkpoint per interval")
	assert.Nil(t, b.s.Checkpoints(time.Hour), "only the primary checkpoints")
	both(a, b, 71*time.Second, Request{LeaseCheckpoint: &LeaseCheckpointRequest{Checkpoints: cps}})
	assert.Equal(t, a.s.Hash(), b.s.Hash())

	t.Run("a new leader resumes from the checkpoint", func(t *testing.T) {
		c := &replica{t: t, s: New(opts)}
		require.NoError(t, c.s.Restore(b.s.Snapshot()))
		c.s.Promote(72*time.Second, 0)
		assert.Empty(t, c.s.ExpiredLeases(101*time.Second))
		assert.Equal(t, []LeaseID{id}, c.s.ExpiredLeases(102*time.Second), "resumed from 30s, not 100s")
	})

	t.Run("a renewal clears the checkpoint everywhere", func(t *testing.T) {
		_, err := a.s.Renew(id, 80*time.Second)
		require.NoError(t, err)
		assert.Equal(t, a.s.Hash(), b.s.Hash(), "a renewal changes no replicated state")
		cps := a.s.Checkpoints(81 * time.Second)
		assert.Equal(t, []LeaseCheckpoint{{ID: id, RemainingTTL: 0}}, cps, "a clearing checkpoint, before the interval")
		both(a, b, 81*time.Second, Request{LeaseCheckpoint: &LeaseCheckpointRequest{Checkpoints: cps}})
		b.s.Promote(82*time.Second, 0)
		assert.Empty(t, b.s.ExpiredLeases(181*time.Second), "the full TTL again")
		assert.Equal(t, []LeaseID{id}, b.s.ExpiredLeases(182*time.Second))
	})
}

func TestLeasesListsEveryLease(t *testing.T) {
	leader, _ := leaderAndFollower(t)
	leader.grant(5, 10)
	leader.grant(2, 20)
	leader.putLease("x", "1", 5)
	got := leader.s.Leases(4 * time.Second)
	assert.Equal(t, []LeaseStatus{
		{ID: 2, GrantedTTL: 20, TTL: 16, Remaining: 16 * time.Second, Counting: true, Keys: []string{}},
		{ID: 5, GrantedTTL: 10, TTL: 6, Remaining: 6 * time.Second, Counting: true, Keys: []string{"x"}},
	}, got)
	got = leader.s.Leases(30 * time.Second)
	assert.Equal(t, int64(0), got[0].TTL, "an expired lease shows no time left until it is revoked")
}

func TestLeaseGrantOnThePrimaryStartsAtApplyTime(t *testing.T) {
	leader, _ := leaderAndFollower(t)
	leader.now = 5 * time.Second
	id := leader.grant(0, 10)
	assert.Empty(t, leader.s.ExpiredLeases(14*time.Second))
	assert.Equal(t, []LeaseID{id}, leader.s.ExpiredLeases(15*time.Second))
}

// TestLessorRoleNeverSplitsReplicas drives two replicas through random
// entries while leadership moves between them and the leader's lessor
// renews, checkpoints and expires leases: the replicated state (hash and
// snapshot) must stay identical after every step, since only entries may
// change it.
func TestLessorRoleNeverSplitsReplicas(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 7))
			opts := Options{CheckpointInterval: 2 * time.Second}
			reps := []*replica{{t: t, s: New(opts)}, {t: t, s: New(opts)}}
			leader := 0
			reps[leader].s.Promote(0, 0)
			now := time.Duration(0)
			propose := func(req Request) {
				for _, r := range reps {
					r.now = now
					r.apply(req)
				}
			}
			for step := 0; step < 300; step++ {
				now += time.Duration(rng.IntN(1500)) * time.Millisecond
				l := reps[leader].s
				switch rng.IntN(7) {
				case 0:
					propose(Request{LeaseGrant: &LeaseGrantRequest{TTL: 1 + rng.Int64N(8)}})
				case 1:
					if st := l.Leases(now); len(st) > 0 {
						id := st[rng.IntN(len(st))].ID
						propose(Request{Put: &PutRequest{Key: fmt.Sprint("k", rng.IntN(5)), Lease: id}})
					}
				case 2:
					if st := l.Leases(now); len(st) > 0 {
						_, _ = l.Renew(st[rng.IntN(len(st))].ID, now)
					}
				case 3:
					if cps := l.Checkpoints(now); len(cps) > 0 {
						propose(Request{LeaseCheckpoint: &LeaseCheckpointRequest{Checkpoints: cps}})
					}
				case 4:
					for _, id := range l.ExpiredLeases(now) {
						propose(Request{LeaseRevoke: &LeaseRevokeRequest{ID: id}})
					}
				case 5:
					l.Demote()
					leader = 1 - leader
					reps[leader].s.Promote(now, time.Second)
				default:
					propose(Request{Put: &PutRequest{Key: fmt.Sprint("k", rng.IntN(5)), Value: fmt.Sprint(step)}})
				}
				require.Equal(t, reps[0].s.Hash(), reps[1].s.Hash(), "seed %d step %d", seed, step)
				require.Equal(t, reps[0].s.Snapshot(), reps[1].s.Snapshot(), "seed %d step %d", seed, step)
			}
		})
	}
}
