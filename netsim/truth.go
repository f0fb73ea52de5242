package netsim

import (
	"fmt"
	"strconv"
	"time"

	"github.com/raft-playground/playground/core/raft"
	"github.com/raft-playground/playground/kvstate"
)

// truth is the ground-truth store: a store of the world's own that applies
// every committed entry once, in index order, as soon as the first member
// applies it. Its watch on every key yields the store's whole change
// history, which a watch checker compares with what clients received; the
// history survives compaction and crashes because it is recorded as entries
// are applied, never read back from a member. The safety checks guarantee
// that every member applies the same entries, so the first one to apply an
// index speaks for all.
type truth struct {
	store  *kvstate.Store
	stream *kvstate.WatchStream
	// applied is the last index the truth store applied.
	applied uint64
}

// newTruth starts an empty truth store watching every key.
func newTruth() truth {
	store := kvstate.New(kvstate.Options{})
	stream := store.NewWatchStream(1 << 20)
	if _, err := stream.Watch(kvstate.WatchRequest{Key: "\x00", RangeEnd: kvstate.FromKeyEnd}); err != nil {
		panic(fmt.Sprintf("netsim: watching every key of an empty store failed: %v", err))
	}
	return truth{store: store, stream: stream}
}

// advanceTruth applies to the truth store the entries up to index that member
// n has just applied, and records the changes they made.
func (w *World) advanceTruth(n *node, index uint64) {
	t := &w.truth
	if index <= t.applied || n.m == nil {
		return
	}
	ents := entriesIn(n, t.applied+1, index)
	byIndex := func(i uint64) (raft.Entry, bool) {
		if len(ents) == 0 || i < ents[0].Index || i-ents[0].Index >= uint64(len(ents)) {
			return raft.Entry{}, false
		}
		return ents[i-ents[0].Index], true
	}
	now := time.Duration(w.now) * time.Microsecond
	for i := t.applied + 1; i <= index; i++ {
		e, ok := byIndex(i)
		if !ok {
			// The member restored a snapshot, or compacted the entries in
			// the same breath as it applied them: take its store as it is.
			// The changes in between cannot be listed; the trace says so.
			w.resetTruth(n, i)
			break
		}
		var err error
		if e.Type == raft.EntryConfChange {
			err = t.store.MarkApplied(e.Index)
		} else {
			_, err = t.store.Apply(e.Index, now, e.Data)
		}
		if err != nil {
			panic(fmt.Sprintf("netsim: the truth store refused committed entry %d: %v", e.Index, err))
		}
		t.applied = e.Index
	}
	for _, resp := range t.stream.Take() {
		for _, ev := range resp.Events {
			put(&w.tl.storeEvents, w.nStoreEvents, ev)
			w.nStoreEvents++
		}
	}
}

// resetTruth makes the truth store a copy of member n's store, when the
// entries from index on cannot be read.
func (w *World) resetTruth(n *node, from uint64) {
	t := &w.truth
	for _, resp := range t.stream.Take() {
		for _, ev := range resp.Events {
			put(&w.tl.storeEvents, w.nStoreEvents, ev)
			w.nStoreEvents++
		}
	}
	fresh := newTruth()
	if err := fresh.store.Restore(n.m.Store().Snapshot()); err != nil {
		panic(fmt.Sprintf("netsim: the truth store cannot restore %s's store: %v", MemberName(n.id), err))
	}
	fresh.stream.Take()
	fresh.applied = n.m.AppliedIndex()
	*t = fresh
	w.record(Record{Kind: "store-events-gap", Member: n.id, Args: []Arg{{"from", strconv.FormatUint(from, 10)}, {"to", strconv.FormatUint(fresh.applied, 10)}}})
}

// StoreEvents returns every change the cluster's store went through, in
// revision order: the ground truth for checking watches. A
// store-events-gap record in the trace marks a stretch that could not be
// listed (a member jumped over it by a snapshot before any member applied it
// entry by entry).
func (w *World) StoreEvents() []kvstate.Event {
	return w.tl.storeEvents[:w.nStoreEvents:w.nStoreEvents]
}
