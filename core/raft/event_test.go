package raft

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEventKindAndReasonIdentifiersAreStableAndUnique(t *testing.T) {
	seen := map[string]bool{}
	for k := EventBecameFollower; k <= EventLogTruncated; k++ {
		s := k.String()
		assert.NotEqual(t, "unknown-event", s, "kind %d has no identifier", k)
		assert.False(t, seen[s], "identifier %q is used twice", s)
		seen[s] = true
	}
	assert.Equal(t, "unknown-event", EventKind(0).String())
	assert.Equal(t, "unknown-event", (EventLogTruncated + 1).String())

	seen = map[string]bool{}
	for r := ReasonNone; r <= ReasonLeaseExpired; r++ {
		s := r.String()
		assert.NotEqual(t, "unknown-reason", s, "reason %d has no identifier", r)
		assert.False(t, seen[s], "identifier %q is used twice", s)
		seen[s] = true
	}
	assert.Equal(t, "unknown-reason", (ReasonLeaseExpired + 1).String())

	// Catalogues outside the core key on these; they must not change.
	assert.Equal(t, "vote-rejected", EventVoteRejected.String())
	assert.Equal(t, "log-behind", ReasonLogBehind.String())
	assert.Equal(t, "leader-alive", ReasonLeaderAlive.String())
}

func TestStateAndMessageTypeNames(t *testing.T) {
	assert.Equal(t, "pre-candidate", StatePreCandidate.String())
	assert.Equal(t, "leader", StateLeader.String())
	assert.Equal(t, "MsgReadIndexResp", MsgReadIndexResp.String())
	assert.Equal(t, "MsgUnknown", MessageType(200).String())
	assert.Equal(t, "add-learner", ConfChangeAddLearnerNode.String())
	assert.Equal(t, "remove-node", ConfChangeRemoveNode.String())
	assert.Equal(t, "conf-change-type-9", ConfChangeType(9).String())
	for typ := MsgHup; typ <= MsgReadIndexResp; typ++ {
		assert.NotEqual(t, "", typ.String(), "message type %d has no name", typ)
	}
}
