package script

import "strings"

// Command is one parsed script command. Format renders it as canonical
// script text; parsing that text yields an equal command.
type Command interface {
	Format() string
}

// Line is one line of a script: a command, a comment, or both. Blank lines
// and comment-only lines are kept so that Format preserves a script's layout.
type Line struct {
	Num        int     // 1-based line number in the source
	Cmd        Command // nil for a blank or comment-only line
	Comment    string  // the text after `#`, trimmed
	HasComment bool    // the line had a `#` (so an empty comment is kept)
}

// Format renders the line canonically: the command, then `# comment`.
func (l Line) Format() string {
	var b strings.Builder
	if l.Cmd != nil {
		b.WriteString(l.Cmd.Format())
	}
	if l.HasComment {
		if b.Len() > 0 {
			b.WriteString("  ")
		}
		b.WriteString("#")
		if l.Comment != "" {
			b.WriteString(" " + l.Comment)
		}
	}
	return b.String()
}

// Script is a parsed scenario script.
type Script struct {
	Lines []Line
}

// Commands returns the script's commands in order, skipping blank and comment lines.
func (s *Script) Commands() []Command {
	var out []Command
	for _, l := range s.Lines {
		if l.Cmd != nil {
			out = append(out, l.Cmd)
		}
	}
	return out
}

// Format renders the whole script as canonical text, one line per source
// line, ending in a newline.
func (s *Script) Format() string {
	var b strings.Builder
	for _, l := range s.Lines {
		b.WriteString(l.Format())
		b.WriteString("\n")
	}
	return b.String()
}
