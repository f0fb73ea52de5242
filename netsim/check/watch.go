package check

import (
	"fmt"
	"sort"
	"strings"
)

// Event is one change the store made: a put or a delete of one key at a
// revision. Events of one revision come from one request (a txn may make
// several) and keep the order the store made them in.
type Event struct {
	Rev    int64
	Key    string
	Delete bool
	Value  string // the value put; empty for a delete
}

// String renders the event as `rev 3 put a=1` or `rev 4 delete a`.
func (e Event) String() string {
	if e.Delete {
		return fmt.Sprintf("rev %d delete %s", e.Rev, e.Key)
	}
	return fmt.Sprintf("rev %d put %s=%s", e.Rev, e.Key, e.Value)
}

// WatchResponse is one batch of events a watcher received at once.
type WatchResponse struct {
	Events []Event
}

// Watch is one logical watch of a client: what it watches and every response
// it received, in receipt order. A client that re-creates its watch on
// another member after a crash (resuming after the last revision it saw)
// is still one logical watch.
type Watch struct {
	Client string
	// Key and RangeEnd select the watched keys as in etcd: RangeEnd "" is the
	// single key, "\x00" every key ≥ Key, otherwise [Key, RangeEnd).
	Key, RangeEnd string
	// StartRev is the revision the watch asked to start at, if known (0
	// otherwise).
	StartRev int64
	// CreatedRev is the store revision when the watch was created, if known
	// (0 otherwise): the watch must report every change after it.
	CreatedRev int64
	Responses  []WatchResponse
}

// String names the watch as `c1's watch on /svc/..`.
func (w Watch) String() string {
	return fmt.Sprintf("%s's watch on %s", w.Client, describeRange(w.Key, w.RangeEnd))
}

// WatchError is a broken watch guarantee.
type WatchError struct {
	Watch     string // which watch, e.g. "c1's watch on /svc/.."
	Guarantee string // ordered, unique, reliable, atomic or valid
	Msg       string
}

// Error names the watch, the broken guarantee and what happened.
func (e *WatchError) Error() string {
	return fmt.Sprintf("%s breaks the %s guarantee: %s", e.Watch, e.Guarantee, e.Msg)
}

// Watches checks the etcd watch guarantees for every watch against the
// store's own history (every event the store made, in revision order):
//
//   - valid: every event delivered is an event the store made;
//   - ordered: events arrive in revision order, and within a revision in the
//     store's order;
//   - unique: no event arrives twice;
//   - reliable: no event is missing between the first revision the watch
//     must report and the last revision it received;
//   - atomic: the events of one revision arrive in one response.
//
// It returns nil or the first *WatchError.
func Watches(store []Event, watches []Watch) error {
	byRev := map[int64][]Event{}
	for _, e := range store {
		byRev[e.Rev] = append(byRev[e.Rev], e)
	}
	for _, w := range watches {
		if err := checkWatch(byRev, store, w); err != nil {
			return err
		}
	}
	return nil
}

func checkWatch(byRev map[int64][]Event, store []Event, w Watch) error {
	fail := func(guarantee, format string, args ...any) error {
		return &WatchError{Watch: w.String(), Guarantee: guarantee, Msg: fmt.Sprintf(format, args...)}
	}
	type position struct{ response, index int }
	seen := map[Event]position{}
	responseOfRev := map[int64]int{}
	var last *Event
	lastStorePos := -1
	var delivered []Event
	for ri, resp := range w.Responses {
		for ei, e := range resp.Events {
			if !inRange(e.Key, w.Key, w.RangeEnd) {
				return fail("valid", "it received %s, a key it does not watch", e)
			}
			storePos := indexOf(byRev[e.Rev], e)
			if storePos < 0 {
				return fail("valid", "it received %s, which the store never made (the store made %s at that revision)", e, describeEvents(byRev[e.Rev]))
			}
			if first, dup := seen[e]; dup {
				return fail("unique", "it received %s twice (responses %d and %d)", e, first.response+1, ri+1)
			}
			seen[e] = position{ri, ei}
			if last != nil && (e.Rev < last.Rev || e.Rev == last.Rev && storePos < lastStorePos) {
				return fail("ordered", "it received %s after %s", e, *last)
			}
			if r, ok := responseOfRev[e.Rev]; ok && r != ri {
				return fail("atomic", "the events of revision %d were split across responses %d and %d", e.Rev, r+1, ri+1)
			}
			responseOfRev[e.Rev] = ri
			last, lastStorePos = &resp.Events[ei], storePos
			delivered = append(delivered, e)
		}
	}
	if last == nil {
		return nil
	}
	// The watch must report every matching change from its start revision,
	// or else from just after its creation; a watch whose start is unknown
	// is held to the span it did report. A watch created with an older start
	// revision reports earlier events too, which is why the creation bound
	// never lies above the first event delivered.
	from := w.StartRev
	if from == 0 && w.CreatedRev > 0 {
		from = min(w.CreatedRev+1, delivered[0].Rev)
	}
	if from == 0 {
		from = delivered[0].Rev
	}
	for _, e := range store {
		if e.Rev < from || e.Rev > last.Rev || !inRange(e.Key, w.Key, w.RangeEnd) {
			continue
		}
		if _, ok := seen[e]; !ok {
			guarantee := "reliable"
			if _, partly := responseOfRev[e.Rev]; partly {
				guarantee = "atomic"
			}
			return fail(guarantee, "it never received %s, although it received revision %d and watches from revision %d", e, last.Rev, from)
		}
	}
	return nil
}

func indexOf(events []Event, e Event) int {
	for i, x := range events {
		if x == e {
			return i
		}
	}
	return -1
}

func describeEvents(events []Event) string {
	if len(events) == 0 {
		return "nothing"
	}
	parts := make([]string, len(events))
	for i, e := range events {
		parts[i] = e.String()
	}
	return strings.Join(parts, ", ")
}

// ObservedHistory builds a store history from what the watches themselves
// received, for when the store's own history is not available: the union of
// every delivered event, in revision order, keeping the order events of one
// revision arrived in. Checking watches against it still finds broken order,
// duplicates, split revisions and one watch missing an event another watch
// of the same keys received; it cannot find an event that every watch
// missed. It refuses watches that disagree about what happened at a
// revision, naming both.
func ObservedHistory(watches []Watch) ([]Event, error) {
	type revKey struct {
		rev int64
		key string
	}
	seen := map[revKey]Event{}
	from := map[revKey]string{}
	var out []Event
	for _, w := range watches {
		for _, r := range w.Responses {
			for _, e := range r.Events {
				k := revKey{e.Rev, e.Key}
				if prev, ok := seen[k]; ok {
					if prev != e {
						return nil, &WatchError{Watch: w.String(), Guarantee: "valid",
							Msg: fmt.Sprintf("it received %s, but %s received %s", e, from[k], prev)}
					}
					continue
				}
				seen[k] = e
				from[k] = w.String()
				out = append(out, e)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Rev < out[j].Rev })
	return out, nil
}
