package netsim

import (
	"fmt"
	"strconv"

	"github.com/raft-playground/playground/core/member"
	"github.com/raft-playground/playground/core/wal"
)

// CrashMode says what a member's WAL keeps when the member crashes.
type CrashMode uint8

const (
	// CrashLoseUnsynced keeps exactly the synced prefix of the WAL.
	CrashLoseUnsynced CrashMode = iota
	// CrashTorn tears the last record, as power failing mid-write does;
	// replay drops the torn record.
	CrashTorn
	// CrashCorrupt flips a bit in the synced prefix, so the CRC chain breaks
	// and the member refuses to restart.
	CrashCorrupt
)

var crashReasons = [...]string{CrashLoseUnsynced: "", CrashTorn: "torn", CrashCorrupt: "corrupt"}

// Crash stops member id at once: its volatile state is lost, its WAL keeps
// what mode says, messages to it are lost, and client requests waiting at it
// fail.
func (w *World) Crash(id uint64, mode CrashMode) error {
	_, err := w.do(command{kind: cmdCrash, member: id, mode: mode})
	return err
}

// Restart brings a crashed member back from its disk. A WAL that fails
// verification is reported as a restart-failed record and an error, and the
// member stays down (StateFailed).
func (w *World) Restart(id uint64) error {
	_, err := w.do(command{kind: cmdRestart, member: id})
	return err
}

// RestartFailedError reports a restart that found the member's disk
// unusable (a corrupt WAL, errors.As a *wal.CorruptionError through Unwrap).
// Unlike other refusals it did change the world: the member is now
// StateFailed, and the command stays in the world's command log.
type RestartFailedError struct {
	Member uint64
	Err    error
}

func (e *RestartFailedError) Error() string {
	return fmt.Sprintf("%s cannot restart: %v", MemberName(e.Member), e.Err)
}

func (e *RestartFailedError) Unwrap() error { return e.Err }

// Pause freezes member id, as a long garbage-collection pause or a stopped
// VM does: its clock and processing stop, and messages and requests to it
// wait until Resume.
func (w *World) Pause(id uint64) error {
	_, err := w.do(command{kind: cmdPause, member: id})
	return err
}

// Resume continues a paused member and hands it what waited.
func (w *World) Resume(id uint64) error {
	_, err := w.do(command{kind: cmdResume, member: id})
	return err
}

func (w *World) crash(id uint64, mode CrashMode) error {
	n, err := w.member(id)
	if err != nil {
		return err
	}
	if !n.alive() {
		return fmt.Errorf("%s is already down", MemberName(id))
	}
	if int(mode) >= len(crashReasons) {
		return fmt.Errorf("unknown crash mode %d", mode)
	}
	synced := n.disk.WAL.Stats()
	fault := wal.Fault{Mode: wal.DropUnsynced}
	switch mode {
	case CrashTorn:
		fault.Mode = wal.TearLastRecord
	case CrashCorrupt:
		if synced.SyncedBytes == 0 {
			return fmt.Errorf("%s's WAL has nothing synced to corrupt yet", MemberName(id))
		}
		fault = wal.Fault{Mode: wal.FlipBit, Bit: n.rng.Uint64()}
	}
	durable := w.memberView(n, 0).Log
	report, err := n.disk.WAL.Crash(fault)
	if err != nil {
		return fmt.Errorf("crashing %s: %w", MemberName(id), err)
	}
	for len(durable) > 0 && !durable[len(durable)-1].Synced {
		durable = durable[:len(durable)-1]
	}
	n.durableLog = durable
	w.heldArrived(n)
	n.m, n.state = nil, StateCrashed
	n.incarnation++
	n.syncPending, n.syncDone, n.held, n.unsyncedFrom = false, false, nil, 0
	w.record(Record{Kind: "crash", Reason: crashReasons[mode], Member: id,
		Args: []Arg{{"lost", strconv.Itoa(synced.Records - synced.SyncedRecords)}, {"lostBytes", strconv.Itoa(report.LostBytes)}}})
	w.memberDown(id)
	return nil
}

func (w *World) restart(id uint64) error {
	n, err := w.member(id)
	if err != nil {
		return err
	}
	if n.state != StateCrashed {
		return fmt.Errorf("%s is %s; only a crashed member can restart", MemberName(id), n.state)
	}
	n.incarnation++
	m, err := member.Restart(w.memberConfig(n), n.disk)
	if err != nil {
		n.state = StateFailed
		w.record(Record{Kind: "restart-failed", Member: id, Args: []Arg{{"error", err.Error()}}})
		return &RestartFailedError{Member: id, Err: err}
	}
	n.m, n.state, n.durableLog = m, StateUp, nil
	st := m.Status()
	w.record(Record{Kind: "restart", Member: id, Args: []Arg{
		{"term", strconv.FormatUint(st.Term, 10)}, {"vote", MemberName(st.Vote)},
		{"commit", strconv.FormatUint(st.Commit, 10)}, {"last", strconv.FormatUint(st.LastIndex, 10)}}})
	w.startClock(n)
	w.pump(n)
	return nil
}

func (w *World) pause(id uint64) error {
	n, err := w.member(id)
	if err != nil {
		return err
	}
	if n.state != StateUp {
		return fmt.Errorf("%s is %s; only a running member can be paused", MemberName(id), n.state)
	}
	n.state = StatePaused
	w.record(Record{Kind: "pause", Member: id})
	return nil
}

func (w *World) resume(id uint64) error {
	n, err := w.member(id)
	if err != nil {
		return err
	}
	if n.state != StatePaused {
		return fmt.Errorf("%s is %s, not paused", MemberName(id), n.state)
	}
	n.state = StateUp
	held := n.held
	n.held = nil
	w.record(Record{Kind: "resume", Member: id, Args: []Arg{{"held", strconv.Itoa(len(held))}}})
	w.startClock(n)
	if n.syncDone {
		w.finishSync(n)
	}
	for _, h := range held {
		if n.state != StateUp {
			break
		}
		switch h.kind {
		case evDeliver:
			w.deliver(n, h.msg, h.msgID, h.summary)
		case evClientArrive:
			w.arrive(n, h.attempt)
		}
	}
	w.pump(n)
	return nil
}
