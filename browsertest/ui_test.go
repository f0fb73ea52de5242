package browsertest

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// scriptHash is the `#s=…` fragment that carries a script, as the page
// writes it: deflate-raw, then base64url without padding.
func scriptHash(t *testing.T, script string) string {
	t.Helper()
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	require.NoError(t, err)
	_, err = w.Write([]byte(script))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return "#s=" + base64.RawURLEncoding.EncodeToString(buf.Bytes())
}

// openScript opens the page (path is "" or "?embed=1") on a session that
// replays script; a shared session opens paused at the script's end.
func openScript(t *testing.T, path, script string, width, height int64) *page {
	t.Helper()
	p := openPage(t, path+scriptHash(t, script), width, height)
	p.waitJS(`document.querySelector('[data-testid="play-pause"]')?.getAttribute("aria-pressed") === "false" &&
		Number(document.querySelector('[data-testid="virtual-time"]')?.dataset.timeUs) > 0`, "the script to be replayed")
	return p
}

// scriptHas waits until the session script has a line.
func (p *page) scriptHas(line string) {
	p.t.Helper()
	p.waitJS(fmt.Sprintf(`document.querySelector('[data-testid="script-text"]').value.split("\n").includes(%q)`, line), fmt.Sprintf("%q in the script", line))
}

// linkRows lists the network panel's changed links as "s1>s2".
func (p *page) linkRows() []string {
	return eval[[]string](p, `[...document.querySelectorAll('[data-testid="net-link-row"]')].map(r => r.dataset.from + ">" + r.dataset.to)`)
}

// A link whose knobs differ from the defaults is drawn differently and
// labelled on the ring, listed in the network panel, and opens in the editor
// with its knobs filled in; setting it back to the defaults clears all that.
func TestLossyAndSlowLinksAreShown(t *testing.T) {
	p := openScript(t, "", strings.Join([]string{
		"cluster size=5 seed=11",
		"run until=leader max=10s",
		"link s4->s1 latency=250ms",
		"link s1->s2 drop=30%",
		"link s2->s1 drop=30%",
		"link s3->s5 dup=10%",
		"run 100ms",
	}, "\n"), mainWidth, mainHeight)

	p.waitJS(`document.querySelector('[data-testid="link-s1-s2"]')?.dataset.lossy === "true"`, "s1–s2 to be drawn lossy")
	assert.Equal(t, "s1⇄s2 drop 30%", p.attr("link-s1-s2", "data-knobs"), "both ways alike: one label")
	assert.Equal(t, "true", p.attr("link-s1-s4", "data-slow"))
	assert.Equal(t, "s4→s1 250ms", p.attr("link-s1-s4", "data-knobs"), "one direction: the label names it")
	assert.Equal(t, "false", p.attr("link-s1-s4", "data-lossy"))
	assert.Equal(t, "s3→s5 dup 10%", p.attr("link-s3-s5", "data-knobs"))
	assert.Equal(t, "", p.attr("link-s2-s3", "data-knobs"), "a default link has no label")
	assert.Contains(t, p.attr("link-s1-s2", "aria-label"), "drop 30%")
	labels := eval[[]string](p, `[...document.querySelectorAll('.link-label')].map(l => l.textContent).filter(t => t !== "")`)
	assert.ElementsMatch(t, []string{"s1⇄s2 drop 30%", "s4→s1 250ms", "s3→s5 dup 10%"}, labels)
	assert.Equal(t, []string{"s1>s2", "s2>s1", "s3>s5", "s4>s1"}, p.linkRows(), "per direction, by sender then receiver")

	// Edit from the list (the keyboard's way in): the fields hold the link's knobs.
	p.click("net-link-edit-s1-s2")
	p.waitJS(`!document.querySelector('[data-testid="link-editor"]').hidden`, "the link editor")
	assert.Equal(t, "ab", eval[string](p, `document.querySelector('[data-testid="link-direction"]').value`))
	assert.Equal(t, "30", eval[string](p, `document.querySelector('[data-testid="link-drop"]').value`))
	assert.Equal(t, "5ms..15ms", eval[string](p, `document.querySelector('[data-testid="link-latency"]').value`))
	assert.Contains(t, eval[string](p, `document.querySelector('[data-testid="link-current"]').textContent`), "s1 → s2: latency 5ms..15ms, drop 30%")
	// Only the knob that changed goes into the line.
	p.setField("link-drop", "0")
	p.click("link-apply")
	p.scriptHas("link s1->s2 drop=0%")
	p.waitJS(`document.querySelector('[data-testid="link-s1-s2"]')?.dataset.knobs === "s2→s1 drop 30%"`, "the label to keep only s2→s1")
	assert.Equal(t, []string{"s2>s1", "s3>s5", "s4>s1"}, p.linkRows())

	// Reset from the list.
	p.click("net-link-reset-s4-s1")
	p.scriptHas("link s4->s1 reset")
	p.waitJS(`document.querySelector('[data-testid="link-s1-s4"]')?.dataset.slow === "false"`, "s4→s1 back to normal")

	// Clicking a link on the ring opens the editor on that pair, filled with the defaults.
	p.waitJS(`(() => {
		const hit = document.querySelector('[data-testid="link-s2-s3"]');
		hit.dispatchEvent(new MouseEvent("click", {bubbles: true}));
		return !document.querySelector('[data-testid="link-editor"]').hidden;
	})()`, "the editor for s2–s3")
	assert.Equal(t, "both", eval[string](p, `document.querySelector('[data-testid="link-direction"]').value`))
	assert.Equal(t, "0", eval[string](p, `document.querySelector('[data-testid="link-drop"]').value`))
	p.setField("link-latency", "300ms")
	p.click("link-apply")
	p.scriptHas("link s2<->s3 latency=300ms")
	p.waitJS(`document.querySelector('[data-testid="link-s2-s3"]')?.dataset.knobs === "s2⇄s3 300ms"`, "s2–s3 labelled slow")
	p.screenshot("links-lossy-slow")

	// Under traffic, message marks make way for the link labels.
	p.setField("speed", "0.1")
	p.play()
	worst := 0
	for i := 0; i < 15; i++ {
		worst = max(worst, eval[int](p, labelsCoveredJS))
		time.Sleep(60 * time.Millisecond)
	}
	p.pause()
	assert.Zero(t, worst, "a labelled message mark covered a link label")
	p.requireNoProblems()
}

