package netsim

// View is everything the UI draws at one moment, as plain data: no pointers
// into the world, deterministic order (members by ID, messages by ID,
// clients by name, keys sorted), JSON tags in camelCase. Times are virtual
// microseconds.
type View struct {
	NowUs Time `json:"nowUs"`
	// Leader is the leader in the highest term among the members that are up
	// (0: none); Term is that highest term.
	Leader   uint64        `json:"leader"`
	Term     uint64        `json:"term"`
	TickUs   Duration      `json:"tickUs"`
	Members  []MemberView  `json:"members"`
	Messages []MessageView `json:"messages"`
	Clients  []ClientView  `json:"clients"`
	// Links lists the link directions between members of the world whose
	// knobs differ from the cluster's defaults, ordered by From then To, so
	// the UI can mark the lossy and slow ones; LinkDefaults holds the
	// defaults themselves (its From and To are 0).
	Links        []LinkView `json:"links"`
	LinkDefaults LinkView   `json:"linkDefaults"`
	// KV is the key-value detail of the member View was asked for (nil if
	// none was asked for or it is crashed).
	KV *KVView `json:"kv,omitempty"`
	// Events is the number of trace records so far: the cursor for Events.
	Events int `json:"events"`
}

// Member states.
const (
	StateUp      = "up"
	StateCrashed = "crashed"
	StatePaused  = "paused"
	// StateFailed is a member whose restart found its WAL corrupt; it stays
	// down until the world is reset.
	StateFailed = "failed"
)

// MemberView is one member as the UI shows it.
type MemberView struct {
	ID    uint64 `json:"id"`
	Name  string `json:"name"`
	State string `json:"state"`
	// Role is "follower", "pre-candidate", "candidate" or "leader"; Learner
	// says the member is a non-voting learner in the current configuration.
	Role    string `json:"role"`
	Learner bool   `json:"learner"`
	Term    uint64 `json:"term"`
	Vote    uint64 `json:"vote"`
	Lead    uint64 `json:"lead"`
	Commit  uint64 `json:"commit"`
	Applied uint64 `json:"applied"`
	// ElectionElapsed and ElectionTimeout are in ticks, for the timer arc.
	ElectionElapsed int      `json:"electionElapsed"`
	ElectionTimeout int      `json:"electionTimeout"`
	VotesGranted    []uint64 `json:"votesGranted"`
	VotesRejected   []uint64 `json:"votesRejected"`
	// A crashed member shows only State, Group and, in Log, the entries
	// that were synced when it crashed: what a restart will replay.
	//
	// Log holds the entries after the compacted prefix (View keeps only the
	// newest ViewLogTail of them; Member gives all). CompactedIndex is
	// the last index folded into the snapshot (0: none); SyncedIndex is the
	// last index durable in the WAL, so entries above it are the unsynced
	// tail a crash would lose.
	Log            []EntryView    `json:"log"`
	FirstIndex     uint64         `json:"firstIndex"`
	LastIndex      uint64         `json:"lastIndex"`
	CompactedIndex uint64         `json:"compactedIndex"`
	SyncedIndex    uint64         `json:"syncedIndex"`
	Progress       []ProgressView `json:"progress,omitempty"`
	LeadTransferee uint64         `json:"leadTransferee,omitempty"`
	// Group is the member's partition group (0: not partitioned).
	Group          int       `json:"group"`
	Voters         []uint64  `json:"voters"`
	VotersOutgoing []uint64  `json:"votersOutgoing,omitempty"`
	Learners       []uint64  `json:"learners"`
	KV             KVSummary `json:"kv"`
}

// EntryView is one log entry.
type EntryView struct {
	Index uint64 `json:"index"`
	Term  uint64 `json:"term"`
	// Type is "normal", "no-op" or "conf-change".
	Type string `json:"type"`
	// Desc is a short description of the command ("put foo=bar").
	Desc   string `json:"desc"`
	Synced bool   `json:"synced"`
}

// ProgressView is a leader's replication state for one follower.
type ProgressView struct {
	ID              uint64 `json:"id"`
	Match           uint64 `json:"match"`
	Next            uint64 `json:"next"`
	State           string `json:"state"`
	RecentActive    bool   `json:"recentActive"`
	Learner         bool   `json:"learner"`
	Inflight        int    `json:"inflight"`
	PendingSnapshot uint64 `json:"pendingSnapshot,omitempty"`
}

// KVSummary is the shape of a member's store at a glance.
type KVSummary struct {
	Revision        int64 `json:"revision"`
	CompactRevision int64 `json:"compactRevision"`
	Keys            int   `json:"keys"`
}

