package member

import (
	"github.com/raft-playground/playground/core/raft"
)

// collectReadStates records the read index Raft confirmed for each pending
// linearizable read.
func (m *Member) collectReadStates(states []raft.ReadState) {
	for _, rs := range states {
		seq, ok := decodeReadCtx(rs.RequestCtx)
		if !ok {
			continue
		}
		for i := range m.reads {
			if m.reads[i].ctx == seq {
				m.reads[i].index = rs.Index
				break
			}
		}
	}
}

// serveReads answers every read whose read index this member has applied:
// from then on its store reflects every write committed before the read
// arrived, which is what makes the read linearizable (Raft §6.4).
func (m *Member) serveReads() {
	kept := m.reads[:0]
	for _, r := range m.reads {
		if r.index != 0 && r.index <= m.applied {
			m.serveRead(r.req, r.index)
			continue
		}
		kept = append(kept, r)
	}
	m.reads = kept
}

func (m *Member) serveRead(req Request, readIndex uint64) {
	resp, err := m.store.Range(req.Read)
	m.reply(Reply{Client: req.Client, ID: req.ID, Kind: RequestRead, Range: resp, ReadIndex: readIndex, Err: err})
	if readIndex != 0 {
		m.emit(Event{Kind: EventReadServed, Client: req.Client, ReqID: req.ID, Index: readIndex, Revision: m.store.Rev()})
	}
}

// failReadsWithoutLeader answers reads that still wait for a read index when
// the member loses track of the leader: Raft drops a ReadIndex request it
// cannot send anywhere, so these would otherwise wait forever.
func (m *Member) failReadsWithoutLeader() {
	if m.lead != raft.None {
		return
	}
	kept := m.reads[:0]
	for _, r := range m.reads {
		if r.index == 0 {
			m.reply(Reply{Client: r.req.Client, ID: r.req.ID, Kind: RequestRead, Err: ErrNoLeader})
			continue
		}
		kept = append(kept, r)
	}
	m.reads = kept
}
