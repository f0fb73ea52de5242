package check

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func put(client, key, value string, call, ret int64) Op {
	return Op{Client: client, Kind: OpPut, Key: key, Value: value, Call: call, Return: ret}
}

func get(client, key string, call, ret int64, read ...KV) Op {
	return Op{Client: client, Kind: OpGet, Key: key, Call: call, Return: ret, Read: read}
}

func unknown(op Op) Op {
	op.Outcome, op.Return = OutcomeUnknown, Infinity
	return op
}

func cas(client, key, from, to string, call, ret int64, succeeded bool, reads ...[]KV) Op {
	return Op{Client: client, Kind: OpTxn, Call: call, Return: ret, Succeeded: succeeded, TxnReads: reads,
		Txn: &Txn{If: []Compare{{Target: CompareValue, Key: key, Op: Equal, Value: from}},
			Then: []TxnOp{{Kind: OpPut, Key: key, Value: to}},
			Else: []TxnOp{{Kind: OpGet, Key: key}}}}
}

func TestLinearizable(t *testing.T) {
	tests := []struct {
		name    string
		history []Op
		ok      bool
	}{
		{"empty history", nil, true},
		{"read your write", []Op{put("c1", "x", "1", 0, 10), get("c1", "x", 20, 30, KV{"x", "1"})}, true},
		{"stale read after a completed write",
			[]Op{put("c1", "x", "1", 0, 10), put("c1", "x", "2", 20, 30), get("c2", "x", 40, 50, KV{"x", "1"})}, false},
		{"concurrent read may see either value",
			[]Op{put("c1", "x", "1", 0, 10), put("c1", "x", "2", 20, 60), get("c2", "x", 30, 40, KV{"x", "1"})}, true},
		{"read of a key never written is empty", []Op{get("c1", "x", 0, 10)}, true},
		{"read of a value never written", []Op{get("c1", "x", 0, 10, KV{"x", "9"})}, false},
		{"reads must not go back in time",
			[]Op{put("c1", "x", "1", 0, 100), get("c2", "x", 10, 20, KV{"x", "1"}), get("c3", "x", 30, 40)}, false},
		{"a timed-out write may take effect later",
			[]Op{unknown(put("c1", "x", "1", 0, 0)), get("c2", "x", 100, 110), get("c2", "x", 200, 210, KV{"x", "1"})}, true},
		{"a timed-out write may never take effect",
			[]Op{unknown(put("c1", "x", "1", 0, 0)), get("c2", "x", 100, 110)}, true},
		{"a timed-out write cannot take effect before its call",
			[]Op{get("c2", "x", 0, 10, KV{"x", "1"}), unknown(put("c1", "x", "1", 20, 0))}, false},
		{"a get with unknown outcome is ignored",
			[]Op{unknown(get("c2", "x", 0, 10, KV{"x", "nonsense"}))}, true},
		{"delete then read",
			[]Op{put("c1", "x", "1", 0, 10), {Client: "c1", Kind: OpDelete, Key: "x", Call: 20, Return: 30, Deleted: 1}, get("c2", "x", 40, 50)}, true},
		{"delete count must match",
			[]Op{put("c1", "x", "1", 0, 10), {Client: "c1", Kind: OpDelete, Key: "x", Call: 20, Return: 30, Deleted: 0}}, false},
		{"prefix read sees both keys",
			[]Op{put("c1", "a/1", "x", 0, 10), put("c1", "a/2", "y", 20, 30), put("c1", "b", "z", 20, 30),
				{Client: "c2", Kind: OpGet, Key: "a/", RangeEnd: "a0", Call: 40, Return: 50, Read: []KV{{"a/1", "x"}, {"a/2", "y"}}}}, true},
		{"prefix read missing a completed write",
			[]Op{put("c1", "a/1", "x", 0, 10), put("c1", "a/2", "y", 20, 30),
				{Client: "c2", Kind: OpGet, Key: "a/", RangeEnd: "a0", Call: 40, Return: 50, Read: []KV{{"a/1", "x"}}}}, false},
		{"compare-and-swap: one winner",
			[]Op{put("c1", "x", "0", 0, 10), cas("c1", "x", "0", "1", 20, 40, true), cas("c2", "x", "0", "2", 20, 40, false, []KV{{"x", "1"}})}, true},
		{"compare-and-swap: two winners is impossible",
			[]Op{put("c1", "x", "0", 0, 10), cas("c1", "x", "0", "1", 20, 40, true), cas("c2", "x", "0", "2", 20, 40, true)}, false},
		{"compare on a missing key fails, as in etcd",
			[]Op{cas("c1", "x", "", "1", 0, 10, true)}, false},
		{"version compare",
			[]Op{put("c1", "x", "a", 0, 10), put("c1", "x", "b", 20, 30),
				{Client: "c2", Kind: OpTxn, Call: 40, Return: 50, Succeeded: true,
					Txn: &Txn{If: []Compare{{Target: CompareVersion, Key: "x", Op: Equal, Version: 2}}, Then: []TxnOp{{Kind: OpDelete, Key: "x"}}}},
				get("c2", "x", 60, 70)}, true},
		{"create=0 means absent",
			[]Op{{Client: "c2", Kind: OpTxn, Call: 0, Return: 10, Succeeded: true,
				Txn: &Txn{If: []Compare{{Target: CompareAbsent, Key: "x"}}, Then: []TxnOp{{Kind: OpPut, Key: "x", Value: "1"}, {Kind: OpGet, Key: "x"}}}, TxnReads: [][]KV{{{"x", "1"}}}}}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Linearizable(tc.history)
			if tc.ok {
				assert.NoError(t, err)
				return
			}
			var le *LinearizabilityError
			require.ErrorAs(t, err, &le)
		})
	}
}

