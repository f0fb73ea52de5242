package kvstate

import (
	"fmt"
	"strings"
)

// txnPath records which branch every transaction on the executed path takes,
// nested ones included, decided up front from the state before the
// transaction (as etcd decides it), so checking and running follow the same
// path.
type txnPath struct {
	succeeded bool
	// nested holds the paths of the chosen branch's nested transactions, in
	// operation order.
	nested []*txnPath
}

// txn runs a transaction: decide the path, check every operation on it
// against the current state, then run it as one write transaction. A check
// failure refuses the whole transaction before anything changed.
func (s *Store) txn(req *TxnRequest) (*TxnResponse, error) {
	path := s.decidePath(req)
	if err := s.checkTxnOps(req, path); err != nil {
		return nil, err
	}
	tx := s.beginWrite()
	resp := tx.runTxn(req, path)
	tx.end()
	resp.setHeaders(s.header())
	return resp, nil
}

func (s *Store) decidePath(req *TxnRequest) *txnPath {
	p := &txnPath{succeeded: true}
	for i := range req.Compare {
		if !s.compareHolds(&req.Compare[i]) {
			p.succeeded = false
			break
		}
	}
	for _, op := range p.branch(req) {
		if op.Txn != nil {
			p.nested = append(p.nested, s.decidePath(op.Txn))
		}
	}
	return p
}

func (p *txnPath) branch(req *TxnRequest) []Op {
	if p.succeeded {
		return req.Success
	}
	return req.Failure
}

// compareHolds evaluates one compare against the current revision: it holds
// when every key of its range satisfies it. With no key in the range, the
// compare is against a missing key (all zero), except that a value compare on
// a missing key fails, since an empty value and no value are different.
func (s *Store) compareHolds(c *Compare) bool {
	found := false
	holds := true
	s.ascendRange(keyRange{key: c.Key, end: c.RangeEnd}, func(ki *keyIndex) bool {
		mod, _, _, ok := ki.get(s.currentRev)
		if !ok {
			return true
		}
		found = true
		holds = c.holdsFor(s.history.at(mod).kv)
		return holds
	})
	if !found {
		return c.Target != CompareValue && c.holdsFor(KeyValue{})
	}
	return holds
}

// holdsFor evaluates the compare on one key's version.
func (c *Compare) holdsFor(kv KeyValue) bool {
	var cmp int
	switch c.Target {
	case CompareVersion:
		cmp = compareInt(kv.Version, c.Version)
	case CompareCreate:
		cmp = compareInt(kv.CreateRevision, c.CreateRevision)
	case CompareMod:
		cmp = compareInt(kv.ModRevision, c.ModRevision)
	case CompareValue:
		cmp = strings.Compare(kv.Value, c.Value)
	case CompareLease:
		cmp = compareInt(int64(kv.Lease), int64(c.Lease))
	}
	switch c.Result {
	case CompareEqual:
		return cmp == 0
	case CompareGreater:
		return cmp > 0
	case CompareLess:
		return cmp < 0
	default:
		return cmp != 0
	}
}

// checkTxnOps checks the operations on the path against the state before the
// transaction: puts as single puts are checked, and ranges for revisions the
// store can serve.
func (s *Store) checkTxnOps(req *TxnRequest, path *txnPath) error {
	nested := 0
	for i, op := range path.branch(req) {
		var err error
		switch {
		case op.Put != nil:
			err = s.checkPut(op.Put)
		case op.Range != nil:
			_, err = s.checkReadRev(op.Range.Revision, s.currentRev)
		case op.Txn != nil:
			err = s.checkTxnOps(op.Txn, path.nested[nested])
			nested++
		}
		if err != nil {
			return fmt.Errorf("txn operation %d: %w", i, err)
		}
	}
	return nil
}

// runTxn runs the chosen branch; every check already passed.
func (tx *writeTxn) runTxn(req *TxnRequest, path *txnPath) *TxnResponse {
	resp := &TxnResponse{Succeeded: path.succeeded}
	nested := 0
	for _, op := range path.branch(req) {
		var r OpResponse
		switch {
		case op.Range != nil:
			rev := op.Range.Revision
			if rev == 0 {
				rev = tx.readRev()
			}
			r.Range = tx.s.rangeAt(op.Range, rev)
		case op.Put != nil:
			r.Put = tx.put(op.Put)
		case op.DeleteRange != nil:
			r.DeleteRange = tx.deleteRange(op.DeleteRange)
		case op.Txn != nil:
			r.Txn = tx.runTxn(op.Txn, path.nested[nested])
			nested++
		}
		resp.Responses = append(resp.Responses, r)
	}
	return resp
}

// setHeaders stamps the transaction's revision on it and every nested
// response, as etcd reports one revision for the whole transaction.
func (r *TxnResponse) setHeaders(h Header) {
	r.Header = h
	for _, op := range r.Responses {
		switch {
		case op.Range != nil:
			op.Range.Header = h
		case op.Put != nil:
			op.Put.Header = h
		case op.DeleteRange != nil:
			op.DeleteRange.Header = h
		case op.Txn != nil:
			op.Txn.setHeaders(h)
		}
	}
}
