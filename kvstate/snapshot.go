package kvstate

import "fmt"

// snapshotFormat is the first byte of a snapshot, so a future layout can be
// told apart.
const snapshotFormat byte = 1

// Snapshot encodes the whole replicated state: the current and compacted
// revisions, the applied index, the leases and every kept key version in
// revision order. The key index is not stored: Restore rebuilds it from the
// versions, which is also how it checks that a snapshot is consistent. The
// lessor's countdowns and the watchers are per member and not included.
func (s *Store) Snapshot() []byte {
	e := &encoder{}
	e.byte(snapshotFormat)
	e.int(s.currentRev)
	e.int(s.compactRev)
	e.uint(s.appliedIndex)
	e.int(int64(s.lessor.nextID))
	ids := s.lessor.sortedIDs()
	e.uint(uint64(len(ids)))
	for _, id := range ids {
		le := s.lessor.leases[id]
		e.int(int64(id))
		e.int(le.ttl)
		e.int(le.remainingTTL)
	}
	e.uint(uint64(s.history.tree.Len()))
	s.history.tree.Ascend(func(v version) bool {
		encodeVersion(e, v)
		return true
	})
	return e.buf
}

func encodeVersion(e *encoder, v version) {
	e.int(v.rev.Main)
	e.int(v.rev.Sub)
	e.bool(v.tombstone)
	e.string(v.kv.Key)
	if v.tombstone {
		return
	}
	e.string(v.kv.Value)
	e.int(v.kv.CreateRevision)
	e.int(v.kv.Version)
	e.int(int64(v.kv.Lease))
}

// Restore replaces the replicated state with a snapshot's. A snapshot that
// does not decode, or whose contents contradict each other (revisions out of
// order, a delete of a key that does not exist, a version that does not
// follow the previous one, a key on a missing lease), is refused with an
// ErrDecode error and changes nothing.
//
// The lessor is demoted, because the snapshot carries no countdowns: a leader
// that restores must Promote again. Watch streams stay; each watch catches up
// from the revision it had reached, or is canceled as compacted.
func (s *Store) Restore(data []byte) error {
	fresh := New(s.opts)
	if err := fresh.decodeSnapshot(data); err != nil {
		return err
	}
	s.index, s.history = fresh.index, fresh.history
	s.currentRev, s.compactRev, s.appliedIndex = fresh.currentRev, fresh.compactRev, fresh.appliedIndex
	s.lessor = fresh.lessor
	s.resyncWatchers()
	return nil
}

func (s *Store) decodeSnapshot(data []byte) error {
	d := &decoder{buf: data}
	if f := d.byte("snapshot format"); d.err == nil && f != snapshotFormat {
		d.fail("snapshot format", "unknown snapshot format %d (want %d)", f, snapshotFormat)
	}
	s.currentRev = d.int("current revision")
	s.compactRev = d.int("compacted revision")
	s.appliedIndex = d.uint("applied index")
	s.lessor.nextID = LeaseID(d.int("next lease ID"))
	nLeases := d.count("lease count")
	for range nLeases {
		le := &lease{id: LeaseID(d.int("lease ID")), ttl: d.int("lease TTL"), remainingTTL: d.int("lease remaining TTL"), keys: map[string]bool{}}
		if d.err != nil {
			return d.err
		}
		if le.id <= 0 || s.lessor.leases[le.id] != nil || le.ttl <= 0 || le.remainingTTL < 0 {
			return fmt.Errorf("%w: snapshot lease %d (TTL %d, remaining %d) is invalid or repeated", ErrDecode, le.id, le.ttl, le.remainingTTL)
		}
		s.lessor.add(le)
	}
	if d.err == nil && (s.currentRev < 1 || s.compactRev < 0 || s.compactRev > s.currentRev || s.lessor.nextID < 1) {
		return fmt.Errorf("%w: snapshot revisions (current %d, compacted %d) or next lease ID %d out of range",
			ErrDecode, s.currentRev, s.compactRev, s.lessor.nextID)
	}
	nVersions := d.count("version count")
	last := Revision{}
	for range nVersions {
		v := version{rev: Revision{Main: d.int("version revision"), Sub: d.int("version sub revision")}, tombstone: d.bool("tombstone")}
		v.kv.Key = d.string("version key")
		v.kv.ModRevision = v.rev.Main
		if !v.tombstone {
			v.kv.Value = d.string("version value")
			v.kv.CreateRevision = d.int("version create revision")
			v.kv.Version = d.int("version number")
			v.kv.Lease = LeaseID(d.int("version lease"))
		}
		if d.err != nil {
			return d.err
		}
		if !last.Less(v.rev) || v.rev.Sub < 0 || v.rev.Main > s.currentRev {
			return fmt.Errorf("%w: snapshot version %s of %q is out of order or above the current revision %d", ErrDecode, v.rev, v.kv.Key, s.currentRev)
		}
		last = v.rev
		if err := s.restoreVersion(v); err != nil {
			return err
		}
	}
	d.finish("snapshot")
	if d.err != nil {
		return d.err
	}
	return s.attachRestoredLeases()
}

