package netsim

import (
	"fmt"
	"io"
	"strings"
)

// Catalog turns records into sentences in one language. A template names the
// record's fields in braces:
//
//	{member} {peer} {client} {msg}  the record's own fields ("s4", "c1", "#17")
//	{name}                          the argument called name
//	{w:name}                        the argument's value looked up in Words,
//	                                for labels that differ by language
//	                                (message types, roles, error codes)
//
// Templates are keyed by "kind/reason", falling back to "kind". A record
// whose kind has no template still renders, as its kind and arguments, so a
// new event kind in a lower layer can never make the trace fail.
type Catalog struct {
	Lang      string
	Templates map[string]string
	Words     map[string]string
}

// Render returns the sentence for r, without its time.
func (c *Catalog) Render(r Record) string {
	tmpl, ok := c.Templates[r.Kind+"/"+r.Reason]
	if !ok {
		tmpl, ok = c.Templates[r.Kind]
	}
	if !ok {
		return c.fallback(r)
	}
	var b strings.Builder
	for {
		open := strings.IndexByte(tmpl, '{')
		if open < 0 {
			b.WriteString(tmpl)
			break
		}
		end := strings.IndexByte(tmpl[open:], '}')
		if end < 0 {
			b.WriteString(tmpl)
			break
		}
		b.WriteString(tmpl[:open])
		b.WriteString(c.field(r, tmpl[open+1:open+end]))
		tmpl = tmpl[open+end+1:]
	}
	return b.String()
}

// field fills one placeholder.
func (c *Catalog) field(r Record, name string) string {
	switch name {
	case "member":
		return MemberName(r.Member)
	case "peer":
		return MemberName(r.Peer)
	case "client":
		return r.Client
	case "msg":
		return fmt.Sprintf("#%d", r.MsgID)
	}
	if word, isWord := strings.CutPrefix(name, "w:"); isWord {
		v, _ := r.Arg(word)
		if w, ok := c.Words[v]; ok {
			return w
		}
		return v
	}
	if v, ok := r.Arg(name); ok {
		return v
	}
	return "?" + name
}

// fallback renders a record that has no template: its kind, reason and
// arguments, so nothing is ever silently left out of a trace.
func (c *Catalog) fallback(r Record) string {
	var b strings.Builder
	if r.Member != 0 {
		b.WriteString(MemberName(r.Member))
		b.WriteByte(' ')
	}
	if r.Client != "" {
		b.WriteString(r.Client)
		b.WriteByte(' ')
	}
	b.WriteString(r.Kind)
	if r.Reason != "" {
		b.WriteString(" (" + r.Reason + ")")
	}
	if r.Peer != 0 {
		b.WriteString(" peer=" + MemberName(r.Peer))
	}
	for _, a := range r.Args {
		b.WriteString(" " + a.Name + "=" + a.Value)
	}
	return b.String()
}

// Line renders r as one trace line: the time right-aligned in eleven
// columns, then the sentence.
func (c *Catalog) Line(r Record) string {
	return fmt.Sprintf("%11s %s", r.At.String(), c.Render(r))
}

// WriteTrace writes every record as a line.
func (c *Catalog) WriteTrace(w io.Writer, records []Record) error {
	for _, r := range records {
		if _, err := io.WriteString(w, c.Line(r)+"\n"); err != nil {
			return err
		}
	}
	return nil
}
