package wal

import (
	"fmt"
	"strconv"
)

// CorruptionReason says what replay found wrong with a record.
type CorruptionReason uint8

const (
	// CorruptLength: the stored length and its inverted copy disagree.
	CorruptLength CorruptionReason = 1 + iota
	// CorruptChecksum: the record's CRC does not match its contents chained
	// from the previous record.
	CorruptChecksum
	// CorruptChainStart: the stream does not begin with a segment record, so
	// the chain cannot be seeded.
	CorruptChainStart
	// CorruptSegmentLink: a segment record does not carry the CRC of the
	// record before it.
	CorruptSegmentLink
	// CorruptType: the record type is unknown.
	CorruptType
	// CorruptPayload: the payload has the wrong size for its type.
	CorruptPayload
	// CorruptLog: the record would make the log inconsistent (a gap, an
	// entry covered by a snapshot, a snapshot going backwards).
	CorruptLog
)

// String returns a stable identifier such as "checksum".
func (r CorruptionReason) String() string {
	switch r {
	case CorruptLength:
		return "length"
	case CorruptChecksum:
		return "checksum"
	case CorruptChainStart:
		return "chain-start"
	case CorruptSegmentLink:
		return "segment-link"
	case CorruptType:
		return "type"
	case CorruptPayload:
		return "payload"
	case CorruptLog:
		return "log"
	}
	return "CorruptionReason(" + strconv.Itoa(int(r)) + ")"
}

// CorruptionError reports the first bad record found by Replay. The WAL is
// left as it is: corruption is never repaired silently.
type CorruptionError struct {
	Record uint64 // record number, counted from the WAL's creation
	Offset int    // byte offset of the record in the current stream
	Reason CorruptionReason
	Detail string // extra numbers for a human, may be empty
}

