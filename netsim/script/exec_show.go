package script

import (
	"fmt"
	"strings"

	"github.com/raft-playground/playground/netsim"
)

// executeShow prints part of the world into the trace, or runs a
// whole-history check.
func (s *Session) executeShow(cmd Command) (string, error) {
	w := s.world
	switch c := cmd.(type) {
	case *ShowCluster:
		return showCluster(w.View(0)), nil
	case *ShowLog:
		id, err := s.resolve(c.Member)
		if err != nil {
			return "", err
		}
		m, err := s.memberView(id)
		if err != nil {
			return "", err
		}
		return showLog(m), nil
	case *ShowKV:
		id, err := s.resolve(c.Member)
		if err != nil {
			return "", err
		}
		v := w.View(id)
		if v.KV == nil {
			return "", fmt.Errorf("%s is down; its store cannot be read", netsim.MemberName(id))
		}
		return showKV(v.KV), nil
	case *ShowEvents:
		records := w.Events(0)
		if len(records) > c.Last {
			records = records[len(records)-c.Last:]
		}
		var b strings.Builder
		for _, r := range records {
			b.WriteString(s.catalog.Line(r) + "\n")
		}
		if b.Len() == 0 {
			return "no events yet", nil
		}
		return b.String(), nil
	case *Check:
		switch c.Kind {
		case CheckLinearizable:
			return s.checkLinearizable()
		case CheckWatches:
			return s.checkWatches()
		}
		if err := w.CheckSafety(); err != nil {
			return "", err
		}
		return "safety: one leader per term, log matching, leader completeness, state machine safety all hold", nil
	}
	return "", fmt.Errorf("internal error: no way to run %T", cmd)
}

func showCluster(v netsim.View) string {
	var b strings.Builder
	fmt.Fprintf(&b, "term %d, leader %s\n", v.Term, netsim.MemberName(v.Leader))
	for _, m := range v.Members {
		role := string(scriptRole(m))
		fmt.Fprintf(&b, "%s %-12s %-7s term %d  commit %d  applied %d  last %d", m.Name, role, m.State, m.Term, m.Commit, m.Applied, m.LastIndex)
		if m.Group != 0 {
			fmt.Fprintf(&b, "  group %d", m.Group)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func showLog(m netsim.MemberView) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s log: first %d, last %d, commit %d, applied %d, synced %d", m.Name, m.FirstIndex, m.LastIndex, m.Commit, m.Applied, m.SyncedIndex)
	if m.CompactedIndex > 0 {
		fmt.Fprintf(&b, ", compacted through %d", m.CompactedIndex)
	}
	b.WriteString("\n")
	for _, e := range m.Log {
		fmt.Fprintf(&b, "%5d  term %d  %s", e.Index, e.Term, e.Type)
		if e.Desc != "" {
			b.WriteString("  " + e.Desc)
		}
		if !e.Synced {
			b.WriteString("  (unsynced)")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func showKV(kv *netsim.KVView) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s store: revision %d, compacted %d\n", netsim.MemberName(kv.Member), kv.Revision, kv.CompactRevision)
	for _, k := range kv.Keys {
		fmt.Fprintf(&b, "  %s = %s  (create %d, mod %d, version %d", quote(k.Key), quote(k.Value), k.CreateRevision, k.ModRevision, k.Version)
		if k.Lease != 0 {
			fmt.Fprintf(&b, ", lease %d", k.Lease)
		}
		b.WriteString(")\n")
	}
	for _, l := range kv.Leases {
		fmt.Fprintf(&b, "  lease %d ttl %v keys %s\n", l.ID, l.TTLUs, joinList(l.Keys))
	}
	for _, l := range kv.Locks {
		fmt.Fprintf(&b, "  lock %s held by %s", l.Name, orNothing(l.Holder))
		if len(l.Waiters) > 0 {
			fmt.Fprintf(&b, ", waiting %s", strings.Join(l.Waiters, ", "))
		}
		b.WriteString("\n")
	}
	return b.String()
}
