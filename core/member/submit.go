package member

import (
	"errors"
	"fmt"

	"github.com/raft-playground/playground/core/raft"
	"github.com/raft-playground/playground/kvstate"
)

// Submit handles a client request that arrived at this member. Replies that
// are known at once (a serializable read, a refused request) are in the next
// Output; the others follow when their entry is applied or their read index
// is confirmed.
func (m *Member) Submit(req Request, nowUs int64) {
	m.setNow(nowUs)
	switch req.Kind {
	case RequestWrite:
		m.submitWrite(req)
	case RequestRead:
		m.submitRead(req)
	case RequestKeepAlive:
		m.submitKeepAlive(req)
	case RequestWatch:
		m.submitWatch(req)
	case RequestCancelWatch:
		m.submitCancelWatch(req)
	default:
		m.reply(Reply{Client: req.Client, ID: req.ID, Kind: req.Kind, Err: fmt.Errorf("%w: unknown request kind %d", ErrBadRequest, req.Kind)})
	}
}

// submitWrite proposes a write. On a follower Raft forwards the proposal to
// the leader, as etcd does; this member still answers the client once it
// applies the entry, because every member applies every entry. We chose
// forwarding over refusing with a leader hint because it is what etcd does
// and it lets a learner see a follower-submitted write travel to the leader.
func (m *Member) submitWrite(req Request) {
	if req.Write == nil {
		m.reply(Reply{Client: req.Client, ID: req.ID, Kind: req.Kind, Err: fmt.Errorf("%w: a write without a command", ErrBadRequest)})
		return
	}
	cmd := *req.Write
	cmd.ID = req.ID
	if err := cmd.Validate(); err != nil {
		m.reply(Reply{Client: req.Client, ID: req.ID, Kind: req.Kind, Err: err})
		return
	}
	data, err := cmd.Encode()
	if err != nil {
		m.reply(Reply{Client: req.Client, ID: req.ID, Kind: req.Kind, Err: err})
		return
	}
	if err := m.node.Propose(data); err != nil {
		m.reply(Reply{Client: req.Client, ID: req.ID, Kind: req.Kind, Err: m.proposalError(err)})
		return
	}
	m.writes[req.ID] = req
}

// proposalError explains why Raft dropped a proposal.
func (m *Member) proposalError(err error) error {
	if errors.Is(err, raft.ErrProposalDropped) {
		if m.node.Status().Lead == raft.None {
			return ErrNoLeader
		}
		return ErrProposalDropped
	}
	return err
}

func (m *Member) submitRead(req Request) {
	if req.Read == nil {
		m.reply(Reply{Client: req.Client, ID: req.ID, Kind: req.Kind, Err: fmt.Errorf("%w: a read without a range", ErrBadRequest)})
		return
	}
	check := kvstate.Request{Range: req.Read}
	if err := check.Validate(); err != nil {
		m.reply(Reply{Client: req.Client, ID: req.ID, Kind: req.Kind, Err: err})
		return
	}
	if req.Serializable {
		m.serveRead(req, 0)
		return
	}
	if m.node.Status().Lead == raft.None {
		m.reply(Reply{Client: req.Client, ID: req.ID, Kind: req.Kind, Err: ErrNoLeader})
		return
	}
	m.readSeq++
	m.reads = append(m.reads, pendingRead{ctx: m.readSeq, req: req})
	m.node.ReadIndex(encodeReadCtx(m.readSeq))
}

// submitKeepAlive renews a lease on the leader's lessor. etcd's followers
// forward keep-alives to the leader; our clients go to the leader
// themselves after the hint, which shows the same rule — only the leader
// decides a lease's life — with one hop less.
func (m *Member) submitKeepAlive(req Request) {
	if m.role != raft.StateLeader {
		lead := m.node.Status().Lead
		m.reply(Reply{Client: req.Client, ID: req.ID, Kind: req.Kind, LeaderHint: lead,
			Err: &NotLeaderError{Member: m.cfg.ID, Leader: lead}})
		return
	}
	ttl, err := m.store.Renew(req.Lease, m.now)
	m.reply(Reply{Client: req.Client, ID: req.ID, Kind: req.Kind, TTL: ttl, Err: err})
}
