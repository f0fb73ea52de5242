package member

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/raft-playground/playground/core/raft"
	"github.com/raft-playground/playground/kvstate"
)

// Member is one virtual etcd member. It is not safe for concurrent use; the
// simulator drives it from one event loop.
type Member struct {
	cfg     Config
	node    *raft.RawNode
	storage *raft.MemoryStorage
	disk    *Disk
	store   *kvstate.Store

	// pending is the Ready whose entries and hard state are in the WAL but
	// not yet synced. Invariant: while pending is set, no further Ready is
	// taken, because Raft's messages in it may only leave once it is durable.
	pending *raft.Ready

	// applied is the index of the last entry applied to the store.
	applied uint64
	// snapshotIndex is the index of the newest snapshot taken or restored.
	snapshotIndex uint64
	confState     raft.ConfState
	role          raft.StateType
	lead          uint64
	removed       bool

	// writes maps a request ID to the client request waiting for its entry
	// to be applied on this member.
	writes map[uint64]Request
	// reads are linearizable reads waiting for their read index and then for
	// the member to apply up to it, in the order they were asked.
	reads   []pendingRead
	readSeq uint64
	// watches holds one watch stream per client that watches on this member.
	watches map[string]*kvstate.WatchStream
	// watchRequests remembers which request opened each watch, so that its
	// responses are sent as replies to that request.
	watchRequests map[string]map[kvstate.WatchID]uint64

	// snapshotWanted defers a requested snapshot until the pending write is
	// synced.
	snapshotWanted bool
	// now is the virtual time of the latest call, for the lessor.
	now time.Duration
	// compactor is the leader's auto-compactor (Config.AutoCompactRetention).
	compactor compactor

	out Output
}

// pendingRead is a linearizable read waiting for its read index.
type pendingRead struct {
	ctx   uint64
	req   Request
	index uint64 // 0 until the read state arrives
}

// Output is what a call produced: messages to send (already durable), replies
// to clients and the events that explain it all.
type Output struct {
	Messages []raft.Message
	Replies  []Reply
	Events   []Event
}

// New creates a member of a new cluster with an empty WAL.
func New(cfg Config) (*Member, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return start(cfg, NewDisk(), raft.NewMemoryStorage(), kvstate.New(storeOptions(&cfg)), 0, raft.ConfState{})
}

// Restart rebuilds a crashed member from what survived on its disk: the
// newest durable snapshot and the synced prefix of the WAL, replayed and
// verified. A WAL that fails verification (a *wal.CorruptionError) means the
// member cannot start; nothing is repaired silently. The error names what
// failed, not the member: the caller knows which member it restarted.
func Restart(cfg Config, disk *Disk) (*Member, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	replay, err := disk.WAL.Replay()
	if err != nil {
		return nil, err
	}
	storage := raft.NewMemoryStorage()
	store := kvstate.New(storeOptions(&cfg))
	var applied uint64
	var cs raft.ConfState
	snap := disk.Snapshot
	if !snap.IsEmpty() {
		if err := storage.ApplySnapshot(snap); err != nil {
			return nil, fmt.Errorf("snapshot: %w", err)
		}
		if err := store.Restore(snap.Data); err != nil {
			return nil, fmt.Errorf("snapshot data: %w", err)
		}
		applied = snap.Metadata.Index
		cs = snap.Metadata.ConfState
	}
	ents := entriesFromWAL(replay.Entries, applied)
	if len(ents) > 0 {
		if err := storage.Append(ents); err != nil {
			return nil, fmt.Errorf("WAL entries: %w", err)
		}
	}
	hs := hardStateFromWAL(replay.HardState)
	if !snap.IsEmpty() && hs.Commit < snap.Metadata.Index {
		// A snapshot holds only committed state, so its index is committed
		// even if the hard state that said so did not survive.
		hs.Commit = snap.Metadata.Index
		hs.Term = max(hs.Term, snap.Metadata.Term)
	}
	if !hs.IsEmpty() {
		if err := storage.SetHardState(hs); err != nil {
			return nil, fmt.Errorf("hard state: %w", err)
		}
	}
	m, err := start(cfg, disk, storage, store, applied, cs)
	if err != nil {
		return nil, err
	}
	m.emit(Event{Kind: EventReplayed, Index: lastIndexOf(ents, applied), Count: len(ents),
		Term: hs.Term, Vote: hs.Vote, Commit: hs.Commit, Revision: int64(applied)})
	return m, nil
}

