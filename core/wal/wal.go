// Package wal is the in-memory write-ahead log of a virtual member. It
// behaves like etcd's WAL at the byte level: records holding entries, hard
// states and snapshot markers are encoded to bytes, each carries a CRC-32C
// chained from the previous record's, and Sync marks the durable boundary. A
// crash keeps only what was synced (or tears or corrupts it, to teach what
// those faults do), and Replay verifies the chain and rebuilds the member's
// state. The package imports nothing from the project.
package wal

import (
	"errors"
	"fmt"
	"sort"
)

// DefaultSegmentBytes is the segment size used when Options.SegmentBytes is
// 0. etcd uses 64 MiB; the playground uses small segments so that releasing
// them after a snapshot is visible.
const DefaultSegmentBytes = 4096

// Options configures a WAL.
type Options struct {
	// SegmentBytes is the size at which a new segment is started. Segments
	// are the unit ReleaseTo drops. 0 means DefaultSegmentBytes.
	SegmentBytes int
}

// Errors returned by the WAL.
var (
	// ErrNeedsReplay: after a crash, the WAL must be replayed before it is
	// written to or released, exactly as a restarted member reads its WAL
	// before doing anything else.
	ErrNeedsReplay = errors.New("wal: crashed; replay it before using it")
	// ErrInvalidRecord: a record would make the log inconsistent (a gap, an
	// entry already covered by a snapshot, a snapshot going backwards).
	// Nothing is written.
	ErrInvalidRecord = errors.New("wal: invalid record")
	// ErrNotCovered: ReleaseTo was asked to drop records that no synced
	// snapshot marker covers.
	ErrNotCovered = errors.New("wal: release not covered by a synced snapshot")
	// ErrNothingToCorrupt: a FlipBit fault needs at least one synced byte.
	ErrNothingToCorrupt = errors.New("wal: no synced bytes to corrupt")
	// ErrCorrupt is matched (errors.Is) by every *CorruptionError.
	ErrCorrupt = errors.New("wal: corrupt")
)

// recordMeta locates one record of the stream.
type recordMeta struct {
	offset int
	size   int
	typ    RecordType
}

// segment is a run of records that starts with a RecordSegment record.
type segment struct {
	firstRecord int // position in WAL.records
	// maxEntryIndex is the highest entry index written in the segment; the
	// segment may be released once a snapshot covers it.
	maxEntryIndex uint64
}

// WAL is an in-memory write-ahead log. The zero value is not usable; call New.
type WAL struct {
	segmentBytes int
	// data is the byte stream as it is "on disk".
	data []byte
	// synced is the length of the durable prefix of data.
	//
	// Invariant: synced <= len(data), and it falls on a record boundary.
	synced int
	// crc is the CRC of the last record; the next record chains from it.
	crc uint32
	// baseRecord is the number of the first record in data: records are
	// numbered from the WAL's creation, and releasing keeps the numbers.
	baseRecord uint64
	records    []recordMeta
	segments   []segment
	// needsReplay is true after a crash until a successful Replay.
	needsReplay bool

	// hardState is the latest hard state written.
	hardState HardState
	// log checks that new entries and markers keep the log consistent.
	log logView
	// snapRecord is the position in records of the latest snapshot marker,
	// or -1 if there is none in the stream.
	snapRecord int
	// syncedSnap is the latest snapshot marker that is durable, and
	// syncedSnapRecord its position in records (-1 if there is none).
	syncedSnap       SnapshotMarker
	syncedSnapRecord int

	releasedRecords uint64
	releasedBytes   uint64

	// scratch is reused to encode each record's payload.
	scratch []byte
}

// New returns an empty WAL.
func New(opts Options) (*WAL, error) {
	if opts.SegmentBytes < 0 {
		return nil, fmt.Errorf("wal: SegmentBytes must not be negative, got %d", opts.SegmentBytes)
	}
	if opts.SegmentBytes == 0 {
		opts.SegmentBytes = DefaultSegmentBytes
	}
	return &WAL{
		segmentBytes:     opts.SegmentBytes,
		log:              logView{anchored: true},
		snapRecord:       -1,
		syncedSnapRecord: -1,
	}, nil
}

// Save appends entries and then, if it is not empty, the hard state, the
// order a member persists a Ready in. Nothing is written if any entry is
// invalid.
func (w *WAL) Save(hs HardState, ents []Entry) error {
	if err := w.checkEntries(ents); err != nil {
		return err
	}
	for _, e := range ents {
		w.writeEntry(e)
	}
	if !hs.IsEmpty() {
		w.writeHardState(hs)
	}
	return nil
}

// AppendEntries appends entries. An entry at an index the log already holds
// replaces that entry and all later ones when the WAL is replayed.
func (w *WAL) AppendEntries(ents ...Entry) error { return w.Save(HardState{}, ents) }

// AppendHardState appends a hard state.
func (w *WAL) AppendHardState(hs HardState) error {
	if w.needsReplay {
		return ErrNeedsReplay
	}
	w.writeHardState(hs)
	return nil
}

// AppendSnapshot appends a snapshot marker. If the log holds the snapshot's
// last entry, later entries survive replay; otherwise the snapshot replaces
// the whole log, as it does in Raft.
func (w *WAL) AppendSnapshot(m SnapshotMarker) error {
	if w.needsReplay {
		return ErrNeedsReplay
	}
	if err := w.log.checkSnapshot(m); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidRecord, err)
	}
	w.log.applySnapshot(m)
	w.scratch = encodeSnapshot(w.scratch[:0], m)
	w.snapRecord = w.write(RecordSnapshot, w.scratch)
	return nil
}

