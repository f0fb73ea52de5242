package netsim

import "strconv"

// Record is one line of the trace: something that happened at a moment of
// virtual time, with a kind (and for some kinds a reason) that selects a
// template in a message catalogue, and the arguments that fill it. Records
// hold no prose, so the same trace renders in any language.
type Record struct {
	// Seq is the record's position in the trace, counting from 1; it is the
	// cursor Events(since) takes.
	Seq    int    `json:"seq"`
	At     Time   `json:"at"`
	Kind   string `json:"kind"`
	Reason string `json:"reason,omitempty"`
	// Member is the member the event happened at (0 for none).
	Member uint64 `json:"member,omitempty"`
	// Peer is the other member involved, if any.
	Peer uint64 `json:"peer,omitempty"`
	// Client is the client involved, if any.
	Client string `json:"client,omitempty"`
	// MsgID is the message in flight the event is about, if any.
	MsgID uint64 `json:"msgId,omitempty"`
	// Args are named values the catalogue template uses, in the order the
	// producer added them.
	Args []Arg `json:"args,omitempty"`
	// Detail is the typed event a lower layer reported (a raft.Event, a
	// member event) or a message summary; templates read its exported
	// fields by name. Keeping the struct instead of copying every field into
	// Args costs one allocation per record.
	Detail any `json:"detail,omitempty"`
}

// Arg is one named argument of a record, already in a language-neutral form
// (a number, a member name such as "s3", a duration such as "150ms", a key).
type Arg struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Arg returns the value of the named argument and whether it is present.
func (r Record) Arg(name string) (string, bool) {
	for _, a := range r.Args {
		if a.Name == name {
			return a.Value, true
		}
	}
	return "", false
}

// with appends an argument; it returns the record so calls chain.
func (r Record) with(name, value string) Record {
	r.Args = append(r.Args, Arg{Name: name, Value: value})
	return r
}

// withNum appends a numeric argument.
func (r Record) withNum(name string, v uint64) Record {
	return r.with(name, strconv.FormatUint(v, 10))
}

// withMember appends an argument naming a member ("s3"; "none" for 0).
func (r Record) withMember(name string, id uint64) Record {
	return r.with(name, MemberName(id))
}

// MemberName is the name of member id: "s3". ID 0 means no member.
func MemberName(id uint64) string {
	if id == 0 {
		return "none"
	}
	return "s" + strconv.FormatUint(id, 10)
}

// ParseMemberName reads "s3" back into 3; it accepts s1…s9 only.
func ParseMemberName(s string) (uint64, bool) {
	if len(s) != 2 || s[0] != 's' || s[1] < '1' || s[1] > '9' {
		return 0, false
	}
	return uint64(s[1] - '0'), true
}
