package tracker

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// indexes lists the last indexes of the messages in flight, head first.
func (in *Inflights) indexes() []uint64 {
	var out []uint64
	for i := range in.count {
		out = append(out, in.at(i).index)
	}
	return out
}

func TestInflightsAddUntilFull(t *testing.T) {
	in := NewInflights(3, 0)
	for i := uint64(1); i <= 3; i++ {
		require.False(t, in.Full())
		in.Add(i*10, 1)
	}
	assert.True(t, in.Full())
	assert.Equal(t, 3, in.Count())
	assert.Equal(t, uint64(3), in.Bytes())
	assert.Equal(t, []uint64{10, 20, 30}, in.indexes())
	assert.Panics(t, func() { in.Add(40, 1) }, "adding to a full window is a broken invariant")
}

func TestInflightsFreeLE(t *testing.T) {
	tests := []struct {
		name      string
		freeTo    uint64
		wantLeft  []uint64
		wantBytes uint64
	}{
		{"below the window frees nothing", 5, []uint64{10, 20, 30, 40}, 100},
		{"exactly the head", 10, []uint64{20, 30, 40}, 90},
		{"between two messages", 25, []uint64{30, 40}, 70},
		{"everything", 40, nil, 0},
		{"beyond the window", 1000, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := NewInflights(4, 0)
			for i := uint64(1); i <= 4; i++ {
				in.Add(i*10, i*10)
			}
			in.FreeLE(tt.freeTo)
			assert.Equal(t, tt.wantLeft, in.indexes())
			assert.Equal(t, len(tt.wantLeft), in.Count())
			assert.Equal(t, tt.wantBytes, in.Bytes())
		})
	}
}

// TestInflightsWrapsAround checks the ring buffer: after freeing from the
// head, new messages reuse the front of the buffer and keep their order.
func TestInflightsWrapsAround(t *testing.T) {
	in := NewInflights(4, 0)
	for i := uint64(1); i <= 4; i++ {
		in.Add(i, 0)
	}
	in.FreeLE(2)
	in.Add(5, 0)
	in.Add(6, 0)
	assert.True(t, in.Full())
	assert.Equal(t, []uint64{3, 4, 5, 6}, in.indexes())
	in.FreeLE(5)
	assert.Equal(t, []uint64{6}, in.indexes())
	in.Add(7, 0)
	assert.Equal(t, []uint64{6, 7}, in.indexes())
	assert.Len(t, in.buffer, 4, "the buffer never grows past the window size")
}

func TestInflightsByteLimit(t *testing.T) {
	in := NewInflights(10, 100)
	in.Add(1, 60)
	assert.False(t, in.Full())
	in.Add(2, 60) // the limit is soft: one message may overshoot it
	assert.True(t, in.Full())
	in.FreeLE(1)
	assert.False(t, in.Full())
	assert.Equal(t, uint64(60), in.Bytes())
}

func TestInflightsOrderAndReset(t *testing.T) {
	in := NewInflights(4, 0)
	in.Add(5, 0)
	assert.Panics(t, func() { in.Add(5, 0) }, "indexes must increase")
	in.Reset()
	assert.Zero(t, in.Count())
	in.Add(1, 0) // after a reset, lower indexes are fine again
	assert.Equal(t, []uint64{1}, in.indexes())
	assert.Panics(t, func() { NewInflights(0, 0) })
}

func TestInflightsClone(t *testing.T) {
	in := NewInflights(4, 0)
	in.Add(1, 1)
	c := in.Clone()
	c.Add(2, 1)
	assert.Equal(t, []uint64{1}, in.indexes())
	assert.Equal(t, []uint64{1, 2}, c.indexes())
}
