package browsertest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// memberTextJS measures, for every member, each line of text drawn in its
// circle as it is on screen: the font size in screen pixels (the computed
// size times the drawing's scale), whether the line's glyph box (cap height
// above the baseline, the text's width across) lies inside the circle, and
// whether it clears the line above it.
const memberTextJS = `(() => {
	const ring = document.querySelector('[data-testid="cluster-svg"]').getBoundingClientRect();
	return [...document.querySelectorAll('[data-testid^="member-s"]')].map(g => {
		const body = g.querySelector('.body').getBoundingClientRect();
		const cx = body.left + body.width / 2, cy = body.top + body.height / 2, r = body.width / 2;
		const inCircle = (x, y) => Math.hypot(x - cx, y - cy) <= r + 0.5;
		let above = -Infinity;
		const lines = ['.name', '.role-label', '.term-label'].map(sel => {
			const t = g.querySelector(sel);
			const m = t.getScreenCTM();
			const px = parseFloat(getComputedStyle(t).fontSize) * m.a;
			const baseline = m.f + m.d * parseFloat(t.getAttribute('y') || '0');
			const box = t.getBoundingClientRect();
			const top = baseline - 0.72 * px;
			const text = t.textContent;
			const inside = text === '' || [[box.left, top], [box.right, top], [box.left, baseline], [box.right, baseline]].every(([x, y]) => inCircle(x, y));
			const clear = text === '' || top >= above - 0.5;
			if (text !== '') above = baseline;
			return {text, px, inside, clear};
		});
		const drawn = body.left >= ring.left - 1 && body.right <= ring.right + 1 && body.top >= ring.top - 1 && body.bottom <= ring.bottom + 1;
		return {id: g.dataset.testid, role: g.dataset.role, diameter: body.width, drawn, lines};
	});
})()`

type memberText struct {
	ID       string  `json:"id"`
	Role     string  `json:"role"`
	Diameter float64 `json:"diameter"`
	Drawn    bool    `json:"drawn"`
	Lines    []struct {
		Text   string  `json:"text"`
		Px     float64 `json:"px"`
		Inside bool    `json:"inside"`
		Clear  bool    `json:"clear"`
	} `json:"lines"`
}

// Every member says its name, its role and its term in type that reads on
// the screen it is on — a phone as well as a desktop or a slide — and the
// text fits inside its circle, one line under the other.
func TestMemberTextIsReadableAtEverySize(t *testing.T) {
	cases := []struct {
		name          string
		path          string
		width, height int64
		size          int
	}{
		{"phone, three members", "", 390, 844, 3},
		{"phone, five members", "", 390, 844, 5},
		{"phone, nine members", "", 390, 844, 9},
		{"small phone, nine members", "", 320, 640, 9},
		{"desktop, five members", "", mainWidth, mainHeight, 5},
		{"desktop, nine members", "", mainWidth, mainHeight, 9},
		{"embed, five members", "?embed=1", embedWidth, embedHeight, 5},
		{"embed, nine members", "?embed=1", embedWidth, embedHeight, 9},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// A crashed member and a campaign show the longest words a member can carry.
			script := fmt.Sprintf("cluster size=%d seed=7\nrun until=leader max=10s\ncrash s2\ntimeout s3\nrun 1ms", c.size)
			p := openScript(t, c.path, script, c.width, c.height)
			members := eval[[]memberText](p, memberTextJS)
			require.Len(t, members, c.size)
			for _, m := range members {
				require.Len(t, m.Lines, 3)
				name, role, term := m.Lines[0], m.Lines[1], m.Lines[2]
				t.Logf("%s (%s): circle %.0f px; %q %.1f px, %q %.1f px, %q %.1f px", m.ID, m.Role, m.Diameter, name.Text, name.Px, role.Text, role.Px, term.Text, term.Px)
				assert.True(t, m.Drawn, "%s: the circle lies inside the drawing", m.ID)
				assert.Equal(t, strings.ToUpper(strings.TrimPrefix(m.ID, "member-")), name.Text)
				assert.GreaterOrEqual(t, name.Px, 14.0, "%s: the name reads on screen", m.ID)
				assert.NotEmpty(t, role.Text, "%s: the role is written, not shown by colour alone", m.ID)
				assert.GreaterOrEqual(t, role.Px, 10.0, "%s: the role text reads on screen", m.ID)
				if term.Text != "" {
					assert.GreaterOrEqual(t, term.Px, 10.0, "%s: the term reads on screen", m.ID)
				} else {
					assert.Regexp(t, `T(\d+|\?)`, role.Text, "%s: with no term line the role line carries the term", m.ID)
				}
				for _, l := range m.Lines {
					assert.True(t, l.Inside, "%s: %q fits inside the circle", m.ID, l.Text)
					assert.True(t, l.Clear, "%s: %q clears the line above it", m.ID, l.Text)
				}
			}
			p.requireNoProblems()
		})
	}
}

