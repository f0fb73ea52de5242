package kvstate

import "fmt"

// keyIndex is the key index entry of one key, as etcd's: the revisions at
// which the key changed, grouped into generations. A generation starts with
// the put that created the key and ends with the delete that removed it (the
// tombstone, the generation's last revision). The last generation is the live
// one; it is empty while the key is deleted.
//
// Example: put at 2, 4, delete at 6, put at 8, 10, delete at 12 gives
// generations {2, 4, 6t}, {8, 10, 12t}, {} — reads at 5 see the version of
// 4, reads at 7 see no key.
type keyIndex struct {
	key string
	// modified is the revision of the key's last change.
	modified Revision
	// Invariant: len(generations) ≥ 1, and only the last generation may be
	// empty.
	generations []generation
}

// generation is one life of a key, from creation to tombstone.
type generation struct {
	// ver is the key's version at the generation's last revision.
	ver int64
	// created is the revision that created the key (the first put).
	created Revision
	revs    []Revision
}

func (g *generation) isEmpty() bool { return len(g.revs) == 0 }

// newestAtOrBelow returns the index of the newest revision with main
// revision ≤ atRev, or -1 if every revision is newer.
func (g *generation) newestAtOrBelow(atRev int64) int {
	for i := len(g.revs) - 1; i >= 0; i-- {
		if g.revs[i].Main <= atRev {
			return i
		}
	}
	return -1
}

func newKeyIndex(key string) *keyIndex {
	return &keyIndex{key: key, generations: []generation{{}}}
}

// put records a new version at rev in the live generation.
func (ki *keyIndex) put(rev Revision) {
	if !ki.modified.Less(rev) {
		panic(fmt.Sprintf("kvstate: put of %q at %s is not after its last change %s", ki.key, rev, ki.modified))
	}
	g := &ki.generations[len(ki.generations)-1]
	if g.isEmpty() {
		g.created = rev
	}
	g.revs = append(g.revs, rev)
	g.ver++
	ki.modified = rev
}

// restore starts a live generation from a kept version whose earlier
// revisions were compacted away: the generation's creation and the version
// come from the stored key-value, not from the revisions still present.
func (ki *keyIndex) restore(created, modified Revision, ver int64) {
	g := &ki.generations[len(ki.generations)-1]
	if !g.isEmpty() {
		panic(fmt.Sprintf("kvstate: restore of %q into a live generation", ki.key))
	}
	*g = generation{ver: ver, created: created, revs: []Revision{modified}}
	ki.modified = modified
}

// tombstone records a delete at rev: it ends the live generation and opens an
// empty one. Deleting a key that is not live is a broken invariant: the store
// only deletes keys it found live.
func (ki *keyIndex) tombstone(rev Revision) {
	if ki.generations[len(ki.generations)-1].isEmpty() {
		panic(fmt.Sprintf("kvstate: tombstone of %q at %s, which is not live", ki.key, rev))
	}
	ki.put(rev)
	ki.generations = append(ki.generations, generation{})
}

// isLive reports whether the key exists at the current revision.
func (ki *keyIndex) isLive() bool {
	return !ki.generations[len(ki.generations)-1].isEmpty()
}

// get returns the revision of the key's version visible at atRev, with the
// generation's creation revision and the version number, or ok=false if the
// key did not exist at atRev.
func (ki *keyIndex) get(atRev int64) (modified, created Revision, ver int64, ok bool) {
	g := ki.findGeneration(atRev)
	if g == nil {
		return Revision{}, Revision{}, 0, false
	}
	n := g.newestAtOrBelow(atRev)
	if n < 0 {
		return Revision{}, Revision{}, 0, false
	}
	return g.revs[n], g.created, g.ver - int64(len(g.revs)-n-1), true
}

// findGeneration returns the generation in which the key was live at atRev,
// or nil when it was not live then (not yet created, or deleted).
func (ki *keyIndex) findGeneration(atRev int64) *generation {
	last := len(ki.generations) - 1
	for i := last; i >= 0; i-- {
		g := &ki.generations[i]
		if g.isEmpty() {
			continue
		}
		if i != last && g.revs[len(g.revs)-1].Main <= atRev {
			// The generation ended with a tombstone at or before atRev, and
			// every later generation started after atRev.
			return nil
		}
		if g.revs[0].Main <= atRev {
			return g
		}
	}
	return nil
}

// compact drops the revisions a compaction at atRev makes unreachable and
// records in keep the revisions that must stay in the history because reads
// at revisions ≥ atRev still see them. It keeps, in the generation that was
// live at atRev (or the first one after), the newest revision ≤ atRev and
// everything newer; it drops every earlier generation. A generation left with
// only its tombstone is dropped too, since a read at atRev or later sees the
// key as deleted either way. It reports whether the key index became empty
// and can be removed.
func (ki *keyIndex) compact(atRev int64, keep map[Revision]bool) (empty bool) {
	// Find the first generation that did not end before atRev: its tombstone
	// is at or after atRev, or it is the live generation.
	gi := 0
	for gi < len(ki.generations)-1 {
		g := &ki.generations[gi]
		if g.revs[len(g.revs)-1].Main >= atRev {
			break
		}
		gi++
	}
	g := &ki.generations[gi]
	if !g.isEmpty() {
		if n := g.newestAtOrBelow(atRev); n >= 0 {
			keep[g.revs[n]] = true
			// Copy so the dropped revisions' array can be freed.
			g.revs = append([]Revision(nil), g.revs[n:]...)
		}
		if len(g.revs) == 1 && gi != len(ki.generations)-1 {
			// Only the tombstone is left (a finished generation has a put
			// before its tombstone until compaction cuts it), so it is at or
			// below atRev.
			delete(keep, g.revs[0])
			gi++
		}
	}
	ki.generations = ki.generations[gi:]
	return len(ki.generations) == 1 && ki.generations[0].isEmpty()
}

// view returns the generations for the UI, copying the revision slices.
func (ki *keyIndex) view() []GenerationView {
	var out []GenerationView
	for i, g := range ki.generations {
		if g.isEmpty() {
			continue
		}
		out = append(out, GenerationView{
			Created:   g.created,
			Revisions: append([]Revision(nil), g.revs...),
			Tombstone: i != len(ki.generations)-1,
		})
	}
	return out
}
