package script

import "strconv"

// ShowCluster prints every member's role, term and indexes into the trace: `show cluster`.
type ShowCluster struct{}

// Format renders `show cluster`.
func (c *ShowCluster) Format() string { return "show cluster" }

// ShowLog prints a member's log into the trace: `show log s1`.
type ShowLog struct{ Member MemberRef }

// Format renders `show log s1`.
func (c *ShowLog) Format() string { return "show log " + c.Member.String() }

// ShowKV prints a member's key-value store into the trace: `show kv s1`.
type ShowKV struct{ Member MemberRef }

// Format renders `show kv s1`.
func (c *ShowKV) Format() string { return "show kv " + c.Member.String() }

// ShowEvents prints the last N events into the trace again: `show events last=20`.
type ShowEvents struct{ Last int }

// Format renders `show events last=20`.
func (c *ShowEvents) Format() string { return "show events last=" + strconv.Itoa(c.Last) }

// CheckKind names a whole-history check.
type CheckKind string

// The whole-history checks.
const (
	// CheckLinearizable checks the client history (puts, linearizable gets,
	// deletes, txns) for linearizability.
	CheckLinearizable CheckKind = "linearizable"
	// CheckWatches checks the etcd watch guarantees for every watching client.
	CheckWatches CheckKind = "watches"
	// CheckSafety runs the world's full Raft safety check now (the world
	// also checks incrementally after every event).
	CheckSafety CheckKind = "safety"
)

// Check runs a whole-history check and fails the run on a violation:
// `check linearizable`, `check watches`, `check safety`.
type Check struct{ Kind CheckKind }

// Format renders `check linearizable`.
func (c *Check) Format() string { return "check " + string(c.Kind) }
