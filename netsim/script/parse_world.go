package script

import (
	"errors"
	"strconv"
	"strings"

	"github.com/raft-playground/playground/netsim"
)

// clusterOptions are the options of a cluster line, in canonical order.
var clusterOptions = []string{"size", "seed", "election", "heartbeat", "tick", "latency", "fsync", "prevote", "checkquorum", "reads", "conflict-hint", "inflight", "snapshot-every", "catchup", "client-timeout", "auto-compact", "auto-compact-every"}

// configFieldOption maps a netsim.ConfigError field to the cluster option
// that sets it, so the world's validation errors point at the right column.
var configFieldOption = map[string]string{
	"size": "size", "tick": "tick", "election": "election", "election max": "election",
	"heartbeat": "heartbeat", "latency min": "latency", "latency max": "latency", "latency": "latency",
	"fsync": "fsync", "lease read": "reads", "max inflight": "inflight", "client timeout": "client-timeout",
	"auto-compact": "auto-compact", "auto-compact every": "auto-compact-every",
}

func parseCluster(p *lineParser) (Command, error) {
	opts, err := p.options(nil, clusterOptions)
	if err != nil {
		return nil, err
	}
	cfg := p.ctx.base
	for _, name := range clusterOptions {
		t, ok := opts[name]
		if !ok {
			continue
		}
		if err := setClusterOption(p, &cfg, t); err != nil {
			return nil, err
		}
	}
	if _, stated := opts["auto-compact-every"]; !stated && cfg.AutoCompactRetention > 0 && cfg.Tick > 0 {
		// An interval the line did not state comes from the base (the
		// browser's minute) and is rounded to whole ticks of this cluster,
		// so an unusual tick never makes a valid line fail over an option
		// it does not mention.
		ticks := max(1, (cfg.AutoCompactEvery+cfg.Tick/2)/cfg.Tick)
		cfg.AutoCompactEvery = ticks * cfg.Tick
	}
	if err := cfg.Validate(); err != nil {
		col := p.toks[0].col
		var ce *netsim.ConfigError
		if errors.As(err, &ce) {
			if t, ok := opts[configFieldOption[ce.Field]]; ok {
				col = t.valueCol
			}
			return nil, errAt(p.line, col, "cluster: %s: %s", ce.Field, ce.Msg)
		}
		return nil, errAt(p.line, col, "cluster: %v", err)
	}
	c := &Cluster{Config: cfg}
	if t, ok := opts["auto-compact"]; ok {
		c.AutoCompactOffStated = t.value == "off"
	}
	if t, ok := opts["auto-compact-every"]; ok && cfg.AutoCompactRetention == 0 {
		return nil, p.errVal(t, "auto-compact-every sets how often the leader's compactor checks, but auto-compaction is off: add auto-compact=N (revisions to keep)")
	}
	return c, nil
}

