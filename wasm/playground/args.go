//go:build js && wasm

package main

import (
	"math"

	"github.com/hack-pad/safejs"

	"github.com/raft-playground/playground/netsim"
)

// stringArg reads argument i as a string.
func stringArg(args []safejs.Value, i int, method, want string) (string, error) {
	if i >= len(args) || args[i].Type() != safejs.TypeString {
		return "", badArgument("%s: argument %d must be %s", method, i+1, want)
	}
	return args[i].String()
}

// maxExactInt is the largest integer a JavaScript number holds exactly.
const maxExactInt = 1<<53 - 1

// intArg reads argument i as a non-negative whole number.
func intArg(args []safejs.Value, i int, method, want string) (int64, error) {
	if i >= len(args) || args[i].Type() != safejs.TypeNumber {
		return 0, badArgument("%s: argument %d must be %s", method, i+1, want)
	}
	f, err := args[i].Float()
	if err != nil {
		return 0, err
	}
	if f < 0 || f > maxExactInt || f != math.Trunc(f) {
		return 0, badArgument("%s: argument %d must be a whole number from 0 to 2^53-1, not %v", method, i+1, f)
	}
	return int64(f), nil
}

// durationArg reads argument i as a positive virtual duration: text such as
// "50ms" or a number of microseconds.
func durationArg(args []safejs.Value, i int, method string) (netsim.Duration, error) {
	const want = `a duration such as "50ms" or a number of microseconds`
	var d netsim.Duration
	if i < len(args) && args[i].Type() == safejs.TypeString {
		text, err := args[i].String()
		if err != nil {
			return 0, err
		}
		if d, err = netsim.ParseDuration(text); err != nil {
			return 0, badArgument("%s: %v", method, err)
		}
	} else {
		us, err := intArg(args, i, method, want)
		if err != nil {
			return 0, err
		}
		d = netsim.Duration(us)
	}
	if d <= 0 {
		return 0, badArgument("%s: argument %d must be longer than zero", method, i+1)
	}
	return d, nil
}
