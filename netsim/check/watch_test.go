package check

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// storeHistory: rev 2 puts a, rev 3 is a txn that puts a and deletes b, rev 4 puts c (not watched by "a" watchers).
var storeHistory = []Event{
	{Rev: 2, Key: "a", Value: "1"},
	{Rev: 3, Key: "a", Value: "2"},
	{Rev: 3, Key: "b", Delete: true},
	{Rev: 4, Key: "c", Value: "x"},
	{Rev: 5, Key: "a", Value: "3"},
}

func ev(rev int64, key, value string) Event { return Event{Rev: rev, Key: key, Value: value} }

func TestWatches(t *testing.T) {
	all := Watch{Client: "c1", Key: "a", RangeEnd: "\x00", StartRev: 2}
	tests := []struct {
		name      string
		watch     Watch
		guarantee string // "" when the watch is fine
	}{
		{"everything in order", withResponses(all,
			[]Event{ev(2, "a", "1")}, []Event{ev(3, "a", "2"), {Rev: 3, Key: "b", Delete: true}}, []Event{ev(4, "c", "x"), ev(5, "a", "3")}), ""},
		{"a single-key watch sees only its key", withResponses(Watch{Client: "c1", Key: "a", StartRev: 2},
			[]Event{ev(2, "a", "1")}, []Event{ev(3, "a", "2")}, []Event{ev(5, "a", "3")}), ""},
		{"no events is fine", Watch{Client: "c1", Key: "a"}, ""},
		{"a watch without a start revision is checked from its first event", withResponses(Watch{Client: "c1", Key: "a"},
			[]Event{ev(3, "a", "2")}, []Event{ev(5, "a", "3")}), ""},
		{"an event the store never made", withResponses(all, []Event{ev(2, "a", "wrong")}), "valid"},
		{"an event for a key not watched", withResponses(Watch{Client: "c1", Key: "a"}, []Event{ev(4, "c", "x")}), "valid"},
		{"out of order", withResponses(all, []Event{ev(3, "a", "2"), {Rev: 3, Key: "b", Delete: true}}, []Event{ev(2, "a", "1")}), "ordered"},
		{"out of order within a revision", withResponses(all, []Event{ev(2, "a", "1")}, []Event{{Rev: 3, Key: "b", Delete: true}, ev(3, "a", "2")}), "ordered"},
		{"duplicate", withResponses(all, []Event{ev(2, "a", "1")}, []Event{ev(2, "a", "1")}), "unique"},
		{"a gap", withResponses(all, []Event{ev(2, "a", "1")}, []Event{ev(4, "c", "x")}), "reliable"},
		{"a missing first event", withResponses(all, []Event{ev(3, "a", "2"), {Rev: 3, Key: "b", Delete: true}}), "reliable"},
		{"a created watch misses the next change", withResponses(Watch{Client: "c1", Key: "a", CreatedRev: 2}, []Event{ev(5, "a", "3")}), "reliable"},
		{"a revision split across responses", withResponses(all, []Event{ev(2, "a", "1"), ev(3, "a", "2")}, []Event{{Rev: 3, Key: "b", Delete: true}}), "atomic"},
		{"half a revision", withResponses(all, []Event{ev(2, "a", "1"), ev(3, "a", "2")}), "atomic"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Watches(storeHistory, []Watch{tc.watch})
			if tc.guarantee == "" {
				assert.NoError(t, err)
				return
			}
			var we *WatchError
			require.ErrorAs(t, err, &we)
			assert.Equal(t, tc.guarantee, we.Guarantee, we.Error())
		})
	}
}

func withResponses(w Watch, responses ...[]Event) Watch {
	for _, r := range responses {
		w.Responses = append(w.Responses, WatchResponse{Events: r})
	}
	return w
}

func TestWatchErrorText(t *testing.T) {
	err := Watches(storeHistory, []Watch{withResponses(Watch{Client: "c2", Key: "a", RangeEnd: "\x00", StartRev: 2}, []Event{ev(2, "a", "1")}, []Event{ev(4, "c", "x")})})
	require.Error(t, err)
	assert.Equal(t, "c2's watch on a.. breaks the reliable guarantee: it never received rev 3 put a=2, although it received revision 4 and watches from revision 2", err.Error())
}

func TestObservedHistory(t *testing.T) {
	a := withResponses(Watch{Client: "c1", Key: "a", RangeEnd: "\x00"}, []Event{ev(2, "a", "1")}, []Event{ev(3, "a", "2"), {Rev: 3, Key: "b", Delete: true}})
	b := withResponses(Watch{Client: "c2", Key: "b"}, []Event{{Rev: 3, Key: "b", Delete: true}})
	history, err := ObservedHistory([]Watch{b, a})
	require.NoError(t, err)
	assert.Equal(t, []Event{ev(2, "a", "1"), {Rev: 3, Key: "b", Delete: true}, ev(3, "a", "2")}, history,
		"revision order; within a revision, first seen first")

	gap := withResponses(Watch{Client: "c3", Key: "a", RangeEnd: "\x00", StartRev: 2}, []Event{ev(2, "a", "1")}, []Event{ev(5, "a", "9")})
	history, err = ObservedHistory([]Watch{a, gap})
	require.NoError(t, err)
	var we *WatchError
	require.ErrorAs(t, Watches(history, []Watch{a, gap}), &we)
	assert.Equal(t, "reliable", we.Guarantee, "c3 missed revision 3, which c1 saw")

	liar := withResponses(Watch{Client: "c4", Key: "a"}, []Event{ev(2, "a", "other")})
	_, err = ObservedHistory([]Watch{a, liar})
	require.ErrorAs(t, err, &we)
	assert.Equal(t, "valid", we.Guarantee)
}
