package browsertest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/raft-playground/playground/web/serve/static"
)

// suite is what every test shares: one server and one browser.
var suite struct {
	baseURL   string
	transfers transferLog     // every response the server sent
	browser   context.Context // the browser's first tab; each test opens a tab of its own
	skip      string          // why the tests cannot run here (empty: they can)
	shotsDir  string          // screenshots/, absolute
}

// Paths relative to this package's folder, where `go test` runs.
const (
	distDir        = "../dist"
	screenshotsDir = "../screenshots"
)

// subPath is where the test server also publishes the site.
const subPath = "/nested/site/"

func TestMain(m *testing.M) {
	code, err := runSuite(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "browsertest:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

// runSuite starts the server and the browser, runs the tests and stops both.
func runSuite(m *testing.M) (int, error) {
	chromium, missing := findPrerequisites()
	if missing != "" {
		if os.Getenv("CI") != "" {
			return 0, fmt.Errorf("CI is set but %s: the browser tests must run in CI", missing)
		}
		suite.skip = missing
		return m.Run(), nil
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	// The site is also served under a sub-path, as a static host might
	// publish it, to show that every URL in it is relative.
	site := static.Handler(os.DirFS(distDir))
	mux := http.NewServeMux()
	mux.Handle("/", site)
	mux.Handle(subPath, http.StripPrefix(strings.TrimSuffix(subPath, "/"), site))
	srv := &http.Server{Handler: suite.transfers.wrap(mux), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	suite.baseURL = "http://" + ln.Addr().String() + "/"

	profile, err := os.MkdirTemp("", "browsertest-profile-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(profile)
	suite.shotsDir, err = filepath.Abs(screenshotsDir)
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(suite.shotsDir, 0o755); err != nil {
		return 0, err
	}

	// The defaults already run headless without first-run screens, sync or
	// background networking. A fresh profile keeps runs independent; CI
	// runs as root, where Chromium's sandbox cannot start.
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.UserDataDir(profile),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true),
		chromedp.WindowSize(mainWidth, mainHeight),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	// The first context starts the browser; tabs are opened from it.
	browser, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	if err := chromedp.Do(browser); err != nil {
		return 0, fmt.Errorf("start %s: %w", chromium, err)
	}
	suite.browser = browser
	return m.Run(), nil
}

// findPrerequisites returns the Chromium binary, or says what is missing.
func findPrerequisites() (chromium, missing string) {
	if _, err := os.Stat(filepath.Join(distDir, "index.html")); err != nil {
		return "", "dist/ is not built (run `make dist`)"
	}
	candidates := []string{os.Getenv("CHROMIUM"), "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if path, err := exec.LookPath(c); err == nil {
			return path, ""
		}
	}
	return "", "Chromium is not installed (set CHROMIUM or install the chromium package)"
}

// page is one browser tab showing the playground.
type page struct {
	t   *testing.T
	ctx context.Context

	mu       sync.Mutex
	problems []string // console errors, uncaught exceptions and dialogs seen so far
}

// actionTimeout bounds each wait in real time. Waits poll the page, so a
// passing test takes only as long as the page needs.
const actionTimeout = 30 * time.Second

// openPage opens a new tab at the site path (e.g. "" or "?embed=1#s=…"),
// waits until the app says it is ready, and records every console error,
// uncaught exception and JavaScript dialog for the test to check.
func openPage(t *testing.T, path string, width, height int64) *page {
	t.Helper()
	p := newTab(t, width, height)
	p.navigate(path)
	return p
}

// newTab opens a blank tab with the given viewport.
func newTab(t *testing.T, width, height int64) *page {
	t.Helper()
	if suite.skip != "" {
		t.Skip(suite.skip)
	}
	ctx, cancel := chromedp.NewContext(suite.browser)
	t.Cleanup(cancel)
	p := &page{t: t, ctx: ctx}
	p.watch()
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(width, height)))
	return p
}

// navigate loads a path of the site and waits for the app to be ready.
func (p *page) navigate(path string) {
	p.t.Helper()
	require.NoError(p.t, chromedp.Do(p.ctx, chromedp.Navigate(suite.baseURL+path)))
	p.waitJS(`document.body && document.body.dataset.ready === "1"`, "the app to be ready")
}

// watch collects the page's problems in the background. A dialog is also
// dismissed so the page does not stay blocked on it.
func (p *page) watch() {
	consoleCalls := chromedp.Events(p.ctx, runtime.ConsoleAPICalled)
	exceptions := chromedp.Events(p.ctx, runtime.ExceptionThrown)
	dialogs := chromedp.Events(p.ctx, cdppage.JavascriptDialogOpening)
	go func() {
		for ev, err := range consoleCalls {
			if err != nil {
				return
			}
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				p.problem("console.error: " + remoteArgs(ev.Args))
			}
		}
	}()
	go func() {
		for ev, err := range exceptions {
			if err != nil {
				return
			}
			p.problem("uncaught exception: " + exceptionText(ev.ExceptionDetails))
		}
	}()
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			p.problem(fmt.Sprintf("a %s dialog opened: %q", ev.Type, ev.Message))
			_, _ = chromedp.Call(p.ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
}

func (p *page) problem(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.problems = append(p.problems, s)
}

// requireNoProblems fails the test if the page logged an error, threw, or
// opened a dialog.
func (p *page) requireNoProblems() {
	p.t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	require.Empty(p.t, p.problems, "the page must not log errors, throw or open dialogs")
}

func remoteArgs(args []*runtime.RemoteObject) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		if a.Value != nil {
			parts = append(parts, string(a.Value))
		} else {
			parts = append(parts, a.Description)
		}
	}
	return strings.Join(parts, " ")
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d == nil {
		return ""
	}
	if d.Exception != nil && d.Exception.Description != "" {
		return d.Exception.Description
	}
	return d.Text
}

