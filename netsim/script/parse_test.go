package script

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raft-playground/playground/netsim"
)

// header is the cluster line most tests start from: five members.
const header = "cluster size=5 seed=7\n"

// parseOne parses header plus one line and returns that line's command.
func parseOne(t *testing.T, line string) Command {
	t.Helper()
	s, err := Parse(header + line)
	require.NoError(t, err)
	require.Len(t, s.Lines, 2)
	return s.Lines[1].Cmd
}

func ptr[T any](v T) *T { return &v }

func TestParseCommands(t *testing.T) {
	l1 := Member(1)
	s3 := Member(3)
	tests := []struct {
		line string
		want Command
	}{
		{"run 2s", &Run{For: 2 * netsim.Second}},
		{"run 1.5s", &Run{For: 1500 * netsim.Millisecond}},
		{"run 250us", &Run{For: 250}},
		{"run until=leader max=10s", &RunUntilLeader{Max: 10 * netsim.Second}},
		{"run until=leader", &RunUntilLeader{Max: 10 * netsim.Second}},
		{"step", &Step{Count: 1}},
		{"step 7", &Step{Count: 7}},
		{"crash s1", &Crash{Target: Target{Member: l1}}},
		{"crash leader wal=torn", &Crash{Target: Target{Member: MemberRef{Leader: true}}, WAL: CrashTorn}},
		{"crash s2 wal=corrupt", &Crash{Target: Target{Member: Member(2)}, WAL: CrashCorrupt}},
		{"crash c1", &Crash{Target: Target{Client: "c1"}}},
		{"restart s1", &Restart{Target: Target{Member: l1}}},
		{"pause c12", &Pause{Target: Target{Client: "c12"}}},
		{"resume s2", &Resume{Target: Target{Member: Member(2)}}},
		{"partition s1,s2 | s3,s4,s5", &Partition{Groups: [][]MemberRef{{Member(1), Member(2)}, {Member(3), Member(4), Member(5)}}}},
		{"partition s1|s2 , s3", &Partition{Groups: [][]MemberRef{{Member(1)}, {Member(2), Member(3)}}}},
		{"isolate s3", &Isolate{Member: s3}},
		{"heal", &Heal{}},
		{"link s1->s2 drop=100% latency=200ms", &Link{From: l1, To: Member(2), Drop: ptr(Percent(1000000)), Latency: &DurationRange{Min: 200 * netsim.Millisecond, Max: 200 * netsim.Millisecond}}},
		{"link s1<->s2 dup=12.5% reorder=0.01%", &Link{From: l1, To: Member(2), Both: true, Dup: ptr(Percent(125000)), Reorder: ptr(Percent(100))}},
		{"link s1->s2 latency=5ms..50ms", &Link{From: l1, To: Member(2), Latency: &DurationRange{Min: 5000, Max: 50000}}},
		{"link s2->s1 reset", &LinkReset{From: Member(2), To: l1}},
		{"timeout s3", &Timeout{Member: s3}},
		{"transfer to=s3", &Transfer{To: s3}},
		{"member add s6 learner", &MemberAdd{ID: 6, Learner: true}},
		{"member add s9", &MemberAdd{ID: 9}},
		{"member promote s3", &MemberPromote{Member: s3}},
		{"member remove leader", &MemberRemove{Member: MemberRef{Leader: true}}},
		{"snapshot s1", &Snapshot{Member: l1}},
		{"log s1 terms=1,1,4", &SetLog{Member: l1, Terms: []uint64{1, 1, 4}}},
		{"term s1 6", &SetTerm{Member: l1, Term: 6}},
		{"put c1 foo bar", &Put{Client: "c1", Key: "foo", Value: "bar"}},
		{`put c1 "hello world" "a=b"`, &Put{Client: "c1", Key: "hello world", Value: "a=b"}},
		{`put c1 k ""`, &Put{Client: "c1", Key: "k", Value: ""}},
		{`put c1 k "say \"hi\" \\ bye"`, &Put{Client: "c1", Key: "k", Value: `say "hi" \ bye`}},
		{`put c1 "prefix" "ok"`, &Put{Client: "c1", Key: "prefix", Value: "ok"}},
		{"put c1 键 值", &Put{Client: "c1", Key: "键", Value: "值"}},
		{"get c1 foo", &Get{Client: "c1", Key: "foo"}},
		{"get c2 foo prefix rev=3 serializable at=s3", &Get{Client: "c2", Key: "foo", Prefix: true, Rev: 3, Serializable: true, At: &s3}},
		{"delete c1 /svc/ prefix", &Delete{Client: "c1", Key: "/svc/", Prefix: true}},
		{`txn c1 if="value(foo)=bar" then="put foo baz" else="get foo"`, &Txn{Client: "c1",
			If:   []Compare{{Target: CompareValue, Key: "foo", Cmp: CmpEq, Text: "bar"}},
			Then: []TxnOp{{Kind: TxnPut, Key: "foo", Value: "baz"}},
			Else: []TxnOp{{Kind: TxnGet, Key: "foo"}}}},
		{`txn c1 if="version(a)>0 && mod(b)<5 && create(c)=0 && value(d)!=x" then="put a 1; delete b prefix"`, &Txn{Client: "c1",
			If: []Compare{{Target: CompareVersion, Key: "a", Cmp: CmpGt}, {Target: CompareMod, Key: "b", Cmp: CmpLt, Number: 5},
				{Target: CompareCreate, Key: "c", Cmp: CmpEq}, {Target: CompareValue, Key: "d", Cmp: CmpNe, Text: "x"}},
			Then: []TxnOp{{Kind: TxnPut, Key: "a", Value: "1"}, {Kind: TxnDelete, Key: "b", Prefix: true}}}},
		{"lease grant c1 L1 ttl=5s", &LeaseGrant{Client: "c1", Lease: "L1", TTL: 5 * netsim.Second}},
		{"lock c1 mylock", &Lock{Client: "c1", Name: "mylock", TTL: DefaultLockTTL}},
		{"lock c1 mylock ttl=3s", &Lock{Client: "c1", Name: "mylock", TTL: 3 * netsim.Second}},
		{"unlock c1 mylock", &Unlock{Client: "c1", Name: "mylock"}},
		{"watch c1 /svc/ prefix from=3", &Watch{Client: "c1", Key: "/svc/", Prefix: true, From: 3}},
		{"watch c1 foo", &Watch{Client: "c1", Key: "foo"}},
		{"compact c1 4", &Compact{Client: "c1", Rev: 4}},
		{"expect leader", &ExpectLeader{}},
		{"expect leader=s2", &ExpectLeader{Member: ptr(Member(2))}},
		{"expect no-leader", &ExpectNoLeader{}},
		{"expect term>=3", &ExpectTerm{Cmp: CmpGe, Value: 3}},
		{"expect term=1", &ExpectTerm{Cmp: CmpEq, Value: 1}},
		{"expect term<4 on=s3", &ExpectTerm{Cmp: CmpLt, Value: 4, On: &Scope{Kind: ScopeMember, Member: s3}}},
		{"expect committed>=5 on=majority", &ExpectIndex{Field: IndexCommitted, Cmp: CmpGe, Value: 5, On: Scope{Kind: ScopeMajority}}},
		{"expect applied<2 on=s3", &ExpectIndex{Field: IndexApplied, Cmp: CmpLt, Value: 2, On: Scope{Kind: ScopeMember, Member: s3}}},
		{"expect committed!=0", &ExpectIndex{Field: IndexCommitted, Cmp: CmpNe, Value: 0}},
		{"expect value foo=bar on=all", &ExpectValue{Key: "foo", Value: "bar"}},
		{`expect value "a b"="" on=leader`, &ExpectValue{Key: "a b", Value: "", On: Scope{Kind: ScopeMember, Member: MemberRef{Leader: true}}}},
		{"expect absent foo", &ExpectAbsent{Key: "foo"}},
		{"expect holder mylock=c1", &ExpectHolder{Lock: "mylock", Client: "c1"}},
		{"expect holder mylock=none", &ExpectHolder{Lock: "mylock"}},
		{"expect reply c1 ok value=bar rev=5 count=1", &ExpectReply{Client: "c1", Status: ReplyOK, Value: ptr("bar"), Rev: ptr(int64(5)), Count: ptr(int64(1))}},
		{"expect reply c1 ok", &ExpectReply{Client: "c1", Status: ReplyOK}},
		{"expect reply c1 ok branch=else value=x", &ExpectReply{Client: "c1", Status: ReplyOK, Branch: "else", Value: ptr("x")}},
		{"expect reply c1 error=compacted", &ExpectReply{Client: "c1", Status: ReplyError, Error: "compacted"}},
		{"expect reply c1 pending", &ExpectReply{Client: "c1", Status: ReplyPending}},
		{"expect role s3=follower", &ExpectRole{Member: s3, Role: RoleFollower}},
		{"expect up s1", &ExpectUp{Member: l1, Up: true}},
		{"expect down s1", &ExpectUp{Member: l1}},
		{"expect log terms=1,1,4 on=s3", &ExpectLog{Terms: []uint64{1, 1, 4}, On: Scope{Kind: ScopeMember, Member: s3}}},
		{"expect log terms=", &ExpectLog{}},
		{"expect watch c1 revs=4,5,7", &ExpectWatch{Client: "c1", Revs: []int64{4, 5, 7}}},
		{"show cluster", &ShowCluster{}},
		{"show log s1", &ShowLog{Member: l1}},
		{"show kv leader", &ShowKV{Member: MemberRef{Leader: true}}},
		{"show events", &ShowEvents{Last: 20}},
		{"show events last=5", &ShowEvents{Last: 5}},
		{"check linearizable", &Check{Kind: CheckLinearizable}},
		{"check watches", &Check{Kind: CheckWatches}},
		{"check safety", &Check{Kind: CheckSafety}},
	}
	for _, tc := range tests {
		t.Run(tc.line, func(t *testing.T) {
			assert.Equal(t, tc.want, parseOne(t, tc.line))
		})
	}
}