// Sync makes everything written so far durable.
func (w *WAL) Sync() {
	w.synced = len(w.data)
	if w.snapRecord >= 0 {
		w.syncedSnap = w.log.snap
		w.syncedSnapRecord = w.snapRecord
	}
}

// checkEntries validates a batch against the log without changing anything.
func (w *WAL) checkEntries(ents []Entry) error {
	if w.needsReplay {
		return ErrNeedsReplay
	}
	if len(ents) == 0 {
		return nil
	}
	if err := w.log.checkEntry(ents[0]); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidRecord, err)
	}
	for i := 1; i < len(ents); i++ {
		if ents[i].Index != ents[i-1].Index+1 {
			return fmt.Errorf("%w: entries in one append must be consecutive, but %d follows %d",
				ErrInvalidRecord, ents[i].Index, ents[i-1].Index)
		}
	}
	return nil
}

func (w *WAL) writeEntry(e Entry) {
	w.log.appendEntry(e)
	w.scratch = encodeEntry(w.scratch[:0], e)
	w.write(RecordEntry, w.scratch)
	seg := &w.segments[len(w.segments)-1]
	seg.maxEntryIndex = max(seg.maxEntryIndex, e.Index)
}

func (w *WAL) writeHardState(hs HardState) {
	// Write before updating hardState: if this write starts a segment, the
	// segment's copy must be the previous hard state, not a duplicate.
	w.scratch = encodeHardState(w.scratch[:0], hs)
	w.write(RecordHardState, w.scratch)
	w.hardState = hs
}

// write appends one record, first starting a new segment if there is none
// or the current one is full, and returns the record's position.
func (w *WAL) write(t RecordType, payload []byte) int {
	if len(w.segments) == 0 || w.currentSegmentBytes() >= w.segmentBytes {
		w.cut()
	}
	return w.writeRaw(t, payload)
}

// cut starts a new segment: a segment record carrying the chain's CRC, then
// a copy of the latest hard state, so that once earlier segments are released
// the new one still says what the member last promised.
func (w *WAL) cut() {
	w.segments = append(w.segments, segment{firstRecord: len(w.records)})
	// A stack buffer, not scratch: cut runs in the middle of write, whose
	// payload is in scratch.
	var buf [hardStateSize]byte
	w.writeRaw(RecordSegment, encodeSegment(buf[:0], w.crc))
	if !w.hardState.IsEmpty() {
		w.writeRaw(RecordHardState, encodeHardState(buf[:0], w.hardState))
	}
}

func (w *WAL) writeRaw(t RecordType, payload []byte) int {
	offset := len(w.data)
	w.data, w.crc = appendRecord(w.data, w.crc, t, payload)
	w.records = append(w.records, recordMeta{offset: offset, size: len(w.data) - offset, typ: t})
	return len(w.records) - 1
}

func (w *WAL) currentSegmentBytes() int {
	return len(w.data) - w.records[w.segments[len(w.segments)-1].firstRecord].offset
}

// syncedRecords returns how many records lie entirely in the synced prefix.
func (w *WAL) syncedRecords() int {
	return sort.Search(len(w.records), func(i int) bool {
		return w.records[i].offset+w.records[i].size > w.synced
	})
}

// Stats is the WAL's size accounting, for the UI.
type Stats struct {
	Records         int    // records in the WAL
	Bytes           int    // bytes in the WAL
	SyncedRecords   int    // records in the durable prefix
	SyncedBytes     int    // bytes in the durable prefix
	Segments        int    // segments in the WAL
	FirstRecord     uint64 // number of the first record (records are numbered from the WAL's creation)
	ReleasedRecords uint64 // records dropped by ReleaseTo so far
	ReleasedBytes   uint64 // bytes dropped by ReleaseTo so far
	NeedsReplay     bool   // true between a crash and a successful replay
}

// Stats returns the current size accounting. Between a crash and a
// successful Replay the record counts are unknown and reported as 0.
func (w *WAL) Stats() Stats {
	return Stats{
		Records:         len(w.records),
		Bytes:           len(w.data),
		SyncedRecords:   w.syncedRecords(),
		SyncedBytes:     w.synced,
		Segments:        len(w.segments),
		FirstRecord:     w.baseRecord,
		ReleasedRecords: w.releasedRecords,
		ReleasedBytes:   w.releasedBytes,
		NeedsReplay:     w.needsReplay,
	}
}

// RecordInfo describes one record, for showing the WAL in the UI.
type RecordInfo struct {
	Number uint64 // numbered from the WAL's creation
	Type   RecordType
	Offset int // byte offset in the current stream
	Size   int // bytes, header included
	Synced bool
	// Index and Term are set for entries and snapshot markers.
	Index, Term uint64
	// HardState is set for hard-state records.
	HardState HardState
}

// Records lists every record in order. It returns nil between a crash and a
// successful Replay, when the stream has not been verified.
func (w *WAL) Records() []RecordInfo {
	if w.needsReplay {
		return nil
	}
	out := make([]RecordInfo, len(w.records))
	for i, r := range w.records {
		info := RecordInfo{
			Number: w.baseRecord + uint64(i),
			Type:   r.typ,
			Offset: r.offset,
			Size:   r.size,
			Synced: r.offset+r.size <= w.synced,
		}
		payload := w.data[r.offset+headerSize : r.offset+r.size]
		switch r.typ {
		case RecordEntry:
			e, _ := decodeEntry(payload[:entryFixedSize])
			info.Index, info.Term = e.Index, e.Term
		case RecordSnapshot:
			m, _ := decodeSnapshot(payload)
			info.Index, info.Term = m.Index, m.Term
		case RecordHardState:
			info.HardState, _ = decodeHardState(payload)
		}
		out[i] = info
	}
	return out
}
