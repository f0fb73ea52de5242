package concurrency

import "errors"

// The sentinel errors of the recipes, matched with errors.Is.
var (
	// ErrLocked means TryLock found the mutex held by another session.
	ErrLocked = errors.New("concurrency: mutex: locked by another session")
	// ErrNotLocked means Unlock was called on a mutex that holds no key.
	ErrNotLocked = errors.New("concurrency: mutex: not locked")
	// ErrSessionExpired means the session's lease is gone, so every key the
	// recipes wrote with it is (or is about to be) deleted.
	ErrSessionExpired = errors.New("concurrency: session is expired")
	// ErrSessionNotOpen means a recipe was used before its session got a
	// lease.
	ErrSessionNotOpen = errors.New("concurrency: session is not open")
	// ErrElectionNotLeader means the caller is not the leader (any more).
	ErrElectionNotLeader = errors.New("concurrency: election: not leader")
	// ErrElectionNoLeader means no candidate holds a key under the election
	// prefix.
	ErrElectionNoLeader = errors.New("concurrency: election: no leader")
	// ErrBusy means a recipe was asked to start an operation while another
	// one is still running.
	ErrBusy = errors.New("concurrency: another operation is in progress")
)