// coveredMarksJS counts the message marks on screen that a member circle
// covers in part (the members are drawn above the messages) or that reach
// out of the drawing, and the marks it looked at.
const coveredMarksJS = `(() => {
	const ring = document.querySelector('[data-testid="cluster-svg"]').getBoundingClientRect();
	const circles = [...document.querySelectorAll('[data-testid^="member-s"] .body')].map(b => {
		const r = b.getBoundingClientRect();
		return {x: r.left + r.width / 2, y: r.top + r.height / 2, r: r.width / 2, id: b.parentNode.dataset.testid};
	});
	let covered = 0, seen = 0;
	const which = [];
	for (const g of document.querySelectorAll('[data-testid="message"]')) {
		if (g.style.display === "none") continue;
		const box = g.querySelector('.pill').getBoundingClientRect();
		if (box.width === 0) continue;
		seen++;
		if (box.left < ring.left - 1 || box.right > ring.right + 1 || box.top < ring.top - 1 || box.bottom > ring.bottom + 1) {
			covered++;
			which.push(g.querySelector('text').textContent + " " + g.dataset.from + ">" + g.dataset.to + " out of the drawing");
			continue;
		}
		for (const c of circles) {
			const nx = Math.max(box.left, Math.min(c.x, box.right));
			const ny = Math.max(box.top, Math.min(c.y, box.bottom));
			if (Math.hypot(c.x - nx, c.y - ny) < c.r - 1) {
				covered++;
				which.push(g.querySelector('text').textContent + " " + g.dataset.from + ">" + g.dataset.to + " under " + c.id);
				break;
			}
		}
	}
	return [String(covered), String(seen), which.join("; ")];
})()`

// No member circle hides a message mark, not even in part, and no mark
// leaves the drawing: marks keep out of the circles, on a phone as on a
// desktop.
func TestMarksStayClearOfMembers(t *testing.T) {
	cases := []struct {
		name          string
		width, height int64
		size          int
	}{
		{"phone, five members", 390, 844, 5},
		{"phone, nine members", 390, 844, 9},
		{"small phone, seven members", 320, 640, 7},
		{"desktop, nine members", mainWidth, mainHeight, 9},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := openScript(t, "", strings.Join([]string{
				fmt.Sprintf("cluster size=%d seed=5 election=1s..2s heartbeat=60ms latency=40ms..400ms", c.size),
				"run until=leader max=20s",
				"put c1 a 1",
				"put c2 b 2",
				"put c3 c 3",
				"run 300ms",
			}, "\n"), c.width, c.height)
			p.waitJS(`document.querySelectorAll('[data-testid="message"]').length > 0`, "messages on the wire")
			p.setField("speed", "0.1")
			p.play()
			covered, seen := 0, 0
			var examples []string
			for i := 0; i < 25; i++ {
				r := eval[[]string](p, coveredMarksJS)
				var n, s int
				fmt.Sscan(r[0], &n)
				fmt.Sscan(r[1], &s)
				covered += n
				seen += s
				if n > 0 && len(examples) < 5 {
					examples = append(examples, r[2])
				}
				time.Sleep(50 * time.Millisecond)
			}
			p.pause()
			t.Logf("%d marks seen over 25 samples, %d of them partly under a member or out of the drawing", seen, covered)
			require.Greater(t, seen, 50, "the scenario must put many messages on the wire")
			assert.Zero(t, covered, "no member circle may cover a message mark: %s", strings.Join(examples, " | "))
			p.requireNoProblems()
		})
	}
}

// coveredLabelsJS lists the link labels that a member circle covers in part.
const coveredLabelsJS = `(() => {
	const circles = [...document.querySelectorAll('[data-testid^="member-s"] .body')].map(b => {
		const r = b.getBoundingClientRect();
		return {x: r.left + r.width / 2, y: r.top + r.height / 2, r: r.width / 2, id: b.parentNode.dataset.testid};
	});
	const out = [];
	let seen = 0;
	for (const label of document.querySelectorAll('.link-label')) {
		if (!label.textContent) continue;
		seen++;
		for (const span of label.querySelectorAll('tspan')) {
			const box = span.getBoundingClientRect();
			for (const c of circles) {
				const nx = Math.max(box.left, Math.min(c.x, box.right));
				const ny = Math.max(box.top, Math.min(c.y, box.bottom));
				if (Math.hypot(c.x - nx, c.y - ny) < c.r - 1) out.push(span.textContent + " under " + c.id);
			}
		}
	}
	return [String(seen), ...out];
})()`

