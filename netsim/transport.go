package netsim

import "github.com/raft-playground/playground/core/raft"

// send puts a member's message on the wire and records it; a message the
// link or the partition loses is recorded as dropped at once and stays
// visible in the view until it would have arrived.
func (w *World) send(m raft.Message) {
	if m.Type == raft.MsgApp && len(m.Entries) > 0 {
		w.checkEntries(m.From, m.LogTerm, m.Entries)
	}
	flights := w.net.send(m, w.now)
	for _, f := range flights {
		sum := f.summary
		kind := "send"
		if f.Duplicate {
			kind = "duplicate"
		}
		reason := messageReason(m, sum)
		w.record(Record{Kind: kind, Reason: reason, Member: m.From, Peer: m.To, MsgID: f.ID, Detail: sum})
		if f.Dropped {
			w.record(Record{Kind: "drop", Reason: f.DropReason, Member: m.From, Peer: m.To, MsgID: f.ID, Detail: sum})
		}
		w.sched.schedule(event{at: f.Deliver, kind: evDeliver, id: f.ID})
	}
	if w.net.skippedDup {
		w.net.skippedDup = false
		w.record(Record{Kind: "no-duplicate", Member: m.From, Peer: m.To, MsgID: flights[0].ID, Detail: flights[0].summary})
	}
}

// onDeliver hands a message to its receiver, unless it was lost on the way,
// the partition now separates the two members, or the receiver is down.
func (w *World) onDeliver(ev event) {
	f, ok := w.net.inFlight[ev.id]
	if !ok {
		return
	}
	delete(w.net.inFlight, ev.id)
	if f.Dropped {
		return
	}
	m := f.Msg
	to := w.nodes[m.To]
	reason := ""
	switch {
	case to.state == StateUp || to.state == StatePaused:
		if !w.net.connected(m.From, m.To) {
			reason = DropPartition
		}
	default:
		reason = DropDown
	}
	if reason != "" {
		w.record(Record{Kind: "drop", Reason: reason, Member: m.From, Peer: m.To, MsgID: f.ID, Detail: f.summary})
		return
	}
	if to.state == StatePaused {
		to.held = append(to.held, heldInput{kind: evDeliver, msg: m, msgID: f.ID, summary: f.summary})
		return
	}
	w.deliver(to, m, f.ID, f.summary)
}

// deliver steps a message into a running member.
func (w *World) deliver(to *node, m raft.Message, id uint64, sum *MessageSummary) {
	w.record(Record{Kind: "deliver", Reason: sum.Type, Member: m.To, Peer: m.From, MsgID: id, Detail: sum})
	to.m.Deliver(m, int64(w.now))
	w.pump(to)
}
