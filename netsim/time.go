package netsim

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Time is a moment of virtual time: microseconds since the world began. The
// simulator never reads the wall clock; time moves only when an event runs.
type Time int64

// Duration is a span of virtual time in microseconds.
type Duration int64

// Common durations.
const (
	Microsecond Duration = 1
	Millisecond Duration = 1000
	Second      Duration = 1000 * Millisecond
	Minute      Duration = 60 * Second
)

// Add returns t moved forward by d.
func (t Time) Add(d Duration) Time { return t + Time(d) }

// Sub returns the duration from u to t.
func (t Time) Sub(u Time) Duration { return Duration(t - u) }

// String renders t as seconds with six decimals, "1.234567s", so that every
// line of a trace shows the exact microsecond it happened at.
func (t Time) String() string {
	sign := ""
	v := int64(t)
	if v < 0 {
		sign = "-"
		v = -v
	}
	return fmt.Sprintf("%s%d.%06ds", sign, v/1_000_000, v%1_000_000)
}

// String renders d in the largest unit that shows it exactly ("150ms",
// "2s", "1500us"), which is also the form ParseDuration reads back.
func (d Duration) String() string {
	switch {
	case d == 0:
		return "0s"
	case d%Second == 0:
		return strconv.FormatInt(int64(d/Second), 10) + "s"
	case d%Millisecond == 0:
		return strconv.FormatInt(int64(d/Millisecond), 10) + "ms"
	default:
		return strconv.FormatInt(int64(d), 10) + "us"
	}
}

// ErrBadDuration is wrapped by every ParseDuration error.
var ErrBadDuration = errors.New("bad duration")

// ParseDuration reads a duration written as a number and a unit, "us", "ms"
// or "s", such as "150ms", "2s", "1.5s" or "250us". Fractions are allowed as
// long as they name a whole number of microseconds. Negative durations are
// refused: virtual time never runs backwards.
func ParseDuration(s string) (Duration, error) {
	var unit Duration
	var num string
	switch {
	case strings.HasSuffix(s, "us"):
		unit, num = Microsecond, strings.TrimSuffix(s, "us")
	case strings.HasSuffix(s, "ms"):
		unit, num = Millisecond, strings.TrimSuffix(s, "ms")
	case strings.HasSuffix(s, "s"):
		unit, num = Second, strings.TrimSuffix(s, "s")
	default:
		return 0, fmt.Errorf("%w %q: give a number and a unit (us, ms or s), for example 150ms", ErrBadDuration, s)
	}
	if strings.HasPrefix(num, "-") {
		return 0, fmt.Errorf("%w %q: durations cannot be negative", ErrBadDuration, s)
	}
	whole, frac, hasFrac := strings.Cut(num, ".")
	if whole == "" && !hasFrac || hasFrac && frac == "" {
		return 0, fmt.Errorf("%w %q: the number is missing or incomplete", ErrBadDuration, s)
	}
	var d Duration
	if whole != "" {
		w, err := strconv.ParseUint(whole, 10, 63)
		if err != nil || w > uint64(1<<62)/uint64(unit) {
			return 0, fmt.Errorf("%w %q: %q is not a whole number in range", ErrBadDuration, s, whole)
		}
		d = Duration(w) * unit
	}
	if hasFrac {
		scale := unit
		for _, c := range frac {
			if c < '0' || c > '9' {
				return 0, fmt.Errorf("%w %q: %q is not a number", ErrBadDuration, s, num)
			}
			if scale%10 != 0 {
				if c != '0' {
					return 0, fmt.Errorf("%w %q: finer than a microsecond", ErrBadDuration, s)
				}
				continue
			}
			scale /= 10
			d += Duration(c-'0') * scale
		}
	}
	return d, nil
}
