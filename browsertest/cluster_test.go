package browsertest

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Viewport sizes: a laptop for the main view, 16:9 slides for embed mode.
const (
	mainWidth, mainHeight   = 1440, 900
	embedWidth, embedHeight = 1280, 720
)

var memberName = regexp.MustCompile(`^s[1-9]$`)

// leader is the member the leader indicator names ("" when there is none).
func (p *page) leader() string {
	l := p.attr("leader-indicator", "data-leader")
	if !memberName.MatchString(l) {
		return ""
	}
	return l
}

// term is the term the leader indicator shows.
func (p *page) term() int {
	p.t.Helper()
	n, err := strconv.Atoi(p.attr("leader-indicator", "data-term"))
	require.NoError(p.t, err, "leader-indicator data-term")
	return n
}

// waitLeader waits until a leader is shown and returns it with its term.
func (p *page) waitLeader(what string) (string, int) {
	p.t.Helper()
	p.waitJS(`/^s[1-9]$/.test(document.querySelector('[data-testid="leader-indicator"]')?.dataset.leader ?? "")`, what)
	return p.leader(), p.term()
}

// waitCommitted waits until a leader is shown and every member that is up
// has learned that the leader's whole log is committed: then every member
// knows the leader and can pass a client's request on. (A request sent to
// a member that does not know the leader yet times out, and a write that
// timed out is not retried, as its outcome is unknown.)
func (p *page) waitCommitted() {
	p.t.Helper()
	p.waitLeader("a leader")
	p.waitJS(`(() => {
		const leader = document.querySelector('[data-testid="leader-indicator"]').dataset.leader;
		const last = document.querySelector('[data-testid="log-row-' + leader + '"]')?.dataset.last;
		const up = [...document.querySelectorAll('[data-testid^="member-s"][data-state="up"]')].map(e => e.dataset.testid.slice(7));
		return !!last && up.every(m => document.querySelector('[data-testid="log-row-' + m + '"]')?.dataset.commit === last);
	})()`, "every member to know the leader's commit")
}

// fastest picks the fastest simulation speed and makes sure the clock runs,
// so waits for elections take as little real time as the page allows.
func (p *page) fastest() {
	p.t.Helper()
	p.waitJS(`(() => {
		const s = document.querySelector('[data-testid="speed"]');
		if (!s) return false;
		let best = s.options[0];
		for (const o of s.options) if (parseFloat(o.value) > parseFloat(best.value)) best = o;
		if (s.value !== best.value) {
			s.value = best.value;
			s.dispatchEvent(new Event("change", {bubbles: true}));
		}
		return true;
	})()`, "the speed control")
	p.play()
}

// play starts the clock if it is paused.
func (p *page) play() {
	p.t.Helper()
	if p.attr("play-pause", "aria-pressed") != "true" {
		p.click("play-pause")
	}
	p.waitJS(`document.querySelector('[data-testid="play-pause"]').getAttribute("aria-pressed") === "true"`, "the clock to run")
}

// pause stops the clock if it runs.
func (p *page) pause() {
	p.t.Helper()
	if p.attr("play-pause", "aria-pressed") == "true" {
		p.click("play-pause")
	}
	p.waitJS(`document.querySelector('[data-testid="play-pause"]').getAttribute("aria-pressed") === "false"`, "the clock to stop")
	// A frame already asked of the engine may still land (the worker can
	// be slow on a busy machine); the page has settled when its clock has
	// shown the same moment for half a second.
	p.waitJS(`(() => {
		const t = document.querySelector('[data-testid="virtual-time"]')?.dataset.timeUs;
		if (window.__settled?.t !== t) window.__settled = {t, since: performance.now()};
		return performance.now() - window.__settled.since >= 500;
	})()`, "the page to settle")
}

