package script

import (
	"errors"
	"fmt"

	"github.com/raft-playground/playground/netsim"
)

// execute carries out one command against the world. It returns a note for
// the trace (what an expectation found, what a show printed) or an error.
// Every world call validates before it changes anything, and commands that
// make several calls check everything first, so a refused command changes
// nothing.
func (s *Session) execute(cmd Command) (string, error) {
	w := s.world
	switch c := cmd.(type) {
	case *Run:
		if err := w.RunFor(c.For); err != nil {
			return "", &runOutcome{msg: err.Error(), err: err}
		}
		return "", nil
	case *RunUntilLeader:
		start := w.Now()
		err := w.RunUntil(hasLeader, c.Max)
		if errors.Is(err, netsim.ErrDeadline) {
			return "", &runOutcome{msg: fmt.Sprintf("run until=leader: no single leader emerged within %v (%s)", c.Max, describeLeadership(w)), err: err}
		}
		if err != nil {
			return "", &runOutcome{msg: err.Error(), err: err}
		}
		id, _ := w.Leader()
		return fmt.Sprintf("%s leads term %d after %v", netsim.MemberName(id), w.Term(), w.Now().Sub(start)), nil
	case *Step:
		for i := 0; i < c.Count; i++ {
			err := w.Step()
			if errors.Is(err, netsim.ErrIdle) && i > 0 {
				return fmt.Sprintf("only %d events were left", i), nil
			}
			if errors.Is(err, netsim.ErrIdle) {
				return "", err
			}
			if err != nil {
				return "", &runOutcome{msg: err.Error(), err: err}
			}
		}
		return "", nil
	case *Crash:
		if c.Target.IsClient() {
			return "", w.CrashClient(c.Target.Client)
		}
		id, err := s.resolve(c.Target.Member)
		if err != nil {
			return "", err
		}
		return "", w.Crash(id, crashModes[c.WAL])
	case *Restart:
		if c.Target.IsClient() {
			return "", w.RestartClient(c.Target.Client)
		}
		id, err := s.resolve(c.Target.Member)
		if err != nil {
			return "", err
		}
		return s.restart(id)
	case *Pause:
		if c.Target.IsClient() {
			return "", w.PauseClient(c.Target.Client)
		}
		id, err := s.resolve(c.Target.Member)
		if err != nil {
			return "", err
		}
		return "", w.Pause(id)
	case *Resume:
		if c.Target.IsClient() {
			return "", w.ResumeClient(c.Target.Client)
		}
		id, err := s.resolve(c.Target.Member)
		if err != nil {
			return "", err
		}
		return "", w.Resume(id)
	case *Partition:
		groups := make([][]uint64, len(c.Groups))
		for i, g := range c.Groups {
			for _, m := range g {
				groups[i] = append(groups[i], uint64(m.ID))
			}
		}
		return "", w.Partition(groups)
	case *Isolate:
		id, err := s.resolve(c.Member)
		if err != nil {
			return "", err
		}
		return "", w.Isolate(id)
	case *Heal:
		w.Heal()
		return "", nil
	case *Link:
		return "", s.setLink(c)
	case *LinkReset:
		return "", s.resetLink(c)
	case *Timeout:
		id, err := s.resolve(c.Member)
		if err != nil {
			return "", err
		}
		return "", w.Timeout(id)
	case *Transfer:
		return "", w.Transfer(uint64(c.To.ID))
	case *MemberAdd:
		return "", w.AddMember(uint64(c.ID), c.Learner)
	case *MemberPromote:
		id, err := s.resolve(c.Member)
		if err != nil {
			return "", err
		}
		return "", w.PromoteMember(id)
	case *MemberRemove:
		id, err := s.resolve(c.Member)
		if err != nil {
			return "", err
		}
		return "", w.RemoveMember(id)
	case *Snapshot:
		id, err := s.resolve(c.Member)
		if err != nil {
			return "", err
		}
		return "", w.Snapshot(id)
	case *SetLog:
		id, err := s.resolve(c.Member)
		if err != nil {
			return "", err
		}
		return "", w.SetLog(id, c.Terms)
	case *SetTerm:
		id, err := s.resolve(c.Member)
		if err != nil {
			return "", err
		}
		return "", w.SetTerm(id, c.Term)
	}
	if note, handled, err := s.executeClient(cmd); handled {
		return note, err
	}
	if note, handled, err := s.executeExpect(cmd); handled {
		return note, err
	}
	return s.executeShow(cmd)
}

