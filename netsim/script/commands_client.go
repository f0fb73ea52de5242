package script

import (
	"strconv"

	"github.com/raft-playground/playground/netsim"
)

// Put writes a key through Raft: `put c1 foo bar [lease=L1]`.
type Put struct {
	Client, Key, Value string
	Lease              string // lease name, or "" for none
}

// Format renders `put c1 foo bar lease=L1`.
func (c *Put) Format() string {
	s := "put " + c.Client + " " + quote(c.Key) + " " + quote(c.Value)
	if c.Lease != "" {
		s += " lease=" + c.Lease
	}
	return s
}

// Get reads a key or a prefix: `get c1 foo [prefix] [rev=N] [serializable] [at=s3]`.
// A serializable get reads the local store of the member it reaches without
// ReadIndex, so it may be stale; At sends the request to one member instead
// of the leader the client has discovered.
type Get struct {
	Client, Key  string
	Prefix       bool
	Rev          int64 // 0: the current revision
	Serializable bool
	At           *MemberRef
}

// Format renders the get with its flags in a fixed order.
func (c *Get) Format() string {
	s := "get " + c.Client + " " + quote(c.Key)
	if c.Prefix {
		s += " prefix"
	}
	if c.Rev != 0 {
		s += " rev=" + strconv.FormatInt(c.Rev, 10)
	}
	if c.Serializable {
		s += " serializable"
	}
	if c.At != nil {
		s += " at=" + c.At.String()
	}
	return s
}

// Delete removes a key or a prefix: `delete c1 foo [prefix]`.
type Delete struct {
	Client, Key string
	Prefix      bool
}

// Format renders `delete c1 foo prefix`.
func (c *Delete) Format() string {
	s := "delete " + c.Client + " " + quote(c.Key)
	if c.Prefix {
		s += " prefix"
	}
	return s
}

// Txn is an etcd transaction: if every comparison holds, the Then operations
// run, otherwise the Else operations: `txn c1 if="value(foo)=bar" then="put foo baz" else="get foo"`.
type Txn struct {
	Client string
	If     []Compare
	Then   []TxnOp
	Else   []TxnOp
}

// Format renders the txn with if, then and else in that order; empty parts are left out.
func (c *Txn) Format() string {
	s := "txn " + c.Client
	if len(c.If) > 0 {
		s += " if=" + quoteAlways(formatCompares(c.If))
	}
	if len(c.Then) > 0 {
		s += " then=" + quoteAlways(formatTxnOps(c.Then))
	}
	if len(c.Else) > 0 {
		s += " else=" + quoteAlways(formatTxnOps(c.Else))
	}
	return s
}

// LeaseGrant creates a lease with a time to live: `lease grant c1 L1 ttl=5s`.
type LeaseGrant struct {
	Client, Lease string
	TTL           Duration // a whole number of seconds, as in etcd
}

// Format renders `lease grant c1 L1 ttl=5s`.
func (c *LeaseGrant) Format() string {
	return "lease grant " + c.Client + " " + c.Lease + " ttl=" + c.TTL.String()
}

// LeaseKeepAlive renews a lease: from now on until it is revoked or the
// client crashes, or just once: `lease keepalive c1 L1 [once]`.
type LeaseKeepAlive struct {
	Client, Lease string
	Once          bool
}

// Format renders `lease keepalive c1 L1 once`.
func (c *LeaseKeepAlive) Format() string {
	s := "lease keepalive " + c.Client + " " + c.Lease
	if c.Once {
		s += " once"
	}
	return s
}

// LeaseRevoke revokes a lease, deleting the keys attached to it: `lease revoke c1 L1`.
type LeaseRevoke struct {
	Client, Lease string
}

// Format renders `lease revoke c1 L1`.
func (c *LeaseRevoke) Format() string { return "lease revoke " + c.Client + " " + c.Lease }

// Lock acquires a lock the etcd way (a key under the lock's prefix attached to
// the client's session lease, waiting for its predecessor): `lock c1 mylock [ttl=10s]`.
// The session lease is kept alive until unlock or a crash of the client.
type Lock struct {
	Client, Name string
	TTL          Duration // session lease TTL, whole seconds
}

// DefaultLockTTL is the session lease TTL of a lock when the script gives none.
const DefaultLockTTL = 10 * netsim.Second

// Format renders `lock c1 mylock ttl=10s`.
func (c *Lock) Format() string {
	return "lock " + c.Client + " " + c.Name + " ttl=" + c.TTL.String()
}

// Unlock releases a lock (or gives up waiting for it): `unlock c1 mylock`.
type Unlock struct {
	Client, Name string
}

// Format renders `unlock c1 mylock`.
func (c *Unlock) Format() string { return "unlock " + c.Client + " " + c.Name }

// Watch opens a watch on a key or a prefix, optionally from a past revision:
// `watch c1 /svc/ prefix [from=N]`. The client keeps the watch open across
// member crashes, resuming after the last revision it received.
type Watch struct {
	Client, Key string
	Prefix      bool
	From        int64 // 0: from the next revision
}

// Format renders `watch c1 /svc/ prefix from=3`.
func (c *Watch) Format() string {
	s := "watch " + c.Client + " " + quote(c.Key)
	if c.Prefix {
		s += " prefix"
	}
	if c.From != 0 {
		s += " from=" + strconv.FormatInt(c.From, 10)
	}
	return s
}

// Compact discards the store's history before a revision: `compact c1 N`.
type Compact struct {
	Client string
	Rev    int64
}

// Format renders `compact c1 5`.
func (c *Compact) Format() string { return "compact " + c.Client + " " + strconv.FormatInt(c.Rev, 10) }
