package browsertest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newestLogCellJS says where a member's newest log entry is drawn relative
// to the part of the logs panel in sight: [the entry's index, its cell's left
// and right edges, the left edge of the cells in sight (right of the sticky
// names), the panel's right edge, the panel's scrollLeft].
const newestLogCellJS = `((member) => {
	const s = document.querySelector('.log-scroll');
	const row = document.querySelector('[data-testid="log-row-' + member + '"]');
	const last = row.dataset.last;
	const cell = row.querySelector('[data-testid="log-cell"][data-index="' + last + '"]');
	if (!cell) return [Number(last), -1, -1, -1, -1, s.scrollLeft];
	const c = cell.getBoundingClientRect();
	const names = row.querySelector('.log-name').getBoundingClientRect();
	const panel = s.getBoundingClientRect();
	return [Number(last), c.left, c.right, names.right, panel.right, s.scrollLeft];
})`

// On a phone the logs are wider than the screen: the panel keeps the newest
// entries in sight as they arrive, unless the learner has scrolled back by
// hand to read older ones; scrolling back to the end follows again.
func TestPhoneLogsFollowTheNewestEntries(t *testing.T) {
	lines := []string{"cluster size=5 seed=3", "run until=leader max=10s"}
	for i := 0; i < 16; i++ {
		lines = append(lines, fmt.Sprintf("put c%d k%d v%d", i%3+1, i, i))
	}
	lines = append(lines, "run 1s")
	p := openScript(t, "", strings.Join(lines, "\n"), 390, 844)
	leader := p.leader()
	require.NotEmpty(t, leader)
	inSight := func(what string) float64 {
		t.Helper()
		at := eval[[]float64](p, fmt.Sprintf(`%s(%q)`, newestLogCellJS, leader))
		t.Logf("%s: newest entry %.0f at %.0f..%.0f px, cells in sight %.0f..%.0f px, scrolled %.0f px", what, at[0], at[1], at[2], at[3], at[4], at[5])
		require.Greater(t, at[0], 16.0, "the log holds every put")
		assert.GreaterOrEqual(t, at[1], at[3]-1, "%s: the newest entry is not hidden to the left", what)
		assert.LessOrEqual(t, at[2], at[4]+1, "%s: the newest entry is not hidden to the right", what)
		return at[0]
	}
	last := inSight("on opening")
	require.Greater(t, eval[float64](p, `document.querySelector('.log-scroll').scrollLeft`), 0.0, "the panel scrolled to show the newest entries")
	eval[bool](p, `(document.querySelector('[data-testid="logs-panel"]').scrollIntoView(), true)`)
	p.screenshot("phone-logs-newest")

	// The learner scrolls back to the oldest entries: new ones leave them there.
	eval[bool](p, `(document.querySelector('.log-scroll').scrollLeft = 0, true)`)
	p.waitJS(`document.querySelector('.log-scroll').scrollLeft === 0`, "the panel to scroll back")
	p.play()
	p.clientOp("c2", "put", map[string]string{"client-key": "after", "client-value": "scrolling back"})
	p.waitJS(fmt.Sprintf(`Number(document.querySelector('[data-testid="log-row-%s"]').dataset.last) > %v`, leader, last), "a new entry")
	p.pause()
	assert.Zero(t, eval[float64](p, `document.querySelector('.log-scroll').scrollLeft`), "a panel scrolled back by hand stays where the learner left it")

	// Back at the end, the panel follows the newest entries again.
	eval[bool](p, `(() => { const s = document.querySelector('.log-scroll'); s.scrollLeft = s.scrollWidth; return true; })()`)
	p.waitJS(`(() => { const s = document.querySelector('.log-scroll'); return s.scrollLeft > 0 && s.scrollLeft + s.clientWidth >= s.scrollWidth - 1; })()`, "the panel to scroll to the end")
	last = eval[float64](p, fmt.Sprintf(`Number(document.querySelector('[data-testid="log-row-%s"]').dataset.last)`, leader))
	p.play()
	for i := 0; i < 3; i++ {
		p.clientOp("c3", "put", map[string]string{"client-key": fmt.Sprintf("again%d", i), "client-value": "x"})
	}
	p.waitJS(fmt.Sprintf(`Number(document.querySelector('[data-testid="log-row-%s"]').dataset.last) > %v`, leader, last+2), "new entries")
	p.pause()
	inSight("after scrolling back to the end")
	p.requireNoProblems()
}
