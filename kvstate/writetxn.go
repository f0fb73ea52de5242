package kvstate

// writeTxn applies the changes of one write transaction. All its changes
// share the main revision rev and take sub revisions 0, 1, 2, … in order.
// Changes go into the key index and the history as they are made, so later
// operations of the same transaction read them; the store's current revision
// moves to rev only at end, and only if something changed, which is how a
// delete that matched nothing leaves the revision alone.
type writeTxn struct {
	s       *Store
	rev     int64
	changes []version
}

func (s *Store) beginWrite() *writeTxn {
	return &writeTxn{s: s, rev: s.currentRev + 1}
}

// readRev is the revision the transaction's reads see: its own changes once
// it has made some.
func (tx *writeTxn) readRev() int64 {
	if len(tx.changes) > 0 {
		return tx.rev
	}
	return tx.s.currentRev
}

func (tx *writeTxn) nextRevision() Revision {
	return Revision{Main: tx.rev, Sub: int64(len(tx.changes))}
}

// put writes one key; the request was checked against the store already.
func (tx *writeTxn) put(req *PutRequest) *PutResponse {
	s := tx.s
	rev := tx.nextRevision()
	ki, ok := s.index.Get(&keyIndex{key: req.Key})
	if !ok {
		ki = newKeyIndex(req.Key)
		s.index.ReplaceOrInsert(ki)
	}
	// Every version shares the key index's copy of the key, so history
	// costs no key bytes per version.
	kv := KeyValue{Key: ki.key, CreateRevision: rev.Main, ModRevision: rev.Main, Version: 1, Value: req.Value, Lease: req.Lease}
	var prev *KeyValue
	if ki.isLive() {
		p := s.history.at(ki.modified).kv
		prev = &p
		kv.CreateRevision = p.CreateRevision
		kv.Version = p.Version + 1
		if req.IgnoreValue {
			kv.Value = p.Value
		}
		if req.IgnoreLease {
			kv.Lease = p.Lease
		}
	}
	ki.put(rev)
	v := version{rev: rev, kv: kv}
	s.history.add(v)
	if prev != nil && prev.Lease != kv.Lease {
		s.lessor.detach(prev.Lease, req.Key)
	}
	s.lessor.attach(kv.Lease, req.Key)
	tx.changes = append(tx.changes, v)

	resp := &PutResponse{}
	if req.PrevKV {
		resp.PrevKV = prev
	}
	return resp
}

// deleteRange deletes every live key of the range, in key order.
func (tx *writeTxn) deleteRange(req *DeleteRangeRequest) *DeleteRangeResponse {
	s := tx.s
	resp := &DeleteRangeResponse{}
	var live []*keyIndex
	s.ascendRange(keyRange{key: req.Key, end: req.RangeEnd}, func(ki *keyIndex) bool {
		if ki.isLive() {
			live = append(live, ki)
		}
		return true
	})
	for _, ki := range live {
		prev := tx.deleteKey(ki)
		resp.Deleted++
		if req.PrevKV {
			resp.PrevKVs = append(resp.PrevKVs, prev)
		}
	}
	return resp
}

// deleteKey writes a tombstone for a live key and returns the version it
// deleted.
func (tx *writeTxn) deleteKey(ki *keyIndex) KeyValue {
	s := tx.s
	prev := s.history.at(ki.modified).kv
	rev := tx.nextRevision()
	ki.tombstone(rev)
	v := version{rev: rev, kv: KeyValue{Key: ki.key, ModRevision: rev.Main}, tombstone: true}
	s.history.add(v)
	s.lessor.detach(prev.Lease, ki.key)
	tx.changes = append(tx.changes, v)
	return prev
}

// end publishes the transaction: the revision moves on if anything changed,
// and the watchers hear of every change.
func (tx *writeTxn) end() {
	if len(tx.changes) == 0 {
		return
	}
	tx.s.currentRev = tx.rev
	tx.s.notifyWatchers(tx.changes)
}

// ascendRange calls fn for each key index entry in the range, in key order,
// until fn returns false.
func (s *Store) ascendRange(r keyRange, fn func(*keyIndex) bool) {
	start := &keyIndex{key: r.key}
	switch r.end {
	case "":
		if ki, ok := s.index.Get(start); ok {
			fn(ki)
		}
	case FromKeyEnd:
		s.index.AscendGreaterOrEqual(start, fn)
	default:
		s.index.AscendRange(start, &keyIndex{key: r.end}, fn)
	}
}
