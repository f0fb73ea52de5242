package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeScript(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "scenario.txt")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	return path
}

func TestRunPrintsTheTrace(t *testing.T) {
	path := writeScript(t, "cluster size=3 seed=1\nrun until=leader max=5s\nexpect leader\n")
	var stdout, stderr bytes.Buffer
	code := run([]string{"run", path}, &stdout, &stderr)
	assert.Equal(t, 0, code, stderr.String())
	assert.Contains(t, stdout.String(), "> run until=leader max=5s")
	assert.Contains(t, stdout.String(), "> expect leader  # ok:")
	assert.Empty(t, stderr.String())
}

func TestRunInChinese(t *testing.T) {
	path := writeScript(t, "cluster size=3 seed=1\nrun until=leader max=5s\n")
	var english, chinese, stderr bytes.Buffer
	require.Equal(t, 0, run([]string{"run", path}, &english, &stderr))
	require.Equal(t, 0, run([]string{"run", "-lang", "zh-CN", path}, &chinese, &stderr))
	assert.NotEqual(t, english.String(), chinese.String())
	assert.Contains(t, chinese.String(), "> run until=leader max=5s", "the script lines are the same in every language")
	assert.Equal(t, 2, run([]string{"run", "-lang", "fr", path}, &english, &stderr))
}

func TestRunFailsOnAFailedExpectation(t *testing.T) {
	path := writeScript(t, "cluster size=3 seed=1\nexpect leader\n")
	var stdout, stderr bytes.Buffer
	assert.Equal(t, 1, run([]string{"run", path}, &stdout, &stderr))
	assert.Equal(t, path+": line 2: expected a leader, found no member that is up is leader; the highest term is 1\n", stderr.String())
}

func TestRunFailsOnABadLine(t *testing.T) {
	path := writeScript(t, "cluster size=3 seed=1\nlink s1->s2 drop=150%\n")
	var stdout, stderr bytes.Buffer
	assert.Equal(t, 1, run([]string{"run", path}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "line 2, column 18: link: drop: percentage \"150%\" is more than 100%")
	assert.Empty(t, stdout.String(), "a bad script runs nothing")
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{nil, {"walk"}, {"run"}, {"run", "a", "b"}, {"fuzz", "-seeds", "0"}, {"fuzz", "extra"}} {
		var stdout, stderr bytes.Buffer
		assert.Equal(t, 2, run(args, &stdout, &stderr), "%q", args)
		assert.Contains(t, stderr.String(), "usage", "%q", args)
	}
	var stdout, stderr bytes.Buffer
	assert.Equal(t, 1, run([]string{"run", filepath.Join(t.TempDir(), "missing.txt")}, &stdout, &stderr))
}

func TestFuzzJSON(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run([]string{"fuzz", "-seeds", "3", "-seed", "1", "-json"}, &stdout, &stderr)
	var report fuzzReport
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &report), stdout.String())
	assert.Equal(t, uint64(1), report.FirstSeed)
	assert.Equal(t, 3, report.Seeds)
	assert.Equal(t, 3, report.Passed+len(report.Failed))
	assert.Positive(t, report.Events)
	assert.Equal(t, map[bool]int{true: 0, false: 1}[len(report.Failed) == 0], code)
}

func TestFuzzTextSummary(t *testing.T) {
	var stdout, stderr bytes.Buffer
	run([]string{"fuzz", "-seeds", "2", "-seed", "4"}, &stdout, &stderr)
	assert.Contains(t, stdout.String(), "seeds 4..5: ")
}
