package script

import (
	"sort"
	"strconv"
	"strings"

	"github.com/raft-playground/playground/netsim"
)

// Parse reads a whole script. It validates every line, including names that
// depend on earlier lines (a member must exist in the cluster or have been
// added; a lease must have been granted), so a script that parses can only
// fail at run time for reasons that depend on the simulation itself. The
// error is a *LineError for the first bad line.
func Parse(text string) (*Script, error) {
	return ParseFrom(text, netsim.DefaultConfig())
}

// ParseFrom is Parse with the cluster line's options that the script does not
// give taken from base instead of netsim.DefaultConfig (see
// Parser.SetBase).
func ParseFrom(text string, base netsim.Config) (*Script, error) {
	p := NewParser()
	p.SetBase(base)
	s := &Script{}
	for i, src := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		l, err := p.ParseLine(i+1, src)
		if err != nil {
			return nil, err
		}
		p.Accept(l)
		s.Lines = append(s.Lines, l)
	}
	return s, nil
}

// Parser parses lines one at a time and remembers the names earlier lines
// introduced. ParseLine changes nothing; Accept records a line once it has
// been applied, so that a line the world refuses leaves the parser as it was.
type Parser struct {
	// base is the configuration a cluster line starts from: the options it
	// does not give keep base's values.
	base        netsim.Config
	clusterLine int          // line of the cluster command, 0 before it
	size        int          // the cluster's initial size
	members     map[int]bool // members that exist: s1…sSize plus those added
	leases      map[string]bool
}

// NewParser returns a parser for a script that has not started yet.
func NewParser() *Parser {
	return &Parser{base: netsim.DefaultConfig(), members: map[int]bool{}, leases: map[string]bool{}}
}

// SetBase makes a cluster line start from base instead of
// netsim.DefaultConfig: the options the line does not give keep base's
// values, and so do the settings no script option reaches (checkpoints, the
// trace window). The browser starts from netsim.BrowserConfig this way.
// Because a recorded cluster line states every option, a script recorded
// from one base replays the same from any other.
func (ps *Parser) SetBase(base netsim.Config) { ps.base = base }

// Clone returns an independent copy of the parser's state, so a session can
// try lines ahead without committing to them.
func (ps *Parser) Clone() *Parser {
	c := &Parser{base: ps.base, clusterLine: ps.clusterLine, size: ps.size, members: map[int]bool{}, leases: map[string]bool{}}
	for k, v := range ps.members {
		c.members[k] = v
	}
	for k, v := range ps.leases {
		c.leases[k] = v
	}
	return c
}

// ParseLine parses one line numbered num. It does not change the parser.
func (ps *Parser) ParseLine(num int, src string) (Line, error) {
	lexed, err := lexLine(num, src)
	if err != nil {
		return Line{}, err
	}
	l := Line{Num: num, Comment: lexed.comment, HasComment: lexed.hasHash}
	if len(lexed.tokens) == 0 {
		return l, nil
	}
	cmd, err := ps.parseCommand(num, src, lexed.tokens)
	if err != nil {
		return Line{}, err
	}
	l.Cmd = cmd
	return l, nil
}

// Accept records the names a successfully applied line introduces.
func (ps *Parser) Accept(l Line) {
	switch c := l.Cmd.(type) {
	case *Cluster:
		ps.clusterLine = l.Num
		ps.size = c.Config.Size
		for id := 1; id <= c.Config.Size; id++ {
			ps.members[id] = true
		}
	case *MemberAdd:
		ps.members[c.ID] = true
	case *LeaseGrant:
		ps.leases[c.Lease] = true
	}
}

// checkKnown refuses a fixed member that is not part of the cluster.
func (ps *Parser) checkKnown(m MemberRef) error {
	if m.Leader || ps.members[m.ID] {
		return nil
	}
	var ids []int
	for id := range ps.members {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = Member(id).String()
	}
	return &memberError{name: m.String(), size: ps.size, members: strings.Join(names, ", ")}
}

type memberError struct {
	name    string
	size    int
	members string
}

func (e *memberError) Error() string {
	return e.name + " is not a member of this cluster (members: " + e.members + "; add one with `member add " + e.name + "`)"
}

// commandParser parses the tokens after a command word.
type commandParser func(p *lineParser) (Command, error)

type commandSpec struct {
	usage string
	parse commandParser
}

// commands maps every command word to its parser. Commands with sub-words
// (member, lease, expect, show, check) dispatch again inside their parser.
var commands map[string]commandSpec

