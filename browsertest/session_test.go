package browsertest

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// clusterSummary is what the ring shows about every member, plus the leader
// indicator: enough to tell two sessions apart.
func (p *page) clusterSummary() string {
	return eval[string](p, `[...document.querySelectorAll('[data-testid^="member-s"]')]
		.map(e => [e.dataset.testid, e.dataset.role, e.dataset.term, e.dataset.state].join(":"))
		.concat([document.querySelector('[data-testid="leader-indicator"]').dataset.leader])
		.join(" ")`)
}

// virtualTime is the simulation clock the page shows, in microseconds.
func (p *page) virtualTime() string { return p.attr("virtual-time", "data-time-us") }

// The URL carries the session's script, so opening it again replays the
// session exactly: the same members, roles, terms and script at the same
// virtual time.
func TestReloadFromURLReplaysTheSession(t *testing.T) {
	p := openPage(t, "", mainWidth, mainHeight)
	leader, _ := p.waitLeader("the first leader")
	p.fastest()
	p.waitCommitted()
	p.clientOp("c1", "put", map[string]string{"client-key": "replay", "client-value": "same"})
	p.memberAction(leader, "crash", "crash "+leader)
	p.waitJS(fmt.Sprintf(`(() => {
		const l = document.querySelector('[data-testid="leader-indicator"]').dataset.leader;
		return /^s[1-9]$/.test(l) && l !== %q;
	})()`, leader), "a new leader")
	p.pause()
	// The page writes the address bar at most once a second; the share
	// button writes it now.
	p.click("share-link")
	p.waitJS(`location.hash.startsWith("#s=") && /link/i.test(document.querySelector('[data-testid="notice"]')?.textContent ?? "")`, "the URL to carry the script")

	url, err := chromedp.Run(p.ctx, chromedp.Location())
	require.NoError(t, err)
	at := p.virtualTime()
	want := p.clusterSummary()
	wantScript := eval[string](p, `document.querySelector('[data-testid="script-text"]').value`)
	require.Contains(t, wantScript, "crash "+leader)
	p.screenshot("reload-before")

	q := openPage(t, strings.TrimPrefix(url, suite.baseURL), mainWidth, mainHeight)
	q.waitJS(fmt.Sprintf(`document.querySelector('[data-testid="virtual-time"]')?.dataset.timeUs === %q`, at), "the replay to reach "+at+"µs")
	assert.Equal(t, "false", q.attr("play-pause", "aria-pressed"), "a shared moment opens paused")
	assert.Equal(t, want, q.clusterSummary())
	assert.Equal(t, wantScript, eval[string](q, `document.querySelector('[data-testid="script-text"]').value`))
	q.screenshot("reload-after")
	p.requireNoProblems()
	q.requireNoProblems()
}

// A script in the URL that cannot be read gets a clear message and a fresh
// default cluster, never an exception.
func TestMalformedURLScriptFallsBackToDefault(t *testing.T) {
	p := openPage(t, "#s=%%%not-a-script", mainWidth, mainHeight)
	p.waitJS(`document.querySelector('[data-testid="notice"]')?.dataset.kind === "error"`, "an error notice")
	p.waitLeader("the default cluster's leader")
	p.requireNoProblems()
}

// Embed mode fits a 16:9 slide without scrolling and answers presenter keys.
func TestEmbedModeFitsSlides(t *testing.T) {
	p := openPage(t, "?embed=1", embedWidth, embedHeight)
	p.waitJS(`!!document.querySelector('[data-testid="embed-root"]') && !document.querySelector('[data-testid="app-root"]')`, "the embed layout")
	first, firstTerm := p.waitLeader("the first leader")

	size := eval[[]int](p, `[document.documentElement.scrollWidth, document.documentElement.scrollHeight]`)
	assert.LessOrEqual(t, size[0], embedWidth, "no horizontal scrolling")
	assert.LessOrEqual(t, size[1], embedHeight, "no vertical scrolling")
	svg := eval[[]int](p, `(() => { const r = document.querySelector('[data-testid="cluster-svg"]').getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height)]; })()`)
	assert.Greater(t, svg[1], embedHeight/2, "the cluster fills most of the slide")
	p.screenshot("embed-1280x720")

	// Presenter key c crashes the leader.
	require.NoError(t, chromedp.Do(p.ctx, chromedp.KeyEvent("c")))
	p.waitJS(fmt.Sprintf(`document.querySelector('[data-testid="member-%s"]')?.dataset.state === "crashed"`, first), "c to crash the leader")
	p.waitJS(fmt.Sprintf(`(() => {
		const li = document.querySelector('[data-testid="leader-indicator"]');
		return /^s[1-9]$/.test(li.dataset.leader) && Number(li.dataset.term) > %d;
	})()`, firstTerm), "a new leader after the presenter crashed the old one")
	p.requireNoProblems()
}

// Rewinding with the timeline and then acting forks the session at that
// moment: the recorded future is dropped and the new command ends the script.
func TestRewindAndActForksTheSession(t *testing.T) {
	p := openPage(t, "", mainWidth, mainHeight)
	p.waitLeader("the first leader")
	p.fastest()
	p.waitCommitted()
	p.clientOp("c1", "put", map[string]string{"client-key": "early", "client-value": "kept"})
	p.waitJS(`document.querySelector('[data-testid="client-reply-c1"]')?.dataset.status === "ok"`, "the put to succeed")
	p.waitJS(`Number(document.querySelector('[data-testid="virtual-time"]').dataset.timeUs) > 3000000`, "three seconds of virtual time")
	p.pause()
	end, err := strconv.Atoi(p.virtualTime())
	require.NoError(t, err)

	// The slider moves in whole milliseconds.
	back := strconv.Itoa(end / 2 / 1000 * 1000)
	p.setField("scrubber", back)
	p.waitJS(fmt.Sprintf(`document.querySelector('[data-testid="virtual-time"]')?.dataset.timeUs === %q`, back), "the clock to show "+back+"µs")
	before := eval[string](p, `document.querySelector('[data-testid="script-text"]').value`)

	victim := eval[string](p, `[...document.querySelectorAll('[data-testid^="member-s"][data-state="up"]')].map(e => e.dataset.testid.slice(7)).find(m => m !== document.querySelector('[data-testid="leader-indicator"]').dataset.leader)`)
	p.memberAction(victim, "crash", "crash "+victim)
	p.waitJS(fmt.Sprintf(`document.querySelector('[data-testid="script-text"]').value.trimEnd().endsWith("crash %s")`, victim), "the crash to end the script")
	after := eval[string](p, `document.querySelector('[data-testid="script-text"]').value`)
	assert.NotEqual(t, before, after)
	assert.Contains(t, after, "put c1 early kept", "what happened before the fork stays")
	assert.Equal(t, back, p.virtualTime(), "the session continues from the moment it forked at")
	assert.Equal(t, "crashed", p.attr("member-"+victim, "data-state"))
	p.requireNoProblems()
}