// setClusterOption applies one option of a cluster line to cfg.
func setClusterOption(p *lineParser, cfg *netsim.Config, t token) error {
	var err error
	switch t.key {
	case "size":
		n, convErr := strconv.Atoi(t.value)
		if convErr != nil {
			return p.errVal(t, "size must be a whole number of members, not %q", t.value)
		}
		if n < 1 || n > MaxMembers {
			return p.errVal(t, "size=%d is out of range: a cluster has 1 to %d members", n, MaxMembers)
		}
		cfg.Size = n
	case "seed":
		n, convErr := strconv.ParseUint(t.value, 10, 64)
		if convErr != nil {
			return p.errVal(t, "seed must be a whole number ≥ 0, not %q", t.value)
		}
		cfg.Seed = n
	case "election":
		r, rangeErr := parseDurationRange(t.value)
		if rangeErr != nil {
			return p.errVal(t, "election: %v", rangeErr)
		}
		cfg.ElectionMin, cfg.ElectionMax = r.Min, r.Max
		if r.Min == r.Max {
			cfg.ElectionMax = 2 * r.Min
		}
	case "heartbeat":
		cfg.Heartbeat, err = p.durationValue(t, "heartbeat")
	case "tick":
		cfg.Tick, err = p.durationValue(t, "tick")
	case "latency":
		r, rangeErr := parseDurationRange(t.value)
		if rangeErr != nil {
			return p.errVal(t, "latency: %v", rangeErr)
		}
		cfg.LatencyMin, cfg.LatencyMax = r.Min, r.Max
	case "fsync":
		cfg.FsyncLatency, err = p.durationValue(t, "fsync")
	case "client-timeout":
		cfg.ClientTimeout, err = p.durationValue(t, "client-timeout")
	case "prevote":
		cfg.PreVote, err = p.onOffValue(t)
	case "checkquorum":
		cfg.CheckQuorum, err = p.onOffValue(t)
	case "conflict-hint":
		var on bool
		on, err = p.onOffValue(t)
		cfg.DisableConflictHint = !on
	case "reads":
		switch t.value {
		case "safe":
			cfg.LeaseRead = false
		case "lease":
			cfg.LeaseRead = true
		default:
			return p.errVal(t, "reads must be safe (ReadIndex) or lease, not %q", t.value)
		}
	case "inflight":
		var n uint64
		n, err = p.uintValue(t, 1, "inflight")
		if err == nil && n > 1024 {
			return p.errVal(t, "inflight=%d is too large (at most 1024)", n)
		}
		cfg.MaxInflight = int(n)
	case "snapshot-every", "catchup":
		var n uint64
		n, err = p.uintValue(t, 0, t.key)
		if err == nil && n > 1_000_000 {
			return p.errVal(t, "%s=%d is too large (at most 1000000 entries)", t.key, n)
		}
		if t.key == "catchup" {
			cfg.SnapshotCatchUp = n
		} else {
			cfg.SnapshotEvery = n
		}
	case "auto-compact":
		// etcd's --auto-compaction-retention in revision mode: the leader
		// keeps this many revisions of history (off: none is compacted).
		if t.value == "off" {
			cfg.AutoCompactRetention = 0
			break
		}
		n, convErr := strconv.ParseUint(t.value, 10, 64)
		if convErr != nil || n == 0 {
			return p.errVal(t, "auto-compact must be off or a number of revisions to keep (at least 1), not %q", t.value)
		}
		if n > 1_000_000_000 {
			return p.errVal(t, "auto-compact=%d is too large (at most 1000000000 revisions)", n)
		}
		cfg.AutoCompactRetention = int64(n)
	case "auto-compact-every":
		cfg.AutoCompactEvery, err = p.durationValue(t, "auto-compact-every")
	}
	return err
}

func parseRun(p *lineParser) (Command, error) {
	t, err := p.next("a duration or until=leader")
	if err != nil {
		return nil, err
	}
	if t.op == "" {
		d, err := parseDuration(t.text)
		if err != nil {
			return nil, p.errTok(t, "%v", err)
		}
		if d == 0 {
			return nil, p.errTok(t, "run needs a duration longer than 0")
		}
		return &Run{For: d}, p.end()
	}
	p.i--
	opts, err := p.options(nil, []string{"until", "max"})
	if err != nil {
		return nil, err
	}
	until, ok := opts["until"]
	if !ok {
		return nil, p.missing("until=leader")
	}
	if until.value != "leader" {
		return nil, p.errVal(until, "run until= supports leader, not %q", until.value)
	}
	c := &RunUntilLeader{Max: 10 * netsim.Second}
	if t, ok := opts["max"]; ok {
		if c.Max, err = p.durationValue(t, "max"); err != nil {
			return nil, err
		}
		if c.Max == 0 {
			return nil, p.errVal(t, "max must be longer than 0")
		}
	}
	return c, nil
}

func parseStep(p *lineParser) (Command, error) {
	c := &Step{Count: 1}
	if !p.done() {
		t, err := p.positional("a count")
		if err != nil {
			return nil, err
		}
		n, err := strconv.Atoi(t.text)
		if err != nil || n < 1 || n > 1_000_000 {
			return nil, p.errTok(t, "the count must be a whole number from 1 to 1000000, not %q", t.text)
		}
		c.Count = n
	}
	return c, p.end()
}

func parseCrash(p *lineParser) (Command, error) {
	tg, err := p.target()
	if err != nil {
		return nil, err
	}
	opts, err := p.options(nil, []string{"wal"})
	if err != nil {
		return nil, err
	}
	c := &Crash{Target: tg}
	if t, ok := opts["wal"]; ok {
		if tg.IsClient() {
			return nil, p.errTok(t, "a client has no WAL; wal= applies to members only")
		}
		found := false
		for i, name := range crashModeNames {
			if t.value == name {
				c.WAL, found = CrashMode(i), true
			}
		}
		if !found {
			return nil, p.errVal(t, "wal must be one of %s, not %q", strings.Join(crashModeNames, ", "), t.value)
		}
	}
	return c, nil
}

