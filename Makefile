# Raft Playground — the project's commands. `make test` runs every test;
# `make serve` builds the playground and serves it on http://127.0.0.1:8080.
GO ?= go
SEEDS ?= 100

# Go's own runner for js/wasm test binaries (go_js_wasm_exec, which runs them
# under node) lives here; `go test` finds it on PATH.
GO_WASM_TOOLS = $(shell $(GO) env GOROOT)/lib/wasm

.PHONY: test test-go test-wasm test-ts test-browser dist serve bench fuzz

test: test-go test-wasm test-ts test-browser

# NATIVE_PKGS is every native Go package but the browser tests, which need
# the built site and run on their own in test-browser.
NATIVE_PKGS = $(shell $(GO) list ./... | grep -v /browsertest$$)

# test-go vets and tests every native Go package (core, kvstate, netsim, ...).
test-go:
	$(GO) vet ./...
	$(GO) test -count=1 $(NATIVE_PKGS)

# test-wasm vets and tests the browser bridge compiled for js/wasm, under node.
test-wasm:
	GOOS=js GOARCH=wasm $(GO) vet ./wasm/...
	PATH="$$PATH:$(GO_WASM_TOOLS)" GOOS=js GOARCH=wasm $(GO) test -count=1 ./wasm/...

# test-ts type-checks the whole front end (npm is used for TypeScript only;
# esbuild, driven from Go, does the bundling).
test-ts: web/node_modules/.package-lock.json
	cd web && npx --no-install tsc --noEmit -p tsconfig.json

# npm ci installs exactly the locked dev-dependencies, and only when the lock
# file changed since the last install.
web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund

# test-browser builds the site and drives it in headless Chromium (chromedp),
# served from 127.0.0.1 by the project's own static server. -v prints the
# measured budgets (transfer size, time to the first leader, frame times).
# Without Chromium the tests skip, unless CI is set: then they fail.
test-browser: dist
	$(GO) test -count=1 -v ./browsertest

# dist builds the static site: the wasm (flags in web/build/site.go) and the bundled,
# minified front end, with .gz and .br beside every file.
dist:
	$(GO) run ./web/build -out dist

# serve builds dist/ and serves it on http://127.0.0.1:8080.
serve: dist
	$(GO) run ./web/serve -dir dist

# fuzz runs SEEDS randomized swarm simulations (faults, membership changes,
# client load) through the raftsim CLI; a failure prints its seed and a
# shrunk script that reproduces it.
fuzz:
	$(GO) run ./netsim/cmd/raftsim fuzz -seeds $(SEEDS)

# bench runs every benchmark with allocation counts; the numbers go in the closing notes.
bench:
	$(GO) test -run='^$$' -bench=. -benchmem ./...
