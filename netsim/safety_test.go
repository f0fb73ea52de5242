package netsim

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raft-playground/playground/core/raft"
	"github.com/raft-playground/playground/kvstate"
)

func TestSafetyHoldsInABusyRun(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 4, 5} {
		cfg := DefaultConfig()
		cfg.Seed = seed
		w := play(t, cfg, busyScenario(), 15*Time(Second))
		require.NoError(t, w.CheckSafety(), "seed %d", seed)
	}
}

// The checkers must catch what correct Raft never does. Each case plants a
// lie in what the checker has learned, then lets the world run into it.
func TestSafetyCheckersCatchViolations(t *testing.T) {
	cases := []struct {
		name string
		rule string
		// plant corrupts the checker's knowledge (or the world) after a
		// leader was elected.
		plant func(t *testing.T, w *World)
	}{
		{"a second leader in a term", RuleElectionSafety, func(t *testing.T, w *World) {
			other := follower(t, w)
			w.observeRaft(w.nodes[other], &raft.Event{Kind: raft.EventBecameLeader, Node: other, Term: w.Term(), Index: 100})
		}},
		{"different entries applied at one index", RuleStateMachineSafety, func(t *testing.T, w *World) {
			// Claim the next index was applied with a term no entry has.
			next := uint64(len(w.safety.committed))
			w.checkApplied(w.nodes[mustLeader(t, w)], next, 99)
			_, err := w.Put("c1", "k", "v", "")
			require.NoError(t, err)
		}},
		{"a committed entry missing from a new leader", RuleLeaderCompleteness, func(t *testing.T, w *World) {
			w.safety.committed[1] = 77
			require.NoError(t, w.Crash(mustLeader(t, w), CrashLoseUnsynced))
		}},
		{"a diverging store digest at one index", RuleStoreHash, func(t *testing.T, w *World) {
			// One index only: every member that applies it is compared.
			next := w.nodes[mustLeader(t, w)].m.AppliedIndex() + 1
			w.checkDigest(w.nodes[mustLeader(t, w)], next, 0xdeadbeef)
			_, err := w.Put("c1", "k", "v", "")
			require.NoError(t, err)
		}},
		{"a diverging full store hash at a snapshot", RuleStoreHash, func(t *testing.T, w *World) {
			lead := mustLeader(t, w)
			w.safety.hashes[w.nodes[lead].m.AppliedIndex()] = 0xdeadbeef
			require.NoError(t, w.Snapshot(lead))
		}},
		{"a leader rewriting its log", RuleLeaderAppendOnly, func(t *testing.T, w *World) {
			lead := mustLeader(t, w)
			w.safety.leaderLast[lead] += 50
			_, err := w.Put("c1", "k", "v", "")
			require.NoError(t, err)
		}},
		{"entries that disagree at an index and term", RuleLogMatching, func(t *testing.T, w *World) {
			lead := w.nodes[mustLeader(t, w)]
			last := lead.m.Status().LastIndex
			for idx := last + 1; idx < last+20; idx++ {
				w.safety.entries[entryKey{idx, w.Term()}] = entryFact{dataHash: 1}
			}
			_, err := w.Put("c1", "k", "v", "")
			require.NoError(t, err)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, nil)
			electLeader(t, w)
			require.NoError(t, w.RunFor(500*Millisecond))
			tc.plant(t, w)
			err := w.RunFor(5 * Second)
			var v *SafetyViolation
			require.ErrorAs(t, err, &v)
			assert.Equal(t, tc.rule, v.Rule)
			assert.NotEmpty(t, recordsOf(w, 0, "violation"))
			assert.ErrorIs(t, w.Step(), ErrStopped, "a broken world refuses to go on")
			_, err = w.Put("c1", "k", "v", "")
			assert.ErrorIs(t, err, ErrStopped)
		})
	}
}

func TestLogsMatch(t *testing.T) {
	ents := func(first uint64, terms ...uint64) []raft.Entry {
		out := make([]raft.Entry, len(terms))
		for i, term := range terms {
			out[i] = raft.Entry{Index: first + uint64(i), Term: term}
		}
		return out
	}
	cases := []struct {
		name string
		a, b []raft.Entry
		ok   bool
	}{
		{"identical", ents(1, 1, 1, 2), ents(1, 1, 1, 2), true},
		{"one a prefix of the other", ents(1, 1, 1), ents(1, 1, 1, 2, 3), true},
		{"diverging tails after a common prefix", ents(1, 1, 2, 2), ents(1, 1, 3), true},
		{"compacted prefixes", ents(4, 2, 2), ents(2, 1, 1, 2, 2), true},
		{"same term later but different before", ents(1, 1, 2, 3), ents(1, 1, 1, 3), false},
		{"same index and term but different data", []raft.Entry{{Index: 1, Term: 1, Data: []byte("x")}}, []raft.Entry{{Index: 1, Term: 1, Data: []byte("y")}}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := logsMatch(1, tc.a, 2, tc.b)
			if tc.ok {
				assert.Nil(t, v)
			} else {
				require.NotNil(t, v)
				assert.Equal(t, RuleLogMatching, v.Rule)
			}
		})
	}
}

// A follower whose store silently diverges (replaced by another store at
// the same applied index) is caught at the very next index it applies.
func TestStoreDivergenceCaughtAtTheNextIndex(t *testing.T) {
	w := newWorld(t, nil)
	electLeader(t, w)
	_, err := w.Put("c1", "k", "v", "")
	require.NoError(t, err)
	require.NoError(t, w.RunFor(500*Millisecond))
	f := w.nodes[follower(t, w)]
	applied := f.m.AppliedIndex()
	other := kvstate.New(kvstate.Options{})
	_, err = other.ApplyRequest(applied, time.Duration(0), &kvstate.Request{Put: &kvstate.PutRequest{Key: "k", Value: "not v"}})
	require.NoError(t, err)
	require.NoError(t, f.m.Store().Restore(other.Snapshot()))

	_, err = w.Put("c1", "k2", "v", "")
	require.NoError(t, err)
	err = w.RunFor(5 * Second)
	var v *SafetyViolation
	require.ErrorAs(t, err, &v)
	assert.Equal(t, RuleStoreHash, v.Rule)
	assert.Equal(t, []uint64{f.id}, v.Members)
	assert.Equal(t, applied+1, v.Index, "caught at the first index applied after the divergence")
	assert.Contains(t, v.Detail, "store digest")
}

// The digest memory forgets the indexes at or below the snapshot floor.
func TestSafetyPrunesDigests(t *testing.T) {
	w := newWorld(t, nil)
	w.safety = safety{}
	w.safety.init()
	n := w.nodes[1]
	for idx := uint64(1); idx <= 10; idx++ {
		w.checkDigest(n, idx, idx*7)
	}
	w.safety.prune(4)
	assert.Equal(t, uint64(5), w.safety.digestBase)
	assert.Len(t, w.safety.digests, 6)
	w.checkDigest(n, 3, 1) // below the floor: nobody can apply it again, nothing to compare
	w.checkDigest(n, 5, 35)
	assert.Nil(t, w.violation)
	w.checkDigest(n, 6, 1)
	require.NotNil(t, w.violation)
	assert.Equal(t, uint64(6), w.violation.Index)

	w.safety.prune(20)
	assert.Equal(t, uint64(21), w.safety.digestBase)
	assert.Empty(t, w.safety.digests)
}
