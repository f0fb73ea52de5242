package netsim

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/raft-playground/playground/core/member"
	"github.com/raft-playground/playground/kvstate"
)

// prepareOp checks a client operation before it is recorded: a refused
// operation leaves no trace in the history.
func (w *World) prepareOp(c *client, spec opSpec) (Op, error) {
	var op Op
	switch spec.Kind {
	case OpPut, OpGet, OpDelete, OpWatch:
		if spec.Key == "" {
			return op, fmt.Errorf("%s needs a key", spec.Kind)
		}
	}
	switch spec.Kind {
	case OpPut:
		if spec.Lease != "" && c.lease(spec.Lease) == nil {
			return op, fmt.Errorf("%s has no lease called %s; grant it first", c.name, spec.Lease)
		}
		op.Lease = spec.Lease
	case OpGet:
		if spec.Rev < 0 {
			return op, fmt.Errorf("get: revision %d is negative", spec.Rev)
		}
		if spec.At != 0 {
			if _, err := w.member(spec.At); err != nil {
				return op, err
			}
		}
		op.Serializable, op.At = spec.Serializable, spec.At
	case OpDelete:
	case OpTxn:
		if spec.Txn == nil {
			return op, errors.New("txn needs a transaction")
		}
		req := kvstate.Request{Txn: spec.Txn}
		if err := req.Validate(); err != nil {
			return op, fmt.Errorf("txn: %w", err)
		}
	case OpCompact:
		if spec.Rev <= 0 {
			return op, fmt.Errorf("compact: revision %d must be positive", spec.Rev)
		}
	case OpLeaseGrant:
		if spec.Lease == "" {
			return op, errors.New("lease grant needs a lease name")
		}
		if spec.TTL <= 0 || spec.TTL%Second != 0 {
			return op, fmt.Errorf("lease grant %s: the TTL %s must be a positive whole number of seconds, as in etcd", spec.Lease, spec.TTL)
		}
		if l := c.lease(spec.Lease); l != nil && !l.revoked {
			return op, fmt.Errorf("%s already has a lease called %s", c.name, spec.Lease)
		}
		op.Lease, op.TTL = spec.Lease, int64(spec.TTL/Second)
	case OpLeaseKeepAlive, OpLeaseRevoke:
		if c.lease(spec.Lease) == nil {
			return op, fmt.Errorf("%s has no lease called %s; grant it first", c.name, spec.Lease)
		}
		op.Lease = spec.Lease
	case OpLock:
		if spec.Name == "" {
			return op, errors.New("lock needs a name")
		}
		if spec.TTL <= 0 || spec.TTL%Second != 0 {
			return op, fmt.Errorf("lock %s: the session TTL %s must be a positive whole number of seconds", spec.Name, spec.TTL)
		}
		if l := c.lock(spec.Name); l != nil && !l.closed {
			return op, fmt.Errorf("%s already holds or waits for the lock %s", c.name, spec.Name)
		}
		op.Lock = spec.Name
	case OpUnlock:
		if l := c.lock(spec.Name); l == nil || l.closed {
			return op, fmt.Errorf("%s neither holds nor waits for the lock %s", c.name, spec.Name)
		}
		op.Lock = spec.Name
	case OpWatch:
		if spec.Rev < 0 {
			return op, fmt.Errorf("watch: revision %d is negative", spec.Rev)
		}
	default:
		return op, fmt.Errorf("unknown client operation %q", spec.Kind)
	}
	return op, nil
}

// rangeEnd is the range end of a key or prefix request.
func rangeEnd(key string, prefix bool) string {
	if prefix {
		return kvstate.PrefixEnd(key)
	}
	return ""
}

