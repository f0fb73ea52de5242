// Package script parses, validates, formats and runs scenario scripts: the one
// language that tests, lessons, share links, the UI's recording and the raftsim
// CLI all speak (DESIGN.md §4).
//
// A script is a sequence of lines of the form `command arg key=value …`; `#`
// starts a comment. Parse turns text into typed commands and validates every
// argument, so a script with a bad line is refused before anything runs. Format
// prints a parsed script back as canonical text that parses to the same
// commands. A Session runs commands against a netsim World, either a whole
// script at once or one line at a time as the browser does.
package script
