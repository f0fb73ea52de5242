package tracker

// inflight is one append message that has been sent but not acknowledged.
type inflight struct {
	index uint64 // index of the last entry in the message
	bytes uint64 // total size of the message's entries
}

// Inflights is the window of append messages in flight to one follower in
// StateReplicate. It is a ring buffer: sending adds at the tail, an
// acknowledgement frees from the head. When it is full the leader stops
// sending until the follower catches up, which is Raft's flow control.
type Inflights struct {
	// Invariant: 0 <= start < len(buffer) when len(buffer) > 0, and count <= size.
	start    int
	count    int
	bytes    uint64
	size     int    // the most messages allowed in flight
	maxBytes uint64 // the most bytes allowed in flight; 0 means no byte limit
	buffer   []inflight
}

// NewInflights returns a window of at most size messages and, if maxBytes is
// not 0, at most maxBytes bytes. The byte limit is soft: one message may take
// the total from below the limit to above it.
func NewInflights(size int, maxBytes uint64) *Inflights {
	if size <= 0 {
		panic("tracker: inflight window size must be positive")
	}
	return &Inflights{size: size, maxBytes: maxBytes}
}

// Clone returns a copy that shares no memory with in.
func (in *Inflights) Clone() *Inflights {
	c := *in
	c.buffer = append([]inflight(nil), in.buffer...)
	return &c
}

// Add records that an append ending at index, carrying bytes bytes of
// entries, was sent. Indexes must be added in increasing order; the caller
// checks Full first, and adding to a full window is a broken invariant.
func (in *Inflights) Add(index, bytes uint64) {
	if in.Full() {
		panic("tracker: adding to a full inflight window")
	}
	if in.count > 0 && index <= in.at(in.count-1).index {
		panic("tracker: inflight indexes must increase")
	}
	// The buffer grows on demand up to size, so a follower that never leaves
	// probe state costs no window memory.
	if in.count == len(in.buffer) {
		in.grow()
	}
	*in.at(in.count) = inflight{index: index, bytes: bytes}
	in.count++
	in.bytes += bytes
}

// at returns the i-th message from the head of the window.
func (in *Inflights) at(i int) *inflight {
	j := in.start + i
	if j >= len(in.buffer) {
		j -= len(in.buffer)
	}
	return &in.buffer[j]
}

// grow doubles the buffer (capped at size), unrolling the ring so the
// window starts at position 0 of the new buffer.
func (in *Inflights) grow() {
	n := max(1, 2*len(in.buffer))
	n = min(n, in.size)
	buf := make([]inflight, n)
	for i := range in.count {
		buf[i] = *in.at(i)
	}
	in.buffer = buf
	in.start = 0
}

// FreeLE frees every message whose last index is at most to: the follower
// has acknowledged everything up to to, so those appends are no longer in
// flight.
func (in *Inflights) FreeLE(to uint64) {
	for in.count > 0 {
		head := in.at(0)
		if head.index > to {
			break
		}
		in.bytes -= head.bytes
		in.count--
		in.start++
		if in.start == len(in.buffer) {
			in.start = 0
		}
	}
	if in.count == 0 {
		// Restarting at the front keeps the ring compact; it is not needed
		// for correctness.
		in.start = 0
	}
}

// Full reports whether no further append may be sent.
func (in *Inflights) Full() bool {
	return in.count == in.size || (in.maxBytes != 0 && in.bytes >= in.maxBytes)
}

// Count returns the number of messages in flight.
func (in *Inflights) Count() int { return in.count }

// Bytes returns the number of entry bytes in flight.
func (in *Inflights) Bytes() uint64 { return in.bytes }

// Reset empties the window, keeping its buffer.
func (in *Inflights) Reset() {
	in.start = 0
	in.count = 0
	in.bytes = 0
}
