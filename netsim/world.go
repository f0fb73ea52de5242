package netsim

import (
	"errors"
	"fmt"
	"math/rand/v2"
)

// World is the simulated cluster: members, network, clients, one virtual
// clock and one event queue. It is deterministic: the same Config and the
// same calls give the same trace, byte for byte. A World is not safe for
// concurrent use.
type World struct {
	cfg Config
	now Time
	// steps counts the events run so far; commands remember it so that a
	// replay applies them between the same two events.
	steps uint64
	sched scheduler
	// rng is the root of every random choice; each member, the network and
	// the clients draw from streams seeded from it at creation, so that
	// turning one knob does not reshuffle the choices of everything else.
	rng       *rand.Rand
	net       network
	nodes     [MaxMembers + 1]*node
	clients   []*client
	clientRng *rand.Rand
	// nextReqID numbers client requests across all clients: a member puts
	// the ID into the Raft entry and every member applies every entry, so
	// IDs must be unique in the cluster.
	nextReqID uint64
	// nOps counts client operations; an operation's ID is its position.
	nOps int
	// attempts are the client requests that may still get an answer, by
	// request ID. Only looked up, never iterated unsorted.
	attempts map[uint64]*attempt
	safety   safety
	// violation is the first safety violation found; once set the world
	// refuses to run further, because everything after it is meaningless.
	violation *SafetyViolation
	// nRecords, nHistory, nWatch and nCommands are how much of the shared
	// timeline belongs to this world (see timeline).
	nRecords, nHistory, nWatch, nCommands, nStoreEvents int
	// truth is the ground-truth store behind StoreEvents.
	truth truth
	tl    *timeline
	// nextCheckpoint is when the next rewind checkpoint is due, nextPrune
	// when the safety checker next forgets what it no longer needs.
	nextCheckpoint, nextPrune Time
}

// Errors of the run API.
var (
	// ErrIdle is returned by Step when no event is queued.
	ErrIdle = errors.New("nothing is scheduled: every member is down and no message is on the wire")
	// ErrNoLeader is returned by Leader when no member leads the highest
	// term among the members that are up.
	ErrNoLeader = errors.New("no leader: no member that is up leads the highest term")
	// ErrDeadline is wrapped by RunUntil when max passes first.
	ErrDeadline = errors.New("the condition did not hold in time")
	// ErrNoCheckpoint is returned by Seek when no checkpoint lies at or
	// before the time asked for (checkpoints are off).
	ErrNoCheckpoint = errors.New("cannot rewind: no checkpoint at or before that time (checkpoints are off)")
	// ErrStopped is wrapped when the world refuses to go on after a safety
	// violation.
	ErrStopped = errors.New("the world stopped at a safety violation")
)

// New builds a world from cfg: members s1…sSize as the voters of a new
// cluster, every link at the configured latency, no clients yet. Nothing
// runs until Step, RunFor or RunUntil.
func New(cfg Config) (*World, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	w := &World{
		cfg: cfg,
		rng: rand.New(rand.NewPCG(cfg.Seed, 0x5eed_0f_ea51_a9d)),
		tl:  &timeline{},

		attempts: map[uint64]*attempt{},
	}
	w.net = newNetwork(LinkSettings{LatencyMin: cfg.LatencyMin, LatencyMax: cfg.LatencyMax}, w.childRand())
	w.clientRng = w.childRand()
	for id := uint64(1); id <= MaxMembers; id++ {
		w.nodes[id] = &node{id: id, state: stateAbsent, rng: w.childRand()}
	}
	w.safety.init()
	w.truth = newTruth()
	voters := make([]uint64, cfg.Size)
	for i := range voters {
		voters[i] = uint64(i + 1)
	}
	for _, id := range voters {
		n := w.nodes[id]
		n.voters = voters
		if err := w.startNew(n); err != nil {
			return nil, err
		}
	}
	w.checkpointIfDue()
	return w, nil
}

// childRand derives an independent random stream from the root.
func (w *World) childRand() *rand.Rand {
	return rand.New(rand.NewPCG(w.rng.Uint64(), w.rng.Uint64()))
}

// Config returns the configuration the world was built with.
func (w *World) Config() Config { return w.cfg }

// Now returns the current virtual time.
func (w *World) Now() Time { return w.now }

// Steps returns how many events have run.
func (w *World) Steps() uint64 { return w.steps }

// Step runs the next event: a tick, a delivery, a completed fsync, a client
// action. It returns ErrIdle when nothing is queued and the safety
// violation, if the event broke an invariant.
func (w *World) Step() error {
	if w.violation != nil {
		return fmt.Errorf("%w: %w", ErrStopped, w.violation)
	}
	if w.applyRedo() {
		return w.violationErr()
	}
	ev, ok := w.sched.pop()
	if !ok {
		return ErrIdle
	}
	w.now = ev.at
	w.steps++
	w.dispatch(ev)
	w.pruneIfDue()
	w.checkpointIfDue()
	return w.violationErr()
}

// violationErr returns the violation as an error, or nil.
func (w *World) violationErr() error {
	if w.violation != nil {
		return w.violation
	}
	return nil
}