var crashModes = map[CrashMode]netsim.CrashMode{
	CrashLoseUnsynced: netsim.CrashLoseUnsynced,
	CrashTorn:         netsim.CrashTorn,
	CrashCorrupt:      netsim.CrashCorrupt,
}

func hasLeader(w *netsim.World) bool {
	_, err := w.Leader()
	return err == nil
}

// resolve turns a member reference into an ID; `leader` is the member that
// leads the highest term among the members that are up.
func (s *Session) resolve(m MemberRef) (uint64, error) {
	if !m.Leader {
		return uint64(m.ID), nil
	}
	id, err := s.world.Leader()
	if err != nil {
		return 0, fmt.Errorf("leader names no member now: %s", describeLeadership(s.world))
	}
	return id, nil
}

// describeLeadership says who leads what, for messages about leaders.
func describeLeadership(w *netsim.World) string {
	v := w.View(0)
	var leaders []string
	for _, m := range v.Members {
		if m.Role == "leader" && m.State == netsim.StateUp {
			leaders = append(leaders, fmt.Sprintf("%s leads term %d", m.Name, m.Term))
		}
	}
	if len(leaders) == 0 {
		return fmt.Sprintf("no member that is up is leader; the highest term is %d", v.Term)
	}
	return fmt.Sprintf("the highest term is %d; %s", v.Term, joinList(leaders))
}

// restart restarts a member. A restart that finds the WAL corrupt is not an
// error of the script: the world records it, the member stays down, and the
// scenario goes on to look at that (`expect down s1`).
func (s *Session) restart(id uint64) (string, error) {
	err := s.world.Restart(id)
	var failed *netsim.RestartFailedError
	if errors.As(err, &failed) {
		return fmt.Sprintf("%s stays down: its WAL failed verification", netsim.MemberName(id)), nil
	}
	return "", err
}

// setLink changes one or both directions of a link. Both new settings are
// validated before either is applied.
func (s *Session) setLink(c *Link) error {
	type change struct {
		from, to uint64
		settings netsim.LinkSettings
	}
	pairs := [][2]uint64{{uint64(c.From.ID), uint64(c.To.ID)}}
	if c.Both {
		pairs = append(pairs, [2]uint64{uint64(c.To.ID), uint64(c.From.ID)})
	}
	var changes []change
	for _, p := range pairs {
		cur, err := s.world.Link(p[0], p[1])
		if err != nil {
			return err
		}
		if c.Drop != nil {
			cur.DropPercent = c.Drop.Float()
		}
		if c.Dup != nil {
			cur.DuplicatePercent = c.Dup.Float()
		}
		if c.Reorder != nil {
			cur.ReorderPercent = c.Reorder.Float()
		}
		if c.Latency != nil {
			cur.LatencyMin, cur.LatencyMax = c.Latency.Min, c.Latency.Max
		}
		if err := cur.Validate(); err != nil {
			return err
		}
		changes = append(changes, change{p[0], p[1], cur})
	}
	for _, ch := range changes {
		if err := s.world.SetLink(ch.from, ch.to, ch.settings); err != nil {
			return err
		}
	}
	return nil
}

func (s *Session) resetLink(c *LinkReset) error {
	if err := s.world.ResetLink(uint64(c.From.ID), uint64(c.To.ID)); err != nil {
		return err
	}
	if c.Both {
		return s.world.ResetLink(uint64(c.To.ID), uint64(c.From.ID))
	}
	return nil
}