// labelsCoveredJS counts the link labels that a labelled message mark
// covers by more than a fifth of the label.
const labelsCoveredJS = `(() => {
	const labels = [...document.querySelectorAll('.link-label')].filter(l => l.textContent !== "").map(l => l.getBoundingClientRect());
	const marks = [...document.querySelectorAll('[data-testid="message"]')]
		.filter(g => g.style.display !== "none" && !g.classList.contains("dot") && Number(g.getAttribute("opacity") ?? 1) > 0.5)
		.map(g => g.querySelector("rect").getBoundingClientRect());
	let n = 0;
	for (const a of labels) for (const b of marks) {
		const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
		const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
		if (w > 0 && h > 0 && w * h > 0.2 * a.width * a.height) n++;
	}
	return n;
})()`

// Heal is the primary button only while there is something to heal.
func TestHealStandsOutOnlyWhenPartitioned(t *testing.T) {
	p := openScript(t, "", "cluster size=5 seed=3\nrun until=leader max=10s", mainWidth, mainHeight)
	needed := func() string {
		return eval[string](p, `(() => { const b = document.querySelector('[data-testid="net-heal"]'); return b.dataset.needed + "/" + b.classList.contains("primary"); })()`)
	}
	p.waitJS(`document.querySelector('[data-testid="net-heal"]')?.dataset.needed === "false"`, "heal not needed")
	assert.Equal(t, "false/false", needed())
	p.click("net-preset-isolate-leader")
	p.waitJS(`document.querySelector('[data-testid="net-heal"]')?.dataset.needed === "true"`, "heal needed after isolating the leader")
	assert.Equal(t, "true/true", needed())
	p.click("net-heal")
	p.scriptHas("heal")
	p.waitJS(`document.querySelector('[data-testid="net-heal"]')?.dataset.needed === "false"`, "heal not needed after healing")
	assert.Equal(t, "false/false", needed())
	p.requireNoProblems()
}

// overlapsJS counts pairs of visible labelled message marks whose pills
// cover more than a fifth of the smaller one: labels that could not be read.
// (A mark with no room for its label is drawn as a small dot.) It also
// returns how many marks are visible and how many of them are labelled.
const overlapsJS = `(() => {
	const boxes = [...document.querySelectorAll('[data-testid="message"]')]
		.filter(g => g.style.display !== "none" && !g.classList.contains("dot") && Number(g.getAttribute("opacity") ?? 1) > 0.5)
		.map(g => g.querySelector("rect").getBoundingClientRect());
	let n = 0;
	for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
		const a = boxes[i], b = boxes[j];
		const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
		const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
		if (w > 0 && h > 0 && w * h > 0.2 * Math.min(a.width * a.height, b.width * b.height)) n++;
	}
	return [n, document.querySelectorAll('[data-testid="message"]:not([style*="none"])').length, boxes.length];
})()`

