package script

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/raft-playground/playground/netsim"
)

// latestOp returns a client's most recent operation, pending or finished.
func (s *Session) latestOp(client string) (netsim.Op, bool) {
	last, ok := s.world.LastReply(client)
	for _, p := range s.world.PendingOps(client) {
		if !ok || p.ID > last.ID {
			last, ok = p, true
		}
	}
	return last, ok
}

// expectReply checks the outcome of a client's latest request.
func (s *Session) expectReply(c *ExpectReply) (string, error) {
	op, ok := s.latestOp(c.Client)
	expected := strings.TrimPrefix(c.Format(), "expect reply ")
	if !ok {
		return "", expectFailure(expected, c.Client+" has sent no request")
	}
	found := describeReply(op)
	switch c.Status {
	case ReplyPending:
		if op.Status != netsim.StatusPending {
			return "", expectFailure(expected, found)
		}
	case ReplyError:
		if op.Status != netsim.StatusError && op.Status != netsim.StatusUnknown || op.ErrCode != c.Error {
			return "", expectFailure(expected, found)
		}
	case ReplyOK:
		if op.Status != netsim.StatusOK {
			return "", expectFailure(expected, found)
		}
		value, hasValue := replyValue(op)
		if c.Branch != "" && (op.Resp == nil || op.Resp.Txn == nil || txnBranch(op.Resp.Txn.Succeeded) != c.Branch) {
			return "", expectFailure(expected, found)
		}
		if c.Value != nil && (!hasValue || value != *c.Value) {
			return "", expectFailure(expected, found)
		}
		if c.Rev != nil && replyRev(op) != *c.Rev {
			return "", expectFailure(expected, found)
		}
		if count, hasCount := replyCount(op); c.Count != nil && (!hasCount || count != *c.Count) {
			return "", expectFailure(expected, found)
		}
	}
	return found, nil
}

// describeReply says what a client's operation came to: `c1 get x: ok value=1 rev=5 count=1`.
func describeReply(op netsim.Op) string {
	s := op.Client + " " + op.Desc + ": "
	switch op.Status {
	case netsim.StatusOK:
		s += "ok"
		if op.Resp != nil && op.Resp.Txn != nil {
			s += " branch=" + txnBranch(op.Resp.Txn.Succeeded)
		}
		if v, ok := replyValue(op); ok {
			s += " value=" + quote(v)
		}
		if rev := replyRev(op); rev != 0 {
			s += " rev=" + strconv.FormatInt(rev, 10)
		}
		if n, ok := replyCount(op); ok {
			s += " count=" + strconv.FormatInt(n, 10)
		}
	case netsim.StatusError:
		s += fmt.Sprintf("error=%s (%s)", op.ErrCode, op.ErrText)
	case netsim.StatusUnknown:
		s += fmt.Sprintf("outcome unknown, error=%s (%s)", op.ErrCode, op.ErrText)
	default:
		s += op.Status
	}
	return s
}

func txnBranch(succeeded bool) string {
	if succeeded {
		return "then"
	}
	return "else"
}

// replyValue is the value a read returned: the first key's. For a txn it is
// what the branch's first get read.
func replyValue(op netsim.Op) (string, bool) {
	if op.Range != nil && len(op.Range.KVs) > 0 {
		return op.Range.KVs[0].Value, true
	}
	if op.Resp != nil && op.Resp.Txn != nil {
		for _, r := range op.Resp.Txn.Responses {
			if r.Range != nil && len(r.Range.KVs) > 0 {
				return r.Range.KVs[0].Value, true
			}
		}
	}
	return "", false
}

func replyRev(op netsim.Op) int64 {
	if op.Range != nil {
		return op.Range.Header.Revision
	}
	if op.Resp != nil {
		return op.Resp.Header.Revision
	}
	return 0
}

// replyCount is the number of keys a read found or a delete removed.
func replyCount(op netsim.Op) (int64, bool) {
	switch {
	case op.Range != nil:
		return op.Range.Count, true
	case op.Resp != nil && op.Resp.DeleteRange != nil:
		return op.Resp.DeleteRange.Deleted, true
	}
	return 0, false
}

// watchedRevisions lists the revisions of the events a client's watches
// received, in receipt order.
func (s *Session) watchedRevisions(client string) []int64 {
	var revs []int64
	for _, d := range s.world.WatchDeliveries() {
		if d.Client != client {
			continue
		}
		for _, e := range d.Response.Events {
			revs = append(revs, e.KV.ModRevision)
		}
	}
	return revs
}
