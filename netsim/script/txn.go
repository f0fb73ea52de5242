package script

import (
	"fmt"
	"strconv"
	"strings"
)

// CompareTarget is what a txn comparison looks at.
type CompareTarget string

// The comparison targets of etcd's Compare.
const (
	CompareValue   CompareTarget = "value"
	CompareVersion CompareTarget = "version"
	CompareCreate  CompareTarget = "create"
	CompareMod     CompareTarget = "mod"
)

// Compare is one condition of a txn, such as value(foo)=bar or version(foo)>0.
// A value comparison uses Text; version, create and mod use Number. As in
// etcd, the operators are =, !=, < and >.
type Compare struct {
	Target CompareTarget
	Key    string
	Cmp    Cmp
	Text   string
	Number int64
}

// Format renders the comparison as `value(foo)=bar`.
func (c Compare) Format() string {
	rhs := strconv.FormatInt(c.Number, 10)
	if c.Target == CompareValue {
		rhs = c.Text
	}
	return string(c.Target) + "(" + c.Key + ")" + string(c.Cmp) + rhs
}

// TxnOpKind is the kind of an operation inside a txn.
type TxnOpKind string

// The operations a txn branch may run.
const (
	TxnPut    TxnOpKind = "put"
	TxnDelete TxnOpKind = "delete"
	TxnGet    TxnOpKind = "get"
)

// TxnOp is one operation of a txn branch: `put foo bar`, `delete foo [prefix]`, `get foo [prefix]`.
type TxnOp struct {
	Kind   TxnOpKind
	Key    string
	Value  string // put only
	Prefix bool   // delete and get only
}

// Format renders the operation as it is written inside then="…".
func (o TxnOp) Format() string {
	s := string(o.Kind) + " " + o.Key
	if o.Kind == TxnPut {
		s += " " + o.Value
	}
	if o.Prefix {
		s += " prefix"
	}
	return s
}

// compareSeparator joins the conditions of `if`; all of them must hold.
const compareSeparator = " && "

// txnOpSeparator joins the operations of a branch.
const txnOpSeparator = "; "

func formatCompares(cs []Compare) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.Format()
	}
	return strings.Join(parts, compareSeparator)
}

func formatTxnOps(ops []TxnOp) string {
	parts := make([]string, len(ops))
	for i, o := range ops {
		parts[i] = o.Format()
	}
	return strings.Join(parts, txnOpSeparator)
}

// quoteAlways puts text in double quotes, escaping `"` and `\`.
func quoteAlways(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// parseCompares reads `value(foo)=bar && version(x)>0`. Inside the condition
// text keys and values are bare words: they cannot contain spaces, `(`, `)`,
// comparison operators or `&&`.
func parseCompares(s string) ([]Compare, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf(`if="" has no conditions; leave if out to always run then`)
	}
	var out []Compare
	for _, part := range strings.Split(s, "&&") {
		c, err := parseCompare(strings.TrimSpace(part))
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func parseCompare(s string) (Compare, error) {
	open := strings.Index(s, "(")
	closeAt := strings.Index(s, ")")
	if open < 0 || closeAt < open {
		return Compare{}, fmt.Errorf("condition %q should look like value(key)=text, version(key)>0, create(key)=0 or mod(key)<5", s)
	}
	target := CompareTarget(s[:open])
	switch target {
	case CompareValue, CompareVersion, CompareCreate, CompareMod:
	default:
		return Compare{}, fmt.Errorf("condition %q compares %q; expected value, version, create or mod", s, s[:open])
	}
	key := s[open+1 : closeAt]
	if key == "" || strings.ContainsAny(key, " ()") {
		return Compare{}, fmt.Errorf("condition %q needs a key without spaces or parentheses between ( and )", s)
	}
	rest := s[closeAt+1:]
	var cmp Cmp
	for _, op := range []Cmp{CmpNe, CmpEq, CmpLt, CmpGt} {
		if strings.HasPrefix(rest, string(op)) {
			cmp = op
			break
		}
	}
	if cmp == "" || strings.HasPrefix(rest, "<=") || strings.HasPrefix(rest, ">=") {
		return Compare{}, fmt.Errorf("condition %q needs one of = != < > after ) (etcd compares have no <= or >=)", s)
	}
	rhs := rest[len(cmp):]
	c := Compare{Target: target, Key: key, Cmp: cmp}
	switch target {
	case CompareValue:
		if strings.ContainsAny(rhs, " ()=<>!&;") {
			return Compare{}, fmt.Errorf("condition %q: the text to compare with cannot contain spaces, parentheses, operators, & or ;", s)
		}
		c.Text = rhs
	default:
		n, err := strconv.ParseInt(rhs, 10, 64)
		if err != nil || n < 0 {
			return Compare{}, fmt.Errorf("condition %q: %s compares with a whole number ≥ 0, not %q", s, target, rhs)
		}
		c.Number = n
	}
	return c, nil
}

// parseTxnOps reads `put foo baz; delete bar prefix; get foo`.
func parseTxnOps(name, s string) ([]TxnOp, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf(`%s="" has no operations; leave %s out instead`, name, name)
	}
	var out []TxnOp
	for _, part := range strings.Split(s, ";") {
		fields := strings.Fields(part)
		if len(fields) == 0 {
			return nil, fmt.Errorf("%s=%q has an empty operation between ;", name, s)
		}
		op := TxnOp{Kind: TxnOpKind(fields[0])}
		args := fields[1:]
		switch op.Kind {
		case TxnPut:
			if len(args) != 2 {
				return nil, fmt.Errorf("%s: %q should be put KEY VALUE", name, strings.TrimSpace(part))
			}
			op.Key, op.Value = args[0], args[1]
		case TxnDelete, TxnGet:
			if len(args) == 2 && args[1] == "prefix" {
				op.Prefix = true
				args = args[:1]
			}
			if len(args) != 1 {
				return nil, fmt.Errorf("%s: %q should be %s KEY [prefix]", name, strings.TrimSpace(part), op.Kind)
			}
			op.Key = args[0]
		default:
			return nil, fmt.Errorf("%s: unknown operation %q; a txn can put, delete or get", name, fields[0])
		}
		if strings.ContainsAny(op.Key+op.Value, "\"") {
			return nil, fmt.Errorf("%s: keys and values inside a txn cannot contain \"", name)
		}
		out = append(out, op)
	}
	return out, nil
}