func start(cfg Config, disk *Disk, storage *raft.MemoryStorage, store *kvstate.Store, applied uint64, cs raft.ConfState) (*Member, error) {
	node, err := raft.NewRawNode(cfg.raftConfig(storage, applied))
	if err != nil {
		return nil, fmt.Errorf("s%d: %w", cfg.ID, err)
	}
	m := &Member{
		cfg:           cfg,
		node:          node,
		storage:       storage,
		disk:          disk,
		store:         store,
		applied:       applied,
		snapshotIndex: applied,
		confState:     cs,
		writes:        map[uint64]Request{},
		watches:       map[string]*kvstate.WatchStream{},
		watchRequests: map[string]map[kvstate.WatchID]uint64{},
	}
	if len(cs.Voters) == 0 && len(cs.Learners) == 0 {
		m.confState = raft.ConfState{Voters: slices.Clone(cfg.Voters), Learners: slices.Clone(cfg.Learners)}
	}
	return m, nil
}

func storeOptions(cfg *Config) kvstate.Options {
	return kvstate.Options{MinLeaseTTL: cfg.minLeaseTTL()}
}

// ID returns the member's Raft ID.
func (m *Member) ID() uint64 { return m.cfg.ID }

// Disk returns what survives a crash: the WAL and the newest snapshot.
func (m *Member) Disk() *Disk { return m.disk }

// Store returns the member's MVCC store for read-only inspection.
func (m *Member) Store() *kvstate.Store { return m.store }

// Status returns the Raft node's status.
func (m *Member) Status() raft.Status { return m.node.Status() }

// AppliedIndex returns the index of the last entry applied to the store.
func (m *Member) AppliedIndex() uint64 { return m.applied }

// SnapshotIndex returns the index of the newest snapshot (0: none).
func (m *Member) SnapshotIndex() uint64 { return m.snapshotIndex }

// ConfState returns the configuration as of the last applied entry.
func (m *Member) ConfState() raft.ConfState { return m.confState }

// Removed reports whether an applied configuration change removed this member.
func (m *Member) Removed() bool { return m.removed }

// LogEntries returns the entries the member's Raft log holds, stable and
// unstable, after the compacted prefix.
func (m *Member) LogEntries() []raft.Entry {
	first, _ := m.storage.FirstIndex()
	last, _ := m.storage.LastIndex()
	var ents []raft.Entry
	if last >= first {
		ents, _ = m.storage.Entries(first, last+1, math.MaxUint64)
	}
	if m.pending != nil {
		ents = mergeEntries(ents, m.pending.Entries)
	}
	return ents
}

// Entries returns the entries lo..hi (inclusive) that the log holds, the
// pending Ready's unsynced tail included; indexes outside the log (compacted,
// or beyond its end) are left out. It copies only what it returns, so the
// simulator can check each append without copying the whole log.
func (m *Member) Entries(lo, hi uint64) []raft.Entry {
	if hi < lo {
		return nil
	}
	if first, _ := m.storage.FirstIndex(); lo < first {
		lo = first
	}
	stableHi := hi
	if m.pending != nil && len(m.pending.Entries) > 0 {
		// The pending entries replace any stable suffix from their first index on.
		stableHi = min(stableHi, m.pending.Entries[0].Index-1)
	}
	if last, _ := m.storage.LastIndex(); stableHi > last {
		stableHi = last
	}
	var out []raft.Entry
	if lo <= stableHi {
		ents, err := m.storage.Entries(lo, stableHi+1, math.MaxUint64)
		if err == nil {
			out = append(out, ents...)
		}
	}
	if m.pending != nil {
		for _, e := range m.pending.Entries {
			if e.Index >= lo && e.Index <= hi {
				out = append(out, e)
			}
		}
	}
	return out
}

