package script

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/raft-playground/playground/netsim"
)

// expectFailure is the message of a failed expectation: what was expected
// and what was found.
func expectFailure(expected, found string) error {
	return fmt.Errorf("expected %s, found %s", expected, found)
}

// executeExpect checks an expectation. The note says what was found, so the
// trace shows why the expectation held.
func (s *Session) executeExpect(cmd Command) (string, bool, error) {
	w := s.world
	switch c := cmd.(type) {
	case *ExpectLeader:
		id, err := w.Leader()
		if err != nil {
			return "", true, expectFailure("a leader", describeLeadership(w))
		}
		found := fmt.Sprintf("%s leads term %d", netsim.MemberName(id), w.Term())
		if c.Member != nil && uint64(c.Member.ID) != id {
			return "", true, expectFailure(c.Member.String()+" to lead", found)
		}
		return found, true, nil
	case *ExpectNoLeader:
		if id, err := w.Leader(); err == nil {
			return "", true, expectFailure("no leader", fmt.Sprintf("%s leads term %d", netsim.MemberName(id), w.Term()))
		}
		return describeLeadership(w), true, nil
	case *ExpectTerm:
		if c.On != nil {
			note, err := s.checkScope(*c.On, fmt.Sprintf("term%s%d", c.Cmp, c.Value), func(m netsim.MemberView) (bool, string, error) {
				return c.Cmp.Holds(int64(m.Term), int64(c.Value)), fmt.Sprintf("%s in term %d", m.Name, m.Term), nil
			})
			return note, true, err
		}
		term := w.Term()
		found := "term " + strconv.FormatUint(term, 10)
		if !c.Cmp.Holds(int64(term), int64(c.Value)) {
			return "", true, expectFailure(fmt.Sprintf("term%s%d", c.Cmp, c.Value), found)
		}
		return found, true, nil
	case *ExpectIndex:
		note, err := s.checkScope(c.On, fmt.Sprintf("%s%s%d", c.Field, c.Cmp, c.Value), func(m netsim.MemberView) (bool, string, error) {
			v := m.Commit
			if c.Field == IndexApplied {
				v = m.Applied
			}
			return c.Cmp.Holds(int64(v), int64(c.Value)), fmt.Sprintf("%s %s %d", m.Name, c.Field, v), nil
		})
		return note, true, err
	case *ExpectValue:
		note, err := s.checkScope(c.On, fmt.Sprintf("%s=%s", c.Key, c.Value), func(m netsim.MemberView) (bool, string, error) {
			kv, ok, err := w.LocalGet(m.ID, c.Key)
			if err != nil {
				return false, "", err
			}
			if !ok {
				return false, fmt.Sprintf("%s has no %s", m.Name, c.Key), nil
			}
			return kv.Value == c.Value, fmt.Sprintf("%s has %s=%s", m.Name, c.Key, kv.Value), nil
		})
		return note, true, err
	case *ExpectAbsent:
		note, err := s.checkScope(c.On, c.Key+" absent", func(m netsim.MemberView) (bool, string, error) {
			kv, ok, err := w.LocalGet(m.ID, c.Key)
			if err != nil {
				return false, "", err
			}
			if ok {
				return false, fmt.Sprintf("%s has %s=%s", m.Name, c.Key, kv.Value), nil
			}
			return true, fmt.Sprintf("%s has no %s", m.Name, c.Key), nil
		})
		return note, true, err
	case *ExpectHolder:
		holder, err := w.LockHolder(c.Lock)
		if err != nil {
			return "", true, err
		}
		found := describeHolder(c.Lock, holder)
		if holder != c.Client {
			return "", true, expectFailure(describeHolder(c.Lock, c.Client), found)
		}
		return found, true, nil
	case *ExpectReply:
		note, err := s.expectReply(c)
		return note, true, err
	case *ExpectRole:
		id, err := s.resolve(c.Member)
		if err != nil {
			return "", true, err
		}
		m, err := s.memberView(id)
		if err != nil {
			return "", true, err
		}
		role := scriptRole(m)
		found := fmt.Sprintf("%s is %s in term %d", m.Name, role, m.Term)
		if m.State != netsim.StateUp && m.State != netsim.StatePaused {
			found = fmt.Sprintf("%s is %s", m.Name, m.State)
		}
		if role != c.Role || m.State != netsim.StateUp && m.State != netsim.StatePaused {
			return "", true, expectFailure(fmt.Sprintf("%s to be %s", m.Name, c.Role), found)
		}
		return found, true, nil
	case *ExpectUp:
		id, err := s.resolve(c.Member)
		if err != nil {
			return "", true, err
		}
		m, err := s.memberView(id)
		if err != nil {
			return "", true, err
		}
		up := m.State == netsim.StateUp || m.State == netsim.StatePaused
		found := fmt.Sprintf("%s is %s", m.Name, m.State)
		if up != c.Up {
			want := "up"
			if !c.Up {
				want = "down"
			}
			return "", true, expectFailure(fmt.Sprintf("%s to be %s", m.Name, want), found)
		}
		return found, true, nil
	case *ExpectLog:
		want := formatUints(c.Terms)
		note, err := s.checkScope(c.On, "log terms "+want, func(m netsim.MemberView) (bool, string, error) {
			// The view caps logs for the UI; the member's own view has all of it.
			full, err := w.Member(m.ID)
			if err != nil {
				return false, "", err
			}
			terms, err := logTerms(full)
			if err != nil {
				return false, "", err
			}
			got := formatUints(terms)
			return got == want, fmt.Sprintf("%s has terms %s", m.Name, orNothing(got)), nil
		})
		return note, true, err
	case *ExpectWatch:
		got := s.watchedRevisions(c.Client)
		found := fmt.Sprintf("%s's watches received revisions %s", c.Client, orNothing(formatInts(got)))
		if formatInts(got) != formatInts(c.Revs) {
			return "", true, expectFailure(fmt.Sprintf("revisions %s", orNothing(formatInts(c.Revs))), found)
		}
		return found, true, nil
	}
	return "", false, nil
}

