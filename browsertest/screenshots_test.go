package browsertest

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestScreenshots saves the main view in both themes and on a phone, with a
// little history on screen, for people to look at (screenshots/ is not
// committed). It checks only that the pages render without problems.
func TestScreenshots(t *testing.T) {
	p := openPage(t, "", mainWidth, mainHeight)
	leader, _ := p.waitLeader("the first leader")
	p.fastest()
	p.waitCommitted()
	p.clientOp("c1", "put", map[string]string{"client-key": "/svc/api", "client-value": "10.0.0.7:8080"})
	p.clientOp("c2", "put", map[string]string{"client-key": "/svc/web", "client-value": "10.0.0.9:80"})
	p.waitKV(leader, "/svc/web", "10.0.0.9:80")
	// Filling the form scrolled the page; the main view is its top.
	eval[bool](p, `(window.scrollTo(0, 0), true)`)
	p.screenshot("main-1440x900")
	p.fullScreenshot("main-1440-full-page")

	p.click("theme-toggle")
	eval[bool](p, `(window.scrollTo(0, 0), true)`)
	p.screenshot("main-1440x900-other-theme")
	p.requireNoProblems()

	phone := openPage(t, "", 390, 844)
	phone.waitLeader("the first leader on a phone")
	size := eval[[]int](phone, `[document.documentElement.scrollWidth, window.innerWidth]`)
	assert.LessOrEqual(t, size[0], size[1], "the phone layout must not scroll sideways")
	phone.screenshot("phone-390x844")
	phone.requireNoProblems()
}
