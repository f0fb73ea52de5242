//go:build js && wasm

package main

import (
	"fmt"

	"github.com/hack-pad/safejs"

	"github.com/raft-playground/playground/netsim"
	"github.com/raft-playground/playground/netsim/script"
)

// session holds the one simulated world the page works with. It is replaced
// whole by create and otherwise changed only through the script session, so
// everything the learner does is recorded in the script.
type session struct {
	// Invariant: nil until the first successful create, and again after a
	// call panicked (until the next create).
	sess *script.Session
	// abandoned says why the last session was dropped ("" if none was).
	abandoned string
}

func newSession() *session { return &session{} }

// status is what a call that moved the world returns.
type status struct {
	NowUs  netsim.Time `json:"nowUs"`
	Events int         `json:"events"`
}

// execResult is what exec returns: the status and what the line printed.
type execResult struct {
	status
	Output string `json:"output"`
}

// eventBatch is the explanation feed after a cursor.
type eventBatch struct {
	Cursor int                `json:"cursor"`
	Events []netsim.EventView `json:"events"`
	// Dropped counts the events after the cursor asked for that are no
	// longer kept (a browser session keeps the last few virtual minutes of
	// the trace): Events starts after them. 0 when nothing was missed.
	Dropped int `json:"dropped,omitempty"`
}

// createOptions is create's object argument.
type createOptions struct {
	Script string  `json:"script"`
	Size   *int    `json:"size"`
	Seed   *uint64 `json:"seed"`
}

// defaultRunUntilMax bounds runUntil when the page gives no max.
const defaultRunUntilMax = 10 * netsim.Second

// methods lists the functions of the global object.
func (s *session) methods() map[string]method {
	return map[string]method{
		"create":   s.create,
		"exec":     s.exec,
		"run":      s.run,
		"runUntil": s.runUntil,
		"step":     s.step,
		"view":     s.view,
		"events":   s.events,
		"seek":     s.seek,
		"script":   s.script,
	}
}

// create starts a new world from script text, or from {script} or {size,
// seed}. A script that fails leaves the current session as it was.
func (s *session) create(args []safejs.Value) (any, error) {
	text, err := createScript(args)
	if err != nil {
		return nil, err
	}
	// A browser session starts from BrowserConfig, which keeps what a
	// session left running for hours holds bounded; a script's own options
	// (snapshot-every=0, say) still win.
	sess, err := script.RunScriptFrom(text, nil, netsim.BrowserConfig())
	if err != nil {
		return nil, err
	}
	s.sess, s.abandoned = sess, ""
	return s.status(), nil
}

// abandon drops the session after a call panicked inside the engine: the
// panic means an invariant broke, and the world may be half-way through a
// change, so continuing with it could only show wrong things.
func (s *session) abandon() {
	if s.sess != nil {
		s.sess = nil
		s.abandoned = "the last cluster was stopped after an internal error; create a new one"
	}
}

// createScript turns create's argument into script text.
func createScript(args []safejs.Value) (string, error) {
	if len(args) == 0 || args[0].IsUndefined() || args[0].IsNull() {
		return "cluster\n", nil
	}
	if args[0].Type() == safejs.TypeString {
		return args[0].String()
	}
	if args[0].Type() != safejs.TypeObject {
		return "", badArgument("create takes script text or {script} or {size, seed}, not a %s", args[0].Type())
	}
	var opts createOptions
	if err := fromJS(args[0], &opts); err != nil {
		return "", badArgument("create options: %v", err)
	}
	if opts.Script != "" {
		if opts.Size != nil || opts.Seed != nil {
			return "", badArgument("create: give either a script or size and seed, not both")
		}
		return opts.Script, nil
	}
	line := "cluster"
	if opts.Size != nil {
		line += fmt.Sprintf(" size=%d", *opts.Size)
	}
	if opts.Seed != nil {
		line += fmt.Sprintf(" seed=%d", *opts.Seed)
	}
	return line + "\n", nil
}

// exec applies one script line now and records it.
func (s *session) exec(args []safejs.Value) (any, error) {
	line, err := stringArg(args, 0, "exec", "a script line")
	if err != nil {
		return nil, err
	}
	if err := s.require(); err != nil {
		return nil, err
	}
	out, err := s.sess.Exec(line)
	if err != nil {
		return nil, err
	}
	return execResult{status: s.status(), Output: out}, nil
}

