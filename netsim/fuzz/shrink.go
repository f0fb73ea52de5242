package fuzz

import (
	"errors"
	"fmt"
	"strings"

	"github.com/raft-playground/playground/netsim"
	"github.com/raft-playground/playground/netsim/check"
	"github.com/raft-playground/playground/netsim/script"
)

// maxShrinkRuns bounds the replays one shrink may spend, so a failure that
// takes long to reproduce cannot stall a fuzzing session.
const maxShrinkRuns = 500

// Shrink removes lines from a failing script for as long as the shorter
// script still fails in the same way (the same kind of panic, broken safety
// rule, linearizability or the same watch guarantee), by greedy one-line
// deletion until no single line can go. The cluster line always stays. The
// result is usually a handful of lines that show the bug directly. A script
// that does not fail comes back unchanged.
func Shrink(text string) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	shrunk, ok := shrinkLines(lines, func(ls []string) string { return failureKind(replay(ls)) })
	if !ok {
		return text
	}
	return strings.Join(shrunk, "\n") + "\n"
}

// shrinkLines is Shrink's search, with the failure kind of a candidate
// script given by kind ("" for no failure). It reports false when the
// script does not fail at all.
func shrinkLines(lines []string, kind func([]string) string) ([]string, bool) {
	want := kind(lines)
	if want == "" {
		return lines, false
	}
	runs := 0
	for changed := true; changed && runs < maxShrinkRuns; {
		changed = false
		for i := 1; i < len(lines) && runs < maxShrinkRuns; {
			candidate := append(append([]string(nil), lines[:i]...), lines[i+1:]...)
			runs++
			if kind(candidate) == want {
				lines, changed = candidate, true
				continue
			}
			i++
		}
	}
	return lines, true
}

// replay runs a script, turning a panic into an error.
func replay(lines []string) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &panicked{value: v}
		}
	}()
	_, err = script.RunScript(strings.Join(lines, "\n")+"\n", nil)
	return err
}

// failureKind names what kind of failure err is, or "" for no failure or
// one the fuzzer does not hunt (a bad line, a refused command). Two scripts
// with the same kind fail for what is very likely the same reason.
func failureKind(err error) string {
	var p *panicked
	var sv *netsim.SafetyViolation
	var le *check.LinearizabilityError
	var we *check.WatchError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &p):
		msg := fmt.Sprint(p.value)
		if i := strings.IndexAny(msg, "0123456789"); i > 0 {
			msg = msg[:i] // numbers differ between a script and its shrunk form
		}
		return "panic: " + msg
	case errors.As(err, &sv):
		return "safety: " + sv.Rule
	case errors.As(err, &le):
		return "linearizability"
	case errors.As(err, &we):
		return "watch: " + we.Guarantee
	}
	return ""
}
