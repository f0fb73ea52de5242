package netsim

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestViewIsPlainDeterministicData(t *testing.T) {
	w := play(t, DefaultConfig(), busyScenario(), 12*Time(Second))
	lead := mustLeader(t, w)
	v := w.View(lead)

	require.Len(t, v.Members, 5)
	for i, m := range v.Members {
		assert.Equal(t, uint64(i+1), m.ID, "members in ID order")
		assert.LessOrEqual(t, len(m.Log), ViewLogTail)
		if m.State == StateUp && len(m.Log) > 0 {
			assert.Equal(t, m.LastIndex, m.Log[len(m.Log)-1].Index, "the tail ends at the last index")
		}
	}
	assert.Equal(t, lead, v.Leader)
	lv := v.Members[lead-1]
	assert.Equal(t, "leader", lv.Role)
	assert.NotEmpty(t, lv.Progress, "a leader shows its followers' progress")
	for i := 1; i < len(v.Messages); i++ {
		assert.Less(t, v.Messages[i-1].ID, v.Messages[i].ID, "messages in ID order")
	}
	require.NotNil(t, v.KV)
	assert.Equal(t, lead, v.KV.Member)
	for i := 1; i < len(v.KV.Keys); i++ {
		assert.Less(t, v.KV.Keys[i-1].Key, v.KV.Keys[i].Key, "keys sorted")
	}
	names := []string{}
	for _, c := range v.Clients {
		names = append(names, c.Name)
	}
	assert.Equal(t, []string{"c1", "c2", "c3"}, names)

	b, err := json.Marshal(v)
	require.NoError(t, err)
	var back map[string]any
	require.NoError(t, json.Unmarshal(b, &back))
	for _, key := range []string{"nowUs", "leader", "term", "members", "messages", "clients", "kv", "events"} {
		assert.Contains(t, back, key)
	}
	again, _ := json.Marshal(w.View(lead))
	assert.Equal(t, string(b), string(again), "asking twice gives the same bytes")

	full, err := w.Member(lead)
	require.NoError(t, err)
	assert.Equal(t, int(full.LastIndex-full.FirstIndex+1), len(full.Log), "Member gives the whole log")

	feed := w.Feed(len(w.Events(0))-5, English)
	require.Len(t, feed, 5)
	for _, f := range feed {
		assert.NotEmpty(t, f.Text)
	}
}

func TestViewListsOnlyLinksThatDifferFromTheDefaults(t *testing.T) {
	w := newWorld(t, nil)
	v := w.View(0)
	assert.Empty(t, v.Links, "a fresh cluster has no special links")
	assert.NotNil(t, v.Links, "an empty list, not null, so the page need not check")
	assert.Equal(t, LinkView{LatencyMinUs: 5 * Millisecond, LatencyMaxUs: 15 * Millisecond}, v.LinkDefaults)

	// Set in an order different from the view's, to show the view sorts them.
	require.NoError(t, w.SetLink(4, 1, LinkSettings{LatencyMin: 200 * Millisecond, LatencyMax: 200 * Millisecond}))
	require.NoError(t, w.SetLink(1, 2, LinkSettings{LatencyMin: 5 * Millisecond, LatencyMax: 15 * Millisecond, DropPercent: 30}))
	require.NoError(t, w.SetLink(2, 1, LinkSettings{LatencyMin: 5 * Millisecond, LatencyMax: 15 * Millisecond, DuplicatePercent: 10, ReorderPercent: 5}))
	require.NoError(t, w.SetLink(1, 3, LinkSettings{LatencyMin: 5 * Millisecond, LatencyMax: 15 * Millisecond}), "set back to the defaults")

	v = w.View(0)
	want := []LinkView{
		{From: 1, To: 2, LatencyMinUs: 5 * Millisecond, LatencyMaxUs: 15 * Millisecond, DropPercent: 30},
		{From: 2, To: 1, LatencyMinUs: 5 * Millisecond, LatencyMaxUs: 15 * Millisecond, DuplicatePercent: 10, ReorderPercent: 5},
		{From: 4, To: 1, LatencyMinUs: 200 * Millisecond, LatencyMaxUs: 200 * Millisecond},
	}
	assert.Equal(t, want, v.Links, "per direction, by sender then receiver, only those off the defaults")

	b, err := json.Marshal(v.Links[0])
	require.NoError(t, err)
	assert.JSONEq(t, `{"from":1,"to":2,"latencyMinUs":5000,"latencyMaxUs":15000,"dropPercent":30,"duplicatePercent":0,"reorderPercent":0}`, string(b))

	require.NoError(t, w.ResetLink(1, 2))
	w.Heal()
	assert.Equal(t, want[1:], w.View(0).Links, "a reset link leaves the list; heal leaves link knobs alone")
}
