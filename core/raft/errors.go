package raft

import "errors"

// ErrProposalDropped is returned when a proposal is not accepted: no leader
// is known to forward it to, the node is a candidate, the leader is handing
// leadership over, or the leader is no longer in the configuration. The
// Ready's Events say which; the client may retry.
var ErrProposalDropped = errors.New("raft: proposal dropped")

// ErrStepLocalMsg is returned when a message type that never crosses the
// network (MsgHup, MsgBeat, ...) arrives through Step.
var ErrStepLocalMsg = errors.New("raft: cannot step a local message type received from the network")

// ErrStepPeerNotFound is returned when a response arrives from a node that is
// not in the configuration.
var ErrStepPeerNotFound = errors.New("raft: cannot step a response from a node outside the configuration")

// ErrConfChangePending is returned when a configuration change is proposed
// while another one has not been applied yet. Raft changes membership one
// change at a time; wait for the pending one (and, for a joint change, for
// leaving the joint configuration) and propose again.
var ErrConfChangePending = errors.New("raft: a configuration change is already pending; propose the next one after it is applied")

// ErrInvalidConfChange is returned when a proposed configuration change
// cannot be applied to the current configuration (for example it removes
// every voter, changes two voters without joint consensus, or leaves a
// configuration that is not joint). It wraps the precise reason.
var ErrInvalidConfChange = errors.New("raft: invalid configuration change")
