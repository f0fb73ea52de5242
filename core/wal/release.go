package wal

import (
	"fmt"
	"sort"
)

// Released says what ReleaseTo dropped.
type Released struct {
	Records  int
	Bytes    int
	Segments int
}

// ReleaseTo drops the records a snapshot at index has made unnecessary. Like
// etcd, it releases whole segments: a segment goes once every entry in it is
// at or below index and a later segment holds the latest synced snapshot
// marker. The first kept segment begins with a segment record carrying the
// CRC of the last released record, so the chain stays verifiable, and with a
// copy of the hard state current when it was started.
//
// It is an error (and nothing is dropped) if no synced snapshot marker at or
// above index exists: without it, replay could not rebuild the released log.
func (w *WAL) ReleaseTo(index uint64) (Released, error) {
	if w.needsReplay {
		return Released{}, ErrNeedsReplay
	}
	if index == 0 {
		return Released{}, nil
	}
	if w.syncedSnapRecord < 0 || w.syncedSnap.Index < index {
		return Released{}, fmt.Errorf("%w: releasing up to index %d needs a synced snapshot marker at or above it (latest synced: %d)",
			ErrNotCovered, index, w.syncedSnap.Index)
	}
	snapSegment := w.segmentOf(w.syncedSnapRecord)
	keep := 0
	for keep < snapSegment && w.segments[keep].maxEntryIndex <= index {
		keep++
	}
	if keep == 0 {
		return Released{}, nil
	}

	dropRecords := w.segments[keep].firstRecord
	cut := w.records[dropRecords].offset
	// Copy the kept bytes so the released ones can be garbage collected.
	w.data = append([]byte(nil), w.data[cut:]...)
	w.synced -= cut
	records := make([]recordMeta, len(w.records)-dropRecords)
	for i, r := range w.records[dropRecords:] {
		r.offset -= cut
		records[i] = r
	}
	w.records = records
	segments := make([]segment, len(w.segments)-keep)
	for i, s := range w.segments[keep:] {
		s.firstRecord -= dropRecords
		segments[i] = s
	}
	w.segments = segments
	w.snapRecord -= dropRecords
	w.syncedSnapRecord -= dropRecords
	w.baseRecord += uint64(dropRecords)
	w.releasedRecords += uint64(dropRecords)
	w.releasedBytes += uint64(cut)
	return Released{Records: dropRecords, Bytes: cut, Segments: keep}, nil
}

// segmentOf returns the position of the segment holding record pos.
func (w *WAL) segmentOf(pos int) int {
	return sort.Search(len(w.segments), func(i int) bool { return w.segments[i].firstRecord > pos }) - 1
}
