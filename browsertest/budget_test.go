package browsertest

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The budgets are measured and reported, never asserted: wall-clock numbers
// depend on the machine. Each measurement is logged and appended to
// screenshots/budgets.txt.

// recordBudget logs a measured number and keeps it for the report.
func recordBudget(t *testing.T, format string, args ...any) {
	t.Helper()
	line := fmt.Sprintf(format, args...)
	t.Log("budget: " + line)
	f, err := os.OpenFile(filepath.Join(suite.shotsDir, "budgets.txt"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	require.NoError(t, err)
	defer f.Close()
	_, err = fmt.Fprintf(f, "%s %s: %s\n", time.Now().UTC().Format(time.RFC3339), t.Name(), line)
	require.NoError(t, err)
}

// firstLeaderProbe runs in the page before any of its scripts and notes the
// moment (ms since navigation start) a leader first appears on screen.
const firstLeaderProbe = `(() => {
	const probe = () => {
		const l = document.querySelector('[data-testid="leader-indicator"]')?.dataset.leader ?? "";
		if (/^s[1-9]$/.test(l)) { window.__firstLeaderMs = performance.now(); return; }
		requestAnimationFrame(probe);
	};
	requestAnimationFrame(probe);
})();`

type resourceTiming struct {
	Name     string  `json:"name"`
	Status   int     `json:"status"`
	Transfer float64 `json:"transfer"`
	Encoded  float64 `json:"encoded"`
	Decoded  float64 `json:"decoded"`
}

func TestBudgetColdLoad(t *testing.T) {
	p := newTab(t, mainWidth, mainHeight)
	_, err := chromedp.Call(p.ctx, network.Enable, network.EnableParams{})
	require.NoError(t, err)
	_, err = chromedp.Call(p.ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true})
	require.NoError(t, err)
	_, err = chromedp.Call(p.ctx, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: firstLeaderProbe})
	require.NoError(t, err)

	p.navigate("")
	p.waitJS(`typeof window.__firstLeaderMs === "number"`, "the first leader to be drawn")
	firstLeaderMs := eval[float64](p, `window.__firstLeaderMs`)
	resources := eval[[]resourceTiming](p, `[...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")]
		.map(e => ({name: e.name, status: e.responseStatus, transfer: e.transferSize, encoded: e.encodedBodySize, decoded: e.decodedBodySize}))`)

	var transfer, decoded float64
	var gzipTotal int64
	var lines []string
	for _, r := range resources {
		if r.Status != 200 {
			recordBudget(t, "%s: HTTP %d (not counted)", shortName(r.Name), r.Status)
			continue
		}
		transfer += r.Transfer
		decoded += r.Decoded
		gz := gzipSizeOf(t, r.Name)
		gzipTotal += gz
		lines = append(lines, fmt.Sprintf("%s: %.0f B over the wire (%.0f B decoded, %d B as .gz)", shortName(r.Name), r.Transfer, r.Decoded, gz))
		if strings.HasSuffix(r.Name, ".wasm") {
			assert.Less(t, r.Encoded, r.Decoded, "the wasm must arrive compressed")
		}
	}
	sort.Strings(lines)
	for _, l := range lines {
		recordBudget(t, "%s", l)
	}
	recordBudget(t, "cold load: %.0f B transferred (brotli, as Chromium negotiates), %d B if gzip-only (target ≤ 1.2 MB gzipped), %.0f B decoded", transfer, gzipTotal, decoded)
	recordBudget(t, "first leader visible %.0f ms after navigation start (target ≤ 1000 ms)", firstLeaderMs)
	p.requireNoProblems()
}

// gzipSizeOf is the size of the .gz file the build wrote for a URL of the
// site (the page itself for the site root).
func gzipSizeOf(t *testing.T, rawURL string) int64 {
	t.Helper()
	u, err := url.Parse(rawURL)
	require.NoError(t, err)
	name := strings.TrimPrefix(u.Path, "/")
	if name == "" || strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	info, err := os.Stat(filepath.Join(distDir, filepath.FromSlash(name)+".gz"))
	require.NoError(t, err, "every file the page loads has a .gz beside it")
	return info.Size()
}

