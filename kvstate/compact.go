package kvstate

import "fmt"

// compact removes the history that no read at revision rev or later can
// see: each key keeps its version visible at rev and everything newer, and
// keys deleted at or before rev disappear. Reads and watches below rev then
// fail with ErrCompacted. Compacting at or below the last compaction fails
// with ErrCompacted, above the current revision with ErrFutureRev.
func (s *Store) compact(rev int64) error {
	if rev <= s.compactRev {
		return fmt.Errorf("%w: compaction at revision %d, already compacted at %d", ErrCompacted, rev, s.compactRev)
	}
	if rev > s.currentRev {
		return fmt.Errorf("%w: compaction at revision %d, current revision %d", ErrFutureRev, rev, s.currentRev)
	}
	keep := map[Revision]bool{}
	var emptied []*keyIndex
	s.index.Ascend(func(ki *keyIndex) bool {
		if ki.compact(rev, keep) {
			emptied = append(emptied, ki)
		}
		return true
	})
	for _, ki := range emptied {
		s.index.Delete(ki)
	}
	s.history.removeAtOrBelow(rev, keep)
	s.compactRev = rev
	return nil
}