func parseRestart(p *lineParser) (Command, error) {
	tg, err := p.target()
	if err != nil {
		return nil, err
	}
	return &Restart{Target: tg}, p.end()
}

func parsePause(p *lineParser) (Command, error) {
	tg, err := p.target()
	if err != nil {
		return nil, err
	}
	return &Pause{Target: tg}, p.end()
}

func parseResume(p *lineParser) (Command, error) {
	tg, err := p.target()
	if err != nil {
		return nil, err
	}
	return &Resume{Target: tg}, p.end()
}

// parsePartition reads groups of members separated by `|`, members within a
// group by `,`. Spaces around `|` and `,` are optional.
func parsePartition(p *lineParser) (Command, error) {
	if p.done() {
		return nil, p.missing("the groups")
	}
	groups := [][]MemberRef{{}}
	seen := map[MemberRef]int{} // member → column where it first appeared
	for _, t := range p.toks[p.i:] {
		if t.op != "" || t.quoted {
			return nil, p.errTok(t, "expected members separated by , and groups by |, found %q", t.text)
		}
		col := t.col
		for _, r := range splitKeep(t.text, ",|") {
			switch r {
			case "|":
				groups = append(groups, []MemberRef{})
			case ",", "":
			default:
				m, err := p.memberFrom(t, r, col)
				if err != nil {
					return nil, err
				}
				if m.Leader {
					return nil, errAt(p.line, col, "partition: name members explicitly (s1, s2, …); leader may change while the partition holds")
				}
				if first, dup := seen[m]; dup {
					return nil, errAt(p.line, col, "partition: %s is in two groups (first at column %d)", m, first)
				}
				seen[m] = col
				groups[len(groups)-1] = append(groups[len(groups)-1], m)
			}
			col += len([]rune(r))
		}
	}
	p.i = len(p.toks)
	for i, g := range groups {
		if len(g) == 0 {
			return nil, errAt(p.line, p.toks[1].col, "partition: group %d is empty; write groups like s1,s2 | s3,s4,s5", i+1)
		}
	}
	if len(groups) < 2 {
		return nil, errAt(p.line, p.toks[1].col, "partition: needs at least two groups separated by | (to cut off one member, use isolate)")
	}
	return &Partition{Groups: groups}, nil
}

// splitKeep splits s at any of the separator characters and keeps the
// separators as elements of their own.
func splitKeep(s, seps string) []string {
	var out []string
	start := 0
	for i, r := range s {
		if strings.ContainsRune(seps, r) {
			out = append(out, s[start:i], string(r))
			start = i + len(string(r))
		}
	}
	return append(out, s[start:])
}

func parseIsolate(p *lineParser) (Command, error) {
	m, err := p.member("a member")
	if err != nil {
		return nil, err
	}
	return &Isolate{Member: m}, p.end()
}

func parseHeal(p *lineParser) (Command, error) { return &Heal{}, p.end() }

func parseLink(p *lineParser) (Command, error) {
	t, err := p.positional("a link such as s1->s2")
	if err != nil {
		return nil, err
	}
	sep, both := "->", false
	if strings.Contains(t.text, "<->") {
		sep, both = "<->", true
	}
	fromText, toText, ok := strings.Cut(t.text, sep)
	if !ok {
		return nil, p.errTok(t, "expected a link such as s1->s2 (one direction) or s1<->s2 (both), found %q", t.text)
	}
	from, err := p.memberFrom(t, fromText, t.col)
	if err != nil {
		return nil, err
	}
	to, err := p.memberFrom(t, toText, t.col+len([]rune(fromText))+len(sep))
	if err != nil {
		return nil, err
	}
	if from.Leader || to.Leader {
		return nil, p.errTok(t, "name both ends of a link explicitly (s1, s2, …), not leader")
	}
	if from == to {
		return nil, p.errTok(t, "a link joins two different members, not %s to itself", from)
	}
	opts, err := p.options([]string{"reset"}, []string{"drop", "latency", "dup", "reorder"})
	if err != nil {
		return nil, err
	}
	if r, ok := opts["reset"]; ok {
		if len(opts) > 1 {
			return nil, p.errTok(r, "reset returns the link to the cluster's defaults and cannot be combined with other knobs")
		}
		return &LinkReset{From: from, To: to, Both: both}, nil
	}
	if len(opts) == 0 {
		return nil, p.missing("a knob (drop=, latency=, dup=, reorder=) or reset")
	}
	c := &Link{From: from, To: to, Both: both}
	for _, knob := range []struct {
		name string
		dst  **Percent
	}{{"drop", &c.Drop}, {"dup", &c.Dup}, {"reorder", &c.Reorder}} {
		if t, ok := opts[knob.name]; ok {
			v, err := p.percentValue(t, knob.name)
			if err != nil {
				return nil, err
			}
			*knob.dst = &v
		}
	}
	if t, ok := opts["latency"]; ok {
		r, err := parseDurationRange(t.value)
		if err != nil {
			return nil, p.errVal(t, "latency: %v", err)
		}
		c.Latency = &r
	}
	return c, nil
}