func init() {
	commands = map[string]commandSpec{
		"cluster":   {"cluster size=N seed=N election=150ms..300ms heartbeat=50ms latency=5ms..15ms fsync=1ms prevote=on|off checkquorum=on|off reads=safe|lease snapshot-every=N auto-compact=N|off", parseCluster},
		"run":       {"run DURATION | run until=leader max=DURATION", parseRun},
		"step":      {"step [COUNT]", parseStep},
		"crash":     {"crash MEMBER|CLIENT [wal=lose-unsynced|torn|corrupt]", parseCrash},
		"restart":   {"restart MEMBER|CLIENT", parseRestart},
		"pause":     {"pause MEMBER|CLIENT", parsePause},
		"resume":    {"resume MEMBER|CLIENT", parseResume},
		"partition": {"partition s1,s2 | s3,s4,s5", parsePartition},
		"isolate":   {"isolate MEMBER", parseIsolate},
		"heal":      {"heal", parseHeal},
		"link":      {"link s1->s2 [drop=P%] [latency=D|D..D] [dup=P%] [reorder=P%] | link s1->s2 reset", parseLink},
		"timeout":   {"timeout MEMBER", parseTimeout},
		"transfer":  {"transfer to=MEMBER", parseTransfer},
		"member":    {"member add sN [learner] | member promote sN | member remove MEMBER", parseMember},
		"snapshot":  {"snapshot MEMBER", parseSnapshot},
		"log":       {"log MEMBER terms=1,1,4", parseSetLog},
		"term":      {"term MEMBER N", parseSetTerm},
		"put":       {"put CLIENT KEY VALUE [lease=NAME]", parsePut},
		"get":       {"get CLIENT KEY [prefix] [rev=N] [serializable] [at=MEMBER]", parseGet},
		"delete":    {"delete CLIENT KEY [prefix]", parseDelete},
		"txn":       {`txn CLIENT [if="value(k)=v && …"] [then="put k v; …"] [else="get k; …"]`, parseTxn},
		"lease":     {"lease grant CLIENT NAME ttl=5s | lease keepalive CLIENT NAME [once] | lease revoke CLIENT NAME", parseLease},
		"lock":      {"lock CLIENT NAME [ttl=10s]", parseLock},
		"unlock":    {"unlock CLIENT NAME", parseUnlock},
		"watch":     {"watch CLIENT KEY [prefix] [from=N]", parseWatch},
		"compact":   {"compact CLIENT REVISION", parseCompact},
		"expect":    {"expect leader[=MEMBER] | no-leader | term>=N [on=…] | committed>=N [on=…] | applied>=N [on=…] | value K=V [on=…] | absent K [on=…] | holder LOCK=CLIENT | reply CLIENT ok [branch=then|else] [value=V] [rev=N] [count=N] | reply CLIENT error=CODE | reply CLIENT pending | role MEMBER=ROLE | up MEMBER | down MEMBER | log terms=… [on=…] | watch CLIENT revs=…", parseExpect},
		"show":      {"show cluster | show log MEMBER | show kv MEMBER | show events [last=N]", parseShow},
		"check":     {"check linearizable | check watches | check safety", parseCheck},
	}
}

// CommandNames returns every command word, sorted, for completion in the UI.
func CommandNames() []string {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Usage returns the usage line of a command word, or "" if there is no such command.
func Usage(command string) string { return commands[command].usage }

func (ps *Parser) parseCommand(num int, src string, toks []token) (Command, error) {
	head := toks[0]
	if head.op != "" || head.quoted {
		return nil, errAt(num, head.col, "a line must start with a command word, not %q", head.text)
	}
	spec, ok := commands[head.text]
	if !ok {
		msg := "unknown command " + strconv.Quote(head.text)
		if s := suggest(head.text); s != "" {
			msg += "; did you mean " + s + "?"
		}
		return nil, errAt(num, head.col, "%s", msg)
	}
	if head.text != "cluster" && ps.clusterLine == 0 {
		return nil, errAt(num, head.col, "the script must start with a cluster line (for example: cluster size=3 seed=1) before %s", head.text)
	}
	if head.text == "cluster" && ps.clusterLine != 0 {
		return nil, errAt(num, head.col, "a script has one cluster line, and it already has one at line %d", ps.clusterLine)
	}
	p := &lineParser{ctx: ps, line: num, cmd: head.text, usage: spec.usage, toks: toks, i: 1, endCol: len([]rune(strings.TrimRight(stripComment(src), " \t\r"))) + 1}
	return spec.parse(p)
}

// stripComment returns the line up to its comment, so errors about something
// missing point just after the last word rather than after the comment.
func stripComment(src string) string {
	inQuote := false
	for i, r := range src {
		switch {
		case r == '"' && (i == 0 || src[i-1] != '\\'):
			inQuote = !inQuote
		case r == '#' && !inQuote:
			return src[:i]
		}
	}
	return src
}

// suggest returns the command closest to a misspelt word, if one is close.
func suggest(word string) string {
	best, bestDist := "", 3
	for _, name := range CommandNames() {
		if d := editDistance(word, name); d < bestDist {
			best, bestDist = name, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
