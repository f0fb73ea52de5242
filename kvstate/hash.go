package kvstate

import (
	"fmt"
	"hash"
	"hash/crc32"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// HashKV hashes the compacted revision and every kept key version with main
// revision ≤ rev (0: the current revision), like etcd's HashKV. Replicas that
// applied the same entries have kept the same versions, so equal hashes at
// one revision mean equal history.
func (s *Store) HashKV(rev int64) (hash uint32, compactRev int64, err error) {
	if rev < 0 {
		return 0, 0, fmt.Errorf("%w: hash at revision %d", ErrInvalidRevision, rev)
	}
	if rev, err = s.checkReadRev(rev, s.currentRev); err != nil {
		return 0, 0, err
	}
	h := crc32.New(castagnoli)
	s.hashHistory(h, rev)
	return h.Sum32(), s.compactRev, nil
}

// Hash hashes the whole replicated state: the revisions, the kept history
// and the leases (ID, granted TTL, checkpointed TTL). Members at the same
// applied index must have equal hashes.
func (s *Store) Hash() uint32 {
	h := crc32.New(castagnoli)
	s.hashHistory(h, s.currentRev)
	e := &encoder{}
	e.int(s.currentRev)
	e.int(int64(s.lessor.nextID))
	for _, id := range s.lessor.sortedIDs() {
		le := s.lessor.leases[id]
		e.int(int64(id))
		e.int(le.ttl)
		e.int(le.remainingTTL)
	}
	h.Write(e.buf)
	return h.Sum32()
}

// hashHistory writes the compacted revision and the kept versions up to rev
// into h, each in its snapshot encoding.
func (s *Store) hashHistory(h hash.Hash32, rev int64) {
	e := &encoder{}
	e.int(s.compactRev)
	s.history.tree.AscendLessThan(version{rev: Revision{Main: rev + 1}}, func(v version) bool {
		encodeVersion(e, v)
		h.Write(e.buf)
		e.buf = e.buf[:0]
		return true
	})
	h.Write(e.buf)
}
