package wal

import (
	"fmt"
	"strconv"
)

// CrashMode chooses what a crash does to the bytes that are on their way to
// the disk.
type CrashMode uint8

const (
	// DropUnsynced keeps exactly the synced prefix: everything written after
	// the last Sync is lost. This is the normal crash.
	DropUnsynced CrashMode = iota
	// TearLastRecord models power failing in the middle of a write. If
	// records were written after the last Sync, all of them but the last
	// reached the disk whole (the disk may write unsynced data, it just does
	// not promise to), and the last one only partly: the first half of its
	// bytes (rounded down) survives. If nothing was unsynced, the last synced
	// record is torn the same way: that models a disk that acknowledged an
	// fsync it had not completed, and it can lose durable state on purpose.
	// Replay truncates the torn record.
	TearLastRecord
	// FlipBit drops the unsynced tail and then flips one bit inside the
	// synced prefix: bit Fault.Bit modulo the number of synced bits, counting
	// from the first bit of the stream (bit 0 is the lowest bit of byte 0).
	// Replay reports the damaged record and refuses to continue.
	FlipBit
)

// String returns "drop-unsynced", "tear-last-record" or "flip-bit".
func (m CrashMode) String() string {
	switch m {
	case DropUnsynced:
		return "drop-unsynced"
	case TearLastRecord:
		return "tear-last-record"
	case FlipBit:
		return "flip-bit"
	}
	return "CrashMode(" + strconv.Itoa(int(m)) + ")"
}

// Fault describes a crash.
type Fault struct {
	Mode CrashMode
	// Bit chooses the bit FlipBit flips (see FlipBit); other modes ignore it.
	Bit uint64
}

// CrashReport says what a crash did, for the UI and for tests.
type CrashReport struct {
	Mode CrashMode
	// LostBytes is how many bytes written before the crash did not survive.
	LostBytes int
	// Torn is true if a record was torn; TornRecord is its number,
	// TornBytesKept how many of its bytes survived, and TornWasSynced whether
	// it had been synced (the lying-disk case of TearLastRecord).
	Torn          bool
	TornRecord    uint64
	TornBytesKept int
	TornWasSynced bool
	// FlippedBit is the bit offset FlipBit changed, and FlippedRecord the
	// number of the record holding it.
	FlippedBit    uint64
	FlippedRecord uint64
}

// Crash simulates the member losing power. Afterwards the WAL holds only
// what survived on "disk", and it must be replayed before anything else. A
// fault that cannot apply (FlipBit with nothing synced, an unknown mode, a
// WAL that already crashed and was not replayed) returns an error and changes
// nothing.
func (w *WAL) Crash(f Fault) (CrashReport, error) {
	if w.needsReplay {
		return CrashReport{}, ErrNeedsReplay
	}
	report := CrashReport{Mode: f.Mode}
	switch f.Mode {
	case DropUnsynced:
		report.LostBytes = len(w.data) - w.synced
		w.data = w.data[:w.synced]
	case TearLastRecord:
		if n := len(w.records); n > 0 {
			last := w.records[n-1]
			kept := last.size / 2
			report.Torn = true
			report.TornRecord = w.baseRecord + uint64(n-1)
			report.TornBytesKept = kept
			report.TornWasSynced = last.offset+last.size <= w.synced
			report.LostBytes = last.size - kept
			w.data = w.data[:last.offset+kept]
		}
	case FlipBit:
		if w.synced == 0 {
			return CrashReport{}, ErrNothingToCorrupt
		}
		report.LostBytes = len(w.data) - w.synced
		w.data = w.data[:w.synced]
		bit := f.Bit % (uint64(w.synced) * 8)
		w.data[bit/8] ^= 1 << (bit % 8)
		report.FlippedBit = bit
		report.FlippedRecord = w.baseRecord + uint64(w.recordAt(int(bit/8)))
	default:
		return CrashReport{}, fmt.Errorf("wal: unknown crash mode %d", f.Mode)
	}
	// Whatever is on disk now is what a restarted member reads; its
	// durability is no longer in question.
	w.synced = len(w.data)
	w.needsReplay = true
	w.records = nil
	w.segments = nil
	return report, nil
}

// recordAt returns the position of the record holding byte offset.
func (w *WAL) recordAt(offset int) int {
	lo, hi := 0, len(w.records)
	for lo+1 < hi {
		mid := (lo + hi) / 2
		if w.records[mid].offset <= offset {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}
