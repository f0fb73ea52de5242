package script

import (
	"fmt"
	"strconv"
	"strings"
)

// Duration is a span of virtual time in microseconds, the world's clock unit.
type Duration int64

// Common durations, for building commands in Go.
const (
	Microsecond Duration = 1
	Millisecond Duration = 1000
	Second      Duration = 1000 * Millisecond
)

// maxDuration bounds every duration a script may name (one virtual day), so
// arithmetic on virtual time can never overflow.
const maxDuration = 24 * 3600 * Second

// String renders d in the largest unit that represents it exactly: 2s, 150ms, 7us.
func (d Duration) String() string {
	switch {
	case d != 0 && d%Second == 0:
		return strconv.FormatInt(int64(d/Second), 10) + "s"
	case d != 0 && d%Millisecond == 0:
		return strconv.FormatInt(int64(d/Millisecond), 10) + "ms"
	default:
		return strconv.FormatInt(int64(d), 10) + "us"
	}
}

// parseDuration reads a duration such as 2s, 1.5s, 150ms or 500us. Negative
// durations, missing units and values finer than a microsecond are refused.
func parseDuration(s string) (Duration, error) {
	if s == "" {
		return 0, fmt.Errorf("a duration is missing (for example 150ms)")
	}
	if strings.HasPrefix(s, "-") {
		return 0, fmt.Errorf("duration %q is negative", s)
	}
	var unit Duration
	var number string
	switch {
	case strings.HasSuffix(s, "us"):
		unit, number = Microsecond, strings.TrimSuffix(s, "us")
	case strings.HasSuffix(s, "ms"):
		unit, number = Millisecond, strings.TrimSuffix(s, "ms")
	case strings.HasSuffix(s, "s"):
		unit, number = Second, strings.TrimSuffix(s, "s")
	default:
		return 0, fmt.Errorf("duration %q needs a unit: us, ms or s", s)
	}
	micros, ok := scaleDecimal(number, int64(unit))
	if !ok {
		return 0, fmt.Errorf("duration %q is not a number followed by us, ms or s", s)
	}
	if micros < 0 {
		return 0, fmt.Errorf("duration %q is not a whole number of microseconds", s)
	}
	if Duration(micros) > maxDuration {
		return 0, fmt.Errorf("duration %q is longer than the limit of 24h", s)
	}
	return Duration(micros), nil
}

// scaleDecimal multiplies the unsigned decimal number s (digits with at most
// one point) by scale and returns the product if it is a whole number. It
// returns -1, true when the number is well formed but the product has a
// fraction, and false when s is not a number. Exact integer arithmetic keeps
// parsing free of floating-point rounding.
func scaleDecimal(s string, scale int64) (int64, bool) {
	whole, frac, hasPoint := strings.Cut(s, ".")
	if whole == "" && frac == "" || hasPoint && frac == "" || !allDigits(whole) || !allDigits(frac) {
		return 0, false
	}
	if len(whole) > 12 || len(frac) > 12 {
		return 0, false
	}
	var w int64
	if whole != "" {
		w, _ = strconv.ParseInt(whole, 10, 64)
	}
	total := w * scale
	if frac == "" {
		return total, true
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	denominator := int64(1)
	for range frac {
		denominator *= 10
	}
	if (f*scale)%denominator != 0 {
		return -1, true
	}
	return total + f*scale/denominator, true
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// DurationRange is an inclusive range of durations, such as an election
// timeout of 150ms..300ms. A single duration is the range [d, d].
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
