package wal

import (
	"encoding/binary"
	"hash/crc32"
	"strconv"
)

// Entry is a log entry as the WAL stores it. It mirrors raft.Entry without
// importing core/raft; core/member converts between the two.
type Entry struct {
	Index uint64
	Term  uint64
	Type  uint8
	Data  []byte
}

// HardState is the Raft state that must be durable before a member sends a
// message depending on it: its term, its vote in that term, and its commit
// index.
type HardState struct {
	Term   uint64
	Vote   uint64
	Commit uint64
}

// IsEmpty reports whether hs is the zero HardState.
func (hs HardState) IsEmpty() bool { return hs == HardState{} }

// SnapshotMarker records that a snapshot covering the log up to Index (whose
// entry has term Term) was taken or installed. The snapshot data itself lives
// elsewhere; the marker tells replay which entries the snapshot replaces.
// The zero marker means "no snapshot".
type SnapshotMarker struct {
	Index uint64
	Term  uint64
}

// RecordType says what a record's payload holds.
type RecordType uint8

const (
	// RecordSegment starts a segment. Its payload is the checksum of the
	// record before it, so a reader that starts at this segment (because the
	// earlier ones were released) can still verify the chain. etcd calls it
	// crcType.
	RecordSegment RecordType = 1 + iota
	// RecordEntry holds one log entry.
	RecordEntry
	// RecordHardState holds a HardState.
	RecordHardState
	// RecordSnapshot holds a SnapshotMarker.
	RecordSnapshot
)

// String returns "segment", "entry", "hard-state" or "snapshot".
func (t RecordType) String() string {
	switch t {
	case RecordSegment:
		return "segment"
	case RecordEntry:
		return "entry"
	case RecordHardState:
		return "hard-state"
	case RecordSnapshot:
		return "snapshot"
	}
	return "RecordType(" + strconv.Itoa(int(t)) + ")"
}

// The encoding of one record, little-endian:
//
//	[0:4)   payload length L
//	[4:8)   ^L, the length again, inverted
//	[8:12)  CRC-32C over bytes [12:13+L), seeded with the previous record's CRC
//	[12]    record type
//	[13:13+L) payload
//
// The inverted copy of the length makes a flipped length bit recognisable as
// corruption. Without it, a damaged length that points past the end of the
// data would look exactly like a record torn by a crash, and replay would
// silently drop good records after it.
const headerSize = 13

// castagnoli is the CRC-32C table, the polynomial etcd's WAL uses.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

const (
	entryFixedSize = 17 // index, term, type
	hardStateSize  = 24 // term, vote, commit
	snapshotSize   = 16 // index, term
	segmentSize    = 4  // previous CRC
)

// appendRecord encodes a record of type t with the given payload onto buf,
// chaining its CRC from prev, and returns the new buffer and the record's CRC.
func appendRecord(buf []byte, prev uint32, t RecordType, payload []byte) ([]byte, uint32) {
	start := len(buf)
	n := uint32(len(payload))
	buf = binary.LittleEndian.AppendUint32(buf, n)
	buf = binary.LittleEndian.AppendUint32(buf, ^n)
	buf = binary.LittleEndian.AppendUint32(buf, 0) // CRC, filled in below
	buf = append(buf, byte(t))
	buf = append(buf, payload...)
	crc := crc32.Update(prev, castagnoli, buf[start+12:])
	binary.LittleEndian.PutUint32(buf[start+8:], crc)
	return buf, crc
}

// The encoders append a payload to dst (usually a reused scratch buffer,
// emptied), so that writing a record allocates nothing in the steady state.

func encodeEntry(dst []byte, e Entry) []byte {
	p := binary.LittleEndian.AppendUint64(dst, e.Index)
	p = binary.LittleEndian.AppendUint64(p, e.Term)
	p = append(p, e.Type)
	return append(p, e.Data...)
}

func encodeHardState(dst []byte, hs HardState) []byte {
	p := binary.LittleEndian.AppendUint64(dst, hs.Term)
	p = binary.LittleEndian.AppendUint64(p, hs.Vote)
	return binary.LittleEndian.AppendUint64(p, hs.Commit)
}

func encodeSnapshot(dst []byte, m SnapshotMarker) []byte {
	p := binary.LittleEndian.AppendUint64(dst, m.Index)
	return binary.LittleEndian.AppendUint64(p, m.Term)
}

func encodeSegment(dst []byte, prev uint32) []byte {
	return binary.LittleEndian.AppendUint32(dst, prev)
}

// rawRecord is one record located in the byte stream, not yet interpreted.
type rawRecord struct {
	typ     RecordType
	crc     uint32
	payload []byte // aliases the stream
	size    int    // header plus payload
}

// readOutcome classifies an attempt to read a record at some offset.
type readOutcome uint8

const (
	readOK   readOutcome = iota
	readEnd              // no bytes left
	readTorn             // the stream ends inside the record
	readBadLength
)

// readRecord locates the record at the start of b without verifying its CRC.
func readRecord(b []byte) (rawRecord, readOutcome) {
	if len(b) == 0 {
		return rawRecord{}, readEnd
	}
	if len(b) < headerSize {
		return rawRecord{}, readTorn
	}
	n := binary.LittleEndian.Uint32(b[0:4])
	if binary.LittleEndian.Uint32(b[4:8]) != ^n {
		return rawRecord{}, readBadLength
	}
	size := headerSize + int(n)
	if len(b) < size {
		return rawRecord{}, readTorn
	}
	return rawRecord{
		typ:     RecordType(b[12]),
		crc:     binary.LittleEndian.Uint32(b[8:12]),
		payload: b[headerSize:size],
		size:    size,
	}, readOK
}

// computeCRC returns the CRC a record at the start of b (of the given size)
// should carry when chained from prev.
func computeCRC(prev uint32, b []byte, size int) uint32 {
	return crc32.Update(prev, castagnoli, b[12:size])
}

// decodeEntry decodes an entry payload, copying its data so the result does
// not alias the stream (which a later fault may modify).
func decodeEntry(p []byte) (Entry, bool) {
	if len(p) < entryFixedSize {
		return Entry{}, false
	}
	e := Entry{
		Index: binary.LittleEndian.Uint64(p[0:8]),
		Term:  binary.LittleEndian.Uint64(p[8:16]),
		Type:  p[16],
	}
	if len(p) > entryFixedSize {
		e.Data = append([]byte(nil), p[entryFixedSize:]...)
	}
	return e, true
}

func decodeHardState(p []byte) (HardState, bool) {
	if len(p) != hardStateSize {
		return HardState{}, false
	}
	return HardState{
		Term:   binary.LittleEndian.Uint64(p[0:8]),
		Vote:   binary.LittleEndian.Uint64(p[8:16]),
		Commit: binary.LittleEndian.Uint64(p[16:24]),
	}, true
}

func decodeSnapshot(p []byte) (SnapshotMarker, bool) {
	if len(p) != snapshotSize {
		return SnapshotMarker{}, false
	}
	return SnapshotMarker{
		Index: binary.LittleEndian.Uint64(p[0:8]),
		Term:  binary.LittleEndian.Uint64(p[8:16]),
	}, true
}

func decodeSegment(p []byte) (uint32, bool) {
	if len(p) != segmentSize {
		return 0, false
	}
	return binary.LittleEndian.Uint32(p), true
}
