package kvstate

import "github.com/google/btree"

// version is one change in the history, stored under its revision like a
// row of etcd's key bucket. A tombstone's kv carries only the key and the
// delete's ModRevision.
type version struct {
	rev       Revision
	kv        KeyValue
	tombstone bool
}

// history is the revision-ordered record of every kept change, the
// counterpart of etcd's backend: the key index says which revision a read
// needs, the history holds what was written at it.
type history struct {
	tree *btree.BTreeG[version]
	// Invariant: digest is the sum of versionRecordHash over every version in
	// tree (see Store.Digest).
	digest uint64
}

// CopyShared returns a copy of the history that shares the tree's nodes
// copy-on-write (google/btree's Clone): whichever side changes a node first
// copies it, so neither ever sees the other's changes. Only immutable strings
// stay shared, because versions hold nothing else that points anywhere. Deep
// copies of a whole simulation (netsim's checkpoints) use it so that each
// checkpoint does not hold the entire history again.
func (h history) CopyShared() any {
	h.tree = h.tree.Clone()
	return h
}

func newHistory() history {
	return history{tree: btree.NewG(32, func(a, b version) bool { return a.rev.Less(b.rev) })}
}

func (h *history) add(v version) {
	if _, replaced := h.tree.ReplaceOrInsert(v); replaced {
		panic("kvstate: history already holds revision " + v.rev.String())
	}
	h.digest += versionRecordHash(v)
}

// at returns the change stored at rev; a miss is a broken invariant because
// the key index only names kept revisions.
func (h history) at(rev Revision) version {
	v, ok := h.tree.Get(version{rev: rev})
	if !ok {
		panic("kvstate: history has no revision " + rev.String())
	}
	return v
}

// ascendFrom calls fn for every change with main revision ≥ main, in order,
// until fn returns false.
func (h history) ascendFrom(main int64, fn func(version) bool) {
	h.tree.AscendGreaterOrEqual(version{rev: Revision{Main: main}}, fn)
}

// removeAtOrBelow deletes every change with main revision ≤ atRev that keep
// does not name.
func (h *history) removeAtOrBelow(atRev int64, keep map[Revision]bool) {
	var drop []Revision
	h.tree.AscendLessThan(version{rev: Revision{Main: atRev + 1}}, func(v version) bool {
		if !keep[v.rev] {
			drop = append(drop, v.rev)
			h.digest -= versionRecordHash(v)
		}
		return true
	})
	for _, r := range drop {
		h.tree.Delete(version{rev: r})
	}
}
