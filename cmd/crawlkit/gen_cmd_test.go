package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGenRoundTripsThroughFixturesCheckAndServe(t *testing.T) {
	out, errOut, code := runCLI(t, "gen", "--id", "77", "--seed", "3", "--screenshots", "4", "--status", "processing")
	require.Equal(t, 0, code, errOut)
	var env struct {
		Success bool
		Data    struct {
			ID          int64
			Status      string
			Screenshots []any
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &env))
	assert.Equal(t, int64(77), env.Data.ID)
	assert.Equal(t, "processing", env.Data.Status)
	assert.Len(t, env.Data.Screenshots, 4)

	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "crawl-77.json"), []byte(out), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "scenarios.yaml"), []byte("scenarios:\n  - name: mine\n    match: {id: 78}\n    respond: {fixture: crawl-77.json}\n"), 0o600))
	checked, errOut, code := runCLI(t, "fixtures", "check", dir)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, checked, "1 fixture(s) and 1 scenario(s), all valid")

	base := serveInProcess(t, "--fixtures", dir, "--seed", "9")
	status, body := fetch(t, base+"/crawl/info?id=77&key=k")
	assert.Equal(t, 200, status)
	assert.Equal(t, out, string(body), "served as written")
	status, body = fetch(t, base+"/crawl/info?id=78&key=k")
	assert.Equal(t, 200, status)
	assert.Equal(t, out, string(body))

	again, _, _ := runCLI(t, "gen", "--id", "77", "--seed", "3", "--screenshots", "4", "--status", "processing")
	assert.Equal(t, out, again, "deterministic")
}

func TestFixturesCheckReportsEveryProblem(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.json"), []byte(`{"success":true,"data":{"id":"x"}}`), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "b.json"), []byte(`{"success":true,`), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "scenarios.yaml"), []byte("scenarios:\n  - name: x\n    respond: {status: 418}\n"), 0o600))
	out, errOut, code := runCLI(t, "fixtures", "check", dir)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "a.json: /data/id:")
	assert.Contains(t, out, "a.json: /data/status:")
	assert.Contains(t, out, "b.json: invalid JSON at line 1")
	assert.Contains(t, out, "scenarios.yaml:2: scenario \"x\": respond.status 418")
	assert.Equal(t, 1, strings.Count(errOut, "\n"))
	assert.Contains(t, errOut, "problem(s) in")

	_, _, code = runCLI(t, "fixtures", "check")
	assert.Equal(t, 2, code)
	_, _, code = runCLI(t, "fixtures", "check", filepath.Join(dir, "missing"))
	assert.Equal(t, 2, code)
	_, _, code = runCLI(t, "gen")
	assert.Equal(t, 2, code, "--id is required")
	_, _, code = runCLI(t, "gen", "--id", "0")
	assert.Equal(t, 2, code)
	_, _, code = runCLI(t, "gen", "--id", "1", "--status", "done")
	assert.Equal(t, 2, code)
}

func TestShippedFixturesCheck(t *testing.T) {
	out, errOut, code := runCLI(t, "fixtures", "check", filepath.Join("..", "..", "fixtures"))
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "all valid")
}

func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh"} {
		out, _, code := runCLI(t, "completion", shell)
		assert.Equal(t, 0, code)
		assert.Contains(t, out, "crawlkit", shell)
	}
}
