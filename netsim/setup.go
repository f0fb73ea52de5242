package netsim

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/raft-playground/playground/core/member"
	"github.com/raft-playground/playground/core/wal"
	"github.com/raft-playground/playground/kvstate"
)

// SetLog is a teaching set-up: before the cluster starts, member id's log is
// replaced by entries of the given terms at indexes 1, 2, … (for instance
// the logs of Raft figures 7 and 8). Each entry carries the command
// `put fig i<index>t<term>`; none is committed, and the leader that is
// elected decides what survives.
//
// A set-up that could not arise under Raft is refused with the reason:
//   - a term of 0, or terms that decrease along the log (a leader only
//     appends entries of its own term, and terms only grow);
//   - a log term above the member's current term (set with SetTerm; when no
//     term is set, the member's term becomes its last log term);
//   - two logs that hold entries of the same term but disagree on what comes
//     before their last entry of that term: a term has at most one leader,
//     whose log every entry of that term was copied from, so of the two logs
//     cut after their last entry of that term one must be a prefix of the
//     other (Election Safety and Log Matching, Raft §5.2–5.3).
//
// Not checked: that a majority of members has reached every term that
// appears in a log (an election needs a majority's votes, and votes raise
// terms). Set-up lines arrive one at a time, so that rule can only hold once
// all of them are given, and figures drawn in the paper often leave terms
// implicit; the trace shows the terms as given.
func (w *World) SetLog(id uint64, terms []uint64) error {
	_, err := w.do(command{kind: cmdSetLog, member: id, terms: append([]uint64(nil), terms...)})
	return err
}

// SetTerm is a teaching set-up: before the cluster starts, member id's
// current term becomes term (with no vote). It must be at least the last
// term in the member's log.
func (w *World) SetTerm(id uint64, term uint64) error {
	_, err := w.do(command{kind: cmdSetTerm, member: id, term: term})
	return err
}

// checkSetUpTime refuses a set-up once the cluster has started.
func (w *World) checkSetUpTime(id uint64) (*node, error) {
	n, err := w.member(id)
	if err != nil {
		return nil, err
	}
	if w.steps > 0 || w.now > 0 {
		return nil, fmt.Errorf("set-ups only apply before the cluster starts; the world is at %s already", w.now)
	}
	return n, nil
}

func (w *World) setLog(id uint64, terms []uint64) error {
	n, err := w.checkSetUpTime(id)
	if err != nil {
		return err
	}
	for i, t := range terms {
		if t == 0 {
			return fmt.Errorf("log %s: entry %d has term 0; terms start at 1", MemberName(id), i+1)
		}
		if i > 0 && t < terms[i-1] {
			return fmt.Errorf("log %s: entry %d has term %d after an entry of term %d; a log's terms never decrease, because a leader only appends entries of its own, newest term", MemberName(id), i+1, t, terms[i-1])
		}
	}
	last := lastTerm(terms)
	if n.setupTermSet && last > n.setupTerm {
		return fmt.Errorf("log %s: its last entry has term %d, above %s's current term %d; a member never holds an entry from a term it has not reached", MemberName(id), last, MemberName(id), n.setupTerm)
	}
	for _, o := range w.nodes[1:] {
		if o.id == id || len(o.setupTerms) == 0 {
			continue
		}
		if err := sameLeaderPerTerm(id, terms, o.id, o.setupTerms); err != nil {
			return err
		}
	}
	n.setupTerms = terms
	w.rebuild(n)
	w.record(Record{Kind: "setup-log", Member: id, Args: []Arg{{"terms", joinTerms(terms)}}})
	return nil
}

func (w *World) setTerm(id uint64, term uint64) error {
	n, err := w.checkSetUpTime(id)
	if err != nil {
		return err
	}
	if term == 0 {
		return fmt.Errorf("term %s: terms start at 1", MemberName(id))
	}
	if last := lastTerm(n.setupTerms); term < last {
		return fmt.Errorf("term %s %d: %s's log already holds an entry of term %d, and a member's term is never below its log's last term", MemberName(id), term, MemberName(id), last)
	}
	n.setupTerm, n.setupTermSet = term, true
	w.rebuild(n)
	w.record(Record{Kind: "setup-term", Member: id, Args: []Arg{{"term", strconv.FormatUint(term, 10)}}})
	return nil
}

// sameLeaderPerTerm checks two set-up logs against Election Safety and Log
// Matching: for every term both hold, the logs cut after their last entry
// of that term must be one a prefix of the other.
func sameLeaderPerTerm(a uint64, ta []uint64, b uint64, tb []uint64) error {
	lastOf := func(ts []uint64, term uint64) int {
		at := -1
		for i, t := range ts {
			if t == term {
				at = i
			}
		}
		return at
	}
	for _, term := range ta {
		ea, eb := lastOf(ta, term), lastOf(tb, term)
		if eb < 0 {
			continue
		}
		n := min(ea, eb)
		for i := 0; i <= n; i++ {
			if ta[i] != tb[i] {
				return fmt.Errorf("log %s: %s and %s both hold entries of term %d, but at index %d one has term %d and the other term %d; one leader per term means every entry of term %d was copied from one log, so everything before them would match (Log Matching)",
					MemberName(a), MemberName(a), MemberName(b), term, i+1, ta[i], tb[i], term)
			}
		}
	}
	return nil
}

// rebuild recreates a member from its set-up: a disk whose WAL holds the
// set-up log and term, synced, replayed as after a restart.
func (w *World) rebuild(n *node) {
	disk := member.NewDisk()
	ents := make([]wal.Entry, len(n.setupTerms))
	for i, t := range n.setupTerms {
		ents[i] = wal.Entry{Index: uint64(i + 1), Term: t, Data: setupCommand(uint64(i+1), t)}
	}
	term := max(n.setupTerm, lastTerm(n.setupTerms))
	if err := disk.WAL.Save(wal.HardState{Term: term}, ents); err != nil {
		panic(fmt.Sprintf("netsim: the WAL refused a validated set-up: %v", err))
	}
	disk.WAL.Sync()
	m, err := member.Restart(w.memberConfig(n), disk)
	if err != nil {
		panic(fmt.Sprintf("netsim: a member did not start from a validated set-up: %v", err))
	}
	n.m, n.disk = m, disk
	n.incarnation++
	n.syncPending, n.syncDone, n.unsyncedFrom = false, false, 0
	w.startClock(n)
	w.pump(n)
}

// setupCommand is the client command a set-up entry carries: a put of the
// key "fig" whose value names the entry ("i3t2": index 3, term 2), so that
// a learner sees which entry a store applied and which ones were overwritten.
func setupCommand(index, term uint64) []byte {
	req := kvstate.Request{Put: &kvstate.PutRequest{Key: "fig", Value: fmt.Sprintf("i%dt%d", index, term)}}
	data, err := req.Encode()
	if err != nil {
		panic(fmt.Sprintf("netsim: a set-up command does not encode: %v", err))
	}
	return data
}

func lastTerm(terms []uint64) uint64 {
	if len(terms) == 0 {
		return 0
	}
	return terms[len(terms)-1]
}

func joinTerms(terms []uint64) string {
	s := make([]string, len(terms))
	for i, t := range terms {
		s[i] = strconv.FormatUint(t, 10)
	}
	return strings.Join(s, ",")
}
