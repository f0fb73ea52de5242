package netsim

import (
	"fmt"
	"math/rand/v2"
)

// LinkSettings are the fault knobs of one direction of one link.
type LinkSettings struct {
	// LatencyMin and LatencyMax bound the one-way delay, drawn uniformly.
	LatencyMin Duration `json:"latencyMinUs"`
	LatencyMax Duration `json:"latencyMaxUs"`
	// DropPercent is the chance, 0–100, that a message is lost.
	DropPercent float64 `json:"dropPercent"`
	// DuplicatePercent is the chance that a message arrives twice.
	DuplicatePercent float64 `json:"duplicatePercent"`
	// ReorderPercent is the chance that a message may overtake the ones sent
	// before it. Without it a link is first-in first-out, like the TCP
	// streams etcd's members use; a reordered message also gets up to one
	// extra LatencyMax of delay so that others can overtake it in turn.
	ReorderPercent float64 `json:"reorderPercent"`
}

// Validate reports knobs out of range, naming the knob.
func (l LinkSettings) Validate() error {
	if l.LatencyMin < 0 || l.LatencyMax < 0 {
		return fmt.Errorf("link latency %s..%s: durations cannot be negative", l.LatencyMin, l.LatencyMax)
	}
	if l.LatencyMax < l.LatencyMin {
		return fmt.Errorf("link latency %s..%s ends before it starts", l.LatencyMin, l.LatencyMax)
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"drop", l.DropPercent}, {"duplicate", l.DuplicatePercent}, {"reorder", l.ReorderPercent}} {
		if !(p.v >= 0 && p.v <= 100) {
			return fmt.Errorf("link %s=%g%% is out of range: a percentage is between 0%% and 100%%", p.name, p.v)
		}
	}
	return nil
}

// chance draws whether an event of probability percent/100 happens. It draws
// nothing for 0% and 100%, so turning a knob fully on or off does not shift
// the random stream of everything else.
func chance(rng *rand.Rand, percent float64) bool {
	switch {
	case percent <= 0:
		return false
	case percent >= 100:
		return true
	}
	return rng.Float64()*100 < percent
}

// latency draws a delay in [min, max].
func latency(rng *rand.Rand, min, max Duration) Duration {
	if max <= min {
		return min
	}
	return min + Duration(rng.Int64N(int64(max-min)+1))
}
