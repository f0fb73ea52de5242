package kvstate

// GenerationView is one generation of a key in the key index: the versions
// from a creation to a delete (the tombstone) or to now.
type GenerationView struct {
	Created   Revision
	Revisions []Revision
	// Tombstone is true when the generation ended with a delete (its last
	// revision is the tombstone).
	Tombstone bool
}

// WatcherView describes one active watch for the UI.
type WatcherView struct {
	Stream  int
	ID      WatchID
	Request WatchRequest
	// NextRevision is the first revision the watch has not yet been told
	// about.
	NextRevision int64
	// QueuedEvents counts the watch's events waiting for Take.
	QueuedEvents int
}

// Each calls fn for every current key, in ascending key order, until fn
// returns false.
func (s *Store) Each(fn func(KeyValue) bool) {
	s.index.Ascend(func(ki *keyIndex) bool {
		if !ki.isLive() {
			return true
		}
		return fn(s.history.at(ki.modified).kv)
	})
}

// KeyHistory returns the key index entry of key: its generations with kept
// revisions, oldest first (nil when the index holds nothing for the key).
func (s *Store) KeyHistory(key string) []GenerationView {
	ki, ok := s.index.Get(&keyIndex{key: key})
	if !ok {
		return nil
	}
	return ki.view()
}

// Watchers lists every active watch, by stream then watch ID.
func (s *Store) Watchers() []WatcherView {
	var out []WatcherView
	for _, ws := range s.streams {
		for _, w := range ws.watchers {
			out = append(out, WatcherView{Stream: ws.id, ID: w.id, Request: w.req, NextRevision: w.nextRev, QueuedEvents: w.queuedEvents})
		}
	}
	return out
}

// Changes calls fn for every kept change with main revision ≥ from, in
// revision order, as the event a watch on every key would have reported,
// until fn returns false. The UI shows it as the store's revision log; after
// a compaction only the versions that reads can still see remain.
func (s *Store) Changes(from int64, fn func(Event) bool) {
	s.history.ascendFrom(from, func(v version) bool {
		ev := Event{Type: EventPut, KV: v.kv}
		if v.tombstone {
			ev.Type = EventDelete
		}
		return fn(ev)
	})
}