// MessageView is one message on the wire.
type MessageView struct {
	ID   uint64 `json:"id"`
	From uint64 `json:"from"`
	To   uint64 `json:"to"`
	// Type is a short stable label: "vote", "vote-resp", "pre-vote",
	// "pre-vote-resp", "append", "append-resp", "heartbeat",
	// "heartbeat-resp", "snapshot", "timeout-now", "read-index",
	// "read-index-resp", "propose", "transfer".
	Type       string `json:"type"`
	SentUs     Time   `json:"sentUs"`
	DeliverUs  Time   `json:"deliverUs"`
	Dropped    bool   `json:"dropped"`
	DropReason string `json:"dropReason,omitempty"`
	Duplicate  bool   `json:"duplicate,omitempty"`
	Term       uint64 `json:"term"`
	Index      uint64 `json:"index"`
	LogTerm    uint64 `json:"logTerm"`
	Commit     uint64 `json:"commit"`
	Entries    int    `json:"entries"`
	Reject     bool   `json:"reject"`
	Hint       uint64 `json:"hint"`
	// SnapshotIndex is the index a snapshot message carries (0: none).
	SnapshotIndex uint64 `json:"snapshotIndex,omitempty"`
}

// LinkView is the knobs of one direction of one link (see LinkSettings).
type LinkView struct {
	From         uint64   `json:"from"`
	To           uint64   `json:"to"`
	LatencyMinUs Duration `json:"latencyMinUs"`
	LatencyMaxUs Duration `json:"latencyMaxUs"`
	// DropPercent, DuplicatePercent and ReorderPercent are chances from 0
	// to 100.
	DropPercent      float64 `json:"dropPercent"`
	DuplicatePercent float64 `json:"duplicatePercent"`
	ReorderPercent   float64 `json:"reorderPercent"`
}

// ClientView is one simulated client.
type ClientView struct {
	Name    string `json:"name"`
	Crashed bool   `json:"crashed"`
	Paused  bool   `json:"paused"`
	// Target is the member the client currently sends to.
	Target    uint64      `json:"target"`
	Pending   []OpView    `json:"pending"`
	LastReply *OpView     `json:"lastReply,omitempty"`
	Leases    []LeaseView `json:"leases"`
	Locks     []LockView  `json:"locks"`
	Watches   []WatchView `json:"watches"`
}

// OpView is one client operation, pending or finished.
type OpView struct {
	ID     int    `json:"id"`
	Kind   string `json:"kind"`
	Desc   string `json:"desc"`
	CallUs Time   `json:"callUs"`
	// ReturnUs is -1 while the operation is pending.
	ReturnUs Time   `json:"returnUs"`
	Status   string `json:"status"`
	Result   string `json:"result,omitempty"`
	Err      string `json:"err,omitempty"`
}

// LeaseView is a lease a client holds, by the name the script gave it.
type LeaseView struct {
	Name      string   `json:"name"`
	ID        int64    `json:"id"`
	TTLUs     Duration `json:"ttlUs"`
	KeepAlive bool     `json:"keepAlive"`
}

// LockView is a lock a client holds or waits for.
type LockView struct {
	Name string `json:"name"`
	// Held is true once the client owns the lock; WaitingOn names the key
	// of the predecessor it watches while it waits.
	Held      bool   `json:"held"`
	Key       string `json:"key,omitempty"`
	WaitingOn string `json:"waitingOn,omitempty"`
}

// WatchView is a watch a client keeps.
type WatchView struct {
	Key    string `json:"key"`
	Prefix bool   `json:"prefix"`
	// Member is where the watch currently runs; NextRev is the revision it
	// resumes from after a member crash.
	Member  uint64 `json:"member"`
	NextRev int64  `json:"nextRev"`
	Events  int    `json:"events"`
}

// KVView is one member's key-value store in detail.
type KVView struct {
	Member          uint64        `json:"member"`
	Revision        int64         `json:"revision"`
	CompactRevision int64         `json:"compactRevision"`
	Keys            []KeyView     `json:"keys"`
	Leases          []LeaseDetail `json:"leases"`
	Locks           []LockQueue   `json:"locks"`
	Watches         []WatchDetail `json:"watches"`
}

// KeyView is one live key.
type KeyView struct {
	Key            string `json:"key"`
	Value          string `json:"value"`
	CreateRevision int64  `json:"createRevision"`
	ModRevision    int64  `json:"modRevision"`
	Version        int64  `json:"version"`
	Lease          int64  `json:"lease"`
}

// LeaseDetail is one lease as the member's lessor knows it.
type LeaseDetail struct {
	ID    int64    `json:"id"`
	TTLUs Duration `json:"ttlUs"`
	// RemainingUs is the time left before expiry (-1 when this member is
	// not the leader and so does not run the expiry clock).
	RemainingUs Duration `json:"remainingUs"`
	Keys        []string `json:"keys"`
}

// LockQueue is the queue of one lock name: the holder is the key with the
// lowest create revision under the lock's prefix, the others wait in order.
type LockQueue struct {
	Name    string   `json:"name"`
	Holder  string   `json:"holder"`
	Waiters []string `json:"waiters"`
}

// WatchDetail is one watch registered at the member.
type WatchDetail struct {
	Client  string `json:"client"`
	Key     string `json:"key"`
	Prefix  bool   `json:"prefix"`
	NextRev int64  `json:"nextRev"`
}

// EventView is one line of the UI's explanation feed.
type EventView struct {
	Seq    int    `json:"seq"`
	AtUs   Time   `json:"atUs"`
	Member uint64 `json:"member,omitempty"`
	Client string `json:"client,omitempty"`
	Kind   string `json:"kind"`
	Text   string `json:"text"`
	MsgID  uint64 `json:"msgId,omitempty"`
}
