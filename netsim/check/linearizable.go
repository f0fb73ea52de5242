package check

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/anishathalye/porcupine"
)

// Linearizable checks that the history could have come from one copy of the
// store, each operation taking effect at one instant between its call and
// its return. It returns nil, a *LinearizabilityError, or an
// *InconclusiveError when the search was too large to finish.
//
// The history must contain every write to the keys it reads: a key also
// written by something outside it (a lease expiry, a lock recipe) would make
// correct reads look wrong. Gets with an unknown outcome are left out, since
// nobody learned anything from them. Serializable reads do not belong in the
// history at all: etcd serves them from the local store of whichever member
// the client reaches, without asking the leader, so a partitioned follower
// legitimately returns stale data and that is not a violation.
//
// The check runs per independent part of the history: operations that touch
// disjoint sets of keys are linearizable together exactly when each part is,
// which keeps porcupine's search small.
func Linearizable(history []Op) error {
	var ops []*Op
	for i := range history {
		op := &history[i]
		if op.Kind == OpGet && op.Outcome == OutcomeUnknown {
			continue
		}
		if op.Kind == OpTxn && op.Txn == nil {
			return fmt.Errorf("operation %d (%s) is a txn without its transaction", i, op.Client)
		}
		if op.Outcome == OutcomeOK && op.Return < op.Call {
			return fmt.Errorf("operation %d (%s) returns at %d before its call at %d", i, op, op.Return, op.Call)
		}
		ops = append(ops, op)
	}
	// A violation found in one part outweighs a part the search could not
	// finish, so every part is checked before an inconclusive result is
	// reported.
	var inconclusive error
	for _, part := range partitionByKeys(ops) {
		err := checkPart(part)
		var ie *InconclusiveError
		switch {
		case errors.As(err, &ie):
			if inconclusive == nil {
				inconclusive = err
			}
		case err != nil:
			return err
		}
	}
	return inconclusive
}

// LinearizabilityError describes a part of the history that no order of its
// operations explains.
type LinearizabilityError struct {
	// Keys are the keys the failing part of the history touches.
	Keys []string
	// Ops are the operations of that part, by call time.
	Ops []Op
	// Longest is the longest order of operations the checker could explain;
	// no remaining operation can come next.
	Longest []Op
}

// Error renders the failing part of the history with call and return times.
func (e *LinearizabilityError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "history is not linearizable (keys %s): no order of these operations is consistent with one store\n", strings.Join(e.Keys, ", "))
	b.WriteString("operations, by call time [call, return]:\n")
	for _, op := range e.Ops {
		fmt.Fprintf(&b, "  [%s, %s] %s\n", formatMicros(op.Call), formatMicros(op.Return), op)
	}
	parts := make([]string, len(e.Longest))
	for i, op := range e.Longest {
		parts[i] = op.String()
	}
	fmt.Fprintf(&b, "the longest explainable order: %s; after it no remaining operation can take effect", strings.Join(parts, " → "))
	return b.String()
}

// formatMicros renders virtual microseconds as seconds with six decimals, as the trace does.
func formatMicros(us int64) string {
	if us == Infinity {
		return "never"
	}
	return fmt.Sprintf("%d.%06ds", us/1_000_000, us%1_000_000)
}

// maxSearchSteps bounds the model steps the search may take for one part
// of a history. Linearizability checking is NP-complete, and a history in
// which many operations overlap (a long outage with every client waiting)
// can need more steps than any test can afford. Counting steps rather than
// wall time keeps the outcome deterministic: the same history always gives
// the same answer.
const maxSearchSteps = 250_000

// InconclusiveError says that the search for a linearization of a part of
// the history gave up before it found one or proved there is none. It is
// not evidence of a violation.
type InconclusiveError struct {
	Keys  []string
	Ops   int
	Steps int
}

// Error says which keys the search gave up on and after how many steps.
func (e *InconclusiveError) Error() string {
	return fmt.Sprintf("linearizability inconclusive for keys %s: %d overlapping operations, search stopped after %d steps", strings.Join(e.Keys, ", "), e.Ops, e.Steps)
}

