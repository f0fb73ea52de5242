package script

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/raft-playground/playground/netsim"
)

// lineParser walks the tokens of one command line. Its helpers produce
// LineErrors that point at the offending token and say what was expected.
type lineParser struct {
	ctx    *Parser // names known so far (members, leases)
	line   int
	cmd    string // the command as named in messages, e.g. "lease grant"
	usage  string // the command's usage, quoted in "missing" errors
	toks   []token
	i      int
	endCol int // column just after the last token, for errors about something missing
}

func (p *lineParser) errTok(t token, format string, args ...any) error {
	return errAt(p.line, t.col, "%s: %s", p.cmd, fmt.Sprintf(format, args...))
}

// errVal points at the value of a key=value token.
func (p *lineParser) errVal(t token, format string, args ...any) error {
	return errAt(p.line, t.valueCol, "%s: %s", p.cmd, fmt.Sprintf(format, args...))
}

func (p *lineParser) missing(what string) error {
	return errAt(p.line, p.endCol, "%s: missing %s (usage: %s)", p.cmd, what, p.usage)
}

func (p *lineParser) done() bool { return p.i >= len(p.toks) }

// next returns the next token, of any shape.
func (p *lineParser) next(what string) (token, error) {
	if p.done() {
		return token{}, p.missing(what)
	}
	t := p.toks[p.i]
	p.i++
	return t, nil
}

// positional returns the next token, which must not be a key=value option.
func (p *lineParser) positional(what string) (token, error) {
	t, err := p.next(what)
	if err != nil {
		return token{}, err
	}
	if t.op != "" {
		return token{}, p.errTok(t, "expected %s here, found the option %q (quote it if it is data: \"%s\")", what, t.text, t.text)
	}
	return t, nil
}

// data returns the next positional word as data (a key or a value).
func (p *lineParser) data(what string) (string, error) {
	t, err := p.positional(what)
	if err != nil {
		return "", err
	}
	if !t.quoted && isReservedWord(t.text) {
		return "", p.errTok(t, "expected %s, found the flag %q (quote it if it is data: \"%s\")", what, t.text, t.text)
	}
	return t.text, nil
}

func (p *lineParser) key() (string, error) {
	t := p.peek()
	k, err := p.data("a key")
	if err == nil && k == "" {
		return "", p.errTok(t, "a key cannot be empty")
	}
	return k, err
}

func (p *lineParser) peek() token {
	if p.done() {
		return token{col: p.endCol}
	}
	return p.toks[p.i]
}

func (p *lineParser) member(what string) (MemberRef, error) {
	t, err := p.positional(what)
	if err != nil {
		return MemberRef{}, err
	}
	return p.memberFrom(t, t.text, t.col)
}

// memberFrom checks a member reference written at col: its syntax and that
// the member exists in the cluster as it is known at this line.
func (p *lineParser) memberFrom(t token, s string, col int) (MemberRef, error) {
	m, err := parseMemberRef(s)
	if err != nil {
		return MemberRef{}, errAt(p.line, col, "%s: %v", p.cmd, err)
	}
	if err := p.ctx.checkKnown(m); err != nil {
		return MemberRef{}, errAt(p.line, col, "%s: %v", p.cmd, err)
	}
	return m, nil
}

func (p *lineParser) client() (string, error) {
	t, err := p.positional("a client (c1, c2, …)")
	if err != nil {
		return "", err
	}
	c, err := parseClient(t.text)
	if err != nil {
		return "", p.errTok(t, "%v", err)
	}
	return c, nil
}

// clientAnd reads the client that most client commands start with, then
// the operand that follows it (a key, a lease name).
func (p *lineParser) clientAnd(operand func() (string, error)) (client, value string, err error) {
	if client, err = p.client(); err != nil {
		return "", "", err
	}
	if value, err = operand(); err != nil {
		return "", "", err
	}
	return client, value, nil
}

func (p *lineParser) target() (Target, error) {
	t, err := p.positional("a member or a client")
	if err != nil {
		return Target{}, err
	}
	tg, err := parseTarget(t.text)
	if err != nil {
		return Target{}, p.errTok(t, "%v", err)
	}
	if !tg.IsClient() {
		if err := p.ctx.checkKnown(tg.Member); err != nil {
			return Target{}, p.errTok(t, "%v", err)
		}
	}
	return tg, nil
}

// lease reads a lease name that an earlier line granted.
func (p *lineParser) lease() (string, error) {
	t, err := p.positional("a lease name")
	if err != nil {
		return "", err
	}
	return p.leaseFrom(t, t.text, t.col)
}