// memberAction selects a member in the ring, clicks one of its actions and
// waits until the script line the action runs (e.g. "crash s2") is recorded
// once more. The action bar is redrawn for a new selection on the next
// frame, and a click that lands while that happens is lost, so the click is
// retried.
func (p *page) memberAction(member, action, line string) {
	p.t.Helper()
	p.click("member-" + member)
	p.waitJS(fmt.Sprintf(`document.querySelector('[data-testid="member-%s"]')?.dataset.selected === "true"`, member), member+" to be selected")
	button := byTestID("member-action-" + action)
	count := fmt.Sprintf(`document.querySelector('[data-testid="script-text"]').value.split("\n").filter(l => l.trim() === %q).length`, line)
	before := eval[int](p, count)
	for attempt := 1; ; attempt++ {
		p.waitJS(fmt.Sprintf(`document.querySelector(%q)?.disabled === false`, button), action+" to be enabled")
		p.click("member-action-" + action)
		ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
		_, err := chromedp.Run(ctx, chromedp.Poll[bool](fmt.Sprintf(`%s > %d`, count, before),
			chromedp.WithPollingInterval(50*time.Millisecond)))
		cancel()
		if err == nil {
			return
		}
		require.Less(p.t, attempt, 3, "%q never reached the script", line)
	}
}

// clientOp fills the client form, submits it, and waits until the line the
// form previews is in the session script. The Send button is disabled while
// an earlier request is on its way to the engine, so the click waits for it.
func (p *page) clientOp(client, op string, fields map[string]string) {
	p.t.Helper()
	p.setField("client-select", client)
	p.setField("client-op", op)
	for id, v := range fields {
		p.setField(id, v)
	}
	const countLine = `((text, line) => text.split("\n").filter(l => l === line).length)(
		document.querySelector('[data-testid="script-text"]').value,
		document.querySelector('[data-testid="client-preview"]')?.textContent ?? "")`
	before := eval[int](p, countLine)
	line := eval[string](p, `document.querySelector('[data-testid="client-preview"]')?.textContent ?? ""`)
	p.waitJS(`!document.querySelector('[data-testid="client-submit"]').disabled`, "the Send button to be enabled")
	p.click("client-submit")
	p.waitJS(fmt.Sprintf(`(document.querySelector('[data-testid="client-error"]')?.textContent ?? "").trim() !== "" || %s > %d`, countLine, before),
		fmt.Sprintf("%q to be recorded in the script", line))
	refusal := eval[string](p, `(document.querySelector('[data-testid="client-error"]')?.textContent ?? "").trim()`)
	require.Empty(p.t, refusal, "the form refused %q", line)
}

// upMembers lists the members the ring shows as up.
func (p *page) upMembers() []string {
	return eval[[]string](p, `[...document.querySelectorAll('[data-testid^="member-s"][data-state="up"]')].map(e => e.dataset.testid.slice("member-".length))`)
}

// waitKV shows a member's key-value panel and waits until key has the
// value want there.
func (p *page) waitKV(member, key, want string) {
	p.t.Helper()
	p.setField("kv-member-select", member)
	p.waitJS(fmt.Sprintf(`(() => {
		const row = [...document.querySelectorAll('[data-testid="kv-row"]')].find(r => r.dataset.key === %q);
		return !!row && row.querySelector('[data-testid="kv-value"]')?.textContent === %q;
	})()`, key, want), fmt.Sprintf("%s=%s in %s's key-value panel", key, want, member))
}

// Reference: Raft §5.2 — a crashed leader is replaced by an election in a higher term.
func TestLoadElectsLeaderAndCrashElectsAnother(t *testing.T) {
	p := openPage(t, "", mainWidth, mainHeight)
	first, firstTerm := p.waitLeader("the first leader")
	p.fastest()

	p.memberAction(first, "crash", "crash "+first)
	p.waitJS(fmt.Sprintf(`document.querySelector('[data-testid="member-%s"]')?.dataset.state === "crashed"`, first), first+" to be shown crashed")
	p.waitJS(fmt.Sprintf(`(() => {
		const li = document.querySelector('[data-testid="leader-indicator"]');
		return /^s[1-9]$/.test(li.dataset.leader) && li.dataset.leader !== %q && Number(li.dataset.term) > %d;
	})()`, first, firstTerm), "a new leader in a higher term")
	second, secondTerm := p.leader(), p.term()
	assert.NotEqual(t, first, second)
	assert.Greater(t, secondTerm, firstTerm)
	assert.Equal(t, "leader", p.attr("member-"+second, "data-role"))
	p.requireNoProblems()
}

