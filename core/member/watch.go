package member

import (
	"fmt"
	"slices"

	"github.com/raft-playground/playground/kvstate"
)

// watchMaxEvents bounds the events in one watch response; the store never
// splits a revision across responses, whatever the bound.
const watchMaxEvents = 64

// submitWatch opens a watch on this member's store. Like etcd's watch it is
// served by the member the client talks to, from that member's applied
// state; when the member crashes the watch breaks and the client resumes it
// elsewhere from the last revision it saw.
func (m *Member) submitWatch(req Request) {
	if req.Watch == nil {
		m.reply(Reply{Client: req.Client, ID: req.ID, Kind: req.Kind, Err: fmt.Errorf("%w: a watch without a key", ErrBadRequest)})
		return
	}
	ws, ok := m.watches[req.Client]
	if !ok {
		ws = m.store.NewWatchStream(watchMaxEvents)
		m.watches[req.Client] = ws
		m.watchRequests[req.Client] = nil
	}
	id, err := ws.Watch(*req.Watch)
	if err != nil {
		m.reply(Reply{Client: req.Client, ID: req.ID, Kind: req.Kind, Err: err})
		return
	}
	if m.watchRequests[req.Client] == nil {
		m.watchRequests[req.Client] = map[kvstate.WatchID]uint64{}
	}
	m.watchRequests[req.Client][id] = req.ID
	m.flushWatches()
}

func (m *Member) submitCancelWatch(req Request) {
	ws, ok := m.watches[req.Client]
	if !ok {
		m.reply(Reply{Client: req.Client, ID: req.ID, Kind: req.Kind, Err: fmt.Errorf("%w: %s has no watch on s%d", ErrBadRequest, req.Client, m.cfg.ID)})
		return
	}
	err := ws.Cancel(req.WatchID)
	m.reply(Reply{Client: req.Client, ID: req.ID, Kind: req.Kind, Err: err})
	m.flushWatches()
}

// flushWatches turns the watch streams' pending responses into replies, one
// reply per response so that a client sees revisions in order, clients in
// name order so the trace is deterministic.
func (m *Member) flushWatches() {
	clients := make([]string, 0, len(m.watches))
	for c := range m.watches {
		clients = append(clients, c)
	}
	slices.Sort(clients)
	for _, c := range clients {
		for _, resp := range m.watches[c].Take() {
			reqID := m.watchRequests[c][resp.WatchID]
			m.reply(Reply{Client: c, ID: reqID, Kind: RequestWatch, Watch: []kvstate.WatchResponse{resp}})
		}
	}
}
