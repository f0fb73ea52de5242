package browsertest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// setTheme picks a theme with the toggle (the choice is stored, so tabs
// opened later in the same browser show it too) and waits for the colour
// transitions to end before anyone takes a picture.
func (p *page) setTheme(theme string) {
	p.t.Helper()
	hasToggle := eval[bool](p, `!!document.querySelector('[data-testid="theme-toggle"]')`)
	for i := 0; i < 2 && hasToggle && p.attrOfRoot("data-theme") != theme; i++ {
		p.click("theme-toggle")
	}
	if !hasToggle {
		// Embed mode has no toggle: it shows the theme chosen on the main page.
		eval[bool](p, fmt.Sprintf(`(localStorage.setItem("raft-playground-theme", %q), document.documentElement.dataset.theme = %q, true)`, theme, theme))
	}
	p.waitJS(fmt.Sprintf(`document.documentElement.dataset.theme === %q`, theme), "the "+theme+" theme")
	time.Sleep(400 * time.Millisecond)
}

func (p *page) attrOfRoot(name string) string {
	return eval[string](p, fmt.Sprintf(`document.documentElement.getAttribute(%q) ?? ""`, name))
}

// TestScreenshots saves the main view in both themes, on a phone and in
// embed mode, with a little history on screen, for people to look at
// (screenshots/ is not committed). It checks only that the pages render
// without problems and that the phone layout does not scroll sideways.
func TestScreenshots(t *testing.T) {
	p := openPage(t, "", mainWidth, mainHeight)
	leader, _ := p.waitLeader("the first leader")
	p.fastest()
	p.waitCommitted()
	p.clientOp("c1", "put", map[string]string{"client-key": "/svc/api", "client-value": "10.0.0.7:8080"})
	p.clientOp("c2", "put", map[string]string{"client-key": "/svc/web", "client-value": "10.0.0.9:80"})
	p.waitKV(leader, "/svc/web", "10.0.0.9:80")
	p.setTheme("light")
	// Filling the form scrolled the page; the main view is its top.
	eval[bool](p, `(window.scrollTo(0, 0), true)`)
	p.screenshot("main-1440x900")
	p.fullScreenshot("main-1440-full-page")

	p.setTheme("dark")
	eval[bool](p, `(window.scrollTo(0, 0), true)`)
	p.screenshot("main-1440x900-dark")
	p.fullScreenshot("main-1440-full-page-dark")
	p.requireNoProblems()

	// A busy moment with a lossy and a slow link, on a phone and on a slide.
	script := strings.Join([]string{
		"cluster size=5 seed=21",
		"run until=leader max=10s",
		"link s1<->s3 drop=40%",
		"link s2->s4 latency=120ms",
		"put c1 /svc/api 10.0.0.7:8080",
		"lock c2 mylock ttl=5s",
		"lock c3 mylock ttl=5s",
		"watch c1 /svc/ prefix",
		"run 400ms",
	}, "\n")
	phone := openScript(t, "", script, 390, 844)
	size := eval[[]int](phone, `[document.documentElement.scrollWidth, window.innerWidth]`)
	assert.LessOrEqual(t, size[0], size[1], "the phone layout must not scroll sideways")
	phone.screenshot("phone-390x844-dark")
	phone.fullScreenshot("phone-390-full-page-dark")
	phone.requireNoProblems()

	embed := openScript(t, "?embed=1", script, embedWidth, embedHeight)
	embed.screenshot("embed-1280x720-dark")
	embed.setTheme("light")
	embed.screenshot("embed-1280x720-light")
	embed.requireNoProblems()

	phone.navigate("")
	phone.waitLeader("the first leader on a phone")
	phone.screenshot("phone-390x844")
	phone.requireNoProblems()
}
