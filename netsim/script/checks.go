package script

import (
	"errors"
	"fmt"
	"sort"

	"github.com/raft-playground/playground/kvstate"
	"github.com/raft-playground/playground/netsim"
	"github.com/raft-playground/playground/netsim/check"
)

// checkLinearizable checks the client history for linearizability and
// says how much of it the check covered.
func (s *Session) checkLinearizable() (string, error) {
	ops, excluded := LinearizabilityHistory(s.world.History())
	err := check.Linearizable(ops)
	var inconclusive *check.InconclusiveError
	if errors.As(err, &inconclusive) {
		// Not a violation: the search was too large to finish, so the run
		// goes on and the trace says so.
		return err.Error(), nil
	}
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("linearizable: %d operations checked, %d left out (serializable or historical reads, failed requests, leased keys)", len(ops), excluded), nil
}

// checkWatches checks the etcd watch guarantees for every client watch
// against the store's own history of changes (netsim.World.StoreEvents).
func (s *Session) checkWatches() (string, error) {
	watches := WatchHistory(s.world.WatchDeliveries())
	observed, err := check.ObservedHistory(watches)
	if err != nil {
		return "", err
	}
	if err := check.Watches(StoreHistory(s.world.StoreEvents(), observed), watches); err != nil {
		return "", err
	}
	events := 0
	for _, w := range watches {
		for _, r := range w.Responses {
			events += len(r.Events)
		}
	}
	return fmt.Sprintf("watches: %d watches, %d events delivered, ordered, unique, reliable and atomic", len(watches), events), nil
}

// StoreHistory converts the store's change history for the watch checker.
// Where the world could not list a stretch of changes (a member jumped over
// it by a snapshot before any member applied it entry by entry; the trace has
// a store-events-gap record), the revisions the watches observed stand in,
// so that events in the gap are not mistaken for invented ones; every
// revision the store did list is checked against the store.
func StoreHistory(store []kvstate.Event, observed []check.Event) []check.Event {
	out := convertEvents(store)
	listed := map[int64]bool{}
	for _, e := range out {
		listed[e.Rev] = true
	}
	for _, e := range observed {
		if !listed[e.Rev] {
			out = append(out, e)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Rev < out[j].Rev })
	return out
}

// LinearizabilityHistory converts the world's client history into the
// checker's, and returns how many operations it left out:
//
//   - serializable reads and reads at a past revision, which etcd does not
//     promise to be linearizable;
//   - requests that definitely failed (the store never applied them);
//   - operations on keys that were ever attached to a lease, because the
//     lessor deletes those keys outside the client history;
//   - range reads that returned a key no operation in the history wrote (a
//     lock key, for instance), for the same reason;
//   - txns comparing create or mod revisions other than 0, which depend on
//     writes outside the checked keys.
//
// Writes whose outcome is unknown (timed out, client crashed, still pending)
// stay in, with an infinite return time.
func LinearizabilityHistory(history []netsim.Op) ([]check.Op, int) {
	leased := map[string]bool{}
	written := map[string]bool{}
	for _, op := range history {
		if op.Req.Put != nil {
			written[op.Req.Put.Key] = true
			if op.Req.Put.Lease != kvstate.NoLease {
				leased[op.Req.Put.Key] = true
			}
		}
		if op.Req.Txn != nil {
			for _, o := range append(append([]kvstate.Op(nil), op.Req.Txn.Success...), op.Req.Txn.Failure...) {
				if o.Put != nil {
					written[o.Put.Key] = true
				}
			}
		}
	}
	var out []check.Op
	excluded := 0
	for _, op := range history {
		c, ok := convertOp(op, leased, written)
		if !ok {
			excluded++
			continue
		}
		out = append(out, c)
	}
	return out, excluded
}

func convertOp(op netsim.Op, leased, written map[string]bool) (check.Op, bool) {
	if op.Status == netsim.StatusError {
		return check.Op{}, false
	}
	c := check.Op{Client: op.Client, Call: int64(op.Call), Return: int64(op.Return)}
	if op.Status != netsim.StatusOK {
		c.Outcome, c.Return = check.OutcomeUnknown, check.Infinity
	}
	touches := func(key, end string) bool {
		for k := range leased {
			if inKeyRange(k, key, end) {
				return true
			}
		}
		return false
	}
	req := op.Req
	switch {
	case op.Kind == netsim.OpPut && req.Put != nil:
		if leased[req.Put.Key] {
			return check.Op{}, false
		}
		c.Kind, c.Key, c.Value = check.OpPut, req.Put.Key, req.Put.Value
	case op.Kind == netsim.OpGet && req.Range != nil:
		if op.Serializable || req.Range.Revision != 0 || touches(req.Range.Key, req.Range.RangeEnd) {
			return check.Op{}, false
		}
		c.Kind, c.Key, c.RangeEnd = check.OpGet, req.Range.Key, req.Range.RangeEnd
		if c.Outcome == check.OutcomeOK {
			if op.Range == nil {
				return check.Op{}, false
			}
			reads, ok := readKVs(op.Range.KVs, written)
			if !ok {
				return check.Op{}, false
			}
			c.Read = reads
		}
	case op.Kind == netsim.OpDelete && req.DeleteRange != nil:
		if touches(req.DeleteRange.Key, req.DeleteRange.RangeEnd) {
			return check.Op{}, false
		}
		c.Kind, c.Key, c.RangeEnd = check.OpDelete, req.DeleteRange.Key, req.DeleteRange.RangeEnd
		if c.Outcome == check.OutcomeOK {
			if op.Resp == nil || op.Resp.DeleteRange == nil {
				return check.Op{}, false
			}
			c.Deleted = op.Resp.DeleteRange.Deleted
		}
	case op.Kind == netsim.OpTxn && req.Txn != nil:
		txn, ok := convertTxn(req.Txn, touches)
		if !ok {
			return check.Op{}, false
		}
		c.Kind, c.Txn = check.OpTxn, txn
		if c.Outcome == check.OutcomeOK {
			if op.Resp == nil || op.Resp.Txn == nil {
				return check.Op{}, false
			}
			c.Succeeded = op.Resp.Txn.Succeeded
			for _, r := range op.Resp.Txn.Responses {
				if r.Range != nil {
					reads, ok := readKVs(r.Range.KVs, written)
					if !ok {
						return check.Op{}, false
					}
					c.TxnReads = append(c.TxnReads, reads)
				}
			}
		}
	default:
		return check.Op{}, false
	}
	return c, true
}

