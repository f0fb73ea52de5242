// Package browsertest drives the built playground (dist/) in real headless
// Chromium through chromedp: it serves dist/ on 127.0.0.1 with the project's
// own static server, clicks through the UI as a learner would, and checks
// what the page shows. It also measures the page's budgets (transfer size,
// time to the first leader, frame times) and saves screenshots under
// screenshots/ for people to look at.
//
// Build the site first (`make dist`; `make test` does). Without dist/ or
// Chromium the tests skip, except when the CI environment variable is set:
// then they fail, so a CI run cannot pass without having run them.
package browsertest