func parseTimeout(p *lineParser) (Command, error) {
	m, err := p.member("a member")
	if err != nil {
		return nil, err
	}
	return &Timeout{Member: m}, p.end()
}

func parseTransfer(p *lineParser) (Command, error) {
	opts, err := p.options(nil, []string{"to"})
	if err != nil {
		return nil, err
	}
	t, ok := opts["to"]
	if !ok {
		return nil, p.missing("to=MEMBER")
	}
	m, err := p.memberFrom(t, t.value, t.valueCol)
	if err != nil {
		return nil, err
	}
	if m.Leader {
		return nil, p.errVal(t, "transfer to=leader does nothing; name the member that should lead")
	}
	return &Transfer{To: m}, nil
}

func parseMember(p *lineParser) (Command, error) {
	sub, err := p.positional("add, promote or remove")
	if err != nil {
		return nil, err
	}
	p.cmd = "member " + sub.text
	switch sub.text {
	case "add":
		t, err := p.positional("the new member's name")
		if err != nil {
			return nil, err
		}
		id, err := parseMemberNumber(t.text)
		if err != nil {
			return nil, p.errTok(t, "%v", err)
		}
		if p.ctx.members[id] {
			return nil, p.errTok(t, "%s is already a member", t.text)
		}
		opts, err := p.options([]string{"learner"}, nil)
		if err != nil {
			return nil, err
		}
		_, learner := opts["learner"]
		return &MemberAdd{ID: id, Learner: learner}, nil
	case "promote":
		m, err := p.member("a learner")
		if err != nil {
			return nil, err
		}
		return &MemberPromote{Member: m}, p.end()
	case "remove":
		m, err := p.member("a member")
		if err != nil {
			return nil, err
		}
		return &MemberRemove{Member: m}, p.end()
	}
	p.cmd = "member"
	return nil, p.errTok(sub, "unknown member command %q; expected add, promote or remove", sub.text)
}

func parseSnapshot(p *lineParser) (Command, error) {
	m, err := p.member("a member")
	if err != nil {
		return nil, err
	}
	return &Snapshot{Member: m}, p.end()
}

func parseSetLog(p *lineParser) (Command, error) {
	m, err := p.member("a member")
	if err != nil {
		return nil, err
	}
	opts, err := p.options(nil, []string{"terms"})
	if err != nil {
		return nil, err
	}
	t, ok := opts["terms"]
	if !ok {
		return nil, p.missing("terms=…")
	}
	terms, err := p.termsValue(t, false)
	if err != nil {
		return nil, err
	}
	for i := 1; i < len(terms); i++ {
		if terms[i] < terms[i-1] {
			return nil, p.errVal(t, "terms must never decrease along a log (entry %d has term %d after term %d): Raft logs cannot be built that way", i+1, terms[i], terms[i-1])
		}
	}
	return &SetLog{Member: m, Terms: terms}, nil
}

func parseSetTerm(p *lineParser) (Command, error) {
	m, err := p.member("a member")
	if err != nil {
		return nil, err
	}
	t, err := p.positional("a term")
	if err != nil {
		return nil, err
	}
	n, err := strconv.ParseUint(t.text, 10, 64)
	if err != nil || n == 0 {
		return nil, p.errTok(t, "a term is a whole number ≥ 1, not %q", t.text)
	}
	return &SetTerm{Member: m, Term: n}, p.end()
}