// run lets virtual time pass: a duration text ("50ms") or microseconds.
func (s *session) run(args []safejs.Value) (any, error) {
	d, err := durationArg(args, 0, "run")
	if err != nil {
		return nil, err
	}
	if err := s.require(); err != nil {
		return nil, err
	}
	if err := s.sess.Run(d); err != nil {
		return nil, err
	}
	return s.status(), nil
}

// runUntil runs until a condition holds, for at most max (10 s when not
// given):
//   - "leader": until exactly one leader exists, as `run until=leader`;
//     passing max is an error.
//   - "message": until a member has put a new message on the wire, so a page
//     can skip quiet time; passing max is a normal return.
func (s *session) runUntil(args []safejs.Value) (any, error) {
	cond, err := stringArg(args, 0, "runUntil", "a condition")
	if err != nil {
		return nil, err
	}
	if cond != "leader" && cond != "message" {
		return nil, badArgument("runUntil: unknown condition %q; the conditions are \"leader\" and \"message\"", cond)
	}
	limit := defaultRunUntilMax
	if len(args) > 1 && !args[1].IsUndefined() {
		if limit, err = durationArg(args, 1, "runUntil"); err != nil {
			return nil, err
		}
	}
	if err := s.require(); err != nil {
		return nil, err
	}
	if cond == "leader" {
		err = s.sess.RunUntilLeader(limit)
	} else {
		// Whether a message was sent or max passed, the page reads
		// the view next; the status is the same either way.
		_, err = s.sess.RunUntilMessage(limit)
	}
	if err != nil {
		return nil, err
	}
	return s.status(), nil
}

// step delivers the next event only.
func (s *session) step([]safejs.Value) (any, error) {
	if err := s.require(); err != nil {
		return nil, err
	}
	if err := s.sess.Step(); err != nil {
		return nil, err
	}
	return s.status(), nil
}

// view returns everything to draw, with one member's key-value detail when
// a member name is given.
func (s *session) view(args []safejs.Value) (any, error) {
	var kvMember uint64
	if len(args) > 0 && !args[0].IsUndefined() && !args[0].IsNull() {
		name, err := stringArg(args, 0, "view", "a member name such as \"s1\"")
		if err != nil {
			return nil, err
		}
		id, ok := netsim.ParseMemberName(name)
		if !ok {
			return nil, badArgument("view: %q is not a member name; members are s1 to s%d", name, netsim.MaxMembers)
		}
		kvMember = id
	}
	if err := s.require(); err != nil {
		return nil, err
	}
	return s.sess.World().View(kvMember), nil
}

// events returns the explanation feed after a cursor.
func (s *session) events(args []safejs.Value) (any, error) {
	cursor, err := intArg(args, 0, "events", "a cursor (0 for every event)")
	if err != nil {
		return nil, err
	}
	if err := s.require(); err != nil {
		return nil, err
	}
	// A cursor beyond the end is clamped to it, and one before the kept
	// window starts at the window and says how many events it missed; the
	// next cursor is counted from where the batch actually started.
	w := s.sess.World()
	dropped, total := w.EventWindow()
	from, missed := min(int(cursor), total), 0
	if from < dropped {
		from, missed = dropped, dropped-from
	}
	feed := w.Feed(from, netsim.English)
	return eventBatch{Cursor: from + len(feed), Events: feed, Dropped: missed}, nil
}

// seek moves the world to a virtual time; acting afterwards forks there.
func (s *session) seek(args []safejs.Value) (any, error) {
	t, err := intArg(args, 0, "seek", "a virtual time in microseconds")
	if err != nil {
		return nil, err
	}
	if err := s.require(); err != nil {
		return nil, err
	}
	if err := s.sess.Seek(netsim.Time(t)); err != nil {
		return nil, err
	}
	return s.status(), nil
}

// script returns the session as canonical script text.
func (s *session) script([]safejs.Value) (any, error) {
	if err := s.require(); err != nil {
		return nil, err
	}
	return s.sess.Script(), nil
}

func (s *session) require() error {
	switch {
	case s.sess != nil:
		return nil
	case s.abandoned != "":
		return &callError{Code: codeNoSession, Message: s.abandoned}
	}
	return &callError{Code: codeNoSession, Message: "no cluster yet: call create first"}
}

func (s *session) status() status {
	_, total := s.sess.World().EventWindow()
	return status{NowUs: s.sess.World().Now(), Events: total}
}
