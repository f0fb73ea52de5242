package netsim

import (
	"fmt"
	"reflect"
	"slices"

	"github.com/raft-playground/playground/core/raft"
	"github.com/raft-playground/playground/kvstate"
)

// timeline holds the world's append-only logs: the trace, the client
// history, the watch deliveries, the commands and the checkpoints. It is
// shared between the live world and its checkpoints instead of being copied
// into each: a world owns the first n elements of each log (its nRecords,
// nHistory, nWatch and nCommands), and rewinding just lowers those counts.
// Replaying from a checkpoint regenerates exactly the elements it overwrites,
// so a prefix that some checkpoint owns never changes.
//
// Commands beyond the live world's nCommands are the future of a rewound
// world: running forward applies them again at the same step, until a new
// command forks the timeline and drops that future.
type timeline struct {
	// records is the trace; Config.TraceKeep may drop its oldest part.
	records     recordLog
	history     []historyEvent
	watch       []WatchDelivery
	storeEvents []kvstate.Event
	commands    []command
	checkpoints []checkpoint
}

// checkpointShared are the types checkpoints share with the live world
// instead of copying: the append-only timeline.
var checkpointShared = []reflect.Type{reflect.TypeFor[timeline]()}

// checkpointShallow are immutable values checkpoints share: a raft entry's
// payload never changes once the entry exists, and logs hold many of them.
//
// raft.Snapshot would qualify too (its data, the whole store encoded, is
// replaced whole, never edited), but sharing it made the js/wasm runtime
// report a bad pointer while copying an hour-long session with a client
// writing (BenchmarkSeekAfterAnHour/puts/widest-gap under node, not
// natively); until that is understood, snapshots are copied.
var checkpointShallow = []reflect.Type{reflect.TypeFor[raft.Entry]()}

// snapshotWorld copies the world for a checkpoint or a restore.
func snapshotWorld(w *World) *World {
	return deepCopy(w, checkpointShared, checkpointShallow)
}

// checkpoint is a frozen copy of the world after its steps-th event.
type checkpoint struct {
	at    Time
	steps uint64
	world *World
}

// checkpointIfDue freezes the world when the clock has passed the next
// checkpoint time and no checkpoint for this step exists yet (a replay passes
// the same points again).
func (w *World) checkpointIfDue() {
	every := w.cfg.CheckpointEvery
	if every == 0 || w.now < w.nextCheckpoint {
		return
	}
	w.nextCheckpoint = Time((int64(w.now)/int64(every) + 1) * int64(every))
	cps := w.tl.checkpoints
	i, found := slices.BinarySearchFunc(cps, w.steps, func(c checkpoint, steps uint64) int {
		switch {
		case c.steps < steps:
			return -1
		case c.steps > steps:
			return 1
		}
		return 0
	})
	if found {
		return
	}
	if i < len(cps) && !keepCheckpoint(checkpointSlot(w.now, every), checkpointSlot(cps[len(cps)-1].at, every), w.cfg.CheckpointDense) {
		// A replay in a rewound world passes a moment whose checkpoint was
		// thinned away; thinning is for good, so it is not taken again.
		return
	}
	cp := checkpoint{at: w.now, steps: w.steps, world: snapshotWorld(w)}
	w.tl.checkpoints = slices.Insert(cps, i, cp)
	if i == len(cps) {
		w.thinCheckpoints()
	}
}

// pruneInterval is the virtual time between two prunings of the safety
// checker's memory.
const pruneInterval = 5 * Second

// pruneIfDue forgets, every pruneInterval, what the safety checks can no
// longer need (see safety.prune). It runs at the same steps in a replay as
// in the original run, so both worlds stay alike.
func (w *World) pruneIfDue() {
	if w.now < w.nextPrune {
		return
	}
	w.nextPrune = w.now.Add(pruneInterval)
	w.safety.prune(w.snapshotFloor())
}

// snapshotFloor is the lowest snapshot index of any member of the world,
// crashed ones included: nothing at or below it is ever sent or applied
// again.
func (w *World) snapshotFloor() uint64 {
	floor := uint64(1<<64 - 1)
	for _, n := range w.nodes[1:] {
		if n.state != stateAbsent {
			floor = min(floor, n.disk.Snapshot.Metadata.Index)
		}
	}
	if floor == 1<<64-1 {
		return 0
	}
	return floor
}

// Seek moves the world to virtual time t. It restores the latest
// checkpoint at or before t when that is closer to t than the present (so
// seeking back, or far ahead in a rewound timeline, is quick) and runs from
// there, applying the commands recorded for that stretch. Acting after
// seeking back forks the timeline: the recorded future is dropped.
func (w *World) Seek(t Time) error {
	if t < 0 {
		return fmt.Errorf("seek to %s: %w", t, ErrBadDuration)
	}
	var from *checkpoint
	for i := len(w.tl.checkpoints) - 1; i >= 0; i-- {
		if w.tl.checkpoints[i].at <= t {
			from = &w.tl.checkpoints[i]
			break
		}
	}
	switch {
	case t >= w.now && (from == nil || from.steps <= w.steps):
		return w.runTo(t)
	case from == nil:
		return ErrNoCheckpoint
	}
	*w = *snapshotWorld(from.world)
	return w.runTo(t)
}

// fork makes the present the end of the timeline before a new command is
// recorded: commands and checkpoints of a rewound future are dropped, and
// so are the trace, history and watch deliveries of that future.
func (w *World) fork() {
	tl := w.tl
	tl.commands = tl.commands[:w.nCommands]
	tl.records.truncate(w.nRecords)
	tl.history = tl.history[:w.nHistory]
	tl.watch = tl.watch[:w.nWatch]
	tl.storeEvents = tl.storeEvents[:w.nStoreEvents]
	cps := w.tl.checkpoints
	for len(cps) > 0 && cps[len(cps)-1].steps > w.steps {
		cps = cps[:len(cps)-1]
	}
	w.tl.checkpoints = cps
}

// put stores v at position i of a timeline log: over the old element when a
// replay passes a stretch the log already holds (the value is the same,
// since the world is deterministic), appended otherwise. It never shortens
// the log, because later checkpoints still own its tail.
func put[T any](log *[]T, i int, v T) {
	if i < len(*log) {
		(*log)[i] = v
		return
	}
	*log = append(*log, v)
}

// pruneRecords drops the trace records older than Config.TraceKeep, a
// chunk at a time.
func (w *World) pruneRecords() {
	if keep := w.cfg.TraceKeep; keep > 0 && w.nRecords == w.tl.records.end() {
		w.tl.records.dropBefore(w.now.Add(-keep))
	}
}
