package kvstate

import (
	"fmt"
	"slices"
)

// WatchID identifies a watch within its stream. Progress responses that
// concern the whole stream carry ProgressWatchID.
type WatchID int64

// ProgressWatchID is the WatchID of a progress response requested for the
// whole stream (etcd's InvalidWatchID).
const ProgressWatchID WatchID = -1

// WatchRequest creates a watch.
type WatchRequest struct {
	// Key and RangeEnd select keys as in RangeRequest.
	Key      string
	RangeEnd string
	// StartRevision is the first revision to report (0: the next one). A
	// start in the past replays the kept history; a start at or below the
	// compacted revision gets a compacted response, because the compaction
	// may have removed changes made at it (deletes); a start in the future
	// waits for that revision.
	StartRevision int64
	PrevKV        bool
	NoPut         bool
	NoDelete      bool
	// ProgressNotify lets NotifyProgress send this watch empty responses
	// carrying the current revision while it has no events queued.
	ProgressNotify bool
}

// WatchResponse is one message of a watch stream. A response never splits
// the events of one revision, and a watch gets each event once, in revision
// order. Header.Revision is the store revision when the response was queued
// or last extended: the watch has been told of every event up to it.
type WatchResponse struct {
	Header  Header
	WatchID WatchID
	Created bool
	// Canceled ends the watch. When the cause is a compacted start revision,
	// Err is ErrCompacted and CompactRevision the compaction's revision: the
	// client can watch again from CompactRevision+1 after reading the state
	// at CompactRevision.
	Canceled        bool
	CompactRevision int64
	CancelReason    string
	Err             error
	Events          []Event
}

// WatchStream is one client's set of watches on one store, like one gRPC
// watch stream. The member creates one per client, applies entries (each
// write queues events on the streams at once, so a later compaction cannot
// take them away), then takes the pending responses with Take.
type WatchStream struct {
	s  *Store
	id int
	// maxEvents caps the events of one response (0: no cap).
	maxEvents int
	// watchers are the active watches in ascending ID order.
	watchers []*watcher
	nextID   WatchID
	queue    []WatchResponse
	closed   bool
}

// watcher is one watch.
type watcher struct {
	id  WatchID
	req WatchRequest
	r   keyRange
	// nextRev is the first revision the watch has not yet been told about.
	nextRev int64
	// open is the index in the stream's queue of the watch's last events
	// response, which later events may extend (-1: none). Any other response
	// queued after it closes it, so a watch's responses keep their order.
	open int
	// queuedEvents counts the events of the watch in the queue.
	queuedEvents int
}

// NewWatchStream opens a stream. maxEvents caps the events per response (0:
// no cap); a revision with more events than the cap still goes whole in one
// response, since a revision is never split.
func (s *Store) NewWatchStream(maxEvents int) *WatchStream {
	ws := &WatchStream{s: s, id: s.nextStreamID, maxEvents: max(maxEvents, 0)}
	s.nextStreamID++
	s.streams = append(s.streams, ws)
	return ws
}

// Watch creates a watch and queues its created response, then its replayed
// history (a start in the past) or a compacted response. It fails only on an
// invalid request or a closed stream, and then changes nothing.
func (ws *WatchStream) Watch(req WatchRequest) (WatchID, error) {
	if ws.closed {
		return 0, ErrWatchStreamClosed
	}
	if err := checkKeyRange(req.Key, req.RangeEnd); err != nil {
		return 0, err
	}
	if req.StartRevision < 0 {
		return 0, fmt.Errorf("%w: watch start revision %d", ErrInvalidRevision, req.StartRevision)
	}
	w := &watcher{id: ws.nextID, req: req, r: keyRange{key: req.Key, end: req.RangeEnd}, nextRev: req.StartRevision, open: -1}
	if w.nextRev == 0 {
		w.nextRev = ws.s.currentRev + 1
	}
	ws.nextID++
	ws.queueControl(WatchResponse{WatchID: w.id, Created: true})
	if ws.catchUp(w) {
		ws.watchers = append(ws.watchers, w)
	}
	return w.id, nil
}

// catchUp brings a watch up to the current revision from the kept history.
// It reports false, after queuing a compacted response, when the history the
// watch needs is gone.
func (ws *WatchStream) catchUp(w *watcher) bool {
	s := ws.s
	if w.nextRev <= s.compactRev {
		ws.queueControl(WatchResponse{
			WatchID:         w.id,
			Canceled:        true,
			CompactRevision: s.compactRev,
			CancelReason:    fmt.Sprintf("start revision %d is compacted (compacted at %d)", w.nextRev, s.compactRev),
			Err:             fmt.Errorf("%w: watch from revision %d, compacted at %d", ErrCompacted, w.nextRev, s.compactRev),
		})
		return false
	}
	if w.nextRev > s.currentRev {
		return true
	}
	var batch []Event
	batchRev := int64(0)
	s.history.ascendFrom(w.nextRev, func(v version) bool {
		if v.rev.Main != batchRev {
			ws.queueEvents(w, batch)
			batch, batchRev = nil, v.rev.Main
		}
		if ev, ok := w.eventFor(s, v); ok {
			batch = append(batch, ev)
		}
		return true
	})
	ws.queueEvents(w, batch)
	w.nextRev = s.currentRev + 1
	return true
}

