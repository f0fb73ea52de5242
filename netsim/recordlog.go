package netsim

// recordChunk is how many records one chunk of a recordLog holds. Chunks
// keep a long trace from being copied again and again as it grows, and let
// Config.TraceKeep drop old records a chunk at a time.
const recordChunk = 4096

// recordLog is the trace: records numbered from 0 (a record's Seq is its
// number plus one), stored in chunks of recordChunk. The records before base
// were dropped.
type recordLog struct {
	// Invariant: every chunk but the last is full. Chunk c holds records
	// base+c*recordChunk on, so base itself may be any number.
	chunks [][]Record
	base   int
}

// end is the number one past the last record held.
func (l *recordLog) end() int {
	n := l.base
	if k := len(l.chunks); k > 0 {
		n += (k-1)*recordChunk + len(l.chunks[k-1])
	}
	return n
}

// put stores r as record i: over the record held there (a replay writes the
// same record again), or appended when i is the end. Records before base are
// not stored.
func (l *recordLog) put(i int, r Record) {
	if i < l.base {
		return
	}
	c, k := (i-l.base)/recordChunk, (i-l.base)%recordChunk
	if c == len(l.chunks) {
		l.chunks = append(l.chunks, make([]Record, 0, recordChunk))
	}
	if k < len(l.chunks[c]) {
		l.chunks[c][k] = r
		return
	}
	l.chunks[c] = append(l.chunks[c], r)
}

// truncate drops the records from n on. A fork from before the kept
// window drops them all and starts the window at n, so the new timeline's
// records, which are numbered from n, are kept rather than taken for old
// ones.
func (l *recordLog) truncate(n int) {
	if n >= l.end() {
		return
	}
	if n <= l.base {
		l.chunks = nil
		l.base = n
		return
	}
	c, k := (n-l.base)/recordChunk, (n-l.base)%recordChunk
	if k == 0 {
		l.chunks = l.chunks[:c]
		return
	}
	l.chunks = l.chunks[:c+1]
	l.chunks[c] = l.chunks[c][:k]
}

// slice returns records lo..hi-1 that are held (those before base are
// gone). Within one chunk it shares the chunk's memory; across chunks it
// copies.
func (l *recordLog) slice(lo, hi int) []Record {
	lo, hi = max(lo, l.base), min(hi, l.end())
	if lo >= hi {
		return nil
	}
	c, k := (lo-l.base)/recordChunk, (lo-l.base)%recordChunk
	if k+hi-lo <= len(l.chunks[c]) {
		return l.chunks[c][k : k+hi-lo : k+hi-lo]
	}
	out := make([]Record, 0, hi-lo)
	for i := lo; i < hi; {
		c, k := (i-l.base)/recordChunk, (i-l.base)%recordChunk
		n := min(len(l.chunks[c])-k, hi-i)
		out = append(out, l.chunks[c][k:k+n]...)
		i += n
	}
	return out
}

// dropBefore drops the whole chunks whose records all happened before t,
// keeping at least the last chunk.
func (l *recordLog) dropBefore(t Time) {
	for len(l.chunks) > 1 && l.chunks[0][recordChunk-1].At < t {
		l.chunks[0] = nil
		l.chunks = l.chunks[1:]
		l.base += recordChunk
	}
}
