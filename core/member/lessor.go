package member

import (
	"github.com/raft-playground/playground/core/raft"
	"github.com/raft-playground/playground/kvstate"
)

// runLessor lets the leader's lessor act: it proposes the revocation of every
// expired lease and checkpoints remaining TTLs, both through Raft. Only the
// leader decides that a lease expired; the other members learn it by
// applying the revocation, so all of them delete the attached keys at the
// same revision.
func (m *Member) runLessor() {
	if m.role != raft.StateLeader || !m.store.IsPrimary() {
		return
	}
	for _, id := range m.store.ExpiredLeases(m.now) {
		req := kvstate.Request{LeaseRevoke: &kvstate.LeaseRevokeRequest{ID: id}}
		if m.proposeInternal(&req) {
			m.emit(Event{Kind: EventLeaseExpired, Lease: id})
		}
	}
	if cps := m.store.Checkpoints(m.now); len(cps) > 0 {
		req := kvstate.Request{LeaseCheckpoint: &kvstate.LeaseCheckpointRequest{Checkpoints: cps}}
		m.proposeInternal(&req)
	}
}

// proposeInternal proposes a command that no client waits for. A refusal is
// not an error: the lessor tries again at a later tick.
func (m *Member) proposeInternal(req *kvstate.Request) bool {
	data, err := req.Encode()
	if err != nil {
		panic("member: the lessor built a command that does not encode: " + err.Error())
	}
	return m.node.Propose(data) == nil
}
