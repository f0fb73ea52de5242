package script

import (
	"strconv"
	"strings"
)

func parseExpect(p *lineParser) (Command, error) {
	t, err := p.next("what to expect")
	if err != nil {
		return nil, err
	}
	word := t.text
	if t.op != "" {
		word = t.key
	}
	if t.quoted {
		return nil, p.errTok(t, "expected what to expect (leader, term>=N, value, …), found quoted text")
	}
	switch {
	case word == "leader" && t.op == "":
		return &ExpectLeader{}, p.end()
	case word == "leader" && t.op == "=":
		m, err := p.memberFrom(t, t.value, t.valueCol)
		if err != nil {
			return nil, err
		}
		if m.Leader {
			return nil, p.errVal(t, "expect leader=leader is always true; name a member")
		}
		return &ExpectLeader{Member: &m}, p.end()
	case word == "no-leader" && t.op == "":
		return &ExpectNoLeader{}, p.end()
	case word == "term" && t.op != "":
		n, err := p.uintValue(t, 0, "term")
		if err != nil {
			return nil, err
		}
		opts, err := p.options(nil, []string{"on"})
		if err != nil {
			return nil, err
		}
		c := &ExpectTerm{Cmp: Cmp(t.op), Value: n}
		if _, ok := opts["on"]; ok {
			on, err := p.scopeFrom(opts)
			if err != nil {
				return nil, err
			}
			c.On = &on
		}
		return c, nil
	case (word == "committed" || word == "applied") && t.op != "":
		n, err := p.uintValue(t, 0, word)
		if err != nil {
			return nil, err
		}
		on, err := p.scopeOption()
		if err != nil {
			return nil, err
		}
		return &ExpectIndex{Field: IndexField(word), Cmp: Cmp(t.op), Value: n, On: on}, nil
	case word == "value" && t.op == "":
		return parseExpectValue(p)
	case word == "absent" && t.op == "":
		key, err := p.key()
		if err != nil {
			return nil, err
		}
		on, err := p.scopeOption()
		if err != nil {
			return nil, err
		}
		return &ExpectAbsent{Key: key, On: on}, nil
	case word == "holder" && t.op == "":
		return parseExpectHolder(p)
	case word == "reply" && t.op == "":
		return parseExpectReply(p)
	case word == "role" && t.op == "":
		return parseExpectRole(p)
	case (word == "up" || word == "down") && t.op == "":
		m, err := p.member("a member")
		if err != nil {
			return nil, err
		}
		return &ExpectUp{Member: m, Up: word == "up"}, p.end()
	case word == "log" && t.op == "":
		opts, err := p.options(nil, []string{"terms", "on"})
		if err != nil {
			return nil, err
		}
		tt, ok := opts["terms"]
		if !ok {
			return nil, p.missing("terms=…")
		}
		terms, err := p.termsValue(tt, true)
		if err != nil {
			return nil, err
		}
		on, err := p.scopeFrom(opts)
		if err != nil {
			return nil, err
		}
		return &ExpectLog{Terms: terms, On: on}, nil
	case word == "watch" && t.op == "":
		return parseExpectWatch(p)
	}
	return nil, p.errTok(t, "unknown expectation %q (usage: %s)", t.text, p.usage)
}

// scopeOption reads an optional on=… as the rest of the line.
func (p *lineParser) scopeOption() (Scope, error) {
	opts, err := p.options(nil, []string{"on"})
	if err != nil {
		return Scope{}, err
	}
	return p.scopeFrom(opts)
}

func (p *lineParser) scopeFrom(opts map[string]token) (Scope, error) {
	t, ok := opts["on"]
	if !ok {
		return Scope{Kind: ScopeAll}, nil
	}
	s, err := parseScope(t.value)
	if err != nil {
		return Scope{}, p.errVal(t, "%v", err)
	}
	if s.Kind == ScopeMember {
		if err := p.ctx.checkKnown(s.Member); err != nil {
			return Scope{}, p.errVal(t, "%v", err)
		}
	}
	return s, nil
}

func parseExpectValue(p *lineParser) (Command, error) {
	t, err := p.next("KEY=VALUE")
	if err != nil {
		return nil, err
	}
	if t.op != "=" {
		return nil, p.errTok(t, "expected KEY=VALUE, found %q", t.text)
	}
	if t.key == "" {
		return nil, p.errTok(t, "a key cannot be empty")
	}
	on, err := p.scopeOption()
	if err != nil {
		return nil, err
	}
	return &ExpectValue{Key: t.key, Value: t.value, On: on}, nil
}

func parseExpectHolder(p *lineParser) (Command, error) {
	t, err := p.next("LOCK=CLIENT")
	if err != nil {
		return nil, err
	}
	if t.op != "=" {
		return nil, p.errTok(t, "expected LOCK=CLIENT (or LOCK=none), found %q", t.text)
	}
	name, err := parseName("lock", t.key)
	if err != nil {
		return nil, p.errTok(t, "%v", err)
	}
	c := &ExpectHolder{Lock: name}
	if t.value != "none" {
		if c.Client, err = parseClient(t.value); err != nil {
			return nil, p.errVal(t, "%v (or none)", err)
		}
	}
	return c, p.end()
}