func TestLinearizableReportIsReadable(t *testing.T) {
	history := []Op{put("c1", "x", "1", 0, 10_000), put("c1", "x", "2", 20_000, 30_000), get("c2", "x", 1_040_000, 1_050_000, KV{"x", "1"}),
		put("c3", "other", "z", 0, 10)}
	err := Linearizable(history)
	var le *LinearizabilityError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, []string{"x"}, le.Keys, "the report names only the part of the history that fails")
	assert.Len(t, le.Ops, 3)
	assert.Contains(t, err.Error(), "[1.040000s, 1.050000s] c2 get x -> x=1")
	assert.Contains(t, err.Error(), "the longest explainable order: c1 put x=1 → c1 put x=2")
}

func TestPartitionByKeys(t *testing.T) {
	ops := []Op{
		put("c1", "a", "1", 0, 1),
		put("c1", "b", "1", 0, 1),
		put("c1", "p/1", "1", 0, 1),
		{Client: "c2", Kind: OpGet, Key: "p/", RangeEnd: "p0", Call: 2, Return: 3},
		cas("c1", "a", "1", "2", 4, 5, true),
		{Client: "c2", Kind: OpTxn, Call: 6, Return: 7, Succeeded: true, Txn: &Txn{If: []Compare{{Target: CompareValue, Key: "b", Value: "1"}}, Then: []TxnOp{{Kind: OpPut, Key: "c", Value: "1"}}}},
		put("c1", "c", "2", 8, 9),
	}
	ptrs := make([]*Op, len(ops))
	for i := range ops {
		ptrs[i] = &ops[i]
	}
	var sizes []int
	for _, part := range partitionByKeys(ptrs) {
		sizes = append(sizes, len(part))
	}
	assert.Equal(t, []int{2, 3, 2}, sizes, "a with its cas; b and c joined by the txn; the prefix with p/1")
}

func TestLinearizableRefusesBrokenInput(t *testing.T) {
	require.Error(t, Linearizable([]Op{{Client: "c1", Kind: OpTxn, Call: 0, Return: 1}}))
	require.Error(t, Linearizable([]Op{put("c1", "x", "1", 10, 5)}))
}

// TestLinearizableGivesUpDeterministically builds a history in which every
// operation overlaps every other and reads contradict each other, so no
// linearization exists but proving it means trying a great many orders. The
// search stops at its step budget and says so, the same way every time.
func TestLinearizableGivesUpDeterministically(t *testing.T) {
	var history []Op
	for i := 0; i < 14; i++ {
		key := string(rune('a' + i%3))
		history = append(history, put("c"+string(rune('a'+i)), key, "v"+string(rune('a'+i)), int64(i), 1000))
	}
	for i := 0; i < 6; i++ {
		history = append(history, Op{Client: "r", Kind: OpGet, Key: "a", RangeEnd: "\x00", Call: int64(i), Return: 1000,
			Read: []KV{{"a", "never"}, {"b", "written"}}})
	}
	err := Linearizable(history)
	var ie *InconclusiveError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, maxSearchSteps, ie.Steps)
	assert.Equal(t, err.Error(), Linearizable(history).Error(), "the same history gives the same answer")
}