func describeHolder(lock, client string) string {
	if client == "" {
		return "nobody holds " + lock
	}
	return client + " holds " + lock
}

// scriptRole is a member's role as `expect role` names it.
func scriptRole(m netsim.MemberView) Role {
	switch {
	case m.Learner:
		return RoleLearner
	case m.Role == "pre-candidate":
		return RolePreCandidate
	}
	return Role(m.Role)
}

func (s *Session) memberView(id uint64) (netsim.MemberView, error) {
	for _, m := range s.world.View(0).Members {
		if m.ID == id {
			return m, nil
		}
	}
	return netsim.MemberView{}, fmt.Errorf("%s is not a member", netsim.MemberName(id))
}

// logTerms returns the terms of a member's log from index 1. A member that
// compacted its log cannot show the terms of the compacted prefix.
func logTerms(m netsim.MemberView) ([]uint64, error) {
	if m.CompactedIndex > 0 {
		return nil, fmt.Errorf("%s compacted its log up to index %d, so its early terms are gone; compare before the snapshot", m.Name, m.CompactedIndex)
	}
	if len(m.Log) > 0 && m.Log[0].Index != 1 || uint64(len(m.Log)) != m.LastIndex {
		return nil, fmt.Errorf("%s's log view does not start at index 1", m.Name)
	}
	terms := make([]uint64, len(m.Log))
	for i, e := range m.Log {
		terms[i] = e.Term
	}
	return terms, nil
}

// checkScope evaluates a per-member test over the members a scope covers.
// on=all needs every member that is up to pass; on=majority needs a majority
// of the voters; on=sN or on=leader needs that member, which must be up.
func (s *Session) checkScope(scope Scope, expected string, test func(netsim.MemberView) (bool, string, error)) (string, error) {
	v := s.world.View(0)
	switch scope.Kind {
	case ScopeMember:
		id, err := s.resolve(scope.Member)
		if err != nil {
			return "", err
		}
		m, err := s.memberView(id)
		if err != nil {
			return "", err
		}
		if m.State != netsim.StateUp && m.State != netsim.StatePaused {
			return "", expectFailure(fmt.Sprintf("%s on %s", expected, m.Name), fmt.Sprintf("%s is %s", m.Name, m.State))
		}
		ok, found, err := test(m)
		if err != nil {
			return "", err
		}
		if !ok {
			return "", expectFailure(fmt.Sprintf("%s on %s", expected, m.Name), found)
		}
		return found, nil
	case ScopeMajority:
		voters := s.voters(v)
		passed, failed, err := testUpMembers(v, func(m netsim.MemberView) bool { return contains(voters, m.Name) }, test)
		if err != nil {
			return "", err
		}
		need := len(voters)/2 + 1
		if len(passed) < need {
			return "", expectFailure(fmt.Sprintf("%s on a majority (%d of the %d voters %s)", expected, need, len(voters), strings.Join(voters, ",")),
				fmt.Sprintf("%d: %s", len(passed), joinList(append(passed, failed...))))
		}
		return joinList(passed), nil
	default:
		passed, failed, err := testUpMembers(v, func(netsim.MemberView) bool { return true }, test)
		if err != nil {
			return "", err
		}
		if len(failed) > 0 {
			return "", expectFailure(expected+" on every member that is up", joinList(failed))
		}
		if len(passed) == 0 {
			return "", expectFailure(expected+" on every member that is up", "no member is up")
		}
		return joinList(passed), nil
	}
}

// testUpMembers runs test on every member that is up and that include
// accepts, and sorts what each found into passed and failed.
func testUpMembers(v netsim.View, include func(netsim.MemberView) bool, test func(netsim.MemberView) (bool, string, error)) (passed, failed []string, err error) {
	for _, m := range v.Members {
		if m.State != netsim.StateUp || !include(m) {
			continue
		}
		ok, found, err := test(m)
		if err != nil {
			return nil, nil, err
		}
		if ok {
			passed = append(passed, found)
		} else {
			failed = append(failed, found)
		}
	}
	return passed, failed, nil
}

// voters returns the names of the voters in the current configuration, as
// the leader (or else the up member in the highest term) knows it.
func (s *Session) voters(v netsim.View) []string {
	var best *netsim.MemberView
	for i := range v.Members {
		m := &v.Members[i]
		if m.State != netsim.StateUp || len(m.Voters) == 0 {
			continue
		}
		if m.ID == v.Leader || best == nil || best.ID != v.Leader && m.Term > best.Term {
			best = m
		}
	}
	if best == nil {
		return nil
	}
	names := make([]string, len(best.Voters))
	for i, id := range best.Voters {
		names[i] = netsim.MemberName(id)
	}
	return names
}

func joinList(items []string) string {
	if len(items) == 0 {
		return "nothing"
	}
	return strings.Join(items, ", ")
}

func orNothing(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func formatInts(xs []int64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.FormatInt(x, 10)
	}
	return strings.Join(parts, ",")
}
