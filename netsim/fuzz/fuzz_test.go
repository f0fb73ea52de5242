package fuzz

import (
	"flag"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raft-playground/playground/netsim/script"
)

// seeds is how many seeds TestSwarm runs; `make fuzz SEEDS=N` raises it.
var seeds = flag.Int("seeds", 300, "number of swarm seeds to run")

// firstSeed is the first seed TestSwarm runs.
var firstSeed = flag.Uint64("seed", 1, "first swarm seed")

// TestSwarm runs the swarm simulation for many seeds: safety after every
// event, linearizability and the watch guarantees at the end. A failure
// prints the seed and the script that reproduces it.
func TestSwarm(t *testing.T) {
	for i := 0; i < *seeds; i++ {
		res := Run(*firstSeed + uint64(i))
		if res.Err != nil {
			t.Errorf("seed %d (%s) failed: %v\nreproduce with `go run ./netsim/cmd/raftsim run FILE` on this script:\n%s\nshrunk to:\n%s", res.Seed, res.Options, res.Err, res.Script, res.Shrunk)
		}
	}
}

// TestRunIsDeterministic checks that a seed always gives the same run, and
// that the recorded script replays it: that is what makes a failure's script
// a reproduction.
func TestRunIsDeterministic(t *testing.T) {
	for _, seed := range []uint64{3, 11, 42} {
		a, b := Run(seed), Run(seed)
		require.Equal(t, a.Script, b.Script, "seed %d", seed)
		require.Equal(t, a.Events, b.Events, "seed %d", seed)

		replay, err := script.RunScript(a.Script, nil)
		if a.Err != nil {
			require.Error(t, err, "seed %d: the script must reproduce the failure", seed)
			continue
		}
		require.NoError(t, err, "seed %d", seed)
		assert.Equal(t, a.Events, replay.World().Steps(), "seed %d: the script replays the run event for event", seed)
	}
}