func TestPutReachesEveryLiveMember(t *testing.T) {
	p := openPage(t, "", mainWidth, mainHeight)
	p.waitLeader("the first leader")
	p.fastest()
	p.waitCommitted()

	p.clientOp("c1", "put", map[string]string{"client-key": "greeting", "client-value": "hello raft"})
	p.waitJS(`/ok/i.test(document.querySelector('[data-testid="client-reply-c1"]')?.textContent ?? "")`, "c1's put to succeed")
	members := p.upMembers()
	require.Len(t, members, 5)
	for _, m := range members {
		p.waitKV(m, "greeting", "hello raft")
	}
	p.requireNoProblems()
}

// clientTarget is the member a client card says the client talks to ("" if none).
func (p *page) clientTarget(client string) string {
	return eval[string](p, fmt.Sprintf(`document.querySelector('.client-card[data-client=%q]')?.dataset.target ?? ""`, client))
}

// moveToGroup selects a member and moves it into a partition group with the
// member bar's chips ("new" makes a group of its own).
func (p *page) moveToGroup(member, group string) {
	p.t.Helper()
	p.click("member-" + member)
	// The chips are redrawn for the selected member on the next frame; its
	// own group's chip is the pressed one once they are.
	p.waitJS(fmt.Sprintf(`(() => {
		const m = document.querySelector('[data-testid="member-%s"]');
		const own = document.querySelector('[data-testid="member-group-' + (m?.dataset.group || "A") + '"]');
		return m?.dataset.selected === "true" && own?.getAttribute("aria-pressed") === "true";
	})()`, member), member+"'s partition chips")
	p.click("member-group-" + group)
}