func (e *CorruptionError) Error() string {
	msg := fmt.Sprintf("wal: record %d at byte %d is corrupt (%s)", e.Record, e.Offset, e.Reason)
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

// Is makes errors.Is(err, ErrCorrupt) true for every CorruptionError.
func (e *CorruptionError) Is(target error) bool { return target == ErrCorrupt }

// Replayed is the state a member gets back from its WAL.
type Replayed struct {
	HardState HardState
	// Snapshot is the latest snapshot marker, or the zero marker if none.
	Snapshot SnapshotMarker
	// Entries are the log entries after Snapshot.Index, consecutive.
	Entries []Entry
	// Records is the number of records read.
	Records int
	// TornBytes is the size of the torn partial record truncated from the
	// end of the stream, 0 if there was none.
	TornBytes int
}

// Replay reads the whole stream, verifies every record's CRC against the
// chain, and returns the latest hard state, the latest snapshot marker and
// the entries after it (a later entry overwriting a conflicting suffix, as in
// the Raft log). A record cut short at the very end is a torn write: it is
// truncated and the WAL continues after the last whole record. Any other
// damage is a *CorruptionError naming the first bad record, and the WAL is
// left untouched and unusable.
//
// After a successful replay the WAL accepts writes again, chained after the
// last good record.
func (w *WAL) Replay() (Replayed, error) {
	s := replayState{
		base: w.baseRecord,
		// A stream that still starts at record 0 holds the whole history,
		// so its log starts at index 1. After a release the stream starts
		// mid-log, and the first snapshot marker read anchors it.
		log:              logView{anchored: w.baseRecord == 0, keepData: true},
		snapRecord:       -1,
		syncedSnapRecord: -1,
		syncedLimit:      w.synced,
	}
	if w.needsReplay {
		// After a crash everything on disk counts as durable.
		s.syncedLimit = len(w.data)
	}
	torn, err := s.read(w.data)
	if err != nil {
		return Replayed{}, err
	}
	if err := s.log.finish(); err != nil {
		return Replayed{}, &CorruptionError{Record: s.base + uint64(max(s.snapRecord, 0)),
			Offset: s.records[max(s.snapRecord, 0)].offset, Reason: CorruptLog, Detail: err.Error()}
	}
	if len(s.log.entries) == 0 {
		s.log.entries = nil
	}
	out := Replayed{
		HardState: s.hardState,
		Snapshot:  s.log.snap,
		Entries:   s.log.entries,
		Records:   len(s.records),
		TornBytes: torn,
	}

	w.data = w.data[:len(w.data)-torn]
	if w.needsReplay {
		w.synced = len(w.data)
	}
	w.needsReplay = false
	w.crc = s.crc
	w.records = s.records
	w.segments = s.segments
	w.hardState = s.hardState
	w.snapRecord = s.snapRecord
	w.syncedSnap = s.syncedSnap
	w.syncedSnapRecord = s.syncedSnapRecord
	w.log = logView{snap: s.log.snap, anchored: s.log.anchored}
	for _, e := range s.log.entries {
		w.log.appendEntry(Entry{Index: e.Index, Term: e.Term})
	}
	return out, nil
}

// replayState accumulates what Replay has read so far.
type replayState struct {
	base       uint64
	crc        uint32
	records    []recordMeta
	segments   []segment
	hardState  HardState
	log        logView
	snapRecord int
	// syncedLimit is the length of the durable prefix; syncedSnap and
	// syncedSnapRecord are the latest snapshot marker inside it.
	syncedLimit      int
	syncedSnap       SnapshotMarker
	syncedSnapRecord int
}

// read decodes the stream and returns the number of torn bytes at its end.
func (s *replayState) read(data []byte) (int, error) {
	off := 0
	for {
		raw, outcome := readRecord(data[off:])
		switch outcome {
		case readEnd:
			return 0, nil
		case readTorn:
			return len(data) - off, nil
		case readBadLength:
			return 0, s.corrupt(off, CorruptLength, "")
		}
		if err := s.verify(data[off:], off, raw); err != nil {
			return 0, err
		}
		if err := s.apply(off, raw); err != nil {
			return 0, err
		}
		s.crc = raw.crc
		s.records = append(s.records, recordMeta{offset: off, size: raw.size, typ: raw.typ})
		off += raw.size
	}
}

// verify checks the record's place in the CRC chain.
func (s *replayState) verify(b []byte, off int, raw rawRecord) error {
	if len(s.records) == 0 {
		if raw.typ != RecordSegment {
			return s.corrupt(off, CorruptChainStart, "the first record is a "+raw.typ.String()+" record")
		}
		prev, ok := decodeSegment(raw.payload)
		if !ok {
			return s.corrupt(off, CorruptPayload, "")
		}
		s.crc = prev
	}
	if want := computeCRC(s.crc, b, raw.size); want != raw.crc {
		return s.corrupt(off, CorruptChecksum, fmt.Sprintf("stored %08x, computed %08x", raw.crc, want))
	}
	return nil
}

// apply interprets a verified record.
func (s *replayState) apply(off int, raw rawRecord) error {
	switch raw.typ {
	case RecordSegment:
		prev, ok := decodeSegment(raw.payload)
		if !ok {
			return s.corrupt(off, CorruptPayload, "")
		}
		if len(s.records) > 0 && prev != s.crc {
			return s.corrupt(off, CorruptSegmentLink, fmt.Sprintf("carries %08x, previous record has %08x", prev, s.crc))
		}
		s.segments = append(s.segments, segment{firstRecord: len(s.records)})
	case RecordEntry:
		e, ok := decodeEntry(raw.payload)
		if !ok {
			return s.corrupt(off, CorruptPayload, "")
		}
		if err := s.log.checkEntry(e); err != nil {
			return s.corrupt(off, CorruptLog, err.Error())
		}
		s.log.appendEntry(e)
		seg := &s.segments[len(s.segments)-1]
		seg.maxEntryIndex = max(seg.maxEntryIndex, e.Index)
	case RecordHardState:
		hs, ok := decodeHardState(raw.payload)
		if !ok {
			return s.corrupt(off, CorruptPayload, "")
		}
		s.hardState = hs
	case RecordSnapshot:
		m, ok := decodeSnapshot(raw.payload)
		if !ok {
			return s.corrupt(off, CorruptPayload, "")
		}
		if err := s.log.checkSnapshot(m); err != nil {
			return s.corrupt(off, CorruptLog, err.Error())
		}
		s.log.applySnapshot(m)
		s.snapRecord = len(s.records)
		if off+raw.size <= s.syncedLimit {
			s.syncedSnap, s.syncedSnapRecord = m, len(s.records)
		}
	default:
		return s.corrupt(off, CorruptType, "type "+strconv.Itoa(int(raw.typ)))
	}
	return nil
}

func (s *replayState) corrupt(off int, reason CorruptionReason, detail string) error {
	return &CorruptionError{Record: s.base + uint64(len(s.records)), Offset: off, Reason: reason, Detail: detail}
}
