// Package netsim is the simulated world of Raft Playground: virtual members
// (core/member), a virtual network, simulated clients, one virtual clock and
// one event queue, all deterministic.
//
// Time is virtual, in microseconds (Time, Duration); it moves only when an
// event runs, and nothing reads the wall clock. Every random choice comes
// from one seeded PRNG: the world derives a stream per member, one for the
// network and one for the clients, so that turning a network knob does not
// change the members' election timeouts. No goroutines run and no map order
// reaches any output, so the same Config and the same calls give a
// byte-identical trace.
//
// A World runs events one at a time (Step, RunFor, RunUntil): raft ticks,
// message deliveries, WAL syncs completing after the fsync latency, client
// requests and replies, client timers. Commands change it between events:
// faults (Crash, Restart, Pause, Resume), the network (Partition, Isolate,
// Heal, SetLink), membership (AddMember, PromoteMember, RemoveMember),
// Timeout, Transfer, Snapshot, teaching set-ups (SetLog, SetTerm) and client
// operations (Put, Get, Delete, Txn, Compact, leases, Lock, Unlock, Watch).
// A command that is refused returns an error and changes nothing.
//
// After every event the world checks Raft's safety properties incrementally
// and stops at the first violation (SafetyViolation); CheckSafety also
// compares the members' logs from scratch. Every event becomes a Record in
// the trace; a Catalog (English is catalog_en.go) turns records into
// sentences. History lists the clients' operations with call and return
// times for a linearizability checker, WatchDeliveries the watch responses
// for a watch checker, and View the state the UI draws.
//
// Seek rewinds: the world keeps checkpoints (deep copies of itself) every
// Config.CheckpointEvery of virtual time and a log of the commands it was
// given; seeking restores the nearest checkpoint and replays from there.
// Older checkpoints are thinned with age (Config.CheckpointDense), so a long
// session keeps a logarithmic number of them; seeking stays exact.
// BrowserConfig is the configuration a page's session starts from: it also
// compacts members' logs, has the leader auto-compact the store's revision
// history as etcd does (Config.AutoCompactRetention) and keeps the trace to
// a window (EventWindow), so a session left running stays bounded
// (Footprint counts what it holds).
package netsim
