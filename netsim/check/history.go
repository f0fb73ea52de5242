package check

import (
	"fmt"
	"math"
	"strings"
)

// Infinity is the return time of an operation whose outcome is unknown: the
// client gave up (timed out, crashed) without learning whether the write took
// effect. Such an operation may linearize at any point after its call,
// including "never" (after every other operation, where nobody observes it).
const Infinity int64 = math.MaxInt64

// OpKind is the kind of a client operation.
type OpKind int

// The operations the linearizability model understands.
const (
	OpPut OpKind = iota
	OpGet
	OpDelete
	OpTxn
)

// Outcome is what the client learned about an operation.
type Outcome int

const (
	// OutcomeOK means the client got a successful reply.
	OutcomeOK Outcome = iota
	// OutcomeUnknown means the client got no reply (or an ambiguous one):
	// the operation may or may not have taken effect.
	OutcomeUnknown
)

// KV is one key with its value, as read by a get.
type KV struct {
	Key, Value string
}

// Op is one operation of a client history, with its call and return times in
// virtual microseconds. Keys are selected by Key alone, or by the range
// [Key, RangeEnd) when RangeEnd is set (a prefix read or delete); RangeEnd
// "\x00" means every key ≥ Key, as in etcd.
type Op struct {
	Client   string
	Kind     OpKind
	Key      string
	RangeEnd string
	Value    string // put: the value written
	Txn      *Txn   // txn: the transaction
	Call     int64
	Return   int64 // Infinity when Outcome is OutcomeUnknown
	Outcome  Outcome

	// Results, meaningful when Outcome is OutcomeOK.
	Read      []KV   // get: the keys read, in key order
	Deleted   int64  // delete: how many keys were deleted
	Succeeded bool   // txn: whether the comparisons held
	TxnReads  [][]KV // txn: what each get of the branch that ran read, in order
}

// Txn is a transaction: if every compare holds, Then runs, otherwise Else.
type Txn struct {
	If   []Compare
	Then []TxnOp
	Else []TxnOp
}

// CompareTarget is what a comparison looks at. The model tracks values and
// versions; create and mod revisions depend on writes outside the checked
// keys, so only "create=0"/"mod=0" (the key does not exist) can be checked.
type CompareTarget int

// The comparison targets.
const (
	CompareValue CompareTarget = iota
	CompareVersion
	CompareAbsent // create(key)=0 or mod(key)=0: the key does not exist
)

// CompareOp is a comparison operator.
type CompareOp int

// The comparison operators of etcd.
const (
	Equal CompareOp = iota
	NotEqual
	Less
	Greater
)

// Compare is one condition of a txn, on one key.
type Compare struct {
	Target  CompareTarget
	Key     string
	Op      CompareOp
	Value   string // CompareValue
	Version int64  // CompareVersion
}

// TxnOp is one operation of a txn branch.
type TxnOp struct {
	Kind     OpKind // OpPut, OpGet or OpDelete
	Key      string
	RangeEnd string
	Value    string
}

// String describes the operation for failure reports: `c1 put foo=bar`, `c2 get foo -> bar`.
func (op Op) String() string {
	var b strings.Builder
	b.WriteString(op.Client + " ")
	switch op.Kind {
	case OpPut:
		fmt.Fprintf(&b, "put %s=%s", op.Key, op.Value)
	case OpGet:
		fmt.Fprintf(&b, "get %s", describeRange(op.Key, op.RangeEnd))
		if op.Outcome == OutcomeOK {
			fmt.Fprintf(&b, " -> %s", describeKVs(op.Read))
		}
	case OpDelete:
		fmt.Fprintf(&b, "delete %s", describeRange(op.Key, op.RangeEnd))
		if op.Outcome == OutcomeOK {
			fmt.Fprintf(&b, " -> deleted %d", op.Deleted)
		}
	case OpTxn:
		b.WriteString("txn " + op.Txn.String())
		if op.Outcome == OutcomeOK {
			branch := "then"
			if !op.Succeeded {
				branch = "else"
			}
			fmt.Fprintf(&b, " -> %s", branch)
			for _, r := range op.TxnReads {
				b.WriteString(" " + describeKVs(r))
			}
		}
	}
	if op.Outcome == OutcomeUnknown {
		b.WriteString(" (outcome unknown)")
	}
	return b.String()
}

// String describes the transaction as `if value(a)=1 then put a=2 else get a`.
func (t *Txn) String() string {
	var parts []string
	for _, c := range t.If {
		parts = append(parts, c.String())
	}
	s := "if " + strings.Join(parts, " && ")
	s += " then " + describeTxnOps(t.Then)
	if len(t.Else) > 0 {
		s += " else " + describeTxnOps(t.Else)
	}
	return s
}

var compareOpText = []string{"=", "!=", "<", ">"}

// String describes the comparison as `value(a)=1`.
func (c Compare) String() string {
	switch c.Target {
	case CompareValue:
		return fmt.Sprintf("value(%s)%s%s", c.Key, compareOpText[c.Op], c.Value)
	case CompareVersion:
		return fmt.Sprintf("version(%s)%s%d", c.Key, compareOpText[c.Op], c.Version)
	default:
		return fmt.Sprintf("absent(%s)", c.Key)
	}
}

func describeTxnOps(ops []TxnOp) string {
	if len(ops) == 0 {
		return "nothing"
	}
	parts := make([]string, len(ops))
	for i, o := range ops {
		switch o.Kind {
		case OpPut:
			parts[i] = fmt.Sprintf("put %s=%s", o.Key, o.Value)
		case OpGet:
			parts[i] = "get " + describeRange(o.Key, o.RangeEnd)
		default:
			parts[i] = "delete " + describeRange(o.Key, o.RangeEnd)
		}
	}
	return strings.Join(parts, "; ")
}

func describeRange(key, end string) string {
	switch end {
	case "":
		return key
	case "\x00":
		return key + ".."
	}
	return "[" + key + ", " + end + ")"
}

func describeKVs(kvs []KV) string {
	if len(kvs) == 0 {
		return "(nothing)"
	}
	parts := make([]string, len(kvs))
	for i, kv := range kvs {
		parts[i] = kv.Key + "=" + kv.Value
	}
	return strings.Join(parts, ",")
}

// inRange reports whether key is selected by [start, end) in etcd's sense.
func inRange(key, start, end string) bool {
	switch end {
	case "":
		return key == start
	case "\x00":
		return key >= start
	}
	return key >= start && key < end
}