func shortName(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Path == "/" {
		return "index.html"
	}
	return strings.TrimPrefix(u.Path, "/")
}

// frameProbe records requestAnimationFrame intervals and long tasks for a
// while and resolves to their statistics.
const frameProbe = `new Promise(resolve => {
	const deltas = [];
	let longTasks = 0, longTaskMs = 0;
	const obs = new PerformanceObserver(list => {
		for (const e of list.getEntries()) { longTasks++; longTaskMs += e.duration; }
	});
	try { obs.observe({type: "longtask", buffered: false}); } catch (e) {}
	let last = performance.now();
	const end = last + %d;
	const tick = now => {
		deltas.push(now - last);
		last = now;
		if (now < end) { requestAnimationFrame(tick); return; }
		obs.disconnect();
		deltas.sort((a, b) => a - b);
		const q = f => deltas[Math.min(deltas.length - 1, Math.floor(f * deltas.length))];
		resolve({frames: deltas.length, p50: q(0.5), p95: q(0.95), max: deltas[deltas.length - 1], longTasks, longTaskMs,
			messages: document.querySelectorAll('[data-testid="message"]').length});
	};
	requestAnimationFrame(tick);
})`

type frameStats struct {
	Frames     int     `json:"frames"`
	P50        float64 `json:"p50"`
	P95        float64 `json:"p95"`
	Max        float64 `json:"max"`
	LongTasks  int     `json:"longTasks"`
	LongTaskMs float64 `json:"longTaskMs"`
	Messages   int     `json:"messages"`
}

// engineProbe times the calls one animation frame makes on the engine
// (advance the clock by a frame, read the view and the new events), with the
// page's own loop paused, to decide whether Go must leave the main thread.
const engineProbe = `(() => {
	const g = globalThis.raftPlayground;
	const times = [];
	let cursor = g.view().events;
	for (let i = 0; i < 300; i++) {
		const t0 = performance.now();
		g.run("16ms");
		const v = g.view("s1");
		const batch = g.events(cursor);
		cursor = batch.cursor;
		times.push(performance.now() - t0);
		if (!v.members) throw new Error("no members");
	}
	times.sort((a, b) => a - b);
	const q = f => times[Math.min(times.length - 1, Math.floor(f * times.length))];
	return {p50: q(0.5), p95: q(0.95), max: times[times.length - 1]};
})()`

type callStats struct {
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	Max float64 `json:"max"`
}

// Nine members at full speed with clients writing keep every link busy.
func TestBudgetFramesWithNineMembers(t *testing.T) {
	p := openPage(t, "", mainWidth, mainHeight)
	p.waitLeader("the first leader")
	p.setField("size-select", "9")
	p.waitJS(`document.querySelectorAll('[data-testid^="member-s"]').length === 9`, "nine members")
	p.waitLeader("a leader of nine")
	p.fastest()
	for i := range 12 {
		client := fmt.Sprintf("c%d", i%3+1)
		p.clientOp(client, "put", map[string]string{"client-key": fmt.Sprintf("load/%d", i), "client-value": strings.Repeat("v", 32)})
	}
	stats := eval[frameStats](p, fmt.Sprintf(frameProbe, 5000))
	recordBudget(t, "frames, 9 members, fastest speed, 12 puts in flight: %d frames in 5 s, p50 %.1f ms, p95 %.1f ms (target < 16.7 ms), max %.1f ms, %d long tasks (%.0f ms), %d messages drawn",
		stats.Frames, stats.P50, stats.P95, stats.Max, stats.LongTasks, stats.LongTaskMs, stats.Messages)
	p.screenshot("nine-members")

	p.pause()
	calls := eval[callStats](p, engineProbe)
	recordBudget(t, "engine cost per frame on the main thread (run 16ms + view + events, 9 members): p50 %.2f ms, p95 %.2f ms, max %.2f ms", calls.P50, calls.P95, calls.Max)
	p.requireNoProblems()
}