// Term returns the term of the entry at index i, and whether the log knows
// it (the snapshot's last entry counts; compacted entries before it do not).
func (m *Member) Term(i uint64) (uint64, bool) {
	if m.pending != nil {
		for _, e := range m.pending.Entries {
			if e.Index == i {
				return e.Term, true
			}
		}
		if n := len(m.pending.Entries); n > 0 && i > m.pending.Entries[n-1].Index {
			return 0, false
		}
	}
	t, err := m.storage.Term(i)
	if err != nil {
		return 0, false
	}
	return t, true
}

// Tick advances the member's logical clock by one tick and, on the leader,
// lets the lessor look for expired leases and the compactor check the
// store's revision.
func (m *Member) Tick(nowUs int64) {
	m.setNow(nowUs)
	m.node.Tick()
	m.runLessor()
	m.runCompactor()
}

// Deliver hands the member a message from the network.
func (m *Member) Deliver(msg raft.Message, nowUs int64) {
	m.setNow(nowUs)
	// A message from a member outside the configuration, or a stale one, is
	// refused by Raft; the refusal itself is explained by Raft's events, so
	// the error needs no further handling here.
	_ = m.node.Step(msg)
}

// Campaign makes the member start an election now ("time out now").
func (m *Member) Campaign() error { return m.node.Campaign() }

// TransferLeader asks the leader to hand leadership to the member to.
func (m *Member) TransferLeader(to uint64) { m.node.TransferLeader(to) }

// ProposeConfChange proposes a membership change; only a leader's proposal
// can succeed.
func (m *Member) ProposeConfChange(cc raft.ConfChange) error { return m.node.ProposeConfChange(cc) }

// ReportUnreachable tells Raft that a message to id could not be delivered.
func (m *Member) ReportUnreachable(id uint64) { m.node.ReportUnreachable(id) }

func (m *Member) setNow(nowUs int64) {
	m.now = time.Duration(nowUs) * time.Microsecond
}

func (m *Member) emit(e Event) {
	e.Member = m.cfg.ID
	m.out.Events = append(m.out.Events, e)
}

func (m *Member) reply(r Reply) {
	r.From = m.cfg.ID
	if r.LeaderHint == 0 {
		r.LeaderHint = m.lead
	}
	m.out.Replies = append(m.out.Replies, r)
}

// takeOutput returns and clears what the member produced since the last call.
func (m *Member) takeOutput() Output {
	out := m.out
	m.out = Output{}
	return out
}

// Flush returns what the member produced outside Process and Synced: replies
// to requests answered at once, and events of ticks and deliveries that did
// not produce a Ready.
func (m *Member) Flush() Output { return m.takeOutput() }

func encodeReadCtx(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

func decodeReadCtx(b []byte) (uint64, bool) {
	if len(b) != 8 {
		return 0, false
	}
	return binary.BigEndian.Uint64(b), true
}

// mergeEntries returns stable followed by unstable, where unstable replaces
// any stable suffix from its first index on, as Raft's log does.
func mergeEntries(stable, unstable []raft.Entry) []raft.Entry {
	if len(unstable) == 0 {
		return stable
	}
	first := unstable[0].Index
	cut := len(stable)
	for i, e := range stable {
		if e.Index >= first {
			cut = i
			break
		}
	}
	return append(slices.Clip(stable[:cut]), unstable...)
}

func lastIndexOf(ents []raft.Entry, otherwise uint64) uint64 {
	if len(ents) == 0 {
		return otherwise
	}
	return ents[len(ents)-1].Index
}
