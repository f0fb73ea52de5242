# Raft Playground — the project's commands. `make test` runs every test;
# `make serve` builds the playground and serves it on http://127.0.0.1:8080.
GO ?= go

.PHONY: test test-go bench fuzz

test: test-go

# test-go vets and tests every native Go package (core, kvstate, netsim, ...).
test-go:
	$(GO) vet ./...
	$(GO) test -count=1 ./...

# bench runs every benchmark with allocation counts; the numbers go in the closing notes.
bench:
	$(GO) test -run='^$$' -bench=. -benchmem ./...