// waitJS polls a JavaScript expression until it is truthy.
func (p *page) waitJS(expr, what string) {
	p.t.Helper()
	_, err := chromedp.Run(p.ctx, chromedp.Poll[bool](expr,
		chromedp.WithPollingTimeout(actionTimeout), chromedp.WithPollingInterval(50*time.Millisecond)))
	if err != nil {
		p.mu.Lock()
		problems := strings.Join(p.problems, "\n")
		p.mu.Unlock()
		shot := p.screenshot("failed-" + strings.NewReplacer("/", "-", " ", "_").Replace(p.t.Name()))
		p.t.Fatalf("waiting for %s (%s): %v\npage problems:\n%s\nscreenshot: %s", what, expr, err, problems, shot)
	}
}

// eval evaluates a JavaScript expression (promises are awaited) and decodes
// its value.
func eval[T any](p *page, expr string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	require.NoError(p.t, err, "evaluate %s", expr)
	return v
}

// byTestID is the CSS selector of the element with a data-testid.
func byTestID(id string) string { return fmt.Sprintf(`[data-testid=%q]`, id) }

// click clicks the element with the data-testid once it is visible.
func (p *page) click(testID string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, actionTimeout)
	defer cancel()
	require.NoError(p.t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(byTestID(testID)), chromedp.NodeVisible)), "click %s", testID)
}

// setField sets an input's or select's value and fires the events a person
// typing or choosing would, so the app's own listeners run.
func (p *page) setField(testID, value string) {
	p.t.Helper()
	js := fmt.Sprintf(`(() => {
		const el = document.querySelector(%q);
		if (!el) return false;
		el.focus();
		el.value = %q;
		el.dispatchEvent(new Event("input", {bubbles: true}));
		el.dispatchEvent(new Event("change", {bubbles: true}));
		return el.value === %q;
	})()`, byTestID(testID), value, value)
	p.waitJS(js, "field "+testID+" to take "+value)
}

// attr is an attribute of the element with the data-testid ("" if absent).
func (p *page) attr(testID, name string) string {
	p.t.Helper()
	return eval[string](p, fmt.Sprintf(`document.querySelector(%q)?.getAttribute(%q) ?? ""`, byTestID(testID), name))
}

// fullScreenshot saves a PNG of the whole page, beyond the viewport.
func (p *page) fullScreenshot(name string) string {
	p.t.Helper()
	return p.saveShot(name, chromedp.FullScreenshot(100))
}

// screenshot saves a PNG of the viewport under screenshots/.
func (p *page) screenshot(name string) string {
	p.t.Helper()
	return p.saveShot(name, chromedp.CaptureScreenshot())
}

func (p *page) saveShot(name string, capture chromedp.Action[[]byte]) string {
	p.t.Helper()
	png, err := chromedp.Run(p.ctx, capture)
	require.NoError(p.t, err)
	path := filepath.Join(suite.shotsDir, name+".png")
	require.NoError(p.t, os.WriteFile(path, png, 0o644))
	p.t.Logf("screenshot: %s", path)
	return path
}
