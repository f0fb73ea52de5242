package netsim

import (
	"fmt"
	"strconv"
	"strings"
)

// Partition splits the network into groups that cannot reach each other.
// Members named in no group each end up alone. Messages already on the wire
// between groups are lost when they arrive.
func (w *World) Partition(groups [][]uint64) error {
	cp := make([][]uint64, len(groups))
	for i, g := range groups {
		cp[i] = append([]uint64(nil), g...)
	}
	_, err := w.do(command{kind: cmdPartition, groups: cp})
	return err
}

// Isolate cuts member id off from every other member.
func (w *World) Isolate(id uint64) error {
	_, err := w.do(command{kind: cmdIsolate, member: id})
	return err
}

// Heal removes every partition and isolation; link knobs stay as they are.
func (w *World) Heal() {
	if _, err := w.do(command{kind: cmdHeal}); err != nil {
		// Heal cannot fail except on a stopped world, where nothing matters.
		return
	}
}

// Link returns the knobs of the link from one member to another.
func (w *World) Link(from, to uint64) (LinkSettings, error) {
	if err := w.checkLinkEnds(from, to); err != nil {
		return LinkSettings{}, err
	}
	return w.net.links[from][to], nil
}

// SetLink sets the knobs of the link from one member to another (one
// direction). It affects messages sent from now on.
func (w *World) SetLink(from, to uint64, s LinkSettings) error {
	_, err := w.do(command{kind: cmdSetLink, member: from, peer: to, link: s})
	return err
}

// ResetLink returns the link from one member to another to the cluster's
// default knobs.
func (w *World) ResetLink(from, to uint64) error {
	_, err := w.do(command{kind: cmdResetLink, member: from, peer: to})
	return err
}

// checkLinkEnds refuses a link whose ends are not two members of the world.
func (w *World) checkLinkEnds(from, to uint64) error {
	for _, id := range []uint64{from, to} {
		if _, err := w.member(id); err != nil {
			return err
		}
	}
	if from == to {
		return fmt.Errorf("a link joins two different members, not %s to itself", MemberName(from))
	}
	return nil
}

func (w *World) partition(groups [][]uint64) error {
	var seen [MaxMembers + 1]bool
	for _, g := range groups {
		if len(g) == 0 {
			return fmt.Errorf("partition: a group is empty")
		}
		for _, id := range g {
			if _, err := w.member(id); err != nil {
				return fmt.Errorf("partition: %w", err)
			}
			if seen[id] {
				return fmt.Errorf("partition: %s is named in two groups", MemberName(id))
			}
			seen[id] = true
		}
	}
	var group [MaxMembers + 1]int
	next := 1
	var text []string
	for _, g := range groups {
		names := make([]string, len(g))
		for i, id := range g {
			group[id] = next
			names[i] = MemberName(id)
		}
		text = append(text, strings.Join(names, ","))
		next++
	}
	for id := uint64(1); id <= MaxMembers; id++ {
		if !seen[id] {
			group[id] = next
			if w.nodes[id].state != stateAbsent {
				text = append(text, MemberName(id))
			}
			next++
		}
	}
	w.net.group = group
	w.record(Record{Kind: "partition", Args: []Arg{{"groups", strings.Join(text, " | ")}}})
	return nil
}

func (w *World) isolate(id uint64) error {
	if _, err := w.member(id); err != nil {
		return err
	}
	highest := 0
	for _, g := range w.net.group {
		highest = max(highest, g)
	}
	w.net.group[id] = highest + 1
	w.record(Record{Kind: "isolate", Member: id})
	return nil
}

func (w *World) heal() {
	w.net.group = [MaxMembers + 1]int{}
	w.record(Record{Kind: "heal"})
}

func (w *World) setLink(from, to uint64, s LinkSettings) error {
	if err := w.checkLinkEnds(from, to); err != nil {
		return err
	}
	if err := s.Validate(); err != nil {
		return fmt.Errorf("link %s->%s: %w", MemberName(from), MemberName(to), err)
	}
	w.net.links[from][to] = s
	lat := s.LatencyMin.String()
	if s.LatencyMax != s.LatencyMin {
		lat += ".." + s.LatencyMax.String()
	}
	pct := func(p float64) string { return strconv.FormatFloat(p, 'g', -1, 64) }
	w.record(Record{Kind: "link", Member: from, Peer: to, Args: []Arg{
		{"latency", lat}, {"drop", pct(s.DropPercent)}, {"duplicate", pct(s.DuplicatePercent)}, {"reorder", pct(s.ReorderPercent)}}})
	return nil
}

func (w *World) resetLink(from, to uint64) error {
	if err := w.checkLinkEnds(from, to); err != nil {
		return err
	}
	w.net.links[from][to] = w.net.defaults
	w.record(Record{Kind: "link-reset", Member: from, Peer: to})
	return nil
}