// Several messages on one link, or on links that meet at a member, are
// moved apart so that each label stays readable; a message opens its
// fields by click or from the keyboard.
func TestMessagesStayReadableAndOpen(t *testing.T) {
	// Slow links and a busy leader: many messages share each link, and the
	// answers cross them.
	p := openScript(t, "", strings.Join([]string{
		"cluster size=5 seed=5 election=1s..2s heartbeat=60ms latency=40ms..400ms",
		"run until=leader max=20s",
		"put c1 a 1",
		"put c2 b 2",
		"put c3 c 3",
		"run 300ms",
	}, "\n"), mainWidth, mainHeight)
	p.waitJS(`document.querySelectorAll('[data-testid="message"]').length > 0`, "messages on the wire")
	p.setField("speed", "0.1")
	p.play()
	worst, total, labelled := 0, 0, 0
	for i := 0; i < 20; i++ {
		counts := eval[[]int](p, overlapsJS)
		worst = max(worst, counts[0])
		total += counts[1]
		labelled += counts[2]
		time.Sleep(60 * time.Millisecond)
	}
	p.pause()
	t.Logf("messages seen over 20 samples: %d, %d of them labelled; most overlapping labels at one moment: %d pairs", total, labelled, worst)
	require.Greater(t, total, 100, "the scenario must put many messages on the wire")
	assert.Greater(t, labelled*2, total, "most messages keep their label")
	assert.Zero(t, worst, "no two message labels may cover each other")
	p.screenshot("messages-busy-link")

	// A paused message is a tab stop after the members; Enter shows its fields.
	first := eval[string](p, `(() => {
		const g = [...document.querySelectorAll('[data-testid="message"]')].find(g => g.style.display !== "none");
		if (!g || g.getAttribute("tabindex") !== "0") return "";
		g.focus();
		return g.dataset.from + ">" + g.dataset.to;
	})()`)
	require.NotEmpty(t, first, "a paused message must be focusable")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.KeyEvent("\r")))
	p.waitJS(`!document.querySelector('[data-testid="message-details"]').hidden`, "the message's fields")
	details := eval[string](p, `document.querySelector('[data-testid="message-details"]').textContent`)
	from, to, _ := strings.Cut(first, ">")
	assert.Contains(t, details, from+" → "+to)
	for _, field := range []string{"term", "index", "log term", "commit", "sent at", "arrives at"} {
		assert.Contains(t, details, field)
	}
	require.NoError(t, chromedp.Do(p.ctx, chromedp.KeyEvent("\x1b")))
	p.waitJS(`document.querySelector('[data-testid="message-details"]').hidden`, "Escape to close the details")
	p.requireNoProblems()
}

// A click on a feed entry highlights the member it is about.
func TestFeedEntryHighlightsItsMember(t *testing.T) {
	p := openScript(t, "", "cluster size=5 seed=3\nrun until=leader max=10s\ncrash s2\nrun 50ms", mainWidth, mainHeight)
	p.waitJS(`[...document.querySelectorAll('[data-testid="feed-item"]')].some(li => li.dataset.member === "s2")`, "an event about s2")
	eval[bool](p, `(() => { [...document.querySelectorAll('[data-testid="feed-item"]')].find(li => li.dataset.member === "s2").click(); return true; })()`)
	p.waitJS(`document.querySelector('[data-testid="member-s2"]').classList.contains("flash")`, "s2 to flash")
	p.requireNoProblems()
}

// The script panel shows long lines whole: numbered lines that wrap with a
// hanging indent; Edit swaps in a text area that wraps too, and loading an
// edited script replays it.
func TestScriptLongLinesWrap(t *testing.T) {
	script := "cluster size=5 seed=869088 election=150ms..300ms heartbeat=50ms latency=5ms..15ms prevote=on checkquorum=on\nrun until=leader max=10s"
	p := openScript(t, "", script, mainWidth, mainHeight)
	p.waitJS(`document.querySelector('[data-testid="script-lines"] li')?.textContent.startsWith("cluster size=5 seed=869088")`, "the script's lines")
	lines := eval[[]float64](p, `(() => {
		const ol = document.querySelector('[data-testid="script-lines"]');
		const [first, second] = ol.querySelectorAll("li");
		const lh = parseFloat(getComputedStyle(first).lineHeight);
		return [ol.scrollWidth - ol.clientWidth, first.getBoundingClientRect().height / lh, second.getBoundingClientRect().height / lh,
			first.getBoundingClientRect().left - ol.getBoundingClientRect().left];
	})()`)
	t.Logf("script lines: overflow %.0f px, the cluster line takes %.1f lines, the next %.1f", lines[0], lines[1], lines[2])
	assert.LessOrEqual(t, lines[0], 0.0, "no line may run out of sight")
	assert.GreaterOrEqual(t, lines[1], 1.9, "the long cluster line wraps")
	assert.InDelta(t, 1, lines[2], 0.2, "a short line stays one line")
	assert.Equal(t, "true", eval[string](p, `String(getComputedStyle(document.querySelector('[data-testid="script-text"]')).display === "none")`), "the text area waits for Edit")

	p.click("script-edit")
	p.waitJS(`document.activeElement === document.querySelector('[data-testid="script-text"]')`, "the text area to take the focus")
	size := eval[[]int](p, `(() => { const t = document.querySelector('[data-testid="script-text"]'); return [t.scrollWidth, t.clientWidth]; })()`)
	assert.LessOrEqual(t, size[0], size[1], "the text area wraps long lines too")
	p.setField("script-text", script+"\ncrash s3")
	p.click("script-apply")
	p.waitJS(`[...document.querySelectorAll('[data-testid="script-lines"] li')].some(li => li.textContent === "crash s3") &&
		getComputedStyle(document.querySelector('[data-testid="script-lines"]')).display !== "none"`, "the edited script to be loaded and shown")
	p.waitJS(`document.querySelector('[data-testid="member-s3"]')?.dataset.state === "crashed"`, "the edited script's crash")
	p.requireNoProblems()
}