// describeOp writes an operation as a script line would, without the client.
func describeOp(s opSpec) string {
	var b strings.Builder
	b.WriteString(s.Kind)
	add := func(parts ...string) {
		for _, p := range parts {
			b.WriteByte(' ')
			b.WriteString(p)
		}
	}
	switch s.Kind {
	case OpPut:
		add(s.Key, s.Value)
		if s.Lease != "" {
			add("lease=" + s.Lease)
		}
	case OpGet, OpDelete, OpWatch:
		add(s.Key)
		if s.Prefix {
			add("prefix")
		}
		if s.Rev != 0 {
			if s.Kind == OpWatch {
				add("from=" + strconv.FormatInt(s.Rev, 10))
			} else {
				add("rev=" + strconv.FormatInt(s.Rev, 10))
			}
		}
		if s.Serializable {
			add("serializable")
		}
		if s.At != 0 {
			add("at=" + MemberName(s.At))
		}
	case OpTxn:
		add(fmt.Sprintf("(%d compares, %d then, %d else)", len(s.Txn.Compare), len(s.Txn.Success), len(s.Txn.Failure)))
	case OpCompact:
		add(strconv.FormatInt(s.Rev, 10))
	case OpLeaseGrant:
		add(s.Lease, "ttl="+s.TTL.String())
	case OpLeaseKeepAlive:
		add(s.Lease)
		if s.Once {
			add("once")
		}
	case OpLeaseRevoke:
		add(s.Lease)
	case OpLock:
		add(s.Name, "ttl="+s.TTL.String())
	case OpUnlock:
		add(s.Name)
	}
	return b.String()
}

// startOp starts the client's first waiting operation.
func (w *World) startOp(c *client) {
	if len(c.ops) == 0 || c.crashed || c.paused {
		return
	}
	p := c.ops[0]
	switch p.spec.Kind {
	case OpLock:
		w.startLock(c, p)
		return
	case OpUnlock:
		w.startUnlock(c, p)
		return
	case OpWatch:
		w.startWatch(c, p)
		return
	case OpLeaseKeepAlive:
		if !p.spec.Once {
			w.startKeepAlive(c, p)
			return
		}
	}
	req, err := w.buildRequest(c, p)
	if err != nil {
		w.finishOp(c, p, StatusError, err, 0)
		return
	}
	p.op.Req = kvRequestOf(req)
	w.sendOpAttempt(c, p, req)
}

// buildRequest turns an operation into a member request. Lease names are
// resolved now, not at call time, because a grant called just before may
// only have returned since.
func (w *World) buildRequest(c *client, p *pendingOp) (member.Request, error) {
	s := p.spec
	req := member.Request{Client: c.name}
	leaseID := func() (kvstate.LeaseID, error) {
		l := c.lease(s.Lease)
		if l == nil || l.id == 0 {
			return 0, fmt.Errorf("the lease %s was never granted", s.Lease)
		}
		return l.id, nil
	}
	switch s.Kind {
	case OpPut:
		put := &kvstate.PutRequest{Key: s.Key, Value: s.Value}
		if s.Lease != "" {
			id, err := leaseID()
			if err != nil {
				return req, err
			}
			put.Lease = id
			p.op.LeaseID = id
		}
		req.Kind, req.Write = member.RequestWrite, &kvstate.Request{Put: put}
	case OpGet:
		req.Kind, req.Serializable = member.RequestRead, s.Serializable
		req.Read = &kvstate.RangeRequest{Key: s.Key, RangeEnd: rangeEnd(s.Key, s.Prefix), Revision: s.Rev}
	case OpDelete:
		req.Kind, req.Write = member.RequestWrite, &kvstate.Request{DeleteRange: &kvstate.DeleteRangeRequest{Key: s.Key, RangeEnd: rangeEnd(s.Key, s.Prefix)}}
	case OpTxn:
		req.Kind, req.Write = member.RequestWrite, &kvstate.Request{Txn: s.Txn}
	case OpCompact:
		req.Kind, req.Write = member.RequestWrite, &kvstate.Request{Compaction: &kvstate.CompactionRequest{Revision: s.Rev}}
	case OpLeaseGrant:
		req.Kind, req.Write = member.RequestWrite, &kvstate.Request{LeaseGrant: &kvstate.LeaseGrantRequest{TTL: int64(s.TTL / Second)}}
	case OpLeaseRevoke:
		id, err := leaseID()
		if err != nil {
			return req, err
		}
		p.op.LeaseID = id
		req.Kind, req.Write = member.RequestWrite, &kvstate.Request{LeaseRevoke: &kvstate.LeaseRevokeRequest{ID: id}}
	case OpLeaseKeepAlive:
		id, err := leaseID()
		if err != nil {
			return req, err
		}
		p.op.LeaseID = id
		req.Kind, req.Lease = member.RequestKeepAlive, id
	default:
		panic(fmt.Sprintf("netsim: no request for %s", s.Kind))
	}
	return req, nil
}

// kvRequestOf is the store request a member request carries, for the
// history.
func kvRequestOf(req member.Request) kvstate.Request {
	switch {
	case req.Write != nil:
		return *req.Write
	case req.Read != nil:
		r := *req.Read
		return kvstate.Request{Range: &r}
	}
	return kvstate.Request{}
}

