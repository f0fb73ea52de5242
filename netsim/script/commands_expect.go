package script

import (
	"strconv"
	"strings"
)

// ExpectLeader asserts that exactly one leader exists among the members that
// are up in the highest term, and optionally which one: `expect leader`,
// `expect leader=s2`.
type ExpectLeader struct {
	Member *MemberRef // nil: any leader
}

// Format renders `expect leader` or `expect leader=s2`.
func (c *ExpectLeader) Format() string {
	if c.Member == nil {
		return "expect leader"
	}
	return "expect leader=" + c.Member.String()
}

// ExpectNoLeader asserts that no member up in the highest term is leader: `expect no-leader`.
type ExpectNoLeader struct{}

// Format renders `expect no-leader`.
func (c *ExpectNoLeader) Format() string { return "expect no-leader" }

// ExpectTerm compares the highest term among the members that are up
// (`expect term>=3`), or with on= the terms of those members (`expect term=2 on=s1`).
type ExpectTerm struct {
	Cmp   Cmp
	Value uint64
	On    *Scope
}

// Format renders `expect term>=3` or `expect term=2 on=s1`.
func (c *ExpectTerm) Format() string {
	s := "expect term" + string(c.Cmp) + strconv.FormatUint(c.Value, 10)
	if c.On != nil {
		s += " on=" + c.On.String()
	}
	return s
}

// IndexField names a per-member log index an expectation compares.
type IndexField string

// The indexes `expect` can compare.
const (
	IndexCommitted IndexField = "committed"
	IndexApplied   IndexField = "applied"
)

// ExpectIndex compares a member's commit or applied index: `expect committed>=5 on=all`.
type ExpectIndex struct {
	Field IndexField
	Cmp   Cmp
	Value uint64
	On    Scope
}

// Format renders `expect committed>=5 on=all`.
func (c *ExpectIndex) Format() string {
	return "expect " + string(c.Field) + string(c.Cmp) + strconv.FormatUint(c.Value, 10) + " on=" + c.On.String()
}

// ExpectValue asserts a key's value in members' stores: `expect value foo=bar on=all`.
type ExpectValue struct {
	Key, Value string
	On         Scope
}

// Format renders `expect value foo=bar on=all`.
func (c *ExpectValue) Format() string {
	return "expect value " + quote(c.Key) + "=" + quote(c.Value) + " on=" + c.On.String()
}

// ExpectAbsent asserts that a key does not exist in members' stores: `expect absent foo on=all`.
type ExpectAbsent struct {
	Key string
	On  Scope
}

// Format renders `expect absent foo on=all`.
func (c *ExpectAbsent) Format() string {
	return "expect absent " + quote(c.Key) + " on=" + c.On.String()
}

// ExpectHolder asserts which client holds a lock, according to the leader's
// store: `expect holder mylock=c1`, or `expect holder mylock=none`.
type ExpectHolder struct {
	Lock   string
	Client string // "" means nobody holds it (written `none`)
}

// Format renders `expect holder mylock=c1`.
func (c *ExpectHolder) Format() string {
	holder := c.Client
	if holder == "" {
		holder = "none"
	}
	return "expect holder " + c.Lock + "=" + holder
}

// ReplyStatus is the state of a client's latest request.
type ReplyStatus string

// The states `expect reply` can assert.
const (
	ReplyOK      ReplyStatus = "ok"
	ReplyError   ReplyStatus = "error"
	ReplyPending ReplyStatus = "pending"
)

// ExpectReply asserts the outcome of a client's latest request:
// `expect reply c1 ok [branch=then|else] [value=bar] [rev=N] [count=N]`,
// `expect reply c1 error=compacted`, `expect reply c1 pending`.
type ExpectReply struct {
	Client string
	Status ReplyStatus
	Error  string // with ReplyError: the error code, such as compacted or not-leader
	// Branch is, for a txn, the branch that ran: "then" or "else" ("": any).
	Branch string
	Value  *string // with ReplyOK: the value read (the first key's, for a range; a txn's first get)
	Rev    *int64  // with ReplyOK: the revision of the reply
	Count  *int64  // with ReplyOK: the number of keys read or deleted
}

// Format renders the expectation with its details in a fixed order.
func (c *ExpectReply) Format() string {
	s := "expect reply " + c.Client
	switch c.Status {
	case ReplyError:
		return s + " error=" + c.Error
	case ReplyPending:
		return s + " pending"
	}
	s += " ok"
	if c.Branch != "" {
		s += " branch=" + c.Branch
	}
	if c.Value != nil {
		s += " value=" + quote(*c.Value)
	}
	if c.Rev != nil {
		s += " rev=" + strconv.FormatInt(*c.Rev, 10)
	}
	if c.Count != nil {
		s += " count=" + strconv.FormatInt(*c.Count, 10)
	}
	return s
}

// Role is a member's Raft role as `expect role` names it.
type Role string

// The roles.
const (
	RoleLeader       Role = "leader"
	RoleFollower     Role = "follower"
	RoleCandidate    Role = "candidate"
	RolePreCandidate Role = "precandidate"
	RoleLearner      Role = "learner"
)

var roles = []Role{RoleLeader, RoleFollower, RoleCandidate, RolePreCandidate, RoleLearner}

// ExpectRole asserts a member's role: `expect role s3=follower`.
type ExpectRole struct {
	Member MemberRef
	Role   Role
}

// Format renders `expect role s3=follower`.
func (c *ExpectRole) Format() string {
	return "expect role " + c.Member.String() + "=" + string(c.Role)
}

// ExpectUp asserts that a member is running (Up) or crashed (not Up): `expect up s1`, `expect down s1`.
// A member whose restart failed, for example on a corrupted WAL, is down.
type ExpectUp struct {
	Member MemberRef
	Up     bool
}

// Format renders `expect up s1` or `expect down s1`.
func (c *ExpectUp) Format() string {
	if c.Up {
		return "expect up " + c.Member.String()
	}
	return "expect down " + c.Member.String()
}

// ExpectLog asserts the terms of the entries in members' logs, from the first
// index to the last: `expect log terms=1,1,4,4 on=s2`.
type ExpectLog struct {
	Terms []uint64
	On    Scope
}

// Format renders `expect log terms=1,1,4 on=all`.
func (c *ExpectLog) Format() string {
	return "expect log terms=" + formatUints(c.Terms) + " on=" + c.On.String()
}

// ExpectWatch asserts the revisions of the events a client's watches have
// delivered, in delivery order: `expect watch c1 revs=4,5,7`.
type ExpectWatch struct {
	Client string
	Revs   []int64
}

// Format renders `expect watch c1 revs=4,5,7` (`revs=` with nothing for none).
func (c *ExpectWatch) Format() string {
	parts := make([]string, len(c.Revs))
	for i, r := range c.Revs {
		parts[i] = strconv.FormatInt(r, 10)
	}
	return "expect watch " + c.Client + " revs=" + strings.Join(parts, ",")
}
