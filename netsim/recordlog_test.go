package netsim

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRecordLog(t *testing.T) {
	var l recordLog
	n := 3*recordChunk + 10
	for i := 0; i < n; i++ {
		l.put(i, Record{Seq: i + 1, At: Time(i)})
	}
	assert.Equal(t, n, l.end())
	cases := []struct {
		name   string
		lo, hi int
		want   int
	}{
		{"inside one chunk", 5, 10, 5},
		{"across chunks", recordChunk - 2, 2*recordChunk + 3, recordChunk + 5},
		{"past the end", n - 3, n + 50, 3},
		{"empty", 7, 7, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := l.slice(tc.lo, tc.hi)
			assert.Len(t, got, tc.want)
			for i, r := range got {
				assert.Equal(t, tc.lo+i+1, r.Seq)
			}
		})
	}

	l.put(7, Record{Seq: 8, At: 7}) // a replay writes the same record again
	assert.Equal(t, n, l.end())
	l.truncate(recordChunk + 1)
	assert.Equal(t, recordChunk+1, l.end())
	l.put(recordChunk+1, Record{Seq: recordChunk + 2})
	assert.Equal(t, recordChunk+2, l.end())

	l.dropBefore(Time(recordChunk + 100))
	assert.Equal(t, recordChunk, l.base, "the first, older chunk is gone")
	assert.Len(t, l.slice(0, 10), 0)
	assert.Equal(t, recordChunk+1, l.slice(0, recordChunk+1)[0].Seq)
	l.put(3, Record{})
	assert.Equal(t, recordChunk+2, l.end(), "records before base are not stored again")
}
