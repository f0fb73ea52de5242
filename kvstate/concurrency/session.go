package concurrency

import (
	"errors"
	"fmt"

	"github.com/raft-playground/playground/kvstate"
)

// SessionState is where a Session is in its life.
type SessionState uint8

const (
	// SessionNew has no lease yet; Open asks for one.
	SessionNew SessionState = iota
	// SessionGranting waits for the lease grant.
	SessionGranting
	// SessionLive holds a lease that the driver keeps alive.
	SessionLive
	// SessionExpired lost its lease: a renewal found it gone, or a request
	// that used it was refused for an unknown lease.
	SessionExpired
	// SessionClosing waits for the revoke of its lease.
	SessionClosing
	// SessionClosed revoked its lease.
	SessionClosed
)

var sessionStateNames = [...]string{"new", "granting", "live", "expired", "closing", "closed"}

// String names the state for traces and views.
func (s SessionState) String() string {
	if int(s) < len(sessionStateNames) {
		return sessionStateNames[s]
	}
	return fmt.Sprintf("SessionState(%d)", uint8(s))
}

// Session is etcd's concurrency.Session: a lease that the client keeps alive
// and that every key of its locks and campaigns is attached to. When the
// client stops renewing it (a crash, a long pause), the leader revokes the
// lease after its TTL and the keys go with it, which is what frees the lock
// of a client that can no longer unlock it. The lease ID also names the
// session's keys (see KeyFor).
type Session struct {
	// ttl is the TTL in seconds asked for; grantedTTL is what the store
	// granted (raised to its minimum).
	ttl        int64
	grantedTTL int64
	lease      kvstate.LeaseID
	state      SessionState
	x          exchange
}

// NewSession returns a session that will ask for a lease with the given TTL
// in seconds when opened.
func NewSession(ttlSeconds int64) *Session {
	return &Session{ttl: ttlSeconds}
}

// Open asks for the session's lease (the store picks its ID).
func (s *Session) Open() (Step, error) {
	if s.state != SessionNew {
		return Step{}, fmt.Errorf("%w: the session is %s, only a new session can be opened", ErrBusy, s.state)
	}
	s.state = SessionGranting
	return s.x.send(&kvstate.Request{LeaseGrant: &kvstate.LeaseGrantRequest{TTL: s.ttl}}), nil
}

// Close revokes the session's lease, which deletes every key attached to it
// (etcd's Session.Close). Closing an expired session has nothing to revoke
// and is done at once.
func (s *Session) Close() (Step, error) {
	switch s.state {
	case SessionLive:
		s.state = SessionClosing
		return s.x.send(&kvstate.Request{LeaseRevoke: &kvstate.LeaseRevokeRequest{ID: s.lease}}), nil
	case SessionExpired:
		s.state = SessionClosed
		return Step{Done: true}, nil
	default:
		return Step{}, fmt.Errorf("%w: the session is %s, only a live or expired session can be closed", ErrBusy, s.state)
	}
}

// HandleResponse consumes the response to the grant or the revoke.
func (s *Session) HandleResponse(resp kvstate.Response) Step {
	if !s.x.accept(resp) {
		return Step{}
	}
	switch s.state {
	case SessionGranting:
		if resp.Err != nil {
			// The grant was refused (a TTL above the maximum): the session
			// can be opened again with the same or another driver request.
			s.state = SessionNew
			return Step{Done: true, Err: resp.Err}
		}
		s.lease, s.grantedTTL, s.state = resp.LeaseGrant.ID, resp.LeaseGrant.TTL, SessionLive
		return Step{Done: true}
	case SessionClosing:
		s.state = SessionClosed
		// A lease that expired while the revoke was on its way is gone
		// either way: the close succeeded.
		if resp.Err != nil && !errors.Is(resp.Err, kvstate.ErrLeaseNotFound) {
			return Step{Done: true, Err: resp.Err}
		}
		return Step{Done: true}
	}
	return Step{}
}

// Expire records that the lease is gone. The driver calls it (or a recipe's
// SessionExpired, which calls it) when a renewal reports the lease unknown.
func (s *Session) Expire() {
	if s.state == SessionLive || s.state == SessionGranting {
		s.x.drop()
		s.state = SessionExpired
	}
}

// Lease returns the session's lease ID (NoLease before the grant).
func (s *Session) Lease() kvstate.LeaseID { return s.lease }

// TTL returns the granted TTL in seconds (0 before the grant); the driver
// renews the lease well within it, etcd's client every TTL/3.
func (s *Session) TTL() int64 { return s.grantedTTL }

// State returns the session's state.
func (s *Session) State() SessionState { return s.state }

// checkLive returns why the session cannot be used for a new operation, or
// nil when it can.
func (s *Session) checkLive() error {
	switch s.state {
	case SessionLive:
		return nil
	case SessionExpired:
		return fmt.Errorf("%w: lease %x", ErrSessionExpired, int64(s.lease))
	default:
		return fmt.Errorf("%w: the session is %s", ErrSessionNotOpen, s.state)
	}
}
