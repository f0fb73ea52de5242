package check

import (
	"hash/fnv"
	"sort"
	"strconv"
	"strings"

	"github.com/anishathalye/porcupine"
)

// entry is one key of the model's store.
type entry struct {
	key, value string
	version    int64 // puts since the key was created, as etcd counts them
}

// kvState is the model's store: entries sorted by key. It is never modified
// in place, because porcupine keeps old states to backtrack to.
type kvState []entry

func (s kvState) find(key string) (int, bool) {
	i := sort.Search(len(s), func(i int) bool { return s[i].key >= key })
	return i, i < len(s) && s[i].key == key
}

func (s kvState) put(key, value string) kvState {
	i, ok := s.find(key)
	out := make(kvState, 0, len(s)+1)
	out = append(out, s[:i]...)
	if ok {
		out = append(out, entry{key: key, value: value, version: s[i].version + 1})
		return append(out, s[i+1:]...)
	}
	out = append(out, entry{key: key, value: value, version: 1})
	return append(out, s[i:]...)
}

// deleteRange removes the keys in the range and says how many there were.
func (s kvState) deleteRange(start, end string) (kvState, int64) {
	out := make(kvState, 0, len(s))
	for _, e := range s {
		if !inRange(e.key, start, end) {
			out = append(out, e)
		}
	}
	return out, int64(len(s) - len(out))
}

func (s kvState) read(start, end string) []KV {
	var out []KV
	for _, e := range s {
		if inRange(e.key, start, end) {
			out = append(out, KV{Key: e.key, Value: e.value})
		}
	}
	return out
}

func (s kvState) holds(c Compare) bool {
	i, ok := s.find(c.Key)
	switch c.Target {
	case CompareAbsent:
		return !ok
	case CompareValue:
		// As in etcd, a value comparison on a missing key fails whatever the operator.
		if !ok {
			return false
		}
		return compareStrings(s[i].value, c.Value, c.Op)
	default:
		var version int64
		if ok {
			version = s[i].version
		}
		return compareInts(version, c.Version, c.Op)
	}
}

func compareStrings(a, b string, op CompareOp) bool {
	return compareInts(int64(strings.Compare(a, b)), 0, op)
}

func compareInts(a, b int64, op CompareOp) bool {
	switch op {
	case Equal:
		return a == b
	case NotEqual:
		return a != b
	case Less:
		return a < b
	default:
		return a > b
	}
}

// apply runs op against the state and returns the new state and whether the
// results the client saw are possible. An operation with an unknown outcome
// constrains nothing but still changes the state if it is linearized.
func (s kvState) apply(op *Op) (kvState, bool) {
	known := op.Outcome == OutcomeOK
	switch op.Kind {
	case OpPut:
		return s.put(op.Key, op.Value), true
	case OpGet:
		return s, !known || sameKVs(s.read(op.Key, op.RangeEnd), op.Read)
	case OpDelete:
		next, n := s.deleteRange(op.Key, op.RangeEnd)
		return next, !known || n == op.Deleted
	default:
		succeeded := true
		for _, c := range op.Txn.If {
			succeeded = succeeded && s.holds(c)
		}
		branch := op.Txn.Then
		if !succeeded {
			branch = op.Txn.Else
		}
		next := s
		var reads [][]KV
		for _, o := range branch {
			switch o.Kind {
			case OpPut:
				next = next.put(o.Key, o.Value)
			case OpDelete:
				next, _ = next.deleteRange(o.Key, o.RangeEnd)
			case OpGet:
				reads = append(reads, next.read(o.Key, o.RangeEnd))
			}
		}
		if !known {
			return next, true
		}
		if succeeded != op.Succeeded || len(reads) != len(op.TxnReads) {
			return next, false
		}
		for i := range reads {
			if !sameKVs(reads[i], op.TxnReads[i]) {
				return next, false
			}
		}
		return next, true
	}
}

func sameKVs(a, b []KV) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// String renders the state for failure reports: {k=v (version 2), …}.
func (s kvState) String() string {
	parts := make([]string, len(s))
	for i, e := range s {
		parts[i] = e.key + "=" + e.value + " (version " + strconv.FormatInt(e.version, 10) + ")"
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// kvModel is the sequential specification of the store for porcupine. Input
// and output of every porcupine operation are the same *Op: the request and
// what the client saw.
var kvModel = porcupine.Model{
	Init: func() interface{} { return kvState(nil) },
	Step: func(state, input, output interface{}) (bool, interface{}) {
		next, ok := state.(kvState).apply(input.(*Op))
		return ok, next
	},
	Equal: func(a, b interface{}) bool {
		x, y := a.(kvState), b.(kvState)
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if x[i] != y[i] {
				return false
			}
		}
		return true
	},
	Hash: func(state interface{}) uint64 {
		h := fnv.New64a()
		for _, e := range state.(kvState) {
			h.Write([]byte(e.key))
			h.Write([]byte{0})
			h.Write([]byte(e.value))
			h.Write([]byte{0, byte(e.version)})
		}
		return h.Sum64()
	},
	DescribeOperation: func(input, output interface{}) string { return input.(*Op).String() },
	DescribeState:     func(state interface{}) string { return state.(kvState).String() },
}
