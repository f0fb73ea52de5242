package fuzz

import (
	"errors"
	"fmt"
	"strings"

	"github.com/raft-playground/playground/netsim"
	"github.com/raft-playground/playground/netsim/script"
)

// Result is the outcome of one seed.
type Result struct {
	Seed    uint64
	Options Options
	// Script is the script of the lines the world accepted, which replays
	// the run exactly; with a failure it reproduces the failure.
	Script string
	// Err is nil when every check passed.
	Err         error
	VirtualTime netsim.Duration
	Events      uint64
}

// Run generates and runs the script of one seed. Lines the world refuses (a
// restart of a member that is already up, a transfer without a leader) change
// nothing and are left out of the recorded script; a run that breaks a
// safety invariant, or a failed whole-history check, is the failure.
func Run(seed uint64) Result {
	o, lines := Generate(seed)
	res := Result{Seed: seed, Options: o}
	sess := script.NewSession(nil)
	for _, line := range lines {
		_, err := sess.Exec(line)
		if err == nil {
			continue
		}
		if failure := asFailure(sess, line, err); failure != nil {
			res.Err = failure
			break
		}
	}
	if w := sess.World(); w != nil {
		res.VirtualTime = netsim.Duration(w.Now())
		res.Events = w.Steps()
		if res.Err == nil {
			if err := w.CheckSafety(); err != nil {
				res.Err = fmt.Errorf("safety: %w", err)
			}
		}
	}
	res.Script = sess.Script()
	if line := failingLine(res.Err); strings.HasPrefix(line, "check ") {
		// A failed check is not recorded (only applied lines are), so append
		// it: the script then fails where the run did.
		res.Script += line + "\n"
	}
	return res
}

// failedLine remembers which generated line failed, so the reproducing
// script can end with it.
type failedLine struct {
	line string
	err  error
}

func (f *failedLine) Error() string { return fmt.Sprintf("%s: %v", f.line, f.err) }
func (f *failedLine) Unwrap() error { return f.err }

// asFailure decides whether an error from a generated line is a failure of
// the system under test: a run that stopped at a safety violation, or a
// failed check. Anything else is the world refusing the command.
func asFailure(sess *script.Session, line string, err error) error {
	if w := sess.World(); w != nil {
		if serr := w.CheckSafety(); serr != nil {
			return &failedLine{line: line, err: serr}
		}
	}
	if strings.HasPrefix(line, "check ") || strings.HasPrefix(line, "run ") {
		return &failedLine{line: line, err: err}
	}
	var le *script.LineError
	if !errors.As(err, &le) {
		return &failedLine{line: line, err: err}
	}
	return nil
}

func failingLine(err error) string {
	var f *failedLine
	if err != nil && errors.As(err, &f) {
		return f.line
	}
	return ""
}
