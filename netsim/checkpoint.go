package netsim

// Checkpoints are taken every Config.CheckpointEvery of virtual time, so the
// checkpoint taken at time t sits in slot t/CheckpointEvery. A session left
// running for an hour would otherwise hold 720 frozen copies of the world.
// They are thinned with age instead: the newest CheckpointDense slots keep
// every checkpoint, the CheckpointDense before them every second one, then
// every fourth, and so on. Seeking to a moment restores the nearest earlier
// checkpoint and replays from there, so thinning never changes where a seek
// lands, only how far back it starts: seeking a few seconds back stays as
// quick as before, and seeking an hour back replays a few minutes at most.

// checkpointSlot is the slot of a checkpoint taken at time at.
func checkpointSlot(at Time, every Duration) int64 {
	return int64(at) / int64(every)
}

// keepCheckpoint reports whether the checkpoint in slot stays while the
// newest checkpoint is in slot newest, with dense checkpoints kept whole (0:
// all are kept).
//
// A checkpoint age slots old is in band L when dense·(2^L−1) ≤ age <
// dense·(2^(L+1)−1); band L spans dense·2^L slots and keeps the slots that
// are multiples of 2^L, so it holds about dense checkpoints. The slot 0
// checkpoint (the start) is always kept, so every moment stays reachable.
//
// Invariant: keeping is monotone. As newest grows a slot only moves to
// higher bands, whose strides are multiples of the lower ones, so a
// checkpoint once dropped is never wanted again: thinning can drop it for
// good, and a replay through its slot need not take it again.
func keepCheckpoint(slot, newest int64, dense int) bool {
	if dense <= 0 {
		return true
	}
	age, d := newest-slot, int64(dense)
	stride := int64(1)
	for d*(2*stride-1) <= age {
		stride *= 2
	}
	return slot%stride == 0
}

// thinCheckpoints drops the checkpoints keepCheckpoint no longer keeps,
// after a new one was added at the end of the timeline.
func (w *World) thinCheckpoints() {
	every, dense := w.cfg.CheckpointEvery, w.cfg.CheckpointDense
	cps := w.tl.checkpoints
	if dense <= 0 || len(cps) <= dense {
		return
	}
	newest := checkpointSlot(cps[len(cps)-1].at, every)
	kept := cps[:0]
	for _, cp := range cps {
		if keepCheckpoint(checkpointSlot(cp.at, every), newest, dense) {
			kept = append(kept, cp)
		}
	}
	// Clear the tail so the dropped worlds can be collected.
	clear(cps[len(kept):])
	w.tl.checkpoints = kept
}
