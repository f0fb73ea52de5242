package netsim

import (
	"errors"
	"fmt"
)

// cmdKind names a command the world was given.
type cmdKind uint8

const (
	cmdCrash cmdKind = iota + 1
	cmdRestart
	cmdPause
	cmdResume
	cmdTimeout
	cmdTransfer
	cmdAddMember
	cmdPromote
	cmdRemove
	cmdSnapshot
	cmdSetLog
	cmdSetTerm
	cmdPartition
	cmdIsolate
	cmdHeal
	cmdSetLink
	cmdResetLink
	cmdClientOp
	cmdClientCrash
	cmdClientRestart
	cmdClientPause
	cmdClientResume
)

// command is one call that changed the world, kept so that a rewound world
// can replay it at the same step. It is plain data: no closures, so
// checkpoints copy it safely.
type command struct {
	steps   uint64
	at      Time
	kind    cmdKind
	member  uint64
	peer    uint64
	mode    CrashMode
	learner bool
	groups  [][]uint64
	link    LinkSettings
	terms   []uint64
	term    uint64
	client  string
	op      opSpec
}

// do applies a new command and, if it was accepted, records it. A new
// command forks a rewound timeline: the future it had is dropped.
func (w *World) do(c command) (int, error) {
	if w.violation != nil {
		return 0, fmt.Errorf("%w: %w", ErrStopped, w.violation)
	}
	w.fork()
	c.steps, c.at = w.steps, w.now
	res, err := w.apply(c)
	if err != nil && !changedWorld(err) {
		return 0, err
	}
	w.tl.commands = append(w.tl.commands[:w.nCommands], c)
	w.nCommands++
	return res, err
}

// changedWorld reports whether a command's error still left its mark on the
// world (so a replay must repeat it): only a failed restart does.
func changedWorld(err error) bool {
	var rf *RestartFailedError
	return errors.As(err, &rf)
}

// applyRedo applies the next recorded command if the world has reached the
// step it was given at; it reports whether it applied one.
func (w *World) applyRedo() bool {
	return w.applyRedoUntil(-1)
}

// applyRedoUntil is applyRedo limited to commands given at or before t
// (t < 0: no limit).
func (w *World) applyRedoUntil(t Time) bool {
	if w.nCommands >= len(w.tl.commands) {
		return false
	}
	c := w.tl.commands[w.nCommands]
	if c.steps != w.steps || (t >= 0 && c.at > t) {
		return false
	}
	if c.at > w.now {
		w.now = c.at
	}
	w.nCommands++
	if _, err := w.apply(c); err != nil && !changedWorld(err) {
		// The same command at the same point of a deterministic world
		// cannot fail the second time unless determinism is broken.
		panic(fmt.Sprintf("netsim: replaying a recorded command failed: %v", err))
	}
	return true
}

// apply carries a command out. Every branch validates before it changes
// anything, so a refused command leaves the world as it was.
func (w *World) apply(c command) (int, error) {
	switch c.kind {
	case cmdCrash:
		return 0, w.crash(c.member, c.mode)
	case cmdRestart:
		return 0, w.restart(c.member)
	case cmdPause:
		return 0, w.pause(c.member)
	case cmdResume:
		return 0, w.resume(c.member)
	case cmdTimeout:
		return 0, w.timeout(c.member)
	case cmdTransfer:
		return 0, w.transfer(c.member)
	case cmdAddMember:
		return 0, w.addMember(c.member, c.learner)
	case cmdPromote:
		return 0, w.promote(c.member)
	case cmdRemove:
		return 0, w.removeMember(c.member)
	case cmdSnapshot:
		return 0, w.snapshot(c.member)
	case cmdSetLog:
		return 0, w.setLog(c.member, c.terms)
	case cmdSetTerm:
		return 0, w.setTerm(c.member, c.term)
	case cmdPartition:
		return 0, w.partition(c.groups)
	case cmdIsolate:
		return 0, w.isolate(c.member)
	case cmdHeal:
		w.heal()
		return 0, nil
	case cmdSetLink:
		return 0, w.setLink(c.member, c.peer, c.link)
	case cmdResetLink:
		return 0, w.resetLink(c.member, c.peer)
	case cmdClientOp:
		return w.clientOp(c.client, c.op)
	case cmdClientCrash:
		return 0, w.crashClient(c.client)
	case cmdClientRestart:
		return 0, w.restartClient(c.client)
	case cmdClientPause:
		return 0, w.pauseClient(c.client)
	case cmdClientResume:
		return 0, w.resumeClient(c.client)
	}
	panic(fmt.Sprintf("netsim: unknown command kind %d", c.kind))
}
