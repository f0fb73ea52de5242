package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/raft-playground/playground/netsim/fuzz"
)

// fuzzReport is the machine-readable summary of `raftsim fuzz -json`.
type fuzzReport struct {
	FirstSeed uint64 `json:"firstSeed"`
	Seeds     int    `json:"seeds"`
	Passed    int    `json:"passed"`
	// Inconclusive counts passed seeds whose linearizability search was too
	// large to finish.
	Inconclusive int           `json:"inconclusive"`
	Failed       []fuzzFailure `json:"failed"`
	// VirtualUs is the virtual time simulated over all seeds, in µs.
	VirtualUs int64 `json:"virtualUs"`
	Events    int64 `json:"events"`
}

type fuzzFailure struct {
	Seed    uint64 `json:"seed"`
	Options string `json:"options"`
	Error   string `json:"error"`
	Script  string `json:"script"`
	// Shrunk is the shortest script found that fails the same way.
	Shrunk string `json:"shrunk"`
}

// runFuzz runs swarm simulations and reports failures with the seed and the
// script that reproduces each.
func runFuzz(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("raftsim fuzz", flag.ContinueOnError)
	fs.SetOutput(stderr)
	seeds := fs.Int("seeds", 100, "number of seeds to run")
	first := fs.Uint64("seed", 1, "first seed")
	asJSON := fs.Bool("json", false, "print a JSON report instead of text")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *seeds < 1 || fs.NArg() > 0 {
		fmt.Fprint(stderr, "usage: raftsim fuzz -seeds N [-seed S] [-json]\n")
		return 2
	}
	report := fuzzReport{FirstSeed: *first, Seeds: *seeds, Failed: []fuzzFailure{}}
	for i := 0; i < *seeds; i++ {
		res := fuzz.Run(*first + uint64(i))
		report.VirtualUs += int64(res.VirtualTime)
		report.Events += int64(res.Events)
		if res.Err == nil {
			report.Passed++
			if res.Inconclusive {
				report.Inconclusive++
			}
			continue
		}
		report.Failed = append(report.Failed, fuzzFailure{Seed: res.Seed, Options: res.Options.String(), Error: res.Err.Error(), Script: res.Script, Shrunk: res.Shrunk})
		if !*asJSON {
			fmt.Fprintf(stdout, "FAIL seed %d (%s)\n%v\nreproduce with `raftsim run FILE` on this script:\n%s\nor on this shorter one that fails the same way:\n%s\n", res.Seed, res.Options, res.Err, res.Script, res.Shrunk)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(report); err != nil {
			fmt.Fprintf(stderr, "raftsim: %v\n", err)
			return 1
		}
	} else {
		fmt.Fprintf(stdout, "seeds %d..%d: %d passed (%d with an inconclusive linearizability search), %d failed; %.1f virtual seconds, %d events\n",
			report.FirstSeed, report.FirstSeed+uint64(report.Seeds)-1, report.Passed, report.Inconclusive, len(report.Failed), float64(report.VirtualUs)/1e6, report.Events)
	}
	if len(report.Failed) > 0 {
		return 1
	}
	return 0
}
