package script

import (
	"bytes"
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// update rewrites the golden traces: `go test ./netsim/script -run TestScenarios -update`.
// Commit only golden diffs you have read and understood.
var update = flag.Bool("update", false, "rewrite the golden traces in netsim/testdata")

// scenarioDir holds the scenario scripts (*.txt) and their traces (*.golden).
const scenarioDir = "../testdata"

func scenarioFiles(t *testing.T) []string {
	files, err := filepath.Glob(filepath.Join(scenarioDir, "*.txt"))
	require.NoError(t, err)
	return files
}

// TestScenarios runs every scenario script: each must pass its own
// expectations, and its trace must match the committed golden file byte for
// byte.
func TestScenarios(t *testing.T) {
	files := scenarioFiles(t)
	require.GreaterOrEqual(t, len(files), 25, "the issue asks for at least 25 scenarios")
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txt")
		t.Run(name, func(t *testing.T) {
			text, err := os.ReadFile(file)
			require.NoError(t, err)
			var trace bytes.Buffer
			_, err = RunScript(string(text), &trace)
			require.NoError(t, err, "the scenario's own expectations must hold; trace:\n%s", tail(trace.String(), 60))
			golden := strings.TrimSuffix(file, ".txt") + ".golden"
			if *update {
				require.NoError(t, os.WriteFile(golden, trace.Bytes(), 0o644))
				return
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "no golden trace; run with -update to create it")
			if !bytes.Equal(want, trace.Bytes()) {
				t.Errorf("trace differs from %s (run with -update and review the diff):\n%s", golden, firstDifference(string(want), trace.String()))
			}
		})
	}
}

// TestScenarioTracesAreDeterministic runs every scenario twice and compares
// the hashes of the traces: the same script must give the same bytes.
func TestScenarioTracesAreDeterministic(t *testing.T) {
	for _, file := range scenarioFiles(t) {
		text, err := os.ReadFile(file)
		require.NoError(t, err)
		hash := func() string {
			var trace bytes.Buffer
			_, err := RunScript(string(text), &trace)
			require.NoError(t, err)
			return fmt.Sprintf("%x", sha256.Sum256(trace.Bytes()))
		}
		assert.Equal(t, hash(), hash(), file)
	}
}

func tail(s string, lines int) string {
	all := strings.Split(s, "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}

// firstDifference shows the first line where two traces differ.
func firstDifference(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n  want: %s\n  got:  %s", i+1, wl, gl)
		}
	}
	return "(no difference)"
}
