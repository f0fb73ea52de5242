package script

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// everyCommand is a script that uses every command form at least once.
const everyCommand = `# every form of the language
cluster size=5 seed=7 election=150ms..300ms heartbeat=50ms latency=5ms..15ms prevote=on checkquorum=on
run 2s   # advance virtual time
run 1.5s
run until=leader max=10s
step
step 3
crash s1
crash leader wal=torn
crash s2 wal=corrupt
crash c1
restart s1
pause s2
resume c2
partition s1,s2 | s3,s4,s5
partition s1|s2|s3,s4,s5
isolate s3
heal
link s1->s2 drop=100% latency=200ms
link s1<->s3 dup=12.5% reorder=3% latency=1ms..9ms
link s1->s2 reset
timeout s3
transfer to=s3
member add s6 learner
member promote s6
member remove s2
snapshot s1
log s1 terms=1,1,1,4,4,5,5,6,6,6
term s1 6
lease grant c1 L1 ttl=5s
put c1 foo bar lease=L1
put c1 "hello world" "a \"quoted\" \\ value"
put c1 "prefix" ""
put c1 "on" "x=y"
put c1 键 值
get c1 foo prefix rev=3 serializable at=s3
get c1 "a#b"
delete c1 foo prefix
txn c1 if="value(foo)=bar && version(x)>0" then="put foo baz; delete y prefix" else="get foo"
txn c2 then="get a prefix"
lease keepalive c1 L1 once
lease keepalive c1 L1
lease revoke c1 L1
lock c1 mylock ttl=10s
lock c2 mylock
unlock c1 mylock
watch c1 /svc/ prefix from=3
compact c1 4
expect leader
expect leader=s2
expect no-leader
expect term>=3
expect term=2 on=s1
expect committed>=5 on=majority
expect applied=4 on=leader
expect value foo=bar on=all
expect value "on"="x=y"
expect absent foo on=s2
expect holder mylock=c1
expect holder mylock=none
expect reply c1 ok value=bar rev=5 count=1
expect reply c1 ok value=""
expect reply c1 error=compacted
expect reply c1 pending
expect role s3=precandidate
expect up s1
expect down s1
expect log terms=1,1,4 on=majority
expect watch c1 revs=4,5,7
expect watch c2 revs=
show cluster
show log s1
show kv s1
show events last=20
check linearizable
check watches
check safety
`

// TestFormatRoundTrips checks that formatting a parsed script and parsing the
// result gives the same commands, and that canonical text is a fixed point.
func TestFormatRoundTrips(t *testing.T) {
	s, err := Parse(everyCommand)
	require.NoError(t, err)
	canonical := s.Format()
	again, err := Parse(canonical)
	require.NoError(t, err, "canonical text:\n%s", canonical)
	require.Equal(t, len(s.Lines), len(again.Lines))
	for i := range s.Lines {
		assert.Equal(t, s.Lines[i].Cmd, again.Lines[i].Cmd, "line %d: %s", i+1, s.Lines[i].Format())
		assert.Equal(t, s.Lines[i].Comment, again.Lines[i].Comment)
	}
	assert.Equal(t, canonical, again.Format(), "canonical text is a fixed point")
}

func TestFormatCanonicalForms(t *testing.T) {
	tests := []struct{ in, want string }{
		{"run 1000ms", "run 1s"},
		{"run 1.5s", "run 1500ms"},
		{"run 0.25ms", "run 250us"},
		{"step 1", "step"},
		{"crash s1 wal=lose-unsynced", "crash s1"},
		{"partition s1,s2|s3", "partition s1,s2 | s3"},
		{"link s1->s2 reorder=1% drop=50.50%", "link s1->s2 drop=50.5% reorder=1%"},
		{"link s1->s2 latency=5ms..5ms", "link s1->s2 latency=5ms"},
		{"lock c1 m", "lock c1 m ttl=10s"},
		{"expect committed>=2", "expect committed>=2 on=all"},
		{"put c1 k   v    # note", "put c1 k v  # note"},
		{`put c1 "plain" "text"`, "put c1 plain text"},
		{`put c1 k "has space"`, `put c1 k "has space"`},
		{`put c1 k "a->b"`, `put c1 k "a->b"`},
		{`put c1 k "ok"`, `put c1 k "ok"`},
		{`txn c1 if="value(a)=1&&mod(b)>2" then="put a 2;get b"`, `txn c1 if="value(a)=1 && mod(b)>2" then="put a 2; get b"`},
		{"show events", "show events last=20"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			s, err := Parse(header + tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, s.Lines[1].Format())
		})
	}
}

func TestFormatClusterIsExplicit(t *testing.T) {
	s, err := Parse("cluster size=3\n")
	require.NoError(t, err)
	assert.Equal(t, "cluster size=3 seed=1 election=150ms..300ms heartbeat=50ms tick=10ms latency=5ms..15ms fsync=2ms prevote=on checkquorum=on reads=safe conflict-hint=on inflight=64 snapshot-every=0 catchup=5 client-timeout=2s",
		s.Lines[0].Format(), "every setting is written out so a recorded script keeps its meaning if the defaults change")
}

func TestQuote(t *testing.T) {
	for _, s := range []string{"", "a b", `a"b`, `a\b`, "a#b", "a=b", "a<b", "a!b", "->", "prefix", "x", "/svc/", "键"} {
		t.Run(s, func(t *testing.T) {
			lexed, err := lexLine(1, quote(s))
			require.NoError(t, err)
			require.Len(t, lexed.tokens, 1)
			assert.Equal(t, s, lexed.tokens[0].text)
			assert.Empty(t, lexed.tokens[0].op)
			assert.Equal(t, s != "" && !strings.ContainsAny(s, " \"\\#=<!") && s != "->" && s != "prefix", !lexed.tokens[0].quoted)
		})
	}
}