// restoreVersion adds one decoded version to the history and the key index,
// checking that it follows the key's previous version.
func (s *Store) restoreVersion(v version) error {
	if v.kv.Key == "" {
		return fmt.Errorf("%w: snapshot version %s has an empty key", ErrDecode, v.rev)
	}
	ki, ok := s.index.Get(&keyIndex{key: v.kv.Key})
	if !ok {
		ki = newKeyIndex(v.kv.Key)
		s.index.ReplaceOrInsert(ki)
	}
	switch {
	case v.tombstone:
		if !ki.isLive() {
			return fmt.Errorf("%w: snapshot deletes %q at %s, but it does not exist then", ErrDecode, v.kv.Key, v.rev)
		}
		ki.tombstone(v.rev)
	case ki.isLive():
		prev := s.history.at(ki.modified).kv
		if v.kv.CreateRevision != prev.CreateRevision || v.kv.Version != prev.Version+1 {
			return fmt.Errorf("%w: snapshot version %s of %q (created %d, version %d) does not follow revision %d (created %d, version %d)",
				ErrDecode, v.rev, v.kv.Key, v.kv.CreateRevision, v.kv.Version, prev.ModRevision, prev.CreateRevision, prev.Version)
		}
		ki.put(v.rev)
	default:
		// The first kept version of a generation: earlier ones may have been
		// compacted, so the creation and version come from the stored value.
		if v.kv.CreateRevision < 1 || v.kv.CreateRevision > v.rev.Main || v.kv.Version < 1 ||
			(v.kv.CreateRevision == v.rev.Main) != (v.kv.Version == 1) {
			return fmt.Errorf("%w: snapshot version %s of %q has create revision %d and version %d",
				ErrDecode, v.rev, v.kv.Key, v.kv.CreateRevision, v.kv.Version)
		}
		created := Revision{Main: v.kv.CreateRevision}
		if v.kv.CreateRevision == v.rev.Main {
			created = v.rev
		}
		ki.restore(created, v.rev, v.kv.Version)
	}
	s.history.add(v)
	return nil
}

// attachRestoredLeases attaches every live key to its lease.
func (s *Store) attachRestoredLeases() error {
	var err error
	s.index.Ascend(func(ki *keyIndex) bool {
		if !ki.isLive() {
			return true
		}
		kv := s.history.at(ki.modified).kv
		if kv.Lease == NoLease {
			return true
		}
		if s.lessor.leases[kv.Lease] == nil {
			err = fmt.Errorf("%w: snapshot key %q is attached to missing lease %d", ErrDecode, kv.Key, kv.Lease)
			return false
		}
		s.lessor.attach(kv.Lease, kv.Key)
		return true
	})
	return err
}
