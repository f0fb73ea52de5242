package kvstate

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func rev(main int64) Revision         { return Revision{Main: main} }
func subRev(main, sub int64) Revision { return Revision{Main: main, Sub: sub} }

// threeGenerations builds the key index of etcd's key index tests:
// generations {2, 4, 6t}, {8, 10, 12t}, {14, 15.1, 16t} and an empty live one.
func threeGenerations() *keyIndex {
	ki := newKeyIndex("foo")
	ki.put(rev(2))
	ki.put(rev(4))
	ki.tombstone(rev(6))
	ki.put(rev(8))
	ki.put(rev(10))
	ki.tombstone(rev(12))
	ki.put(rev(14))
	ki.put(subRev(15, 1))
	ki.tombstone(rev(16))
	return ki
}

func TestKeyIndexGetAtEachRevision(t *testing.T) {
	type want struct {
		ok       bool
		modified Revision
		created  Revision
		ver      int64
	}
	absent := want{}
	tests := map[int64]want{
		0: absent, 1: absent,
		2: {true, rev(2), rev(2), 1}, 3: {true, rev(2), rev(2), 1},
		4: {true, rev(4), rev(2), 2}, 5: {true, rev(4), rev(2), 2},
		6: absent, 7: absent, // deleted at 6
		8: {true, rev(8), rev(8), 1}, 9: {true, rev(8), rev(8), 1},
		10: {true, rev(10), rev(8), 2}, 11: {true, rev(10), rev(8), 2},
		12: absent, 13: absent,
		14: {true, rev(14), rev(14), 1},
		15: {true, subRev(15, 1), rev(14), 2},
		16: absent, 17: absent,
	}
	ki := threeGenerations()
	for atRev := int64(0); atRev <= 17; atRev++ {
		t.Run(fmt.Sprintf("rev %d", atRev), func(t *testing.T) {
			w := tests[atRev]
			mod, created, ver, ok := ki.get(atRev)
			require.Equal(t, w.ok, ok)
			assert.Equal(t, w.modified, mod)
			assert.Equal(t, w.created, created)
			assert.Equal(t, w.ver, ver)
		})
	}
}

func TestKeyIndexTombstoneRules(t *testing.T) {
	t.Run("a tombstone ends the generation and opens an empty one", func(t *testing.T) {
		ki := newKeyIndex("foo")
		ki.put(rev(5))
		ki.tombstone(rev(7))
		require.Len(t, ki.generations, 2)
		assert.Equal(t, []Revision{rev(5), rev(7)}, ki.generations[0].revs)
		assert.True(t, ki.generations[1].isEmpty())
		assert.False(t, ki.isLive())
		assert.Equal(t, rev(7), ki.modified)
	})
	t.Run("a put after a tombstone starts a new generation at version 1", func(t *testing.T) {
		ki := newKeyIndex("foo")
		ki.put(rev(5))
		ki.tombstone(rev(7))
		ki.put(rev(9))
		mod, created, ver, ok := ki.get(9)
		require.True(t, ok)
		assert.Equal(t, rev(9), mod)
		assert.Equal(t, rev(9), created)
		assert.Equal(t, int64(1), ver)
	})
	t.Run("tombstone of a key that is not live panics", func(t *testing.T) {
		ki := newKeyIndex("foo")
		assert.Panics(t, func() { ki.tombstone(rev(3)) })
		ki.put(rev(4))
		ki.tombstone(rev(5))
		assert.Panics(t, func() { ki.tombstone(rev(6)) })
	})
	t.Run("a change at or before the last one panics", func(t *testing.T) {
		ki := newKeyIndex("foo")
		ki.put(rev(4))
		assert.Panics(t, func() { ki.put(rev(4)) })
		assert.Panics(t, func() { ki.put(rev(3)) })
	})
}

