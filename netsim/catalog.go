package netsim

import (
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	"github.com/raft-playground/playground/core/raft"
)

// Catalog turns records into sentences in one language. A template names the
// record's fields in braces:
//
//	{member} {peer} {client} {msg}  the record's own fields ("s4", "c1", "#17")
//	{name}                          the argument called name, or else the
//	                                field called name of the record's Detail
//	{s:name}                        the same value read as a member ID ("s3")
//	{w:name}                        the same value looked up in Words, for
//	                                labels that differ by language (message
//	                                types, roles, error codes)
//
// Templates are keyed by "kind/reason", falling back to "kind". A record
// whose kind has no template still renders, as its kind and arguments, so a
// new event kind in a lower layer can never make the trace fail.
type Catalog struct {
	Lang      string
	Templates map[string]string
	Words     map[string]string
}

// template finds the template for r.
func (c *Catalog) template(r Record) (string, bool) {
	if tmpl, ok := c.Templates[r.Kind+"/"+r.Reason]; ok {
		return tmpl, true
	}
	tmpl, ok := c.Templates[r.Kind]
	return tmpl, ok
}

// Has reports whether the catalogue has a sentence for r (otherwise Render
// falls back to the record's kind and arguments).
func (c *Catalog) Has(r Record) bool {
	_, ok := c.template(r)
	return ok
}

// Render returns the sentence for r, without its time.
func (c *Catalog) Render(r Record) string {
	tmpl, ok := c.template(r)
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
		v := value(r, word)
		if w, ok := c.Words[v]; ok {
			return w
		}
		return v
	}
	if id, isMember := strings.CutPrefix(name, "s:"); isMember {
		v := value(r, id)
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return v
		}
		return MemberName(n)
	}
	return value(r, name)
}

// value finds a named value in r's arguments or its Detail's fields.
func value(r Record, name string) string {
	if v, ok := r.Arg(name); ok {
		return v
	}
	if r.Detail != nil {
		d := reflect.ValueOf(r.Detail)
		if d.Kind() == reflect.Pointer {
			d = d.Elem()
		}
		if d.Kind() == reflect.Struct {
			if f := d.FieldByName(name); f.IsValid() && f.CanInterface() {
				return formatValue(f)
			}
		}
	}
	return "?" + name
}

// formatValue renders one Detail field in a language-neutral form.
func formatValue(f reflect.Value) string {
	if t, ok := f.Interface().(raft.MessageType); ok {
		return messageLabel(t)
	}
	if s, ok := f.Interface().(fmt.Stringer); ok {
		return s.String()
	}
	switch f.Kind() {
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(f.Uint(), 10)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(f.Int(), 10)
	case reflect.Bool:
		return strconv.FormatBool(f.Bool())
	case reflect.String:
		return f.String()
	}
	return fmt.Sprint(f.Interface())
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
