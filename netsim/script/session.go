package script

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/raft-playground/playground/netsim"
)

// Session is a live world driven by script lines: the CLI runs a whole
// script through one, and the browser executes one line at a time as the
// learner clicks. It keeps the lines it applied, so Script returns a text
// that replays the session exactly.
//
// A line that is refused (bad syntax, an unknown member, a command the world
// rejects, a failed expect) changes nothing and is not recorded. A run that
// ends in an error (a safety violation, run until=leader passing max) did
// move time, so it is recorded before its error is returned.
type Session struct {
	parser *Parser
	world  *netsim.World
	lines  []recordedLine
	// trace receives the command echoes, the world's records and the output
	// of show commands; nil writes nothing.
	trace io.Writer
	// catalog words the world's records in the trace (English by default).
	catalog *netsim.Catalog
	// cursor is the number of world records already written to trace.
	cursor int
	// output collects what the line being executed prints (show and check
	// text, what an expectation found) for Exec to return.
	output strings.Builder
}

// recordedLine is an applied line with the world's position before and after
// it, so that a rewound session can cut its script at any moment.
type recordedLine struct {
	line                    Line
	stepsBefore, stepsAfter uint64
	before, after           netsim.Time
}

// NewSession returns a session with no world yet: its first command must be
// a cluster line. trace may be nil.
func NewSession(trace io.Writer) *Session {
	return &Session{parser: NewParser(), trace: trace, catalog: netsim.English}
}

// SetCatalog chooses the language of the trace (netsim.English,
// netsim.Chinese). The script itself is the same in every language.
func (s *Session) SetCatalog(c *netsim.Catalog) { s.catalog = c }

// RunScript parses a whole script (refusing it before anything runs if any line is
// bad), then runs it line by line, writing the trace. It returns the session
// and the first error, as a *LineError naming the line.
func RunScript(text string, trace io.Writer) (*Session, error) {
	return RunScriptIn(text, trace, netsim.English)
}

// RunScriptIn is RunScript with the trace worded by catalog.
func RunScriptIn(text string, trace io.Writer, catalog *netsim.Catalog) (*Session, error) {
	return runScript(text, trace, catalog, netsim.DefaultConfig())
}

// RunScriptFrom is RunScript with the cluster line starting from base
// instead of netsim.DefaultConfig (see Parser.SetBase): the browser runs
// scripts from netsim.BrowserConfig.
func RunScriptFrom(text string, trace io.Writer, base netsim.Config) (*Session, error) {
	return runScript(text, trace, netsim.English, base)
}

func runScript(text string, trace io.Writer, catalog *netsim.Catalog, base netsim.Config) (*Session, error) {
	s, err := ParseFrom(text, base)
	if err != nil {
		return nil, err
	}
	sess := NewSession(trace)
	sess.SetCatalog(catalog)
	sess.parser.SetBase(base)
	for _, l := range s.Lines {
		if err := sess.apply(l); err != nil {
			return sess, err
		}
		sess.parser.Accept(l)
	}
	return sess, nil
}

// World returns the session's world (nil before the cluster line).
func (s *Session) World() *netsim.World { return s.world }

// Exec parses and applies one line, numbered after the lines recorded so
// far, and returns what the line printed: the text of a show or check, what
// an expectation found. If the world had been rewound with Seek, a line that
// changes the world forks it: the recorded future is dropped first.
func (s *Session) Exec(src string) (string, error) {
	if strings.ContainsAny(src, "\n") {
		return "", &LineError{Line: len(s.lines) + 1, Msg: "Exec takes one line; it contains a line break"}
	}
	l, err := s.parser.ParseLine(len(s.lines)+1, src)
	if err != nil {
		return "", err
	}
	s.output.Reset()
	err = s.apply(l)
	out := s.output.String()
	if err != nil {
		return out, err
	}
	s.parser.Accept(l)
	return out, nil
}

// Run lets virtual time pass, as the line `run D` does. The UI calls it
// every animation frame; consecutive runs are recorded as one line.
func (s *Session) Run(d Duration) error {
	_, err := s.Exec((&Run{For: d}).Format())
	return err
}

// RunUntilLeader runs until exactly one leader exists, as `run until=leader max=D`.
func (s *Session) RunUntilLeader(max Duration) error {
	_, err := s.Exec((&RunUntilLeader{Max: max}).Format())
	return err
}