func TestParseLeaseCommandsNeedAGrant(t *testing.T) {
	s, err := Parse(header + "lease grant c1 L1 ttl=5s\nput c1 foo bar lease=L1\nlease keepalive c2 L1 once\nlease keepalive c1 L1\nlease revoke c1 L1\n")
	require.NoError(t, err)
	assert.Equal(t, &Put{Client: "c1", Key: "foo", Value: "bar", Lease: "L1"}, s.Lines[2].Cmd)
	assert.Equal(t, &LeaseKeepAlive{Client: "c2", Lease: "L1", Once: true}, s.Lines[3].Cmd)
	assert.Equal(t, &LeaseKeepAlive{Client: "c1", Lease: "L1"}, s.Lines[4].Cmd)
	assert.Equal(t, &LeaseRevoke{Client: "c1", Lease: "L1"}, s.Lines[5].Cmd)
}

func TestParseCluster(t *testing.T) {
	s, err := Parse("cluster size=3 seed=42 election=100ms heartbeat=20ms tick=10ms latency=1ms..3ms fsync=500us prevote=off checkquorum=on reads=lease conflict-hint=off inflight=8 snapshot-every=100 catchup=3 client-timeout=1s\n")
	require.NoError(t, err)
	cfg := s.Lines[0].Cmd.(*Cluster).Config
	want := netsim.DefaultConfig()
	want.Size, want.Seed = 3, 42
	want.ElectionMin, want.ElectionMax, want.Heartbeat, want.Tick = 100*netsim.Millisecond, 200*netsim.Millisecond, 20*netsim.Millisecond, 10*netsim.Millisecond
	want.LatencyMin, want.LatencyMax, want.FsyncLatency = netsim.Millisecond, 3*netsim.Millisecond, 500
	want.PreVote, want.CheckQuorum, want.LeaseRead, want.DisableConflictHint = false, true, true, true
	want.MaxInflight, want.SnapshotEvery, want.SnapshotCatchUp, want.ClientTimeout = 8, 100, 3, netsim.Second
	assert.Equal(t, want, cfg)

	s, err = Parse("cluster\n")
	require.NoError(t, err)
	assert.Equal(t, netsim.DefaultConfig(), s.Lines[0].Cmd.(*Cluster).Config, "a bare cluster line takes the world's defaults")
}