func parseExpectReply(p *lineParser) (Command, error) {
	client, err := p.client()
	if err != nil {
		return nil, err
	}
	t, err := p.next("ok, error=CODE or pending")
	if err != nil {
		return nil, err
	}
	c := &ExpectReply{Client: client}
	switch {
	case t.isWord("pending"):
		c.Status = ReplyPending
		return c, p.end()
	case t.isOption("error"):
		if t.value == "" || strings.ContainsAny(t.value, " \"") {
			return nil, p.errVal(t, "error= needs an error code such as compacted, not-leader or timeout")
		}
		c.Status, c.Error = ReplyError, t.value
		return c, p.end()
	case t.isWord("ok"):
		c.Status = ReplyOK
	default:
		return nil, p.errTok(t, "expected ok, error=CODE or pending, found %q", t.text)
	}
	opts, err := p.options(nil, []string{"branch", "value", "rev", "count"})
	if err != nil {
		return nil, err
	}
	if t, ok := opts["branch"]; ok {
		if t.value != "then" && t.value != "else" {
			return nil, p.errVal(t, "branch must be then or else, not %q", t.value)
		}
		c.Branch = t.value
	}
	if t, ok := opts["value"]; ok {
		v := t.value
		c.Value = &v
	}
	if t, ok := opts["rev"]; ok {
		rev, err := p.revValue(t, "rev")
		if err != nil {
			return nil, err
		}
		c.Rev = &rev
	}
	if t, ok := opts["count"]; ok {
		n, err := p.uintValue(t, 0, "count")
		if err != nil {
			return nil, err
		}
		count := int64(n)
		c.Count = &count
	}
	return c, nil
}

func parseExpectRole(p *lineParser) (Command, error) {
	t, err := p.next("MEMBER=ROLE")
	if err != nil {
		return nil, err
	}
	if t.op != "=" {
		return nil, p.errTok(t, "expected MEMBER=ROLE such as s1=follower, found %q", t.text)
	}
	m, err := p.memberFrom(t, t.key, t.col)
	if err != nil {
		return nil, err
	}
	for _, r := range roles {
		if string(r) == t.value {
			return &ExpectRole{Member: m, Role: r}, p.end()
		}
	}
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	return nil, p.errVal(t, "role must be one of %s, not %q", strings.Join(names, ", "), t.value)
}

func parseExpectWatch(p *lineParser) (Command, error) {
	client, err := p.client()
	if err != nil {
		return nil, err
	}
	opts, err := p.options(nil, []string{"revs"})
	if err != nil {
		return nil, err
	}
	t, ok := opts["revs"]
	if !ok {
		return nil, p.missing("revs=…")
	}
	c := &ExpectWatch{Client: client}
	if t.value == "" {
		return c, nil
	}
	col := t.valueCol
	for _, part := range strings.Split(t.value, ",") {
		n, err := strconv.ParseInt(part, 10, 64)
		if err != nil || n < 1 {
			return nil, errAt(p.line, col, "%s: %q is not a revision (revisions are whole numbers ≥ 1)", p.cmd, part)
		}
		c.Revs = append(c.Revs, n)
		col += len([]rune(part)) + 1
	}
	return c, nil
}

func parseShow(p *lineParser) (Command, error) {
	sub, err := p.positional("cluster, log, kv or events")
	if err != nil {
		return nil, err
	}
	p.cmd = "show " + sub.text
	switch sub.text {
	case "cluster":
		return &ShowCluster{}, p.end()
	case "log":
		m, err := p.member("a member")
		if err != nil {
			return nil, err
		}
		return &ShowLog{Member: m}, p.end()
	case "kv":
		m, err := p.member("a member")
		if err != nil {
			return nil, err
		}
		return &ShowKV{Member: m}, p.end()
	case "events":
		opts, err := p.options(nil, []string{"last"})
		if err != nil {
			return nil, err
		}
		c := &ShowEvents{Last: 20}
		if t, ok := opts["last"]; ok {
			n, err := p.uintValue(t, 1, "last")
			if err != nil {
				return nil, err
			}
			if n > 10000 {
				return nil, p.errVal(t, "last=%d is too many (at most 10000)", n)
			}
			c.Last = int(n)
		}
		return c, nil
	}
	p.cmd = "show"
	return nil, p.errTok(sub, "unknown show command %q; expected cluster, log, kv or events", sub.text)
}

func parseCheck(p *lineParser) (Command, error) {
	t, err := p.positional("linearizable, watches or safety")
	if err != nil {
		return nil, err
	}
	switch CheckKind(t.text) {
	case CheckLinearizable, CheckWatches, CheckSafety:
		return &Check{Kind: CheckKind(t.text)}, p.end()
	}
	return nil, p.errTok(t, "unknown check %q; expected linearizable, watches or safety", t.text)
}