// sendOpAttempt sends one attempt of an operation.
func (w *World) sendOpAttempt(c *client, p *pendingOp, req member.Request) {
	to := c.target
	if p.spec.At != 0 {
		to = p.spec.At
	}
	p.op.Attempts++
	p.reqID = w.sendRequest(c, to, req, purposeOp, p.op.ID, true)
}

// onOpReply handles the answer to an operation's current attempt.
func (w *World) onOpReply(c *client, p *pendingOp, r member.Reply) {
	p.reqID = 0
	p.op.Member = r.From
	if r.Err == nil {
		switch {
		case r.Write != nil:
			p.op.Resp = r.Write
			if r.Write.LeaseGrant != nil {
				if l := c.lease(p.spec.Lease); l != nil {
					l.id, l.ttl = r.Write.LeaseGrant.ID, Duration(r.Write.LeaseGrant.TTL)*Second
				}
				p.op.LeaseID, p.op.TTL = r.Write.LeaseGrant.ID, r.Write.LeaseGrant.TTL
			}
			if r.Write.LeaseRevoke != nil {
				if l := c.lease(p.spec.Lease); l != nil {
					l.revoked, l.keepAlive = true, false
				}
			}
		case r.Range != nil:
			p.op.Range = r.Range
		case r.Kind == member.RequestKeepAlive:
			p.op.TTL = r.TTL
		}
		w.finishOp(c, p, StatusOK, nil, r.From)
		return
	}
	w.opFailed(c, p, r.Err, r.From, r.LeaderHint)
}

// opFailed decides what a failed attempt means: try again (elsewhere, or
// after a pause), or end the operation with an error, or, for a write whose
// effect is unknown, end it as unknown. A write is only retried when the
// failure proves it had no effect.
func (w *World) opFailed(c *client, p *pendingOp, err error, from, hint uint64) {
	p.lastErr = err
	write := p.op.Req.IsWrite() && p.spec.Kind != OpLeaseKeepAlive
	var notLeader *member.NotLeaderError
	retry, wait := false, Duration(0)
	switch {
	case errors.As(err, &notLeader):
		retry = true
		w.follow(c, from, notLeader.Leader)
	case errors.Is(err, member.ErrNoLeader), errors.Is(err, member.ErrProposalDropped):
		retry, wait = true, retryBackoff
		w.rotate(c, from)
	case errors.Is(err, ErrConnRefused):
		retry = true
		w.rotate(c, from)
	case errors.Is(err, ErrConnLost), errors.Is(err, ErrTimeout):
		w.rotate(c, from)
		if write {
			p.maybeApplied = true
		} else {
			retry = true
		}
	}
	if retry && p.spec.At != 0 && !errors.Is(err, member.ErrNoLeader) {
		// A request pinned to one member does not look elsewhere.
		retry = false
	}
	if !retry || p.op.Attempts >= maxAttempts {
		status := StatusError
		if p.maybeApplied {
			status = StatusUnknown
		}
		if retry {
			err = fmt.Errorf("%w (last: %w)", ErrGaveUp, err)
		}
		w.finishOp(c, p, status, err, from)
		return
	}
	next := c.target
	if p.spec.At != 0 {
		next = p.spec.At
	}
	w.record(Record{Kind: "client-retry", Client: c.name, Member: next, Args: []Arg{{"desc", p.op.Desc}, {"error", err.Error()}}})
	if wait > 0 {
		w.sched.schedule(event{at: w.now.Add(wait), kind: evClientRetry, client: c.index, id: uint64(p.op.ID)})
		return
	}
	w.retryOp(c, p)
}

// retryOp sends the operation's next attempt.
func (w *World) retryOp(c *client, p *pendingOp) {
	req, err := w.buildRequest(c, p)
	if err != nil {
		w.finishOp(c, p, StatusError, err, 0)
		return
	}
	w.sendOpAttempt(c, p, req)
}

// onClientRetry retries an operation after a pause.
func (w *World) onClientRetry(ev event) {
	c := w.clients[ev.client]
	if w.clientHolds(c, ev) {
		return
	}
	if len(c.ops) == 0 || c.ops[0].op.ID != int(ev.id) || c.ops[0].reqID != 0 {
		return
	}
	w.retryOp(c, c.ops[0])
}

// follow moves the client to the leader a member named, or on to the next
// member when it named none.
func (w *World) follow(c *client, from, leader uint64) {
	if leader != 0 && leader != from {
		w.record(Record{Kind: "client-redirect", Client: c.name, Member: from, Peer: leader})
		c.target = leader
		return
	}
	w.rotate(c, from)
}