// On a phone, the page never scrolls sideways; the logs scroll inside their
// panel with the member names kept in sight.
func TestPhoneLogsScrollInsideWithStickyNames(t *testing.T) {
	p := openScript(t, "", "cluster size=5 seed=3\nrun until=leader max=10s\nput c1 a 1\nrun 200ms", 390, 844)
	size := eval[[]int](p, `[document.documentElement.scrollWidth, window.innerWidth]`)
	assert.LessOrEqual(t, size[0], size[1], "the phone layout must not scroll sideways")
	scrolled := eval[[]float64](p, `(() => {
		const s = document.querySelector('.log-scroll');
		s.scrollLeft = s.scrollWidth;
		const panel = s.getBoundingClientRect();
		const name = document.querySelector('[data-testid="log-row-s1"] .log-name').getBoundingClientRect();
		const summary = document.querySelector('[data-testid="log-row-s1"] .log-summary').getBoundingClientRect();
		return [s.scrollLeft, name.left - panel.left, panel.right - summary.right, s.scrollWidth - s.clientWidth];
	})()`)
	t.Logf("logs on a phone: scrolled %.0f px of %.0f; the name sits %.0f px from the panel's left", scrolled[0], scrolled[3], scrolled[1])
	require.Greater(t, scrolled[0], 0.0, "the log cells are wider than a phone, so they scroll")
	assert.InDelta(t, 0, scrolled[1], 2, "the member name stays at the left while the cells scroll")
	assert.GreaterOrEqual(t, scrolled[2], -1.0, "the summary stays inside the visible part")
	eval[bool](p, `(document.querySelector('[data-testid="logs-panel"]').scrollIntoView(), true)`)
	p.screenshot("phone-logs-scrolled")
	p.requireNoProblems()
}

// Embed mode answers every presenter key.
func TestEmbedPresenterKeys(t *testing.T) {
	p := openScript(t, "?embed=1", "cluster size=5 seed=3\nrun until=leader max=10s\nrun 100ms", embedWidth, embedHeight)
	key := func(k string) { require.NoError(t, chromedp.Do(p.ctx, chromedp.KeyEvent(k))) }
	leader := p.leader()
	require.NotEmpty(t, leader)

	key(" ")
	p.waitJS(`document.querySelector('[data-testid="play-pause"]').getAttribute("aria-pressed") === "true"`, "space to play")
	key(" ")
	p.waitJS(`document.querySelector('[data-testid="play-pause"]').getAttribute("aria-pressed") === "false"`, "space to pause")
	p.pause()
	before := p.virtualTime()
	key(kb.ArrowRight)
	p.waitJS(fmt.Sprintf(`document.querySelector('[data-testid="virtual-time"]').dataset.timeUs !== %q`, before), "→ to step")

	key("p")
	p.waitJS(fmt.Sprintf(`document.querySelector('[data-testid="member-%s"]').dataset.group !== ""`, leader), "p to partition the leader away")
	key("h")
	p.waitJS(fmt.Sprintf(`document.querySelector('[data-testid="member-%s"]').dataset.group === ""`, leader), "h to heal")
	current := p.leader()
	require.NotEmpty(t, current)
	key("c")
	p.waitJS(fmt.Sprintf(`document.querySelector('[data-testid="member-%s"]').dataset.state === "crashed"`, current), "c to crash the leader")
	key("r")
	p.waitJS(fmt.Sprintf(`document.querySelector('[data-testid="member-%s"]').dataset.state === "up"`, current), "r to restart it")
	p.screenshot("embed-after-keys")
	p.requireNoProblems()
}
