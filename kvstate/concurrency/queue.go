package concurrency

import "github.com/raft-playground/playground/kvstate"

// queueWait is etcd's waitDeletes as a state machine: a session queued under
// a prefix with create revision R waits until no key under the prefix has a
// create revision below R. It never watches the holder directly: it reads the
// one key just ahead of it (the highest create revision below R), waits for
// that key's deletion, and reads again. Each waiter is woken only by its own
// predecessor, so a release wakes one client, not the whole queue (no herd
// effect), and a waiter whose predecessor gave up re-links to the next one
// ahead.
type queueWait struct {
	prefix string
	// maxCreateRev is R-1: keys at or below it are ahead of us.
	maxCreateRev int64
	// ahead is the key we wait on; valid while hasAhead.
	ahead    kvstate.KeyValue
	hasAhead bool
	// watching is true while the watch for ahead's deletion is open.
	watching bool
	// readRev is the revision at which ahead was read; its deletion must
	// come after it.
	readRev int64
}

// begin starts waiting behind create revision rev and returns the first
// read, or nil when nothing can be ahead.
func (w *queueWait) begin(prefix string, rev int64) *kvstate.Request {
	*w = queueWait{prefix: prefix, maxCreateRev: rev - 1}
	return w.read()
}

// read returns the request that finds the key just ahead, or nil when no
// revision can be ahead of ours (a create revision is at least 2, since the
// first write moves the store from revision 1 to 2).
func (w *queueWait) read() *kvstate.Request {
	if w.maxCreateRev < 1 {
		return nil
	}
	return &kvstate.Request{Range: lastCreatedBelowRange(w.prefix, w.maxCreateRev)}
}

// onRead consumes the read's response. It returns the watch to open on the
// key ahead, or nil when nobody is ahead any more and the wait is over.
func (w *queueWait) onRead(r *kvstate.RangeResponse) *kvstate.WatchRequest {
	if len(r.KVs) == 0 {
		w.hasAhead = false
		return nil
	}
	w.ahead, w.hasAhead, w.watching, w.readRev = r.KVs[0], true, true, r.Header.Revision
	// Only the deletion matters: a put to the key ahead (its session
	// re-proclaiming, say) does not move the queue.
	return &kvstate.WatchRequest{Key: w.ahead.Key, StartRevision: w.readRev + 1, NoPut: true}
}

// onWatch consumes a watch response while waiting. It reports whether the
// wait must read again: the key ahead was deleted, or the store canceled the
// watch (for instance because its start revision was compacted). cancel
// tells whether our watch is still open and must be canceled first.
func (w *queueWait) onWatch(wr kvstate.WatchResponse) (readAgain, cancel bool) {
	if !w.watching {
		return false, false
	}
	if wr.Canceled {
		w.watching, w.hasAhead = false, false
		return true, false
	}
	for _, ev := range wr.Events {
		if ev.Type == kvstate.EventDelete && ev.KV.Key == w.ahead.Key && ev.KV.ModRevision > w.readRev {
			w.watching, w.hasAhead = false, false
			return true, true
		}
	}
	return false, false
}

// stop ends the wait and reports whether a watch was open and must be
// canceled.
func (w *queueWait) stop() (cancel bool) {
	cancel = w.watching
	w.watching, w.hasAhead = false, false
	return cancel
}

// waitingOn returns the key ahead, if one is known.
func (w *queueWait) waitingOn() (kvstate.KeyValue, bool) {
	return w.ahead, w.hasAhead
}