// RunUntilMessage lets time pass until some member sends a message, or max
// has passed, and reports whether a message was sent. The UI uses it to skip
// quiet stretches. It is recorded as a plain `run D` line (coalescing like
// Run): it finishes the instant at which the message was sent, so that
// `run D` on replay, which runs every event up to and including that
// instant, ends in exactly the same place.
func (s *Session) RunUntilMessage(max Duration) (bool, error) {
	if s.world == nil {
		return false, &LineError{Line: len(s.lines) + 1, Msg: "no cluster yet: the script must start with a cluster line"}
	}
	if max <= 0 {
		return false, &LineError{Line: len(s.lines) + 1, Msg: "run until a message needs a maximum longer than 0"}
	}
	w := s.world
	end, before := s.recordedEnd(), s.position()
	rewound := s.rewound()
	sent := w.MessagesSent()
	err := w.RunUntil(func(w *netsim.World) bool { return w.MessagesSent() > sent }, max)
	if errors.Is(err, netsim.ErrDeadline) {
		err = nil
	}
	if err == nil {
		err = w.RunFor(0)
	}
	now := s.position()
	switch {
	case rewound:
		// As with a run in a rewound world: only time beyond the recorded
		// end is new.
		if gap := now.at.Sub(end.at); gap > 0 {
			s.record(Line{Cmd: &Run{For: gap}}, end)
		}
	case now.at > before.at:
		s.record(Line{Cmd: &Run{For: now.at.Sub(before.at)}}, before)
	}
	s.flush()
	if err != nil {
		return false, &LineError{Line: len(s.lines), Msg: err.Error(), Err: err}
	}
	return w.MessagesSent() > sent, nil
}

// Step runs the next event only, as `step`.
func (s *Session) Step() error {
	_, err := s.Exec((&Step{Count: 1}).Format())
	return err
}

// Script returns the canonical text of every line applied so far.
func (s *Session) Script() string {
	var b strings.Builder
	for _, r := range s.lines {
		b.WriteString(r.line.Format())
		b.WriteString("\n")
	}
	return b.String()
}

// Lines returns how many lines the session has recorded.
func (s *Session) Lines() int { return len(s.lines) }

// apply runs one parsed line and records it.
func (s *Session) apply(l Line) error {
	if l.Cmd == nil {
		s.record(l, s.position())
		return nil
	}
	if c, ok := l.Cmd.(*Cluster); ok {
		return s.startCluster(l, c)
	}
	if s.world == nil {
		return &LineError{Line: l.Num, Msg: "no cluster yet: the script must start with a cluster line"}
	}
	if s.rewound() {
		switch {
		case isTimeCommand(l.Cmd):
			return s.replay(l)
		case changesWorld(l.Cmd):
			s.fork()
		default:
			// Looking at a rewound world records nothing: the line would
			// land in the middle of the recorded future.
			return s.look(l)
		}
	}
	before := s.position()
	if !isExpectation(l.Cmd) {
		s.echo(l.Cmd.Format())
	}
	note, err := s.execute(l.Cmd)
	var outcome *runOutcome
	if errors.As(err, &outcome) {
		// The run moved time before it failed; the line stays in the script
		// so that replaying it reaches the same failure.
		s.record(l, before)
		s.flush()
		return &LineError{Line: l.Num, Msg: outcome.msg, Err: outcome.err}
	}
	if err != nil {
		s.flush()
		return &LineError{Line: l.Num, Msg: err.Error(), Err: err}
	}
	if isExpectation(l.Cmd) {
		s.echo(l.Cmd.Format() + "  # ok: " + note)
		s.output.WriteString(note)
	} else if note != "" {
		s.flush()
		s.note(note)
	}
	s.record(l, before)
	s.flush()
	return nil
}

func (s *Session) startCluster(l Line, c *Cluster) error {
	if s.world != nil {
		return &LineError{Line: l.Num, Msg: "the session already has a cluster"}
	}
	w, err := netsim.New(c.Config)
	if err != nil {
		return &LineError{Line: l.Num, Msg: err.Error(), Err: err}
	}
	s.world = w
	before := s.position()
	// The echo goes before the records the new world already made (members
	// starting), so it cannot go through echo, which flushes them first.
	if s.trace != nil {
		fmt.Fprintf(s.trace, "%11s > %s\n", w.Now().String(), c.Format())
	}
	s.record(l, before)
	s.flush()
	return nil
}

// runOutcome is the error of a run that moved time and then failed.
type runOutcome struct {
	msg string
	err error // the world's error (a safety violation, a missed deadline)
}

func (e *runOutcome) Error() string { return e.msg }

type position struct {
	steps uint64
	at    netsim.Time
}

func (s *Session) position() position {
	if s.world == nil {
		return position{}
	}
	return position{steps: s.world.Steps(), at: s.world.Now()}
}

// record appends an applied line. Consecutive runs without comments merge
// into one, so a UI that advances time in small slices records `run 3s`
// rather than three hundred `run 10ms` lines.
func (s *Session) record(l Line, before position) {
	after := s.position()
	if run, ok := l.Cmd.(*Run); ok && !l.HasComment && len(s.lines) > 0 {
		last := &s.lines[len(s.lines)-1]
		if prev, ok := last.line.Cmd.(*Run); ok && !last.line.HasComment {
			last.line.Cmd = &Run{For: prev.For + run.For}
			last.stepsAfter, last.after = after.steps, after.at
			return
		}
	}
	s.lines = append(s.lines, recordedLine{line: l, stepsBefore: before.steps, stepsAfter: after.steps, before: before.at, after: after.at})
}

// echo writes a command line into the trace, after the records that came before it.
func (s *Session) echo(text string) {
	s.flush()
	if s.trace != nil && s.world != nil {
		fmt.Fprintf(s.trace, "%11s > %s\n", s.world.Now().String(), text)
	}
}

