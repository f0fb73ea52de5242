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
}

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