func TestParseKeepsCommentsAndBlankLines(t *testing.T) {
	s, err := Parse("# first election\ncluster size=3\n\nrun 1s   # wait\n#\n")
	require.NoError(t, err)
	require.Len(t, s.Lines, 5)
	assert.Equal(t, Line{Num: 1, Comment: "first election", HasComment: true}, s.Lines[0])
	assert.Equal(t, Line{Num: 3}, s.Lines[2])
	assert.Equal(t, "wait", s.Lines[3].Comment)
	assert.Equal(t, &Run{For: netsim.Second}, s.Lines[3].Cmd)
	assert.Equal(t, Line{Num: 5, HasComment: true}, s.Lines[4])
	assert.Len(t, s.Commands(), 2)
}

func TestParseWithWindowsLineEndings(t *testing.T) {
	s, err := Parse("cluster size=3\r\nrun 1s\r\n")
	require.NoError(t, err)
	assert.Equal(t, &Run{For: netsim.Second}, s.Lines[1].Cmd)
}

// TestParseErrors covers every kind of refusal, each with the line and column
// it points at. The header is line 1, so the line under test is line 2.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name    string
		line    string
		col     int
		message string
	}{
		{"unknown command", "crsh s1", 1, `unknown command "crsh"; did you mean crash?`},
		{"unknown command far from any", "xyzzy", 1, `unknown command "xyzzy"`},
		{"command must be a word", `"run" 1s`, 1, "a line must start with a command word"},
		{"unterminated quote", `put c1 foo "bar`, 12, "unterminated quote"},
		{"bad escape", `put c1 foo "b\ar"`, 14, `unknown escape \a`},
		{"lone bang", "expect term!3", 12, "a lone ! is not an operator"},
		{"second cluster", "cluster size=3", 1, "already has one at line 1"},
		{"missing duration", "run", 4, "run: missing a duration or until=leader"},
		{"duration without unit", "run 5", 5, `"5"`},
		{"negative duration", "run -5ms", 5, "negative"},
		{"zero run", "run 0s", 5, "longer than 0"},
		{"sub-microsecond duration", "run 0.0001ms", 5, `"0.0001ms"`},
		{"huge duration", "run 100000s", 5, "one virtual day"},
		{"until something else", "run until=commit", 11, `supports leader, not "commit"`},
		{"run extra word", "run 1s now", 8, `unexpected "now"`},
		{"step count", "step 0", 6, "whole number from 1"},
		{"unknown member", "crash s7", 7, "s7 is not a member of this cluster (members: s1, s2, s3, s4, s5"},
		{"not a member name", "crash x1", 7, `"x1" is neither a member`},
		{"member s10", "isolate s10", 9, `"s10" is not a member`},
		{"member s0", "timeout s0", 9, `"s0" is not a member`},
		{"client zero", "put c0 foo bar", 5, `"c0" is not a client name`},
		{"client too large", "put c100 foo bar", 5, "out of range"},
		{"wal mode", "crash s1 wal=fried", 14, "wal must be one of lose-unsynced, torn, corrupt"},
		{"wal on a client", "crash c1 wal=torn", 10, "a client has no WAL"},
		{"partition member twice", "partition s1,s2 | s2,s3", 19, "s2 is in two groups (first at column 14)"},
		{"partition one group", "partition s1,s2", 11, "at least two groups"},
		{"partition empty group", "partition s1 | | s2", 11, "group 2 is empty"},
		{"partition unknown member", "partition s1 | s8", 16, "s8 is not a member"},
		{"partition leader", "partition leader | s2", 11, "name members explicitly"},
		{"link drop over 100", "link s1->s2 drop=150%", 18, `percentage "150%" is more than 100%`},
		{"link drop negative", "link s1->s2 drop=-5%", 18, "negative"},
		{"link drop no percent sign", "link s1->s2 drop=0.5", 18, "is not a percentage"},
		{"link too many decimals", "link s1->s2 dup=1.00001%", 17, "more than four decimals"},
		{"link to itself", "link s1->s1 drop=1%", 6, "not s1 to itself"},
		{"link unknown target", "link s1->s6 drop=1%", 10, "s6 is not a member"},
		{"link no arrow", "link s1 drop=1%", 6, "expected a link such as s1->s2"},
		{"link no knob", "link s1->s2", 12, "missing a knob"},
		{"link reset combined", "link s1->s2 reset drop=1%", 13, "cannot be combined"},
		{"link latency backwards", "link s1->s2 latency=9ms..1ms", 21, "goes backwards"},
		{"link option twice", "link s1->s2 drop=1% drop=2%", 21, "drop is given twice (first at column 13)"},
		{"link option with wrong operator", "link s1->s2 drop>=1%", 13, "option drop takes =, not >="},
		{"transfer missing to", "transfer", 9, "missing to=MEMBER"},
		{"transfer to leader", "transfer to=leader", 13, "name the member that should lead"},
		{"member add existing", "member add s3", 12, "s3 is already a member"},
		{"member add beyond s9", "member add s12", 12, `member "s12" does not exist`},
		{"member subcommand", "member join s6", 8, `unknown member command "join"`},
		{"member remove unknown", "member remove s6", 15, "s6 is not a member"},
		{"log decreasing terms", "log s1 terms=1,4,2", 14, "terms must never decrease"},
		{"log bad term", "log s1 terms=1,x,2", 16, `"x" is not a term`},
		{"log zero term", "log s1 terms=0", 14, `"0" is not a term`},
		{"term zero", "term s1 0", 9, "a term is a whole number ≥ 1"},
		{"put missing value", "put c1 foo", 11, "put: missing a value (usage: put CLIENT KEY VALUE [lease=NAME])"},
		{"put flag as value", "put c1 foo prefix", 12, `found the flag "prefix"`},
		{"put option as value", "put c1 foo a=b", 12, `found the option "a=b"`},
		{"put empty key", `put c1 "" v`, 8, "a key cannot be empty"},
		{"put unknown lease", "put c1 foo bar lease=L9", 22, "lease L9 was never granted"},
		{"get unknown flag", "get c1 foo fast", 12, `unexpected "fast"; expected one of: prefix, serializable, rev=…, at=…`},
		{"get rev zero", "get c1 foo rev=0", 16, "rev must be at least 1"},
		{"get rev not a number", "get c1 foo rev=x", 16, "rev must be a whole number"},
		{"get at unknown", "get c1 foo at=s9", 15, "s9 is not a member"},
		{"txn no branches", `txn c1 if="value(a)=b"`, 23, "missing then="},
		{"txn bad compare", `txn c1 if="size(a)=1" then="get a"`, 11, `compares "size"`},
		{"txn compare without parens", `txn c1 if="a=1" then="get a"`, 11, "should look like value(key)=text"},
		{"txn compare le", `txn c1 if="mod(a)<=1" then="get a"`, 11, "no <= or >="},
		{"txn compare negative", `txn c1 if="mod(a)>-1" then="get a"`, 11, "whole number ≥ 0"},
		{"txn bad op", `txn c1 then="set a b"`, 13, `unknown operation "set"`},
		{"txn put arity", `txn c1 then="put a"`, 13, `"put a" should be put KEY VALUE`},
		{"txn empty op", `txn c1 then="put a b;;get a"`, 13, "empty operation"},
		{"txn empty if", `txn c1 if="" then="get a"`, 11, "has no conditions"},
		{"lease ttl fraction", "lease grant c1 L1 ttl=1500ms", 23, "whole number of seconds"},
		{"lease ttl missing", "lease grant c1 L1", 18, "missing ttl="},
		{"lease bad name", "lease grant c1 1L ttl=5s", 16, "must start with a letter"},
		{"lease never granted", "lease revoke c1 L1", 17, "lease L1 was never granted"},
		{"lease subcommand", "lease renew c1 L1", 7, `unknown lease command "renew"`},
		{"lock ttl zero", "lock c1 m ttl=0s", 15, "at least 1s"},
		{"watch from zero", "watch c1 foo from=0", 19, "from must be at least 1"},
		{"compact zero", "compact c1 0", 12, "the revision must be at least 1"},
		{"expect unknown", "expect happiness", 8, `unknown expectation "happiness"`},
		{"expect leader unknown member", "expect leader=s6", 15, "s6 is not a member"},
		{"expect term not a number", "expect term>=x", 14, "term must be a whole number"},
		{"expect bad scope", "expect committed>=1 on=most", 24, "expected all, majority, leader or a member"},
		{"expect value without =", "expect value foo", 14, "expected KEY=VALUE"},
		{"expect holder bad client", "expect holder m=x1", 17, `"x1" is not a client name`},
		{"expect reply bad status", "expect reply c1 fine", 17, `expected ok, error=CODE or pending, found "fine"`},
		{"expect reply bad branch", "expect reply c1 ok branch=maybe", 27, "branch must be then or else"},
		{"expect reply pending extra", "expect reply c1 pending value=1", 25, `unexpected "value=1"`},
		{"expect role unknown", "expect role s1=king", 16, "role must be one of leader, follower, candidate, precandidate, learner"},
		{"expect watch bad rev", "expect watch c1 revs=1,0", 24, `"0" is not a revision`},
		{"show unknown", "show everything", 6, `unknown show command "everything"`},
		{"show events zero", "show events last=0", 18, "last must be at least 1"},
		{"check unknown", "check sanity", 7, `unknown check "sanity"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(header + tc.line)
			require.Error(t, err)
			var le *LineError
			require.ErrorAs(t, err, &le)
			assert.Equal(t, 2, le.Line, "line")
			assert.Equal(t, tc.col, le.Col, "column (message: %s)", le.Msg)
			assert.Contains(t, le.Msg, tc.message)
		})
	}
}

func TestParseClusterErrors(t *testing.T) {
	tests := []struct {
		name    string
		script  string
		line    int
		col     int
		message string
	}{
		{"no cluster first", "run 1s", 1, 1, "must start with a cluster line"},
		{"comment lines may precede the cluster", "# hi\n\nput c1 a b", 3, 1, "must start with a cluster line"},
		{"size too large", "cluster size=12", 1, 14, "size=12 is out of range: a cluster has 1 to 9 members"},
		{"size zero", "cluster size=0", 1, 14, "out of range"},
		{"size not a number", "cluster size=five", 1, 14, "whole number of members"},
		{"negative seed", "cluster seed=-1", 1, 14, "seed must be a whole number"},
		{"election not twice", "cluster election=150ms..200ms", 1, 18, "the upper bound must be 300ms"},
		{"heartbeat too long", "cluster heartbeat=200ms", 1, 19, "must be shorter than the election timeout"},
		{"heartbeat not ticks", "cluster heartbeat=55ms", 1, 19, "not a positive whole number of 10ms ticks"},
		{"lease reads need check quorum", "cluster checkquorum=off reads=lease", 1, 31, "check-quorum"},
		{"prevote yes", "cluster prevote=yes", 1, 17, "prevote must be on or off"},
		{"unknown option", "cluster nodes=3", 1, 9, `unexpected "nodes=3"`},
		{"error on a later line", "cluster\nrun 1s\nrun 1x", 3, 5, `"1x"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.script)
			var le *LineError
			require.ErrorAs(t, err, &le)
			assert.Equal(t, tc.line, le.Line)
			assert.Equal(t, tc.col, le.Col, "column (message: %s)", le.Msg)
			assert.Contains(t, le.Msg, tc.message)
		})
	}
}

