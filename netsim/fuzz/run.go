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
	// Shrunk is, for a failure, the shortest script Shrink found that still
	// fails the same way ("" when the run passed).
	Shrunk string
	// Err is nil when every check passed.
	Err error
	// Inconclusive is set when the linearizability search of this run was too
	// large to finish (check.InconclusiveError): not a failure, but this
	// seed's history was not fully checked.
	Inconclusive bool
	VirtualTime  netsim.Duration
	Events       uint64
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
		out, err := execRecovering(sess, line)
		if err == nil {
			res.Inconclusive = res.Inconclusive || line == "check linearizable" && strings.HasPrefix(out, "linearizability inconclusive")
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
	}
	res.Script = sess.Script()
	var p *panicked
	if line := failingLine(res.Err); strings.HasPrefix(line, "check ") || errors.As(res.Err, &p) {
		// A failed check or a line that panicked is not recorded (only
		// applied lines are), so append it: the script then fails where the
		// run did.
		res.Script += line + "\n"
	}
	if res.Err != nil {
		res.Shrunk = Shrink(res.Script)
	}
	return res
}

// panicked is a panic inside the world: a broken invariant. The fuzzer is a
// boundary, so it reports the panic as a failure of its seed instead of
// stopping every other seed.
type panicked struct{ value any }

func (p *panicked) Error() string { return fmt.Sprintf("panic: %v", p.value) }

func execRecovering(sess *script.Session, line string) (out string, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &panicked{value: v}
		}
	}()
	return sess.Exec(line)
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
	var p *panicked
	if errors.As(err, &p) {
		return &failedLine{line: line, err: err}
	}
	if w := sess.World(); w != nil {
		if serr := w.CheckSafety(); serr != nil {
			// A refused line revealed a violation the world had already
			// reached: the reproducing script ends by checking for it.
			return &failedLine{line: "check safety", err: serr}
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