// Reference: Raft §5.4 (a minority leader cannot commit), §5.2 (the majority
// elects a new leader), §5.3 (healing overwrites the old leader's
// uncommitted suffix so the logs converge).
func TestPartitionedLeaderCannotCommit(t *testing.T) {
	p := openPage(t, "", mainWidth, mainHeight)
	oldLeader, oldTerm := p.waitLeader("the first leader")
	p.fastest()
	p.waitCommitted()

	// A first put tells us which member c1 talks to. The minority is the
	// leader and that member, so c1's next put reaches the old leader
	// (directly, or forwarded by its partner) and nowhere else.
	p.clientOp("c1", "put", map[string]string{"client-key": "before", "client-value": "partition"})
	p.waitJS(`document.querySelector('[data-testid="client-reply-c1"]')?.dataset.status === "ok"`, "c1's first put to succeed")
	// Nothing moves while the clock is stopped, so c1 still talks to the
	// same member when its next put is sent.
	p.pause()
	oldLeader, oldTerm = p.waitLeader("the leader")
	partner := p.clientTarget("c1")
	require.NotEmpty(t, partner, "c1 talks to a member after a successful put")
	p.moveToGroup(oldLeader, "new")
	p.waitJS(fmt.Sprintf(`document.querySelector('[data-testid="member-%s"]')?.dataset.group === "B"`, oldLeader), oldLeader+" to be in group B")
	if partner == oldLeader {
		partner = eval[string](p, fmt.Sprintf(`[...document.querySelectorAll('[data-testid^="member-s"]')].map(e => e.dataset.testid.slice(7)).find(m => m !== %q)`, oldLeader))
	}
	p.moveToGroup(partner, "B")
	minority := []string{oldLeader, partner}
	p.waitJS(fmt.Sprintf(`document.querySelector('[data-testid="member-%s"]')?.dataset.group === "B"`, partner), partner+" to join "+oldLeader)

	lastBefore := p.attr("log-row-"+oldLeader, "data-last")
	p.clientOp("c1", "put", map[string]string{"client-key": "minority", "client-value": "lost"})
	require.Contains(t, minority, p.clientTarget("c1"), "c1 sends its put into the minority")
	p.play()
	p.waitJS(fmt.Sprintf(`document.querySelector('[data-testid="log-row-%s"]').dataset.last !== %q`, oldLeader, lastBefore), "the old leader to append the put")
	uncommitted, err := strconv.Atoi(p.attr("log-row-"+oldLeader, "data-last"))
	require.NoError(t, err)

	p.waitJS(fmt.Sprintf(`(() => {
		const li = document.querySelector('[data-testid="leader-indicator"]');
		return /^s[1-9]$/.test(li.dataset.leader) && !%q.split(",").includes(li.dataset.leader) && Number(li.dataset.term) > %d;
	})()`, strings.Join(minority, ","), oldTerm), "the majority to elect a new leader")
	newLeader := p.leader()
	commit, err := strconv.Atoi(p.attr("log-row-"+oldLeader, "data-commit"))
	require.NoError(t, err)
	assert.Less(t, commit, uncommitted, "the old leader, cut off from the majority, must not commit the put")

	// A member that has not yet heard from the new leader cannot take the
	// put, and a put that times out is not retried (it might have been
	// applied). So c2 writes once the whole majority knows the leader:
	// every one of them has learned that the leader's log is committed.
	p.waitJS(fmt.Sprintf(`(() => {
		const minority = %q.split(",");
		const last = document.querySelector('[data-testid="log-row-%s"]').dataset.last;
		return [...document.querySelectorAll('[data-testid^="log-row-s"]')]
			.filter(r => !minority.includes(r.dataset.testid.slice(8)))
			.every(r => r.dataset.commit === last);
	})()`, strings.Join(minority, ","), newLeader), "the majority to commit the new leader's log")
	// A new client talks first to the member its number picks, which may be
	// in the minority; there a put can only time out, and then the client
	// moves on to the next member, as etcd's client fails over. So c2
	// probes until it talks to the majority.
	for probe := 0; ; probe++ {
		p.clientOp("c2", "put", map[string]string{"client-key": "probe", "client-value": strconv.Itoa(probe)})
		p.waitJS(fmt.Sprintf(`(() => {
			const r = document.querySelector('[data-testid="client-reply-c2"]');
			return r?.textContent.includes("put probe %d") && ["ok", "error", "unknown"].includes(r.dataset.status);
		})()`, probe), "c2's probe to finish")
		if !slices.Contains(minority, p.clientTarget("c2")) {
			break
		}
		require.Less(t, probe, 5, "c2 never found the majority")
	}
	p.clientOp("c2", "put", map[string]string{"client-key": "majority", "client-value": "kept"})
	p.waitKV(newLeader, "majority", "kept")

	p.click("net-heal")
	p.waitJS(`(() => {
		const rows = [...document.querySelectorAll('[data-testid^="log-row-s"]')];
		const sig = r => r.dataset.last + "/" + r.dataset.commit + "/" +
			[...r.querySelectorAll('[data-testid="log-cell"]')].map(c => c.dataset.index + ":" + c.dataset.term).join(",");
		return rows.length === 5 && rows.every(r => r.dataset.commit === r.dataset.last && sig(r) === sig(rows[0]));
	})()`, "every log to converge after healing")
	p.waitKV(oldLeader, "majority", "kept")
	p.requireNoProblems()
}

// The built site uses only relative URLs, so it works from any path of a
// static host.
func TestSiteWorksUnderASubPath(t *testing.T) {
	p := newTab(t, mainWidth, mainHeight)
	suite.transfers.take()
	p.navigate(strings.TrimPrefix(subPath, "/"))
	p.waitLeader("a leader on the site served under " + subPath)
	// The same files are also at the root, so only the requests can tell
	// whether an absolute URL slipped in.
	for _, tr := range suite.transfers.take() {
		assert.True(t, strings.HasPrefix(tr.path, subPath), "%s was requested outside %s", tr.path, subPath)
	}
	p.requireNoProblems()
}