func TestParseMemberAddMakesTheNameKnown(t *testing.T) {
	_, err := Parse("cluster size=3\nmember add s4 learner\nmember promote s4\ncrash s4\n")
	require.NoError(t, err)
	_, err = Parse("cluster size=3\ncrash s4\nmember add s4\n")
	var le *LineError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, 2, le.Line, "a member is known only after the line that adds it")
}

func TestParserParseLineChangesNothingUntilAccept(t *testing.T) {
	p := NewParser()
	l, err := p.ParseLine(1, "cluster size=3")
	require.NoError(t, err)
	_, err = p.ParseLine(2, "run 1s")
	require.Error(t, err, "before Accept the cluster line has not happened")
	p.Accept(l)
	add, err := p.ParseLine(2, "member add s4")
	require.NoError(t, err)
	_, err = p.ParseLine(3, "crash s4")
	require.Error(t, err, "a refused or unapplied member add must not make s4 known")
	clone := p.Clone()
	clone.Accept(add)
	_, err = clone.ParseLine(3, "crash s4")
	require.NoError(t, err)
	_, err = p.ParseLine(3, "crash s4")
	require.Error(t, err, "accepting into a clone leaves the original unchanged")
}

func TestLineErrorText(t *testing.T) {
	assert.Equal(t, "line 3, column 7: bad", (&LineError{Line: 3, Col: 7, Msg: "bad"}).Error())
	assert.Equal(t, "line 3: expected a leader", (&LineError{Line: 3, Msg: "expected a leader"}).Error())
}
