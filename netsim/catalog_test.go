package netsim

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raft-playground/playground/core/raft"
)

func TestEveryRecordOfABusyRunHasASentence(t *testing.T) {
	cfg := DefaultConfig()
	cfg.SnapshotEvery = 20
	w := play(t, cfg, busyScenario(), 15*Time(Second))
	missingField := regexp.MustCompile(`\?[A-Za-z]`)
	seen := map[string]bool{}
	for _, r := range w.Events(0) {
		key := r.Kind + "/" + r.Reason
		if seen[key] {
			continue
		}
		seen[key] = true
		assert.True(t, English.Has(r), "no English template for %s", key)
		line := English.Render(r)
		assert.False(t, missingField.MatchString(line), "%s renders a missing field: %q", key, line)
	}
	assert.Greater(t, len(seen), 40, "the busy run covers many kinds of event")
}

func TestEveryRaftEventKindHasATemplate(t *testing.T) {
	for k := raft.EventKind(1); k.String() != "unknown-event"; k++ {
		r := Record{Kind: "raft." + k.String()}
		assert.True(t, English.Has(r), "no English template for %s", r.Kind)
	}
}

func TestCatalogRendersTheExampleLine(t *testing.T) {
	ev := raft.Event{Kind: raft.EventVoteRejected, Reason: raft.ReasonLogBehind, Node: 4, Peer: 3, Term: 8,
		CandLastTerm: 7, CandLastIndex: 12, OwnLastTerm: 8, OwnLastIndex: 11}
	r := Record{At: 1_234_567, Kind: "raft.vote-rejected", Reason: "log-behind", Member: 4, Peer: 3, Detail: &ev}
	assert.Equal(t, "  1.234567s s4 refuses its vote to s3: s3's log ends in term 7 at index 12, s4's ends in term 8 at index 11", English.Line(r))

	unknown := Record{Kind: "something-new", Member: 2, Args: []Arg{{"x", "1"}}}
	require.False(t, English.Has(unknown))
	assert.Equal(t, "s2 something-new x=1", English.Render(unknown), "an unknown kind still renders")
}

func TestChineseMatchesEnglish(t *testing.T) {
	placeholders := regexp.MustCompile(`\{[^}]*\}`)
	set := func(s string) map[string]bool {
		out := map[string]bool{}
		for _, p := range placeholders.FindAllString(s, -1) {
			out[p] = true
		}
		return out
	}
	for key, en := range English.Templates {
		zh, ok := Chinese.Templates[key]
		if assert.True(t, ok, "zh-CN lacks %s", key) {
			assert.Equal(t, set(en), set(zh), "%s uses other placeholders in zh-CN", key)
		}
	}
	for key := range Chinese.Templates {
		assert.Contains(t, English.Templates, key, "zh-CN has a key English lacks")
	}
	for key := range English.Words {
		assert.Contains(t, Chinese.Words, key)
	}
	ev := raft.Event{Kind: raft.EventVoteRejected, Reason: raft.ReasonLogBehind, Node: 4, Peer: 3, Term: 8,
		CandLastTerm: 7, CandLastIndex: 12, OwnLastTerm: 8, OwnLastIndex: 11}
	r := Record{At: 1_234_567, Kind: "raft.vote-rejected", Reason: "log-behind", Member: 4, Peer: 3, Detail: &ev}
	assert.Equal(t, "  1.234567s s4 拒绝投票给 s3：s3 的日志止于任期 7 的索引 12，s4 的止于任期 8 的索引 11", Chinese.Line(r))
}
