package script

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxMembers is the largest member number a script may name (s1…s9).
const MaxMembers = 9

// maxClients bounds client numbers (c1…c99) so a typo such as c100000 is
// caught instead of silently creating a client.
const maxClients = 99

// MemberRef names a member: a fixed one (s3 has ID 3) or the `leader` alias,
// which the runner resolves when the command runs.
type MemberRef struct {
	Leader bool
	ID     int // 1…9 when Leader is false
}

// String renders the reference as `s3` or `leader`.
func (m MemberRef) String() string {
	if m.Leader {
		return "leader"
	}
	return "s" + strconv.Itoa(m.ID)
}

// Member returns a reference to the fixed member with the given ID.
func Member(id int) MemberRef { return MemberRef{ID: id} }

// parseMemberNumber reads s1…s9 (not the leader alias).
func parseMemberNumber(s string) (int, error) {
	digits, ok := strings.CutPrefix(s, "s")
	if !ok || digits == "" || !allDigits(digits) {
		return 0, fmt.Errorf("%q is not a member name (members are s1 to s%d)", s, MaxMembers)
	}
	n, _ := strconv.Atoi(digits)
	if n < 1 || n > MaxMembers || digits[0] == '0' {
		return 0, fmt.Errorf("member %q does not exist: members are s1 to s%d", s, MaxMembers)
	}
	return n, nil
}

// parseMemberRef reads s1…s9 or `leader`.
func parseMemberRef(s string) (MemberRef, error) {
	if s == "leader" {
		return MemberRef{Leader: true}, nil
	}
	n, err := parseMemberNumber(s)
	if err != nil {
		return MemberRef{}, fmt.Errorf("%q is not a member (write s1 to s%d, or leader)", s, MaxMembers)
	}
	return MemberRef{ID: n}, nil
}

// parseClient reads a client name c1…c99.
func parseClient(s string) (string, error) {
	digits, ok := strings.CutPrefix(s, "c")
	if !ok || digits == "" || !allDigits(digits) || digits[0] == '0' {
		return "", fmt.Errorf("%q is not a client name (clients are c1, c2, …)", s)
	}
	if n, _ := strconv.Atoi(digits); n > maxClients || len(digits) > 2 {
		return "", fmt.Errorf("client %q is out of range: clients are c1 to c%d", s, maxClients)
	}
	return s, nil
}

// parseName reads a lease or lock name: a letter followed by letters, digits,
// `_`, `-`, `/` or `.`, at most 64 characters.
func parseName(kind, s string) (string, error) {
	if s == "" {
		return "", fmt.Errorf("a %s name is missing", kind)
	}
	if len(s) > 64 {
		return "", fmt.Errorf("%s name %q is longer than 64 characters", kind, s)
	}
	for i, r := range s {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		ok := letter || i > 0 && (r >= '0' && r <= '9' || strings.ContainsRune("_-/.", r))
		if !ok {
			return "", fmt.Errorf("%s name %q must start with a letter and contain only letters, digits, _, -, / and .", kind, s)
		}
	}
	return s, nil
}

// Target is what crash, restart, pause and resume act on: a member or a client.
type Target struct {
	Member MemberRef
	Client string // non-empty when the target is a client
}

// IsClient reports whether the target is a client.
func (t Target) IsClient() bool { return t.Client != "" }

// String renders the target as `s2`, `leader` or `c1`.
func (t Target) String() string {
	if t.IsClient() {
		return t.Client
	}
	return t.Member.String()
}

func parseTarget(s string) (Target, error) {
	if strings.HasPrefix(s, "c") {
		c, err := parseClient(s)
		return Target{Client: c}, err
	}
	m, err := parseMemberRef(s)
	if err != nil {
		return Target{}, fmt.Errorf("%q is neither a member (s1 to s%d, leader) nor a client (c1, c2, …)", s, MaxMembers)
	}
	return Target{Member: m}, nil
}

// ScopeKind says which members an expectation covers.
type ScopeKind int

const (
	// ScopeAll is every member that is up (on=all, the default).
	ScopeAll ScopeKind = iota
	// ScopeMajority is satisfied when a majority of the voters satisfies the expectation.
	ScopeMajority
	// ScopeMember is one member (on=s2 or on=leader).
	ScopeMember
)

// Scope is the `on=` of an expectation.
type Scope struct {
	Kind   ScopeKind
	Member MemberRef // when Kind is ScopeMember
}

// String renders the scope as `all`, `majority`, `s2` or `leader`.
func (s Scope) String() string {
	switch s.Kind {
	case ScopeMajority:
		return "majority"
	case ScopeMember:
		return s.Member.String()
	default:
		return "all"
	}
}

func parseScope(s string) (Scope, error) {
	switch s {
	case "all":
		return Scope{Kind: ScopeAll}, nil
	case "majority":
		return Scope{Kind: ScopeMajority}, nil
	}
	m, err := parseMemberRef(s)
	if err != nil {
		return Scope{}, fmt.Errorf("on=%s: expected all, majority, leader or a member s1 to s%d", s, MaxMembers)
	}
	return Scope{Kind: ScopeMember, Member: m}, nil
}

// Cmp is a comparison operator of an expectation such as term>=3.
type Cmp string

// The comparison operators.
const (
	CmpEq Cmp = "="
	CmpNe Cmp = "!="
	CmpLt Cmp = "<"
	CmpLe Cmp = "<="
	CmpGt Cmp = ">"
	CmpGe Cmp = ">="
)

// Holds reports whether `got cmp want` is true.
func (c Cmp) Holds(got, want int64) bool {
	switch c {
	case CmpEq:
		return got == want
	case CmpNe:
		return got != want
	case CmpLt:
		return got < want
	case CmpLe:
		return got <= want
	case CmpGt:
		return got > want
	case CmpGe:
		return got >= want
	}
	return false
}
