package wal

import "fmt"

// logView is the Raft log as the WAL's records describe it so far: the latest
// snapshot marker and the entries after it. Appending an entry at an index the
// view already holds overwrites that entry and everything after it, exactly as
// a Raft follower truncates a conflicting suffix (Raft §5.3).
//
// The writer uses it to refuse records that would make the log inconsistent;
// replay uses the same rules to rebuild the log, so what is accepted can always
// be read back.
//
// Replaying a stream whose first segments were released starts unanchored:
// the released records held entries up to some index, unknown to the reader,
// that the latest synced snapshot marker covers (ReleaseTo guarantees it).
// Until a marker can be checked against the entries read, the view only knows
// the tail written by the kept records, which is the true tail of the log
// because every write truncates everything after it.
type logView struct {
	snap SnapshotMarker
	// anchored is true once the view is known to hold every entry after
	// snap. A writer's view and the replay of a never-released stream are
	// anchored from the start.
	anchored bool
	// Invariant: entries[i].Index == entries[0].Index+i, and when anchored,
	// entries[0].Index == snap.Index+1.
	entries []Entry
	// keepData is false for the writer's view, which needs only indexes and
	// terms; replay keeps the data it returns.
	keepData bool
}

func (v *logView) firstIndex() uint64 {
	if len(v.entries) > 0 {
		return v.entries[0].Index
	}
	return v.snap.Index + 1
}

// lastIndex returns the index of the last entry, or of the snapshot if there
// is no entry after it.
func (v *logView) lastIndex() uint64 {
	if n := len(v.entries); n > 0 {
		return v.entries[n-1].Index
	}
	return v.snap.Index
}

// checkEntry reports why e cannot follow the view, or nil if it can.
func (v *logView) checkEntry(e Entry) error {
	if e.Index == 0 {
		return fmt.Errorf("entry index 0 is invalid; the log starts at 1")
	}
	if !v.anchored {
		// Entries before or after the known tail belong to the released
		// part of the log; nothing can be checked yet.
		return nil
	}
	if e.Index <= v.snap.Index {
		return fmt.Errorf("entry %d is already covered by the snapshot at %d", e.Index, v.snap.Index)
	}
	if last := v.lastIndex(); e.Index > last+1 {
		return fmt.Errorf("entry %d would leave a gap after the last index %d", e.Index, last)
	}
	return nil
}

// appendEntry adds e, truncating any suffix it conflicts with. The caller
// has checked it with checkEntry.
func (v *logView) appendEntry(e Entry) {
	if !v.keepData {
		e.Data = nil
	}
	first, last := v.firstIndex(), v.lastIndex()
	if len(v.entries) == 0 || e.Index < first || e.Index > last+1 {
		// Anchored, this is the first entry after the snapshot. Unanchored,
		// the entries around e are in released records: restart the tail.
		v.entries = append(v.entries[:0], e)
		return
	}
	v.entries = append(v.entries[:e.Index-first], e)
}

// checkSnapshot reports why m cannot be applied to the view, or nil.
func (v *logView) checkSnapshot(m SnapshotMarker) error {
	if m.Index == 0 {
		return fmt.Errorf("snapshot index 0 is invalid")
	}
	if m.Index < v.snap.Index {
		return fmt.Errorf("snapshot at %d is older than the snapshot at %d", m.Index, v.snap.Index)
	}
	return nil
}

// applySnapshot applies m the way Raft restores a snapshot: if the log holds
// the snapshot's last entry (same index and term), the entries after it stay;
// otherwise the snapshot replaces the whole log.
func (v *logView) applySnapshot(m SnapshotMarker) {
	first, last := v.firstIndex(), v.lastIndex()
	known := v.anchored || len(v.entries) > 0 && m.Index+1 >= first
	if !known {
		// Unanchored and the marker's entry is in the released part: it
		// cannot be checked, so keep the tail and wait for a later marker.
		v.snap = m
		return
	}
	var keep []Entry
	switch {
	case m.Index+1 == first && (!v.anchored || v.snap == m):
		// The tail starts right after the snapshot (or the same snapshot
		// is recorded again): nothing conflicts.
		keep = v.entries
	case m.Index >= first && m.Index <= last && v.entries[m.Index-first].Term == m.Term:
		keep = v.entries[m.Index-first+1:]
	}
	v.entries = append(v.entries[:0], keep...)
	v.snap = m
	v.anchored = true
}

// finish checks, at the end of a replay, that the entries follow the
// snapshot, and anchors the view for the writer.
func (v *logView) finish() error {
	if len(v.entries) > 0 && (v.anchored || v.snap.Index > 0) && v.entries[0].Index != v.snap.Index+1 {
		return fmt.Errorf("entries start at %d but the snapshot is at %d; entries %d..%d are missing",
			v.entries[0].Index, v.snap.Index, v.snap.Index+1, v.entries[0].Index-1)
	}
	if v.snap.Index > 0 {
		v.anchored = true
	}
	return nil
}
