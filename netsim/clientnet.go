package netsim

import (
	"slices"
	"strconv"

	"github.com/raft-playground/playground/core/member"
)

// purpose says what a client request is for, and so who handles its answer.
type purpose uint8

const (
	purposeOp        purpose = iota + 1 // a foreground operation (ref: op ID)
	purposeKeepAlive                    // a background lease renewal (ref: lease slot)
	purposeWatch                        // a watch stream (ref: watch slot)
	purposeRecipe                       // a lock recipe's request (ref: lock slot)
	purposeCancel                       // a watch cancellation nobody waits for
)

// attempt is one client request on its way to a member or waiting there.
type attempt struct {
	id      uint64
	client  int
	member  uint64
	req     member.Request
	purpose purpose
	ref     int
	// inbox holds replies on their way back, in order; lastReplyAt keeps
	// them in order on the wire.
	inbox       []member.Reply
	lastReplyAt Time
	// arrived is set once the member received the request, so that its crash
	// means a lost connection rather than a refused one.
	arrived bool
	// done is set once the attempt needs no more answers; a watch stays open
	// until canceled or broken.
	done bool
}

// sendRequest sends a client request to a member over the client's link and
// returns its request ID. The request reaches the member after a latency
// drawn like a member link's; timeout arms the client's timer.
func (w *World) sendRequest(c *client, to uint64, req member.Request, why purpose, ref int, timeout bool) uint64 {
	w.nextReqID++
	id := w.nextReqID
	req.ID, req.Client = id, c.name
	w.attempts[id] = &attempt{id: id, client: c.index, member: to, req: req, purpose: why, ref: ref}
	w.record(Record{Kind: "client-send", Client: c.name, Member: to, Args: []Arg{{"req", strconv.FormatUint(id, 10)}, {"kind", req.Kind.String()}}})
	at := w.now.Add(latency(w.clientRng, w.cfg.LatencyMin, w.cfg.LatencyMax))
	w.sched.schedule(event{at: at, kind: evClientArrive, client: c.index, id: id})
	if timeout {
		w.sched.schedule(event{at: w.now.Add(w.cfg.ClientTimeout), kind: evClientTimeout, client: c.index, id: id})
	}
	return id
}

// onClientArrive hands a client request to its member, or bounces it when
// the member is down.
func (w *World) onClientArrive(ev event) {
	a, ok := w.attempts[ev.id]
	if !ok {
		return
	}
	n := w.nodes[a.member]
	switch n.state {
	case StateUp:
		w.arrive(n, a.id)
	case StatePaused:
		n.held = append(n.held, heldInput{kind: evClientArrive, attempt: a.id})
	default:
		w.bounce(a, ErrConnRefused)
	}
}

// arrive submits a request to a running member.
func (w *World) arrive(n *node, id uint64) {
	a, ok := w.attempts[id]
	if !ok {
		return
	}
	a.arrived = true
	n.m.Submit(a.req, int64(w.now))
	w.pump(n)
}

// bounce answers a request with a transport error, as the client's own
// connection would report it.
func (w *World) bounce(a *attempt, err error) {
	w.queueReply(a, member.Reply{Client: w.clients[a.client].name, ID: a.id, Kind: a.req.Kind, From: a.member, Err: err})
}

// replyToClient puts a member's reply on its way to the client.
func (w *World) replyToClient(n *node, r member.Reply) {
	a, ok := w.attempts[r.ID]
	if !ok {
		return
	}
	w.queueReply(a, r)
}

// queueReply schedules a reply's arrival at the client, after the replies
// sent before it.
func (w *World) queueReply(a *attempt, r member.Reply) {
	at := w.now.Add(latency(w.clientRng, w.cfg.LatencyMin, w.cfg.LatencyMax))
	at = max(at, a.lastReplyAt)
	a.lastReplyAt = at
	a.inbox = append(a.inbox, r)
	w.sched.schedule(event{at: at, kind: evClientReply, client: a.client, id: a.id})
}

// clientHolds keeps an event for a paused client and drops one for a
// crashed client; it reports whether the event must not run now.
func (w *World) clientHolds(c *client, ev event) bool {
	switch {
	case c.crashed:
		return true
	case c.paused:
		c.held = append(c.held, ev)
		return true
	}
	return false
}

// onClientReply hands a reply to whoever in the client waits for it.
func (w *World) onClientReply(ev event) {
	a, ok := w.attempts[ev.id]
	if !ok || len(a.inbox) == 0 {
		return
	}
	c := w.clients[a.client]
	if !c.crashed && w.clientHolds(c, ev) {
		return
	}
	r := a.inbox[0]
	a.inbox = a.inbox[1:]
	wasDone := a.done
	if c.crashed || a.purpose != purposeWatch || r.Err != nil {
		a.done = true
	}
	if a.done && len(a.inbox) == 0 {
		delete(w.attempts, a.id)
	}
	if wasDone || c.crashed {
		return
	}
	switch a.purpose {
	case purposeOp:
		if len(c.ops) > 0 && c.ops[0].op.ID == a.ref && c.ops[0].reqID == a.id {
			w.onOpReply(c, c.ops[0], r)
		}
	case purposeKeepAlive:
		w.onKeepAliveReply(c, a.ref, a.id, r)
	case purposeWatch:
		w.onWatchReply(c, a.ref, a.id, r)
	case purposeRecipe:
		w.onRecipeReply(c, a.ref, a.id, r)
	}
}

// onClientTimeout gives up waiting for an attempt.
func (w *World) onClientTimeout(ev event) {
	a, ok := w.attempts[ev.id]
	if !ok || a.done {
		return
	}
	c := w.clients[a.client]
	if w.clientHolds(c, ev) {
		return
	}
	a.done = true
	delete(w.attempts, a.id)
	r := member.Reply{Client: c.name, ID: a.id, Kind: a.req.Kind, From: a.member, Err: ErrTimeout}
	switch a.purpose {
	case purposeOp:
		if len(c.ops) > 0 && c.ops[0].op.ID == a.ref && c.ops[0].reqID == a.id {
			w.onOpReply(c, c.ops[0], r)
		}
	case purposeKeepAlive:
		w.onKeepAliveReply(c, a.ref, a.id, r)
	case purposeRecipe:
		w.onRecipeReply(c, a.ref, a.id, r)
	}
}

// heldArrived marks the requests waiting at a paused member as received, so
// that its crash breaks their connections.
func (w *World) heldArrived(n *node) {
	for _, h := range n.held {
		if a, ok := w.attempts[h.attempt]; ok && h.kind == evClientArrive {
			a.arrived = true
		}
	}
}

// memberDown fails every request waiting at a member that just crashed: the
// clients see their connections break.
func (w *World) memberDown(id uint64) {
	var ids []uint64
	for reqID, a := range w.attempts {
		if a.member == id && a.arrived && !a.done {
			ids = append(ids, reqID)
		}
	}
	slices.Sort(ids)
	for _, reqID := range ids {
		w.bounce(w.attempts[reqID], ErrConnLost)
	}
}
