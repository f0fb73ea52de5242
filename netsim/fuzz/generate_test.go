package fuzz

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raft-playground/playground/netsim/script"
)

func TestGeneratedScriptsParse(t *testing.T) {
	for seed := uint64(1); seed <= 300; seed++ {
		_, lines := Generate(seed)
		_, err := script.Parse(strings.Join(lines, "\n"))
		require.NoError(t, err, "seed %d:\n%s", seed, strings.Join(lines, "\n"))
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	for _, seed := range []uint64{1, 7, 12345} {
		o1, l1 := Generate(seed)
		o2, l2 := Generate(seed)
		assert.Equal(t, o1, o2)
		assert.Equal(t, l1, l2)
	}
	_, a := Generate(1)
	_, b := Generate(2)
	assert.NotEqual(t, a, b, "different seeds give different scripts")
}

// TestSwarmLeavesFaultClassesOut checks the point of swarm testing: across
// seeds, each fault class is sometimes off and sometimes on.
func TestSwarmLeavesFaultClassesOut(t *testing.T) {
	off := map[string]int{}
	on := map[string]int{}
	for seed := uint64(1); seed <= 200; seed++ {
		o := OptionsFor(seed)
		for name, w := range map[string]int{"crashes": o.Crashes, "pauses": o.Pauses, "partitions": o.Partitions,
			"lossy": o.LossyLinks, "membership": o.Membership, "leases": o.Leases, "locks": o.Locks} {
			if w == 0 {
				off[name]++
			} else {
				on[name]++
			}
		}
		assert.Positive(t, o.KV, "client load is always on")
	}
	for name := range on {
		assert.Greater(t, off[name], 40, name)
		assert.Greater(t, on[name], 40, name)
	}
}

func TestGeneratedScriptsEndByHealingAndChecking(t *testing.T) {
	_, lines := Generate(42)
	require.GreaterOrEqual(t, len(lines), 4)
	assert.Equal(t, []string{"check safety", "check linearizable", "check watches"}, lines[len(lines)-3:])
	assert.Contains(t, lines, "heal")
}