// readKVs converts what a read returned; it refuses reads that saw a key no
// operation of the history wrote.
func readKVs(kvs []kvstate.KeyValue, written map[string]bool) ([]check.KV, bool) {
	out := make([]check.KV, 0, len(kvs))
	for _, kv := range kvs {
		if !written[kv.Key] {
			return nil, false
		}
		out = append(out, check.KV{Key: kv.Key, Value: kv.Value})
	}
	return out, true
}

var checkCompareOps = map[kvstate.CompareResult]check.CompareOp{
	kvstate.CompareEqual:    check.Equal,
	kvstate.CompareNotEqual: check.NotEqual,
	kvstate.CompareLess:     check.Less,
	kvstate.CompareGreater:  check.Greater,
}

func convertTxn(t *kvstate.TxnRequest, touches func(key, end string) bool) (*check.Txn, bool) {
	out := &check.Txn{}
	for _, c := range t.Compare {
		if c.RangeEnd != "" || touches(c.Key, "") {
			return nil, false
		}
		cc := check.Compare{Key: c.Key, Op: checkCompareOps[c.Result]}
		switch c.Target {
		case kvstate.CompareValue:
			cc.Target, cc.Value = check.CompareValue, c.Value
		case kvstate.CompareVersion:
			cc.Target, cc.Version = check.CompareVersion, c.Version
		case kvstate.CompareCreate, kvstate.CompareMod:
			rev := c.CreateRevision
			if c.Target == kvstate.CompareMod {
				rev = c.ModRevision
			}
			if rev != 0 || c.Result != kvstate.CompareEqual {
				return nil, false
			}
			cc.Target = check.CompareAbsent
		default:
			return nil, false
		}
		out.If = append(out.If, cc)
	}
	var ok bool
	if out.Then, ok = convertTxnOps(t.Success, touches); !ok {
		return nil, false
	}
	if out.Else, ok = convertTxnOps(t.Failure, touches); !ok {
		return nil, false
	}
	return out, true
}

func convertTxnOps(ops []kvstate.Op, touches func(key, end string) bool) ([]check.TxnOp, bool) {
	var out []check.TxnOp
	for _, o := range ops {
		switch {
		case o.Put != nil && o.Put.Lease == kvstate.NoLease && !touches(o.Put.Key, ""):
			out = append(out, check.TxnOp{Kind: check.OpPut, Key: o.Put.Key, Value: o.Put.Value})
		case o.DeleteRange != nil && !touches(o.DeleteRange.Key, o.DeleteRange.RangeEnd):
			out = append(out, check.TxnOp{Kind: check.OpDelete, Key: o.DeleteRange.Key, RangeEnd: o.DeleteRange.RangeEnd})
		case o.Range != nil && o.Range.Revision == 0 && !touches(o.Range.Key, o.Range.RangeEnd):
			out = append(out, check.TxnOp{Kind: check.OpGet, Key: o.Range.Key, RangeEnd: o.Range.RangeEnd})
		default:
			return nil, false
		}
	}
	return out, true
}

// inKeyRange reports whether key is selected by [start, end) in etcd's sense.
func inKeyRange(key, start, end string) bool {
	switch end {
	case "":
		return key == start
	case kvstate.FromKeyEnd:
		return key >= start
	}
	return key >= start && key < end
}

// WatchHistory groups the world's watch deliveries into one check.Watch per
// logical client watch (a client numbers its watches across restarts, and a
// watch resumed on another member keeps its number), in order of first
// delivery.
func WatchHistory(deliveries []netsim.WatchDelivery) []check.Watch {
	type id struct {
		client string
		watch  int
	}
	index := map[id]int{}
	var out []check.Watch
	for _, d := range deliveries {
		k := id{d.Client, d.Watch}
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, check.Watch{Client: fmt.Sprintf("%s (watch %d)", d.Client, d.Watch), Key: d.Key, RangeEnd: d.RangeEnd,
				StartRev: d.StartRev, CreatedRev: d.CreatedRev})
		}
		w := &out[i]
		if w.CreatedRev == 0 {
			w.CreatedRev = d.CreatedRev
		}
		if len(d.Response.Events) == 0 {
			continue
		}
		w.Responses = append(w.Responses, check.WatchResponse{Events: convertEvents(d.Response.Events)})
	}
	return out
}

func convertEvents(events []kvstate.Event) []check.Event {
	out := make([]check.Event, len(events))
	for i, e := range events {
		out[i] = check.Event{Rev: e.KV.ModRevision, Key: e.KV.Key, Delete: e.Type == kvstate.EventDelete}
		if !out[i].Delete {
			out[i].Value = e.KV.Value
		}
	}
	return out
}
