package script

import "strings"

// quote renders a key, value or name so that the lexer reads it back as one
// plain word: bare when it is safe, otherwise in double quotes with `"` and
// `\` escaped. Words that would read as operators, comments, flags or options
// are quoted.
func quote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\r\n\"#=<>!\\") && !strings.Contains(s, "->") && !isReservedWord(s) {
		return s
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}

// reservedWords are the flags a command recognizes among its positional
// words. Data that happens to equal one of them is quoted when printed, so
// the canonical text stays unambiguous even where position alone would
// already decide.
var reservedWords = map[string]bool{
	"prefix": true, "serializable": true, "learner": true, "once": true,
	"reset": true, "ok": true, "pending": true, "|": true,
}

func isReservedWord(s string) bool { return reservedWords[s] }