func TestKeyIndexCompact(t *testing.T) {
	// gen describes a generation as the compaction should leave it.
	type gen struct {
		created Revision
		ver     int64
		revs    []Revision
	}
	g1 := func(revs ...Revision) gen { return gen{rev(2), 3, revs} }
	g2 := func(revs ...Revision) gen { return gen{rev(8), 3, revs} }
	g3 := func(revs ...Revision) gen { return gen{rev(14), 3, revs} }
	live := gen{}
	tests := []struct {
		atRev int64
		gens  []gen // nil: the key index became empty and is removed
		keep  []Revision
	}{
		{1, []gen{g1(rev(2), rev(4), rev(6)), g2(rev(8), rev(10), rev(12)), g3(rev(14), subRev(15, 1), rev(16)), live}, nil},
		{2, []gen{g1(rev(2), rev(4), rev(6)), g2(rev(8), rev(10), rev(12)), g3(rev(14), subRev(15, 1), rev(16)), live}, []Revision{rev(2)}},
		{3, []gen{g1(rev(2), rev(4), rev(6)), g2(rev(8), rev(10), rev(12)), g3(rev(14), subRev(15, 1), rev(16)), live}, []Revision{rev(2)}},
		{4, []gen{g1(rev(4), rev(6)), g2(rev(8), rev(10), rev(12)), g3(rev(14), subRev(15, 1), rev(16)), live}, []Revision{rev(4)}},
		{5, []gen{g1(rev(4), rev(6)), g2(rev(8), rev(10), rev(12)), g3(rev(14), subRev(15, 1), rev(16)), live}, []Revision{rev(4)}},
		// The first generation's tombstone is all that is left at 6: dropped.
		{6, []gen{g2(rev(8), rev(10), rev(12)), g3(rev(14), subRev(15, 1), rev(16)), live}, nil},
		{7, []gen{g2(rev(8), rev(10), rev(12)), g3(rev(14), subRev(15, 1), rev(16)), live}, nil},
		{8, []gen{g2(rev(8), rev(10), rev(12)), g3(rev(14), subRev(15, 1), rev(16)), live}, []Revision{rev(8)}},
		{9, []gen{g2(rev(8), rev(10), rev(12)), g3(rev(14), subRev(15, 1), rev(16)), live}, []Revision{rev(8)}},
		{10, []gen{g2(rev(10), rev(12)), g3(rev(14), subRev(15, 1), rev(16)), live}, []Revision{rev(10)}},
		{11, []gen{g2(rev(10), rev(12)), g3(rev(14), subRev(15, 1), rev(16)), live}, []Revision{rev(10)}},
		{12, []gen{g3(rev(14), subRev(15, 1), rev(16)), live}, nil},
		{13, []gen{g3(rev(14), subRev(15, 1), rev(16)), live}, nil},
		{14, []gen{g3(rev(14), subRev(15, 1), rev(16)), live}, []Revision{rev(14)}},
		{15, []gen{g3(subRev(15, 1), rev(16)), live}, []Revision{subRev(15, 1)}},
		{16, nil, nil},
		{17, nil, nil},
	}
	check := func(t *testing.T, ki *keyIndex, empty bool, keep map[Revision]bool, wantGens []gen, wantKeep []Revision) {
		t.Helper()
		if wantGens == nil {
			assert.True(t, empty, "the key index should be empty")
		} else {
			assert.False(t, empty)
			got := []gen{}
			for _, g := range ki.generations {
				got = append(got, gen{g.created, g.ver, g.revs})
			}
			assert.Equal(t, wantGens, got)
		}
		gotKeep := []Revision{}
		for r := range keep {
			gotKeep = append(gotKeep, r)
		}
		assert.ElementsMatch(t, wantKeep, gotKeep)
	}

	original := threeGenerations()
	progressive := threeGenerations()
	for _, tt := range tests {
		t.Run(fmt.Sprintf("compact at %d", tt.atRev), func(t *testing.T) {
			fresh := threeGenerations()
			keep := map[Revision]bool{}
			empty := fresh.compact(tt.atRev, keep)
			check(t, fresh, empty, keep, tt.gens, tt.keep)

			// Compacting step by step must end where one compaction ends.
			if len(progressive.generations) > 1 || !progressive.generations[0].isEmpty() {
				keep = map[Revision]bool{}
				empty = progressive.compact(tt.atRev, keep)
				check(t, progressive, empty, keep, tt.gens, tt.keep)
			}

			// Reads at the compaction revision and later see what they saw
			// before the compaction.
			if !empty {
				for atRev := tt.atRev; atRev <= 17; atRev++ {
					wantMod, wantCreated, wantVer, wantOK := original.get(atRev)
					mod, created, ver, ok := fresh.get(atRev)
					assert.Equal(t, wantOK, ok, "read at %d", atRev)
					assert.Equal(t, wantMod, mod, "read at %d", atRev)
					assert.Equal(t, wantCreated, created, "read at %d", atRev)
					assert.Equal(t, wantVer, ver, "read at %d", atRev)
				}
			}
		})
	}
}

func TestKeyIndexCompactKeepsLiveVersion(t *testing.T) {
	ki := newKeyIndex("foo")
	ki.put(rev(2))
	ki.put(rev(3))
	keep := map[Revision]bool{}
	require.False(t, ki.compact(10, keep), "a live key is never emptied by compaction")
	assert.Equal(t, []Revision{rev(3)}, ki.generations[0].revs)
	assert.Equal(t, map[Revision]bool{rev(3): true}, keep)
	mod, created, ver, ok := ki.get(10)
	require.True(t, ok)
	assert.Equal(t, rev(3), mod)
	assert.Equal(t, rev(2), created)
	assert.Equal(t, int64(2), ver)
}
