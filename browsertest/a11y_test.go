package browsertest

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
)

// unnamedControlsJS lists the visible controls a screen reader could not
// name: no aria-label, aria-labelledby, <label>, title or text of their own.
const unnamedControlsJS = `(() => {
	const named = (el) => {
		if ((el.getAttribute("aria-label") ?? "").trim() !== "") return true;
		const by = el.getAttribute("aria-labelledby");
		if (by && by.split(/\s+/).some(id => (document.getElementById(id)?.textContent ?? "").trim() !== "")) return true;
		if (el.labels && [...el.labels].some(l => l.textContent.trim() !== "")) return true;
		if ((el.getAttribute("title") ?? "").trim() !== "") return true;
		if (el.matches("button, [role=button], a, li") && el.textContent.trim() !== "") return true;
		return false;
	};
	const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden"; };
	return [...document.querySelectorAll('button, select, input:not([type=file]), textarea, [tabindex="0"]')]
		.filter(el => !el.disabled && visible(el) && !named(el))
		.map(el => el.outerHTML.slice(0, 120));
})()`

// focusRingJS tabs to each control in turn (focus() with focus-visible
// forced by a keyboard event first) and lists those whose focus draws
// neither an outline nor a box shadow nor a changed stroke.
const focusRingJS = `(() => {
	const out = [];
	let checked = 0;
	const controls = [...document.querySelectorAll('button, select, input:not([type=file]), textarea')]
		.filter(el => !el.disabled && el.getBoundingClientRect().width > 0);
	for (const el of controls) {
		el.focus();
		if (!el.matches(":focus-visible")) continue;
		checked++;
		const s = getComputedStyle(el);
		if ((s.outlineStyle === "none" || parseFloat(s.outlineWidth) === 0) && s.boxShadow === "none") out.push(el.outerHTML.slice(0, 100));
	}
	return {missing: out, checked};
})()`

// Every control has a name for screen readers and a visible focus ring, on
// the main page and in embed mode.
func TestControlsAreNamedAndShowFocus(t *testing.T) {
	for _, path := range []string{"", "?embed=1"} {
		p := openScript(t, path, "cluster size=5 seed=3\nrun until=leader max=10s\nlink s1->s2 drop=20%\nput c1 k v\nrun 30ms", mainWidth, mainHeight)
		// A selected member shows the whole action bar.
		if path == "" {
			p.click("member-s2")
			p.waitJS(`document.querySelector('[data-testid="member-s2"]')?.dataset.selected === "true"`, "s2 selected")
		}
		assert.Empty(t, eval[[]string](p, unnamedControlsJS), "controls without an accessible name (%q)", path)
		// Focus rings only show for keyboard focus: press Tab once so the page is in keyboard mode.
		p.waitJS(`(document.body.focus(), true)`, "the body")
		assert.NoError(t, p.pressTab())
		rings := eval[struct {
			Missing []string `json:"missing"`
			Checked int      `json:"checked"`
		}](p, focusRingJS)
		t.Logf("%q: %d controls show a focus ring", path, rings.Checked)
		assert.Greater(t, rings.Checked, 3, "keyboard focus must be visible (%q)", path)
		assert.Empty(t, rings.Missing, "controls without a visible focus ring (%q)", path)
		named := eval[int](p, `document.querySelectorAll('button, select, input, textarea, [tabindex="0"]').length`)
		t.Logf("%q: all %d controls and tab stops have an accessible name", path, named)
		p.requireNoProblems()
	}
}

// pressTab sends one Tab key press.
func (p *page) pressTab() error {
	return chromedp.Do(p.ctx, chromedp.KeyEvent(kb.Tab))
}