// eventFor turns a change into the watch's event, if the watch wants it.
func (w *watcher) eventFor(s *Store, v version) (Event, bool) {
	if !w.r.contains(v.kv.Key) || (v.tombstone && w.req.NoDelete) || (!v.tombstone && w.req.NoPut) {
		return Event{}, false
	}
	ev := Event{Type: EventPut, KV: v.kv}
	if v.tombstone {
		ev.Type = EventDelete
	}
	if w.req.PrevKV {
		ev.PrevKV = s.versionBefore(v)
	}
	return ev, true
}

// versionBefore returns the key's version just before the change, or nil if
// the key did not exist then or compaction removed that version.
func (s *Store) versionBefore(v version) *KeyValue {
	ki, ok := s.index.Get(&keyIndex{key: v.kv.Key})
	if !ok {
		return nil
	}
	mod, _, _, ok := ki.get(v.rev.Main - 1)
	if !ok {
		return nil
	}
	prev, ok := s.history.tree.Get(version{rev: mod})
	if !ok {
		return nil
	}
	return &prev.kv
}

// notifyWatchers queues the events of one write transaction (all at one
// revision) on every watch that covers them.
func (s *Store) notifyWatchers(changes []version) {
	rev := changes[0].rev.Main
	for _, ws := range s.streams {
		for _, w := range ws.watchers {
			if w.nextRev > rev {
				continue
			}
			var batch []Event
			for _, v := range changes {
				if ev, ok := w.eventFor(s, v); ok {
					batch = append(batch, ev)
				}
			}
			ws.queueEvents(w, batch)
			w.nextRev = rev + 1
		}
	}
}

// queueEvents queues the events of one revision for a watch, extending its
// open response when the cap allows, so a revision is never split.
func (ws *WatchStream) queueEvents(w *watcher, events []Event) {
	if len(events) == 0 {
		return
	}
	header := ws.s.header()
	if w.open >= 0 {
		r := &ws.queue[w.open]
		if ws.maxEvents == 0 || len(r.Events)+len(events) <= ws.maxEvents {
			r.Events = append(r.Events, events...)
			r.Header = header
			w.queuedEvents += len(events)
			return
		}
	}
	ws.queue = append(ws.queue, WatchResponse{Header: header, WatchID: w.id, Events: events})
	w.open = len(ws.queue) - 1
	w.queuedEvents += len(events)
}

// queueControl queues a response without events and closes every open
// events response, so nothing queued later overtakes it.
func (ws *WatchStream) queueControl(r WatchResponse) {
	r.Header = ws.s.header()
	ws.queue = append(ws.queue, r)
	ws.closeOpenResponses()
}

// closeOpenResponses stops later events from extending queued responses.
func (ws *WatchStream) closeOpenResponses() {
	for _, w := range ws.watchers {
		w.open = -1
	}
}

// Cancel ends a watch, drops its undelivered events and queues a canceled
// response.
func (ws *WatchStream) Cancel(id WatchID) error {
	if ws.closed {
		return ErrWatchStreamClosed
	}
	i := slices.IndexFunc(ws.watchers, func(w *watcher) bool { return w.id == id })
	if i < 0 {
		return fmt.Errorf("%w: watch %d", ErrWatchNotFound, id)
	}
	ws.watchers = slices.Delete(ws.watchers, i, i+1)
	// Dropping queued responses shifts the queue, so no open index may
	// survive it.
	ws.closeOpenResponses()
	ws.queue = slices.DeleteFunc(ws.queue, func(r WatchResponse) bool { return r.WatchID == id && len(r.Events) > 0 })
	ws.queueControl(WatchResponse{WatchID: id, Canceled: true, CancelReason: "canceled by the client"})
	return nil
}

// RequestProgress queues a stream-wide progress response carrying the
// current revision: every watch of the stream has been told of all events up
// to it.
func (ws *WatchStream) RequestProgress() {
	if !ws.closed {
		ws.queueControl(WatchResponse{WatchID: ProgressWatchID})
	}
}

// NotifyProgress queues an empty response with the current revision for
// every ProgressNotify watch that has no events queued; the member calls it
// on its progress interval.
func (ws *WatchStream) NotifyProgress() {
	for _, w := range ws.watchers {
		if w.req.ProgressNotify && w.queuedEvents == 0 {
			ws.queueControl(WatchResponse{WatchID: w.id})
		}
	}
}

// Take returns and clears the pending responses, oldest first.
func (ws *WatchStream) Take() []WatchResponse {
	out := ws.queue
	ws.queue = nil
	for _, w := range ws.watchers {
		w.open, w.queuedEvents = -1, 0
	}
	return out
}

// Pending returns the number of queued responses.
func (ws *WatchStream) Pending() int { return len(ws.queue) }

// Close cancels every watch of the stream and drops the queue; the stream
// can no longer be used.
func (ws *WatchStream) Close() {
	if ws.closed {
		return
	}
	ws.closed = true
	ws.watchers, ws.queue = nil, nil
	ws.s.streams = slices.DeleteFunc(ws.s.streams, func(o *WatchStream) bool { return o == ws })
}

// resyncWatchers brings every watch up to a restored state: each catches up
// from the revision it had reached, or is canceled as compacted.
func (s *Store) resyncWatchers() {
	for _, ws := range s.streams {
		// The replayed events come after everything queued before the
		// restore, so no earlier response may absorb them.
		ws.closeOpenResponses()
		kept := ws.watchers[:0]
		for _, w := range ws.watchers {
			if ws.catchUp(w) {
				kept = append(kept, w)
			}
		}
		ws.watchers = kept
	}
}
