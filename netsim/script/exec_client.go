package script

import (
	"github.com/raft-playground/playground/kvstate"
	"github.com/raft-playground/playground/netsim"
)

// executeClient starts a client operation. Operations complete as the world
// runs; `expect reply` looks at the outcome.
func (s *Session) executeClient(cmd Command) (string, bool, error) {
	w := s.world
	var err error
	switch c := cmd.(type) {
	case *Put:
		_, err = w.Put(c.Client, c.Key, c.Value, c.Lease)
	case *Get:
		opts := netsim.GetOptions{Key: c.Key, Prefix: c.Prefix, Rev: c.Rev, Serializable: c.Serializable}
		if c.At != nil {
			if opts.At, err = s.resolve(*c.At); err != nil {
				return "", true, err
			}
		}
		_, err = w.Get(c.Client, opts)
	case *Delete:
		_, err = w.Delete(c.Client, c.Key, c.Prefix)
	case *Txn:
		_, err = w.Txn(c.Client, txnRequest(c))
	case *LeaseGrant:
		_, err = w.LeaseGrant(c.Client, c.Lease, c.TTL)
	case *LeaseKeepAlive:
		_, err = w.LeaseKeepAlive(c.Client, c.Lease, c.Once)
	case *LeaseRevoke:
		_, err = w.LeaseRevoke(c.Client, c.Lease)
	case *Lock:
		_, err = w.Lock(c.Client, c.Name, c.TTL)
	case *Unlock:
		_, err = w.Unlock(c.Client, c.Name)
	case *Watch:
		_, err = w.Watch(c.Client, c.Key, c.Prefix, c.From)
	case *Compact:
		_, err = w.Compact(c.Client, c.Rev)
	default:
		return "", false, nil
	}
	return "", true, err
}

// txnRequest translates a script txn into the store's transaction.
func txnRequest(c *Txn) kvstate.TxnRequest {
	var t kvstate.TxnRequest
	for _, cmp := range c.If {
		kc := kvstate.Compare{Key: cmp.Key, Result: compareResults[cmp.Cmp]}
		switch cmp.Target {
		case CompareValue:
			kc.Target, kc.Value = kvstate.CompareValue, cmp.Text
		case CompareVersion:
			kc.Target, kc.Version = kvstate.CompareVersion, cmp.Number
		case CompareCreate:
			kc.Target, kc.CreateRevision = kvstate.CompareCreate, cmp.Number
		case CompareMod:
			kc.Target, kc.ModRevision = kvstate.CompareMod, cmp.Number
		}
		t.Compare = append(t.Compare, kc)
	}
	t.Success = txnOps(c.Then)
	t.Failure = txnOps(c.Else)
	return t
}

var compareResults = map[Cmp]kvstate.CompareResult{
	CmpEq: kvstate.CompareEqual,
	CmpNe: kvstate.CompareNotEqual,
	CmpLt: kvstate.CompareLess,
	CmpGt: kvstate.CompareGreater,
}

func txnOps(ops []TxnOp) []kvstate.Op {
	var out []kvstate.Op
	for _, o := range ops {
		end := ""
		if o.Prefix {
			end = kvstate.PrefixEnd(o.Key)
		}
		switch o.Kind {
		case TxnPut:
			out = append(out, kvstate.Op{Put: &kvstate.PutRequest{Key: o.Key, Value: o.Value}})
		case TxnDelete:
			out = append(out, kvstate.Op{DeleteRange: &kvstate.DeleteRangeRequest{Key: o.Key, RangeEnd: end}})
		case TxnGet:
			out = append(out, kvstate.Op{Range: &kvstate.RangeRequest{Key: o.Key, RangeEnd: end}})
		}
	}
	return out
}