// rotate moves the client on from a member that failed it to the next one
// in ID order, as etcd's client moves through its endpoint list.
func (w *World) rotate(c *client, from uint64) {
	if from != 0 && c.target != from {
		return
	}
	ids := w.Members()
	for i, id := range ids {
		if id == c.target {
			c.target = ids[(i+1)%len(ids)]
			return
		}
	}
	c.target = ids[0]
}

// finishOp ends the client's current operation and starts the next.
func (w *World) finishOp(c *client, p *pendingOp, status string, err error, from uint64) {
	p.op.Return, p.op.Status, p.op.Err = w.now, status, err
	if from != 0 {
		p.op.Member = from
	}
	if err != nil {
		p.op.ErrCode, p.op.ErrText = ErrorCode(err), err.Error()
	}
	w.addHistory(p.op)
	c.lastReply = p.op.ID
	switch status {
	case StatusOK:
		w.record(Record{Kind: "client-return", Client: c.name, Member: p.op.Member, Args: []Arg{{"desc", p.op.Desc}, {"result", describeResult(&p.op)}}})
	case StatusUnknown:
		w.record(Record{Kind: "client-unknown", Client: c.name, Member: p.op.Member, Args: []Arg{{"desc", p.op.Desc}, {"error", p.op.ErrText}}})
	default:
		w.record(Record{Kind: "client-error", Client: c.name, Member: p.op.Member, Args: []Arg{{"desc", p.op.Desc}, {"error", p.op.ErrText}}})
	}
	if len(c.ops) > 0 && c.ops[0] == p {
		c.ops = c.ops[1:]
	}
	w.startOp(c)
}

// describeResult says briefly what an operation returned.
func describeResult(op *Op) string {
	switch {
	case op.Range != nil:
		if len(op.Range.KVs) == 1 && op.Req.Range != nil && op.Req.Range.RangeEnd == "" {
			kv := op.Range.KVs[0]
			return fmt.Sprintf("%s=%s (mod revision %d) at revision %d", kv.Key, kv.Value, kv.ModRevision, op.Range.Header.Revision)
		}
		return fmt.Sprintf("%d keys at revision %d", op.Range.Count, op.Range.Header.Revision)
	case op.Resp != nil && op.Resp.Txn != nil:
		return fmt.Sprintf("succeeded=%t at revision %d", op.Resp.Txn.Succeeded, op.Resp.Header.Revision)
	case op.Resp != nil && op.Resp.LeaseGrant != nil:
		return fmt.Sprintf("lease %x with TTL %ds", int64(op.Resp.LeaseGrant.ID), op.Resp.LeaseGrant.TTL)
	case op.Resp != nil:
		return fmt.Sprintf("ok at revision %d", op.Resp.Header.Revision)
	case op.Kind == OpLock:
		return fmt.Sprintf("held, fencing token %d", op.Fence)
	case op.Kind == OpLeaseKeepAlive:
		return fmt.Sprintf("TTL %ds", op.TTL)
	}
	return "ok"
}

// ErrorCode is a stable short name for an error, for `expect reply c1
// error=CODE` and the UI: "compacted", "future-rev", "lease-not-found",
// "gave-up", "timeout", "connection-lost", "connection-refused",
// "client-crashed", "no-leader", "proposal-dropped", "not-leader", and
// "error" for anything else.
func ErrorCode(err error) string {
	var notLeader *member.NotLeaderError
	switch {
	case errors.Is(err, kvstate.ErrCompacted):
		return "compacted"
	case errors.Is(err, kvstate.ErrFutureRev):
		return "future-rev"
	case errors.Is(err, kvstate.ErrLeaseNotFound):
		return "lease-not-found"
	case errors.Is(err, ErrGaveUp):
		return "gave-up"
	case errors.Is(err, ErrTimeout):
		return "timeout"
	case errors.Is(err, ErrConnLost):
		return "connection-lost"
	case errors.Is(err, ErrConnRefused):
		return "connection-refused"
	case errors.Is(err, ErrClientCrashed):
		return "client-crashed"
	case errors.Is(err, member.ErrNoLeader):
		return "no-leader"
	case errors.Is(err, member.ErrProposalDropped):
		return "proposal-dropped"
	case errors.As(err, &notLeader):
		return "not-leader"
	}
	return "error"
}