func checkPart(ops []*Op) error {
	history := make([]porcupine.Operation, len(ops))
	clients := map[string]int{}
	for i, op := range ops {
		id, ok := clients[op.Client]
		if !ok {
			id = len(clients)
			clients[op.Client] = id
		}
		ret := op.Return
		if op.Outcome == OutcomeUnknown {
			ret = Infinity
		}
		history[i] = porcupine.Operation{ClientId: id, Input: op, Call: op.Call, Output: op, Return: ret}
	}
	// Once the budget is spent every step fails, which ends the search at
	// once; the exhausted flag then tells that result apart from a real one.
	steps, exhausted := 0, false
	model := kvModel
	model.Step = func(state, input, output interface{}) (bool, interface{}) {
		steps++
		if steps > maxSearchSteps {
			exhausted = true
			return false, state
		}
		return kvModel.Step(state, input, output)
	}
	result, info := porcupine.CheckOperationsVerbose(model, history, 0)
	if exhausted {
		return &InconclusiveError{Keys: footprintKeys(ops), Ops: len(ops), Steps: maxSearchSteps}
	}
	if result == porcupine.Ok {
		return nil
	}
	e := &LinearizabilityError{Keys: footprintKeys(ops)}
	sorted := append([]*Op(nil), ops...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Call < sorted[j].Call })
	for _, op := range sorted {
		e.Ops = append(e.Ops, *op)
	}
	for _, partials := range info.PartialLinearizations() {
		for _, order := range partials {
			if len(order) > len(e.Longest) {
				e.Longest = e.Longest[:0]
				for _, idx := range order {
					e.Longest = append(e.Longest, *ops[idx])
				}
			}
		}
	}
	return e
}

// opKeys lists the single keys an operation names and the ranges it covers.
func opKeys(op *Op) (keys []string, ranges [][2]string) {
	add := func(kind OpKind, key, end string) {
		if end == "" || kind == OpPut {
			keys = append(keys, key)
		} else {
			ranges = append(ranges, [2]string{key, end})
		}
	}
	if op.Kind == OpTxn {
		for _, c := range op.Txn.If {
			keys = append(keys, c.Key)
		}
		for _, o := range append(append([]TxnOp(nil), op.Txn.Then...), op.Txn.Else...) {
			add(o.Kind, o.Key, o.RangeEnd)
		}
		for _, r := range op.TxnReads {
			for _, kv := range r {
				keys = append(keys, kv.Key)
			}
		}
		return keys, ranges
	}
	add(op.Kind, op.Key, op.RangeEnd)
	for _, kv := range op.Read {
		keys = append(keys, kv.Key)
	}
	return keys, ranges
}

// partitionByKeys splits the operations into groups that share no key. A
// range operation joins the group of every key in its range that any
// operation names; keys nobody names cannot exist (every write is in the
// history), so they need no group.
func partitionByKeys(ops []*Op) [][]*Op {
	parent := make([]int, len(ops))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	union := func(a, b int) { parent[find(a)] = find(b) }

	owner := map[string]int{} // key → an operation that names it
	allRanges := make([][][2]string, len(ops))
	for i, op := range ops {
		keys, ranges := opKeys(op)
		allRanges[i] = ranges
		for _, k := range keys {
			if j, ok := owner[k]; ok {
				union(i, j)
			} else {
				owner[k] = i
			}
		}
	}
	universe := make([]string, 0, len(owner))
	for k := range owner {
		universe = append(universe, k)
	}
	sort.Strings(universe)
	for i, ranges := range allRanges {
		for _, r := range ranges {
			for _, k := range universe {
				if inRange(k, r[0], r[1]) {
					union(i, owner[k])
				}
			}
			for j := range allRanges[:i] {
				for _, r2 := range allRanges[j] {
					if rangesOverlap(r, r2) {
						union(i, j)
					}
				}
			}
		}
	}
	groups := map[int][]*Op{}
	var roots []int
	for i, op := range ops {
		root := find(i)
		if _, ok := groups[root]; !ok {
			roots = append(roots, root)
		}
		groups[root] = append(groups[root], op)
	}
	out := make([][]*Op, len(roots))
	for i, r := range roots {
		out[i] = groups[r]
	}
	return out
}

func rangesOverlap(a, b [2]string) bool {
	aEnd, bEnd := a[1], b[1]
	// "\x00" means no upper bound.
	aBelowB := aEnd != "\x00" && aEnd <= b[0]
	bBelowA := bEnd != "\x00" && bEnd <= a[0]
	return !aBelowB && !bBelowA
}

func footprintKeys(ops []*Op) []string {
	set := map[string]bool{}
	for _, op := range ops {
		keys, ranges := opKeys(op)
		for _, k := range keys {
			set[k] = true
		}
		for _, r := range ranges {
			set[describeRange(r[0], r[1])] = true
		}
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
