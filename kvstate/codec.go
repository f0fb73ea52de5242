package kvstate

import (
	"encoding/binary"
	"fmt"
	"math"
)

// encoder appends the primitive values of the binary formats (commands and
// snapshots): unsigned and signed varints, and length-prefixed strings. The
// same values always give the same bytes.
type encoder struct {
	buf []byte
}

func (e *encoder) uint(v uint64) { e.buf = binary.AppendUvarint(e.buf, v) }
func (e *encoder) int(v int64)   { e.buf = binary.AppendVarint(e.buf, v) }
func (e *encoder) byte(b byte)   { e.buf = append(e.buf, b) }

func (e *encoder) bool(b bool) {
	if b {
		e.byte(1)
	} else {
		e.byte(0)
	}
}

func (e *encoder) string(s string) {
	e.uint(uint64(len(s)))
	e.buf = append(e.buf, s...)
}

// decoder reads what encoder wrote. The first failure sticks: later reads
// return zero values and err keeps the first error, naming what was being
// read and at which offset, so callers check once at the end.
type decoder struct {
	buf []byte
	off int
	err error
}

func (d *decoder) fail(what string, format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s at byte %d: %s", ErrDecode, what, d.off, fmt.Sprintf(format, args...))
	}
}

func (d *decoder) uint(what string) uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.buf[d.off:])
	if n <= 0 {
		d.fail(what, "bad or truncated unsigned varint")
		return 0
	}
	if n != len(binary.AppendUvarint(nil, v)) {
		// One value, one encoding: an overlong varint would let two byte
		// strings mean the same command.
		d.fail(what, "overlong unsigned varint")
		return 0
	}
	d.off += n
	return v
}

func (d *decoder) int(what string) int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.buf[d.off:])
	if n <= 0 {
		d.fail(what, "bad or truncated varint")
		return 0
	}
	if n != len(binary.AppendVarint(nil, v)) {
		d.fail(what, "overlong varint")
		return 0
	}
	d.off += n
	return v
}

func (d *decoder) byte(what string) byte {
	if d.err != nil {
		return 0
	}
	if d.off >= len(d.buf) {
		d.fail(what, "unexpected end of data")
		return 0
	}
	b := d.buf[d.off]
	d.off++
	return b
}

func (d *decoder) bool(what string) bool {
	switch b := d.byte(what); b {
	case 0:
		return false
	case 1:
		return true
	default:
		d.fail(what, "boolean byte %d is neither 0 nor 1", b)
		return false
	}
}

func (d *decoder) string(what string) string {
	n := d.uint(what)
	if d.err != nil {
		return ""
	}
	if n > uint64(len(d.buf)-d.off) {
		d.fail(what, "length %d exceeds the %d bytes left", n, len(d.buf)-d.off)
		return ""
	}
	s := string(d.buf[d.off : d.off+int(n)])
	d.off += int(n)
	return s
}

// count reads a collection length and refuses one that cannot fit in the
// remaining bytes (each element takes at least one byte), so garbage cannot
// make the decoder allocate huge slices.
func (d *decoder) count(what string) int {
	n := d.uint(what)
	if d.err != nil {
		return 0
	}
	if n > uint64(len(d.buf)-d.off) || n > math.MaxInt32 {
		d.fail(what, "count %d exceeds the %d bytes left", n, len(d.buf)-d.off)
		return 0
	}
	return int(n)
}

// finish fails if bytes are left over after a complete value.
func (d *decoder) finish(what string) {
	if d.err == nil && d.off != len(d.buf) {
		d.fail(what, "%d trailing bytes", len(d.buf)-d.off)
	}
}