func (p *lineParser) leaseFrom(t token, s string, col int) (string, error) {
	name, err := parseName("lease", s)
	if err != nil {
		return "", errAt(p.line, col, "%s: %v", p.cmd, err)
	}
	if !p.ctx.leases[name] {
		return "", errAt(p.line, col, "%s: lease %s was never granted (grant it first: lease grant c1 %s ttl=5s)", p.cmd, name, name)
	}
	return name, nil
}

// options reads every remaining token as a flag (a bare word from flags) or an
// option (key=value with a key from keys). Each may appear once.
func (p *lineParser) options(flags, keys []string) (map[string]token, error) {
	seen := map[string]token{}
	for !p.done() {
		t := p.toks[p.i]
		p.i++
		name := t.text
		switch {
		case t.op == "" && !t.quoted && contains(flags, t.text):
		case t.op == "=" && !t.keyQuoted && contains(keys, t.key):
			name = t.key
		case t.op != "" && t.op != "=" && !t.keyQuoted && contains(keys, t.key):
			return nil, p.errTok(t, "option %s takes =, not %s", t.key, t.op)
		default:
			return nil, p.errTok(t, "unexpected %q; %s", t.text, describeAllowed(flags, keys))
		}
		if prev, dup := seen[name]; dup {
			return nil, p.errTok(t, "%s is given twice (first at column %d)", name, prev.col)
		}
		seen[name] = t
	}
	return seen, nil
}

func describeAllowed(flags, keys []string) string {
	var parts []string
	for _, f := range flags {
		parts = append(parts, f)
	}
	for _, k := range keys {
		parts = append(parts, k+"=…")
	}
	if len(parts) == 0 {
		return "this command takes nothing more"
	}
	return "expected one of: " + strings.Join(parts, ", ")
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

// end refuses anything left on the line.
func (p *lineParser) end() error {
	_, err := p.options(nil, nil)
	return err
}

// uintValue reads a whole number ≥ min from an option's value.
func (p *lineParser) uintValue(t token, min uint64, what string) (uint64, error) {
	n, err := strconv.ParseUint(t.value, 10, 64)
	if err != nil {
		return 0, p.errVal(t, "%s must be a whole number, not %q", what, t.value)
	}
	if n < min {
		return 0, p.errVal(t, "%s must be at least %d, not %d", what, min, n)
	}
	return n, nil
}

// revValue reads a revision (a whole number ≥ 1) from an option's value.
func (p *lineParser) revValue(t token, what string) (int64, error) {
	n, err := p.uintValue(t, 1, what)
	if err != nil {
		return 0, err
	}
	if n > 1<<62 {
		return 0, p.errVal(t, "%s %d is too large", what, n)
	}
	return int64(n), nil
}

func (p *lineParser) durationValue(t token, what string) (Duration, error) {
	d, err := parseDuration(t.value)
	if err != nil {
		return 0, p.errVal(t, "%s: %v", what, err)
	}
	return d, nil
}

func (p *lineParser) percentValue(t token, what string) (Percent, error) {
	v, err := parsePercent(t.value)
	if err != nil {
		return 0, p.errVal(t, "%s: %v", what, err)
	}
	return v, nil
}

func (p *lineParser) onOffValue(t token) (bool, error) {
	switch t.value {
	case "on":
		return true, nil
	case "off":
		return false, nil
	}
	return false, p.errVal(t, "%s must be on or off, not %q", t.key, t.value)
}

// ttlValue reads a lease TTL: a positive whole number of seconds, as etcd counts them.
func (p *lineParser) ttlValue(t token) (Duration, error) {
	d, err := p.durationValue(t, "ttl")
	if err != nil {
		return 0, err
	}
	if d < netsim.Second || d%netsim.Second != 0 {
		return 0, p.errVal(t, "ttl must be a whole number of seconds, at least 1s (etcd counts lease TTLs in seconds), not %v", d)
	}
	return d, nil
}

// termsValue reads a comma-separated list of terms such as 1,1,4,4.
func (p *lineParser) termsValue(t token, allowEmpty bool) ([]uint64, error) {
	if t.value == "" {
		if allowEmpty {
			return nil, nil
		}
		return nil, p.errVal(t, "terms= needs at least one term, such as terms=1,1,2")
	}
	var out []uint64
	col := t.valueCol
	for _, part := range strings.Split(t.value, ",") {
		n, err := strconv.ParseUint(part, 10, 64)
		if err != nil || n == 0 {
			return nil, errAt(p.line, col, "%s: %q is not a term (terms are whole numbers ≥ 1)", p.cmd, part)
		}
		out = append(out, n)
		col += len([]rune(part)) + 1
	}
	return out, nil
}
