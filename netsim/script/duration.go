package script

import (
	"fmt"
	"strings"

	"github.com/raft-playground/playground/netsim"
)

// Duration is a span of virtual time in microseconds: the world's own
// duration type, so commands hand durations to the world unchanged.
type Duration = netsim.Duration

// parseDuration reads a duration such as 2s, 1.5s, 150ms or 500us with the
// world's rules (a unit is required, negative values and fractions of a
// microsecond are refused), and also caps it at one virtual day so that a
// typo cannot ask the world to run for years.
func parseDuration(s string) (Duration, error) {
	if s == "" {
		return 0, fmt.Errorf("a duration is missing (for example 150ms)")
	}
	d, err := netsim.ParseDuration(s)
	if err != nil {
		return 0, err
	}
	if d > 24*3600*netsim.Second {
		return 0, fmt.Errorf("duration %q is longer than the limit of one virtual day", s)
	}
	return d, nil
}

// DurationRange is an inclusive range of durations, such as a link latency of
// 5ms..15ms. A single duration is the range [d, d].
type DurationRange struct {
	Min, Max Duration
}

// String renders the range as `min..max`, or as one duration when they are equal.
func (r DurationRange) String() string {
	if r.Min == r.Max {
		return r.Min.String()
	}
	return r.Min.String() + ".." + r.Max.String()
}

// parseDurationRange reads `150ms..300ms` or a single duration.
func parseDurationRange(s string) (DurationRange, error) {
	lo, hi, isRange := strings.Cut(s, "..")
	if !isRange {
		d, err := parseDuration(s)
		return DurationRange{Min: d, Max: d}, err
	}
	min, err := parseDuration(lo)
	if err != nil {
		return DurationRange{}, err
	}
	max, err := parseDuration(hi)
	if err != nil {
		return DurationRange{}, err
	}
	if min > max {
		return DurationRange{}, fmt.Errorf("range %q goes backwards: %v is more than %v", s, min, max)
	}
	return DurationRange{Min: min, Max: max}, nil
}
