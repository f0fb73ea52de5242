package netsim

import (
	"math/bits"
	"reflect"
	"strconv"
	"testing"
	"unsafe"

	"github.com/google/btree"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raft-playground/playground/kvstate"
)

// keptSlots lists the slots 0…newest that keepCheckpoint keeps.
func keptSlots(newest int64, dense int) []int64 {
	var kept []int64
	for s := int64(0); s <= newest; s++ {
		if keepCheckpoint(s, newest, dense) {
			kept = append(kept, s)
		}
	}
	return kept
}

// checkpointBound is the most checkpoints keepCheckpoint may keep out of
// newest+1 slots: dense per band, one band per doubling of the age, plus the
// start.
func checkpointBound(newest int64, dense int) int {
	bands := bits.Len64(uint64(newest/int64(dense) + 1))
	return dense*bands + 1
}

func TestKeepCheckpoint(t *testing.T) {
	t.Run("dense 0 keeps every checkpoint", func(t *testing.T) {
		assert.Len(t, keptSlots(1000, 0), 1001)
	})
	for _, dense := range []int{1, 2, 5, 24} {
		t.Run("dense "+strconv.Itoa(dense), func(t *testing.T) {
			d := int64(dense)
			for newest := int64(0); newest <= 1500; newest++ {
				kept := keptSlots(newest, dense)
				require.Equal(t, int64(0), kept[0], "the start stays reachable (newest %d)", newest)
				require.Equal(t, newest, kept[len(kept)-1], "the newest is kept")
				require.LessOrEqual(t, len(kept), checkpointBound(newest, dense), "newest %d", newest)
				for s := int64(0); s <= newest; s++ {
					keep, age := keepCheckpoint(s, newest, dense), newest-s
					// The newest dense slots are all kept: rewinding a
					// little is as quick as before.
					if age < d && !keep {
						t.Fatalf("slot %d of newest %d is recent but dropped", s, newest)
					}
					// Thinning is for good: what newest drops, newest+1
					// drops too.
					if !keep && keepCheckpoint(s, newest+1, dense) {
						t.Fatalf("slot %d comes back at newest %d", s, newest+1)
					}
				}
				// A gap between kept checkpoints is at most twice their
				// age over dense, plus one: seeking far back replays at
				// most that.
				for i := 1; i < len(kept); i++ {
					if gap, age := kept[i]-kept[i-1], newest-kept[i]; gap > 2*(age/d+1) {
						t.Fatalf("slots %d..%d of newest %d: gap %d at age %d", kept[i-1], kept[i], newest, gap, age)
					}
				}
			}
		})
	}
}

// idleWithPuts runs w until end with a put every second, so checkpoints
// differ.
func idleWithPuts(t *testing.T, w *World, end Time) {
	t.Helper()
	for i := 0; w.Now() < end; i++ {
		if len(w.PendingOps("c1")) == 0 {
			_, err := w.Put("c1", "k"+strconv.Itoa(i%5), strconv.Itoa(i), "")
			require.NoError(t, err)
		}
		require.NoError(t, w.RunFor(Second))
	}
}

func TestCheckpointsStayBoundedOverALongRun(t *testing.T) {
	every := 200 * Millisecond
	w := newWorld(t, func(c *Config) { c.CheckpointEvery = every; c.CheckpointDense = 4 })
	end := Time(2 * Minute)
	idleWithPuts(t, w, end)

	newest := checkpointSlot(end, every)
	cps := w.tl.checkpoints
	assert.LessOrEqual(t, len(cps), checkpointBound(newest, 4), "a run of %d checkpoint intervals keeps a logarithmic number", newest)
	assert.Equal(t, Time(0), cps[0].at, "the start is kept")
	for i := 1; i < len(cps); i++ {
		require.Less(t, cps[i-1].steps, cps[i].steps, "checkpoints stay in order")
	}
	last := cps[len(cps)-4:]
	for i := 1; i < len(last); i++ {
		assert.Equal(t, checkpointSlot(last[i-1].at, every)+1, checkpointSlot(last[i].at, every), "the newest checkpoints are dense")
	}
	assert.Equal(t, len(cps), w.Footprint().Checkpoints)
}

func TestSeekAfterThinningMatchesAnUnthinnedRun(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Seed = 11
	cfg.CheckpointEvery = 500 * Millisecond
	end := 40 * Time(Second)
	thinCfg, fullCfg := cfg, cfg
	thinCfg.CheckpointDense, fullCfg.CheckpointDense = 2, 0

	steps := append(busyScenario(), scenarioStep{20 * Time(Second), func(w *World) error {
		_, err := w.Put("c1", "late", "v", "")
		return err
	}})
	thin := play(t, thinCfg, steps, end)
	full := play(t, fullCfg, steps, end)
	require.Equal(t, traceHash(t, full), traceHash(t, thin), "thinning changes nothing that happens")
	kept := len(thin.tl.checkpoints)
	require.Less(t, kept, len(full.tl.checkpoints)/2, "thinning dropped checkpoints")

	// One world seeks from wherever the previous seek left it, as a
	// learner dragging the timeline does; the other is fresh each time.
	targets := []Time{3 * Time(Second), 33*Time(Second) + 1234, 250 * Time(Millisecond), 6543210, 0, end - 1, 17 * Time(Second), end}
	for _, to := range targets {
		t.Run(to.String(), func(t *testing.T) {
			require.NoError(t, thin.Seek(to))
			reference := play(t, fullCfg, cut(steps, to), to)
			assert.Equal(t, to, thin.Now())
			assert.Equal(t, traceHash(t, reference), traceHash(t, thin), "the trace up to %s", to)
			assert.Equal(t, viewJSON(t, reference), viewJSON(t, thin), "the view at %s", to)
			assert.Equal(t, reference.History(), thin.History())
			assert.Equal(t, kept, len(thin.tl.checkpoints), "a replay does not take thinned checkpoints again")
		})
	}
	assert.Equal(t, traceHash(t, full), traceHash(t, thin))
	assert.Equal(t, viewJSON(t, full), viewJSON(t, thin))
}

