package script

import "strings"

// token is one whitespace-separated word of a script line after quotes are
// resolved. A bare word such as `prefix` or `s1->s2` has an empty op. A word
// containing an unquoted comparison operator is split around its first one:
// `drop=50%` has key "drop", op "=", value "50%"; `term>=3` has key "term",
// op ">=", value "3". Quoted text never splits, so `"a=b"` is a plain word and
// `if="value(foo)=bar"` is the option if with value `value(foo)=bar`.
type token struct {
	col    int    // column of the token's first character
	text   string // the whole word with quotes resolved
	quoted bool   // some part of the word was quoted

	op          string // "", "=", "!=", "<", "<=", ">", ">="
	key         string
	keyQuoted   bool
	value       string
	valueQuoted bool
	valueCol    int // column where the value starts
}

// isOption reports whether the token is the option key=value with the given key.
// A quoted key is data, never an option name.
func (t token) isOption(key string) bool {
	return t.op == "=" && !t.keyQuoted && t.key == key
}

// isWord reports whether the token is the bare, unquoted word w.
func (t token) isWord(w string) bool {
	return t.op == "" && !t.quoted && t.text == w
}

// lexedLine is a script line split into tokens plus its trailing comment.
type lexedLine struct {
	tokens  []token
	comment string // text after `#`, without the `#`, with surrounding spaces trimmed
	hasHash bool   // the line had a comment marker (so an empty comment is kept)
}

// lexLine splits one line into tokens. line is the 1-based line number used
// in errors.
func lexLine(line int, src string) (lexedLine, error) {
	var out lexedLine
	runes := []rune(src)
	i := 0
	for i < len(runes) {
		r := runes[i]
		if r == ' ' || r == '\t' || r == '\r' {
			i++
			continue
		}
		if r == '#' {
			out.hasHash = true
			out.comment = strings.TrimSpace(string(runes[i+1:]))
			break
		}
		tok, next, err := lexWord(line, runes, i)
		if err != nil {
			return lexedLine{}, err
		}
		out.tokens = append(out.tokens, tok)
		i = next
	}
	return out, nil
}

// lexWord reads the word starting at runes[start] and returns it with the
// index just after it.
func lexWord(line int, runes []rune, start int) (token, int, error) {
	var chars []rune      // the word with quotes resolved
	var quotedMask []bool // whether chars[k] came from inside quotes
	var srcIdx []int      // index in runes of chars[k]
	i := start
	for i < len(runes) {
		r := runes[i]
		if r == ' ' || r == '\t' || r == '\r' || r == '#' {
			break
		}
		if r != '"' {
			chars = append(chars, r)
			quotedMask = append(quotedMask, false)
			srcIdx = append(srcIdx, i)
			i++
			continue
		}
		open := i
		i++
		closed := false
		for i < len(runes) {
			c := runes[i]
			if c == '"' {
				closed = true
				i++
				break
			}
			if c == '\\' && i+1 < len(runes) {
				if runes[i+1] != '"' && runes[i+1] != '\\' {
					return token{}, 0, errAt(line, i+1, `unknown escape \%c in quoted text (only \" and \\ are allowed)`, runes[i+1])
				}
				i++
				c = runes[i]
			}
			chars = append(chars, c)
			quotedMask = append(quotedMask, true)
			srcIdx = append(srcIdx, i)
			i++
		}
		if !closed {
			return token{}, 0, errAt(line, open+1, "unterminated quote: the quoted text starting here has no closing \"")
		}
	}
	raw := runes[start:i]
	tok := token{col: start + 1, text: string(chars), quoted: containsRune(raw, '"')}
	if containsArrow(chars, quotedMask) {
		return tok, i, nil
	}
	for k := 0; k < len(chars); k++ {
		if quotedMask[k] || !strings.ContainsRune("=<>!", chars[k]) {
			continue
		}
		op := string(chars[k])
		if k+1 < len(chars) && !quotedMask[k+1] && chars[k+1] == '=' && op != "=" {
			op += "="
		}
		if op == "!" {
			return token{}, 0, errAt(line, srcIdx[k]+1, "a lone ! is not an operator (did you mean !=?)")
		}
		opEnd := k + len([]rune(op))
		tok.op = op
		tok.key = string(chars[:k])
		tok.value = string(chars[opEnd:])
		tok.keyQuoted = containsRune(runes[start:srcIdx[k]], '"')
		tok.valueQuoted = containsRune(runes[srcIdx[opEnd-1]+1:i], '"')
		tok.valueCol = srcIdx[opEnd-1] + 2
		break
	}
	return tok, i, nil
}

// containsArrow reports whether the unquoted text has a link arrow (`->` or
// `<->`), whose `>` and `<` are not comparison operators.
func containsArrow(chars []rune, quotedMask []bool) bool {
	for k := 0; k+1 < len(chars); k++ {
		if chars[k] == '-' && chars[k+1] == '>' && !quotedMask[k] && !quotedMask[k+1] {
			return true
		}
	}
	return false
}

func containsRune(rs []rune, r rune) bool {
	for _, c := range rs {
		if c == r {
			return true
		}
	}
	return false
}
