package fuzz

import (
	"errors"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/raft-playground/playground/netsim"
	"github.com/raft-playground/playground/netsim/check"
	"github.com/raft-playground/playground/netsim/script"
)

func TestShrinkLeavesAPassingScriptAlone(t *testing.T) {
	text := "cluster size=3 seed=1\nrun 1s\nput c1 a 1\nrun 1s\ncheck linearizable\n"
	assert.Equal(t, text, Shrink(text))
}

// TestShrinkLinesFindsTheFailingCore uses a stand-in for the world: the
// "bug" needs a crash of s1 followed later by c1's put, and shows as a
// linearizability failure. The shrinker must keep exactly those two lines
// (and the cluster line) and drop the rest.
func TestShrinkLinesFindsTheFailingCore(t *testing.T) {
	lines := []string{"cluster size=3 seed=1", "run 1s", "put c2 x 1", "crash s1", "run 200ms", "get c3 x", "put c1 a 1", "run 1s", "check linearizable"}
	kind := func(ls []string) string {
		crash, put := slices.Index(ls, "crash s1"), slices.Index(ls, "put c1 a 1")
		if crash >= 0 && put > crash {
			return "linearizability"
		}
		if slices.Contains(ls, "get c3 x") {
			return "watch: unique" // a different failure: must not be mistaken for the first
		}
		return ""
	}
	shrunk, ok := shrinkLines(lines, kind)
	assert.True(t, ok)
	assert.Equal(t, []string{"cluster size=3 seed=1", "crash s1", "put c1 a 1"}, shrunk)
}

func TestFailureKinds(t *testing.T) {
	assert.Equal(t, "", failureKind(nil))
	assert.Equal(t, "", failureKind(errors.New("s2 is already down")), "a refused command is not a failure the fuzzer hunts")
	assert.Equal(t, "panic: member: entry ", failureKind(&panicked{value: "member: entry 9 of 4"}), "numbers are left out")
	assert.Equal(t, "safety: leader-completeness", failureKind(&script.LineError{Line: 3, Err: &netsim.SafetyViolation{Rule: "leader-completeness"}}))
	assert.Equal(t, "linearizability", failureKind(&script.LineError{Line: 3, Err: &check.LinearizabilityError{}}))
	assert.Equal(t, "watch: atomic", failureKind(&script.LineError{Line: 3, Err: &check.WatchError{Guarantee: "atomic"}}))
}