// RunFor runs every event up to now+d and leaves the clock at now+d.
func (w *World) RunFor(d Duration) error {
	if d < 0 {
		return fmt.Errorf("run for %s: %w", d, ErrBadDuration)
	}
	return w.runTo(w.now.Add(d))
}

// runTo runs every event at or before t, then sets the clock to t.
func (w *World) runTo(t Time) error {
	for {
		if w.violation != nil {
			return fmt.Errorf("%w: %w", ErrStopped, w.violation)
		}
		if w.applyRedoUntil(t) {
			continue
		}
		ev, ok := w.sched.peek()
		if !ok || ev.at > t {
			break
		}
		if err := w.Step(); err != nil {
			return err
		}
	}
	if t > w.now {
		w.now = t
	}
	for w.applyRedoUntil(t) {
	}
	return w.violationErr()
}

// RunUntil runs events until pred holds (checked before the first event and
// after each one) or max virtual time has passed, which is an error wrapping
// ErrDeadline.
func (w *World) RunUntil(pred func(*World) bool, max Duration) error {
	deadline := w.now.Add(max)
	for !pred(w) {
		ev, ok := w.sched.peek()
		if !ok || ev.at > deadline {
			if err := w.runTo(deadline); err != nil {
				return err
			}
			if pred(w) {
				return nil
			}
			return fmt.Errorf("%w: still false after %s", ErrDeadline, max)
		}
		if err := w.Step(); err != nil {
			return err
		}
	}
	return nil
}

// dispatch runs one event.
func (w *World) dispatch(ev event) {
	switch ev.kind {
	case evTick:
		w.onTick(ev)
	case evDeliver:
		w.onDeliver(ev)
	case evSynced:
		w.onSynced(ev)
	case evClientArrive:
		w.onClientArrive(ev)
	case evClientReply:
		w.onClientReply(ev)
	case evClientTimeout:
		w.onClientTimeout(ev)
	case evClientRetry:
		w.onClientRetry(ev)
	case evKeepAlive:
		w.onKeepAlive(ev)
	case evWatchResume:
		w.onWatchResume(ev)
	case evRecipeRetry:
		w.onRecipeRetry(ev)
	default:
		panic(fmt.Sprintf("netsim: unknown event kind %d", ev.kind))
	}
}

// record appends r to the trace at the current time.
func (w *World) record(r Record) {
	r.At = w.now
	w.nRecords++
	r.Seq = w.nRecords
	w.tl.records.put(w.nRecords-1, r)
	if w.nRecords%recordChunk == 0 {
		w.pruneRecords()
	}
}

// Events returns the trace records after cursor since (0: all of them that
// are kept, see Config.TraceKeep). The slice is shared with the world; do
// not modify it.
func (w *World) Events(since int) []Record {
	return w.tl.records.slice(max(since, 0), w.nRecords)
}

// Feed renders the records after since for the UI's explanation feed.
func (w *World) Feed(since int, cat *Catalog) []EventView {
	recs := w.Events(since)
	out := make([]EventView, len(recs))
	for i, r := range recs {
		out[i] = EventView{Seq: r.Seq, AtUs: r.At, Member: r.Member, Client: r.Client, Kind: r.Kind, Text: cat.Render(r), MsgID: r.MsgID}
	}
	return out
}

// Leader returns the member that leads the highest term among the members
// that are up (paused members count: they still believe what they believed).
// An old leader cut off in a lower term does not count.
func (w *World) Leader() (uint64, error) {
	term := w.Term()
	for _, n := range w.nodes[1:] {
		if n.alive() && n.term() == term && n.isLeader() {
			return n.id, nil
		}
	}
	return 0, ErrNoLeader
}

// Term returns the highest term among the members that are up.
func (w *World) Term() uint64 {
	var t uint64
	for _, n := range w.nodes[1:] {
		if n.alive() {
			t = max(t, n.term())
		}
	}
	return t
}

// MessagesSent counts the raft messages put on the wire so far (duplicates
// included). A caller that wants to run until something happens on the
// network compares it before and after, e.g.
// RunUntil(func(w *World) bool { return w.MessagesSent() > n }, max).
func (w *World) MessagesSent() uint64 { return w.net.nextMsgID }

// Members returns the IDs of the members the world has started, in order,
// whatever their state.
func (w *World) Members() []uint64 {
	var ids []uint64
	for _, n := range w.nodes[1:] {
		if n.state != stateAbsent {
			ids = append(ids, n.id)
		}
	}
	return ids
}

// node returns the node for id, or an error naming what is wrong with id.
func (w *World) member(id uint64) (*node, error) {
	if id < 1 || id > MaxMembers {
		return nil, fmt.Errorf("there is no member %d: members are s1 to s%d", id, MaxMembers)
	}
	n := w.nodes[id]
	if n.state == stateAbsent {
		return nil, fmt.Errorf("%s is not part of this world (the cluster has %d members; add it with `member add`)", MemberName(id), w.cfg.Size)
	}
	return n, nil
}