// note writes lines of command output (show, check) into the trace and
// the output Exec returns.
func (s *Session) note(text string) {
	s.output.WriteString(text)
	if s.trace == nil {
		return
	}
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		fmt.Fprintf(s.trace, "%11s | %s\n", "", line)
	}
}

// flush writes the world's records that are not yet in the trace. Without
// a trace there is nothing to do: the browser reads events from the world.
func (s *Session) flush() {
	if s.world == nil || s.trace == nil {
		return
	}
	records := s.world.Events(s.cursor)
	if len(records) > 0 {
		s.cursor = records[len(records)-1].Seq
	}
	s.catalog.WriteTrace(s.trace, records)
}

// isTimeCommand reports whether a command only lets time pass.
func isTimeCommand(c Command) bool {
	switch c.(type) {
	case *Run, *RunUntilLeader, *Step:
		return true
	}
	return false
}

// isExpectation reports whether a command only looks at the world.
func isExpectation(c Command) bool {
	switch c.(type) {
	case *ExpectLeader, *ExpectNoLeader, *ExpectTerm, *ExpectIndex, *ExpectValue, *ExpectAbsent,
		*ExpectHolder, *ExpectReply, *ExpectRole, *ExpectUp, *ExpectLog, *ExpectWatch:
		return true
	}
	return false
}

// changesWorld reports whether a command changes the world (as opposed to
// looking at it), so that applying it to a rewound world forks the timeline.
func changesWorld(c Command) bool {
	switch c.(type) {
	case *ShowCluster, *ShowLog, *ShowKV, *ShowEvents, *Check:
		return false
	}
	return !isExpectation(c)
}

// Seek moves the session's world to virtual time t (see netsim.World.Seek).
// The recorded script is kept: running forward replays it, and the first
// line that changes the world from a rewound moment cuts the script there.
func (s *Session) Seek(t netsim.Time) error {
	if s.world == nil {
		return errors.New("no cluster yet")
	}
	end := s.recordedEnd()
	if err := s.world.Seek(t); err != nil {
		return err
	}
	if s.trace != nil {
		_, s.cursor = s.world.EventWindow()
	}
	if now := s.position(); now.at > end.at {
		// Seeking past the end of the recording ran the world forward: that
		// time is part of the session like any run.
		s.record(Line{Cmd: &Run{For: now.at.Sub(end.at)}}, end)
	}
	return nil
}

// recordedEnd is the world position after the last recorded line.
func (s *Session) recordedEnd() position {
	if len(s.lines) == 0 {
		return position{}
	}
	last := s.lines[len(s.lines)-1]
	return position{steps: last.stepsAfter, at: last.after}
}

// rewound reports whether the world is behind the end of the recorded script.
func (s *Session) rewound() bool {
	end, now := s.recordedEnd(), s.position()
	return s.world != nil && (now.steps < end.steps || now.at < end.at)
}

// fork cuts the recorded script at the world's current moment: lines that
// ended by now stay, later ones go, and a run fills the gap from the last
// kept line to now. The world has reached now by running every event up to
// it, which is exactly what that run replays.
func (s *Session) fork() {
	now := s.position()
	keep := 0
	for keep < len(s.lines) && s.lines[keep].stepsAfter <= now.steps && s.lines[keep].after <= now.at {
		keep++
	}
	s.lines = s.lines[:keep]
	last := position{}
	if keep > 0 {
		last = position{steps: s.lines[keep-1].stepsAfter, at: s.lines[keep-1].after}
	}
	if gap := now.at.Sub(last.at); gap > 0 {
		s.lines = append(s.lines, recordedLine{line: Line{Cmd: &Run{For: gap}}, stepsBefore: last.steps, stepsAfter: now.steps, before: last.at, after: now.at})
	}
}

// replay lets time pass in a rewound world, which re-applies the recorded
// commands on the way. Only the part that goes beyond the recorded end is
// new, and is recorded as a run.
func (s *Session) replay(l Line) error {
	end := s.recordedEnd()
	s.echo(l.Cmd.Format())
	_, err := s.execute(l.Cmd)
	now := s.position()
	if gap := now.at.Sub(end.at); gap > 0 {
		s.lines = append(s.lines, recordedLine{line: Line{Cmd: &Run{For: gap}}, stepsBefore: end.steps, stepsAfter: now.steps, before: end.at, after: now.at})
	}
	s.flush()
	if err != nil {
		return &LineError{Line: l.Num, Msg: err.Error(), Err: err}
	}
	return nil
}

// look runs a command that only looks at the world, without recording it.
func (s *Session) look(l Line) error {
	note, err := s.execute(l.Cmd)
	if err != nil {
		return &LineError{Line: l.Num, Msg: err.Error(), Err: err}
	}
	if isExpectation(l.Cmd) {
		s.echo(l.Cmd.Format() + "  # ok: " + note)
		s.output.WriteString(note)
	} else {
		s.echo(l.Cmd.Format())
		s.note(note)
	}
	return nil
}
