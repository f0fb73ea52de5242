package kvstate

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestChangesListsTheKeptHistory(t *testing.T) {
	r := newReplica(t)
	r.put("a", "1") // 2
	r.put("b", "1") // 3
	r.put("a", "2") // 4
	r.del("b", "")  // 5
	collect := func(from int64) []string {
		out := []string{}
		r.s.Changes(from, func(ev Event) bool {
			out = append(out, eventSummary(ev))
			return true
		})
		return out
	}
	assert.Equal(t, []string{"PUT a=1@2", "PUT b=1@3", "PUT a=2@4", "DELETE b@5"}, collect(0))
	assert.Equal(t, []string{"PUT a=2@4", "DELETE b@5"}, collect(4))
	r.compact(5)
	assert.Equal(t, []string{"PUT a=2@4"}, collect(0), "compaction keeps only what reads can see")

	n := 0
	r.s.Changes(0, func(Event) bool { n++; return false })
	assert.Equal(t, 1, n, "Changes stops when fn returns false")
}
