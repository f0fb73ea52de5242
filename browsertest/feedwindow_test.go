package browsertest

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A browser session keeps only the last few virtual minutes of
// explanations. A shared link that replays a longer session must say that
// the oldest ones are gone rather than show a feed that silently starts in
// the middle.
func TestLongSessionSaysOldExplanationsAreGone(t *testing.T) {
	p := openScript(t, "", "cluster size=3 seed=5\nrun 420s", mainWidth, mainHeight)
	p.waitJS(`/earlier explanations are no longer kept/.test(document.querySelector('[data-testid="notice"]')?.textContent ?? "")`,
		"a notice that old explanations were dropped")
	// An idle cluster's last minutes are heartbeats, which the feed shows
	// only when asked for everything; meanwhile it says so.
	p.waitJS(`/tick “all” to see it/.test(document.querySelector('[data-testid="feed-empty"]:not([hidden])')?.textContent ?? "")`,
		"the empty feed to say why it is empty")
	p.screenshot("feed-window-and-empty-feed")
	count := eval[string](p, `document.querySelector('[data-testid="feed-count"]').textContent.replace(/\D/g, "")`)
	total, err := strconv.Atoi(count)
	require.NoError(t, err)
	assert.Greater(t, total, 16000, "the count is every event of the session, not only those the page keeps")
	p.click("feed-everything")
	p.waitJS(`document.querySelector('[data-testid="feed-empty"]').hidden`, "the explanation of an empty feed to go away")
	p.waitJS(`!!document.querySelector('[data-testid="feed-item"]')`, "the feed to show the kept explanations")
	first := eval[float64](p, `Number(document.querySelector('[data-testid="feed-item"]')?.dataset.seq ?? -1)`)
	assert.Greater(t, first, 1000.0, "the feed starts at the oldest kept explanation, not at the beginning")
	p.requireNoProblems()
}
