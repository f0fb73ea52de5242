package netsim

import (
	"strconv"

	"github.com/raft-playground/playground/core/member"
	"github.com/raft-playground/playground/kvstate"
)

// clientWatch is a watch a client keeps open, for itself or for a lock.
type clientWatch struct {
	// number is the watch's number among all the watches the client ever
	// opened, from 1.
	number int
	req    kvstate.WatchRequest
	member uint64
	// reqID is the request that opened the watch at member.
	reqID   uint64
	watchID kvstate.WatchID
	// nextRev is the revision to resume from after the last event received
	// (0: not known yet, resume as first asked).
	nextRev int64
	// createdRev is the store revision when the watch was first created.
	createdRev int64
	events     int
	// lock is the lock slot the watch serves (-1: the client's own watch).
	lock int
	// opID is the watch operation waiting for the creation (-1: none).
	opID   int
	closed bool
}

// startWatch opens a client's own watch; the operation returns once the
// member confirms it.
func (w *World) startWatch(c *client, p *pendingOp) {
	req := kvstate.WatchRequest{Key: p.spec.Key, RangeEnd: rangeEnd(p.spec.Key, p.spec.Prefix), StartRevision: p.spec.Rev}
	p.op.Watch = w.openWatch(c, req, -1, p.op.ID)
	p.op.Attempts++
}

// openWatch registers a watch and sends it to the member the client talks
// to; it returns the watch's number.
func (w *World) openWatch(c *client, req kvstate.WatchRequest, lock, opID int) int {
	c.watchesOpened++
	wt := &clientWatch{number: c.watchesOpened, req: req, lock: lock, opID: opID}
	c.watches = append(c.watches, wt)
	w.sendWatch(c, len(c.watches)-1)
	return wt.number
}

// sendWatch sends the watch in slot to the client's current member,
// resuming after the last revision it received.
func (w *World) sendWatch(c *client, slot int) {
	wt := c.watches[slot]
	req := wt.req
	if wt.nextRev > 0 {
		req.StartRevision = wt.nextRev
	}
	wt.member = c.target
	wt.reqID = w.sendRequest(c, c.target, member.Request{Kind: member.RequestWatch, Watch: &req}, purposeWatch, slot, false)
}

// onWatchReply handles one reply of a watch stream: responses are recorded
// for the watch checker and passed to a lock's recipe; a broken stream is
// resumed elsewhere.
func (w *World) onWatchReply(c *client, slot int, reqID uint64, r member.Reply) {
	if slot >= len(c.watches) {
		return
	}
	wt := c.watches[slot]
	if wt.closed || wt.reqID != reqID {
		return
	}
	if r.Err != nil {
		// The member crashed, refused the connection or lost the watch:
		// resume on the next member after a short pause.
		w.rotate(c, r.From)
		wt.reqID = 0
		w.sched.schedule(event{at: w.now.Add(retryBackoff), kind: evWatchResume, client: c.index, id: uint64(slot)})
		return
	}
	for _, resp := range r.Watch {
		if resp.Created && wt.createdRev == 0 {
			wt.createdRev = resp.Header.Revision
		}
		w.addWatchDelivery(WatchDelivery{Client: c.name, Watch: wt.number, At: w.now, Member: r.From, Key: wt.req.Key, RangeEnd: wt.req.RangeEnd,
			StartRev: wt.req.StartRevision, CreatedRev: wt.createdRev, Response: resp})
		if resp.Created {
			wt.watchID = resp.WatchID
			if wt.nextRev == 0 {
				if wt.req.StartRevision > 0 {
					wt.nextRev = wt.req.StartRevision
				} else {
					wt.nextRev = resp.Header.Revision + 1
				}
			}
			if wt.opID >= 0 && len(c.ops) > 0 && c.ops[0].op.ID == wt.opID {
				w.finishOp(c, c.ops[0], StatusOK, nil, r.From)
			}
			wt.opID = -1
		}
		if n := len(resp.Events); n > 0 {
			wt.events += n
			wt.nextRev = resp.Events[n-1].KV.ModRevision + 1
			w.record(Record{Kind: "watch-event", Client: c.name, Member: r.From, Args: []Arg{
				{"key", wt.req.Key}, {"events", strconv.Itoa(n)}, {"rev", strconv.FormatInt(resp.Events[n-1].KV.ModRevision, 10)}}})
		}
		if resp.Canceled {
			wt.closed = true
			if resp.CompactRevision > 0 {
				w.record(Record{Kind: "watch-compacted", Client: c.name, Member: r.From, Args: []Arg{
					{"key", wt.req.Key}, {"from", strconv.FormatInt(wt.nextRev, 10)}, {"compactRev", strconv.FormatInt(resp.CompactRevision, 10)}}})
			}
			if wt.opID >= 0 && len(c.ops) > 0 && c.ops[0].op.ID == wt.opID {
				err := resp.Err
				if err == nil {
					err = kvstate.ErrWatchNotFound
				}
				w.finishOp(c, c.ops[0], StatusError, err, r.From)
			}
		}
		if wt.lock >= 0 {
			w.onRecipeWatch(c, wt.lock, resp)
		}
	}
}

// onWatchResume reopens a broken watch.
func (w *World) onWatchResume(ev event) {
	c := w.clients[ev.client]
	if w.clientHolds(c, ev) {
		return
	}
	slot := int(ev.id)
	if slot >= len(c.watches) {
		// The client restarted since: the watch belonged to its old session.
		return
	}
	wt := c.watches[slot]
	if wt.closed || wt.reqID != 0 {
		return
	}
	w.record(Record{Kind: "watch-resume", Client: c.name, Member: c.target, Args: []Arg{{"key", wt.req.Key}, {"rev", strconv.FormatInt(wt.nextRev, 10)}}})
	w.sendWatch(c, slot)
}

// cancelWatch stops a watch: the client forgets it and asks its member to
// cancel it.
func (w *World) cancelWatch(c *client, slot int) {
	wt := c.watches[slot]
	if wt.closed {
		return
	}
	wt.closed = true
	if wt.reqID != 0 {
		w.sendRequest(c, wt.member, member.Request{Kind: member.RequestCancelWatch, WatchID: wt.watchID}, purposeCancel, slot, false)
	}
}
