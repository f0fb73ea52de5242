package member

import (
	"errors"
	"fmt"
)

var (
	// ErrNoLeader is returned when this member knows of no leader, so it can
	// neither propose nor confirm a read.
	ErrNoLeader = errors.New("no leader: the cluster is electing one or this member cannot reach it")
	// ErrProposalDropped is returned when Raft refused a proposal although a
	// leader is known, for instance during a leadership transfer.
	ErrProposalDropped = errors.New("proposal dropped by Raft (a leadership transfer may be in progress)")
	// ErrBadRequest is returned for a request that is malformed for its kind.
	ErrBadRequest = errors.New("bad request")
	// ErrSnapshotPending is returned when a snapshot is asked for while the
	// member is waiting for its write-ahead log to sync; try again after.
	ErrSnapshotPending = errors.New("cannot snapshot while a write to the WAL is waiting for fsync")
	// ErrNothingToSnapshot is returned when nothing was applied since the last snapshot.
	ErrNothingToSnapshot = errors.New("nothing applied since the last snapshot")
)

// NotLeaderError is returned for a request only the leader can serve (a
// lease keep-alive) when it reached a follower. Leader is the member's best
// knowledge of the leader (0: none known).
type NotLeaderError struct {
	Member uint64
	Leader uint64
}

func (e *NotLeaderError) Error() string {
	if e.Leader == 0 {
		return fmt.Sprintf("s%d is not the leader and knows of no leader", e.Member)
	}
	return fmt.Sprintf("s%d is not the leader; the leader is s%d", e.Member, e.Leader)
}
