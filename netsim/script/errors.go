package script

import "fmt"

// LineError is the error for a bad or failed script line. Line and Col are
// 1-based; Col is 0 when the error concerns the whole line (for example a
// failed expect) rather than one place in it. Columns count characters, not
// bytes, so they match what an editor shows for non-ASCII keys.
type LineError struct {
	Line int
	Col  int
	Msg  string
	// Err is the error behind a line that failed at run time (a world
	// refusal, a safety violation, a failed check), for errors.As; nil for
	// parse errors.
	Err error
}

// Unwrap returns the run-time error behind the line error, if any.
func (e *LineError) Unwrap() error { return e.Err }

// Error renders the error as "line 3, column 7: message".
func (e *LineError) Error() string {
	if e.Col > 0 {
		return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Col, e.Msg)
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
}

// errAt builds a LineError at a column of the line being parsed.
func errAt(line, col int, format string, args ...any) *LineError {
	return &LineError{Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}
