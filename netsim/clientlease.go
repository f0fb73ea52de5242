package netsim

import (
	"errors"
	"strconv"

	"github.com/raft-playground/playground/core/member"
	"github.com/raft-playground/playground/kvstate"
)

// clientLease is a lease a client knows: one it granted by name, or the
// session lease of one of its locks.
type clientLease struct {
	name string
	id   kvstate.LeaseID
	ttl  Duration
	// keepAlive is set while the client renews the lease periodically.
	keepAlive bool
	revoked   bool
	// lock is the lock slot whose session this lease is (-1: none).
	lock int
	// gen numbers the renewal chain, so a restarted chain supersedes the
	// timers of the old one.
	gen uint64
	// reqID is the renewal in flight (0: none).
	reqID uint64
	// keepOp is the keep-alive operation waiting for the first renewal
	// (-1: none).
	keepOp int
}

// lease finds the client's lease called name (the newest, if granted twice).
func (c *client) lease(name string) *clientLease {
	for i := len(c.leases) - 1; i >= 0; i-- {
		if l := c.leases[i]; l.name == name && l.lock < 0 {
			return l
		}
	}
	return nil
}

// startKeepAlive starts periodic renewals of a lease; the operation returns
// with the first renewal.
func (w *World) startKeepAlive(c *client, p *pendingOp) {
	l := c.lease(p.spec.Lease)
	if l == nil || l.id == 0 || l.revoked {
		w.finishOp(c, p, StatusError, errors.New("the lease "+p.spec.Lease+" is not granted (or was revoked)"), 0)
		return
	}
	p.op.LeaseID = l.id
	l.keepAlive, l.keepOp = true, p.op.ID
	l.gen++
	w.renew(c, w.leaseSlot(c, l))
}

// leaseSlot is the position of l among the client's leases.
func (w *World) leaseSlot(c *client, l *clientLease) int {
	for i, x := range c.leases {
		if x == l {
			return i
		}
	}
	panic("netsim: lease not held by its client")
}

// renew sends one renewal of lease slot to the member the client talks to.
func (w *World) renew(c *client, slot int) {
	l := c.leases[slot]
	if !l.keepAlive || c.crashed || l.reqID != 0 {
		return
	}
	l.reqID = w.sendRequest(c, c.target, member.Request{Kind: member.RequestKeepAlive, Lease: l.id}, purposeKeepAlive, slot, true)
}

// keepAliveEvent encodes a lease slot and its renewal chain in an event.
func keepAliveEvent(at Time, c *client, slot int, gen uint64) event {
	return event{at: at, kind: evKeepAlive, client: c.index, id: gen<<16 | uint64(slot)}
}

// onKeepAlive is the timer of a periodic renewal.
func (w *World) onKeepAlive(ev event) {
	c := w.clients[ev.client]
	if w.clientHolds(c, ev) {
		return
	}
	slot, gen := int(ev.id&0xffff), ev.id>>16
	if slot >= len(c.leases) || c.leases[slot].gen != gen {
		return
	}
	w.renew(c, slot)
}

// onKeepAliveReply handles the answer to a renewal.
func (w *World) onKeepAliveReply(c *client, slot int, reqID uint64, r member.Reply) {
	if slot >= len(c.leases) {
		return
	}
	l := c.leases[slot]
	if l.reqID != reqID {
		return
	}
	l.reqID = 0
	if !l.keepAlive {
		return
	}
	var notLeader *member.NotLeaderError
	switch {
	case r.Err == nil:
		w.record(Record{Kind: "keepalive", Client: c.name, Member: r.From, Args: []Arg{{"lease", l.label()}, {"ttl", strconv.FormatInt(r.TTL, 10) + "s"}}})
		if l.keepOp >= 0 {
			if len(c.ops) > 0 && c.ops[0].op.ID == l.keepOp {
				c.ops[0].op.TTL = r.TTL
				w.finishOp(c, c.ops[0], StatusOK, nil, r.From)
			}
			l.keepOp = -1
		}
		next := max(l.ttl/3, 100*Millisecond)
		w.sched.schedule(keepAliveEvent(w.now.Add(next), c, slot, l.gen))
	case errors.As(r.Err, &notLeader):
		w.follow(c, r.From, notLeader.Leader)
		w.sched.schedule(keepAliveEvent(w.now.Add(retryBackoff/10), c, slot, l.gen))
	case errors.Is(r.Err, kvstate.ErrLeaseNotFound):
		l.keepAlive = false
		w.record(Record{Kind: "keepalive-lost", Client: c.name, Member: r.From, Args: []Arg{{"lease", l.label()}, {"error", r.Err.Error()}}})
		if l.keepOp >= 0 && len(c.ops) > 0 && c.ops[0].op.ID == l.keepOp {
			w.finishOp(c, c.ops[0], StatusError, r.Err, r.From)
		}
		l.keepOp = -1
		if l.lock >= 0 {
			w.sessionLost(c, l.lock)
		}
	default:
		// No leader, a timeout, a member down: the lease may still be alive,
		// so try again soon, elsewhere.
		w.rotate(c, r.From)
		w.sched.schedule(keepAliveEvent(w.now.Add(retryBackoff), c, slot, l.gen))
	}
}

// label is how the trace names a lease: the script's name, or its ID for a
// lock's session.
func (l *clientLease) label() string {
	if l.name != "" {
		return l.name
	}
	return strconv.FormatInt(int64(l.id), 16)
}