func TestActingAfterSeekKeepsThinningConsistent(t *testing.T) {
	forked := func(dense int) *World {
		w := newWorld(t, func(c *Config) { c.CheckpointEvery = 100 * Millisecond; c.CheckpointDense = dense })
		idleWithPuts(t, w, Time(40*Second))
		require.NoError(t, w.Seek(Time(12*Second)+777))
		_, err := w.Put("c1", "forked", "yes", "")
		require.NoError(t, err)
		idleWithPuts(t, w, Time(60*Second))
		return w
	}
	w, reference := forked(3), forked(0)
	cps := w.tl.checkpoints
	newest := checkpointSlot(cps[len(cps)-1].at, w.cfg.CheckpointEvery)
	for _, cp := range cps {
		assert.True(t, keepCheckpoint(checkpointSlot(cp.at, w.cfg.CheckpointEvery), newest, 3), "checkpoint at %s", cp.at)
	}
	// Seeking into the forked past still lands exactly: compare with a
	// world that never thinned.
	at := Time(30*Second) + 4321
	require.NoError(t, w.Seek(at))
	require.NoError(t, reference.Seek(at))
	assert.Equal(t, at, w.Now())
	assert.Equal(t, traceHash(t, reference), traceHash(t, w))
	assert.Equal(t, viewJSON(t, reference), viewJSON(t, w))
}

// cowItems is a plain-item B-tree that copies itself copy-on-write, as
// kvstate's history does.
type cowItems struct{ tree *btree.BTreeG[cowItem] }

type cowItem struct {
	key   int
	label string
}

func (c cowItems) CopyShared() any { return cowItems{tree: c.tree.Clone()} }

func TestDeepCopyLetsSharedCopiersCopyThemselves(t *testing.T) {
	type holder struct {
		plain    cowItems
		pointers *btree.BTreeG[*cowItem]
	}
	less := func(a, b cowItem) bool { return a.key < b.key }
	lessPtr := func(a, b *cowItem) bool { return a.key < b.key }
	orig := &holder{plain: cowItems{btree.NewG(4, less)}, pointers: btree.NewG(4, lessPtr)}
	for i := range 100 {
		orig.plain.tree.ReplaceOrInsert(cowItem{i, "v" + strconv.Itoa(i)})
		orig.pointers.ReplaceOrInsert(&cowItem{i, "p"})
	}

	cp := deepCopy(orig, nil, nil)
	root := func(tr *btree.BTreeG[cowItem]) unsafe.Pointer {
		return reflect.ValueOf(tr).Elem().FieldByName("root").UnsafePointer()
	}
	assert.Equal(t, root(orig.plain.tree), root(cp.plain.tree), "the copy shares the tree's nodes until one side writes")
	cp.plain.tree.ReplaceOrInsert(cowItem{5, "changed in the copy"})
	cp.plain.tree.Delete(cowItem{key: 7})
	orig.plain.tree.ReplaceOrInsert(cowItem{6, "changed in the original"})
	got, _ := orig.plain.tree.Get(cowItem{key: 5})
	assert.Equal(t, "v5", got.label, "the copy's writes do not reach the original")
	assert.True(t, orig.plain.tree.Has(cowItem{key: 7}))
	got, _ = cp.plain.tree.Get(cowItem{key: 6})
	assert.Equal(t, "v6", got.label, "the original's writes do not reach the copy")

	p, _ := cp.pointers.Get(&cowItem{key: 3})
	p.label = "changed"
	q, _ := orig.pointers.Get(&cowItem{key: 3})
	assert.Equal(t, "p", q.label, "a tree without CopyShared is copied node by node, pointer items included")
}

func TestCheckpointsShareTheMVCCHistory(t *testing.T) {
	// The store's history is the one part of a member that grows with every
	// write; checkpoints must keep sharing it rather than copying it.
	st := reflect.TypeFor[kvstate.Store]()
	var found bool
	var walk func(t reflect.Type, depth int)
	seen := map[reflect.Type]bool{}
	walk = func(t reflect.Type, depth int) {
		if seen[t] || depth > 4 {
			return
		}
		seen[t] = true
		if t.Implements(sharedCopierType) {
			found = true
			return
		}
		switch t.Kind() {
		case reflect.Struct:
			for i := 0; i < t.NumField(); i++ {
				walk(t.Field(i).Type, depth+1)
			}
		case reflect.Pointer:
			walk(t.Elem(), depth+1)
		}
	}
	walk(st, 0)
	assert.True(t, found, "kvstate.Store holds no shared copier any more: checkpoints of a long session would copy its whole history")
}

func TestDeepCopyKeepsLargeSlicesWithOneHeaderOne(t *testing.T) {
	type holder struct {
		a, b, prefix []byte
		small, again []int8
	}
	big := make([]byte, 4096)
	small := make([]int8, 8)
	orig := &holder{a: big, b: big, prefix: big[:100], small: small, again: small}
	cp := deepCopy(orig, nil, nil)
	require.Len(t, cp.a, 4096)
	assert.Same(t, &cp.a[0], &cp.b[0], "one large array held twice is copied once")
	assert.NotSame(t, &orig.a[0], &cp.a[0])
	assert.NotSame(t, &cp.a[0], &cp.prefix[0], "a different header is copied on its own")
	assert.NotSame(t, &cp.small[0], &cp.again[0], "small slices are copied each time")
	cp.a[0] = 1
	assert.Zero(t, orig.a[0])
}