// The label of a lossy or slow link stays in sight: no member circle covers it.
func TestLinkLabelsStayClearOfMembers(t *testing.T) {
	script := strings.Join([]string{
		"cluster size=5 seed=21",
		"run until=leader max=10s",
		"link s1<->s3 drop=40%",
		"link s2->s4 latency=120ms",
		"link s5->s3 drop=10% latency=50ms",
		"run 100ms",
	}, "\n")
	for _, c := range []struct {
		name          string
		width, height int64
	}{{"phone", 390, 844}, {"small phone", 320, 640}, {"desktop", mainWidth, mainHeight}} {
		t.Run(c.name, func(t *testing.T) {
			p := openScript(t, "", script, c.width, c.height)
			r := eval[[]string](p, coveredLabelsJS)
			assert.Equal(t, "3", r[0], "three links are labelled")
			assert.Empty(t, r[1:], "no member may cover a link label")
			p.requireNoProblems()
		})
	}
}

// ringTextOverlapsJS lists the pieces of text around the members (vote
// lines, partition group names, link labels) that overlap each other or a
// member circle on screen.
const ringTextOverlapsJS = `(() => {
	const circles = [...document.querySelectorAll('[data-testid^="member-s"] .body')].map(b => {
		const r = b.getBoundingClientRect();
		return {x: r.left + r.width / 2, y: r.top + r.height / 2, r: r.width / 2, id: b.parentNode.dataset.testid};
	});
	const texts = [];
	for (const t of document.querySelectorAll('.extra-label, .group-label, .link-label tspan')) {
		if (!t.textContent) continue;
		const m = t.getScreenCTM();
		const px = parseFloat(getComputedStyle(t).fontSize) * m.a;
		const box = t.getBoundingClientRect();
		// The glyphs, not the font's line box: from the cap height above the baseline to a little below it.
		const baseline = box.bottom - (box.height - px) / 2 - px * 0.22;
		texts.push({name: t.textContent, left: box.left, right: box.right, top: baseline - 0.72 * px, bottom: baseline + 0.1 * px,
			owner: t.closest('[data-testid^="member-s"]')?.dataset.testid});
	}
	const out = [];
	for (const [i, a] of texts.entries()) {
		for (const c of circles) {
			if (c.id === a.owner) continue;
			const nx = Math.max(a.left, Math.min(c.x, a.right)), ny = Math.max(a.top, Math.min(c.y, a.bottom));
			if (Math.hypot(c.x - nx, c.y - ny) < c.r - 1) out.push(a.name + " under " + c.id);
		}
		for (const b of texts.slice(i + 1)) {
			const w = Math.min(a.right, b.right) - Math.max(a.left, b.left), h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
			if (w > 1 && h > 1) out.push(a.name + " on " + b.name);
		}
	}
	return [String(texts.length), ...out];
})()`

// In a partition with every member campaigning — the most crowded the ring
// gets — the vote lines, group names and link labels stay apart and clear
// of the circles, on a phone as on a desktop or a slide.
func TestCrowdedRingTextStaysApart(t *testing.T) {
	scenes := []struct{ name, script string }{
		{"five", "cluster size=5 seed=21\nrun until=leader max=10s\ncrash s4\npartition s1,s2 | s3,s4,s5\nlink s1<->s2 drop=40%\nrun 700ms"},
		{"nine", "cluster size=9 seed=21\nrun until=leader max=10s\ncrash s4\npartition s1,s2,s3 | s4,s5,s6 | s7,s8,s9\nrun 700ms"},
	}
	sizes := []struct {
		name          string
		path          string
		width, height int64
	}{{"phone", "", 390, 844}, {"desktop", "", mainWidth, mainHeight}, {"embed", "?embed=1", embedWidth, embedHeight}}
	for _, scene := range scenes {
		for _, size := range sizes {
			t.Run(scene.name+" members, "+size.name, func(t *testing.T) {
				p := openScript(t, size.path, scene.script, size.width, size.height)
				r := eval[[]string](p, ringTextOverlapsJS)
				t.Logf("%s pieces of text around the members", r[0])
				assert.Empty(t, r[1:], "text around the members must not overlap")
				p.requireNoProblems()
			})
		}
	}
}
