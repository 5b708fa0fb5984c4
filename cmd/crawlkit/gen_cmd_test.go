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

	pinned, _, _ := runCLI(t, "gen", "--id", "77", "--seed", "3", "--now", "2026-12-01T09:00:00Z")
	again, _, _ := runCLI(t, "gen", "--id", "77", "--seed", "3", "--now", "2026-12-01T09:00:00Z")
	assert.Equal(t, pinned, again, "deterministic for a seed and --now")
}

// TestGenPrintsWhatTheMockServes: for any id, gen with the mock's seed and
// now prints the body the mock answers, catalog entries and progressions
// included, in a form fixtures check accepts.
func TestGenPrintsWhatTheMockServes(t *testing.T) {
	const now = "2026-12-01T09:00:00Z"
	base := serveInProcess(t, "--seed", "4", "--now", now)
	for _, id := range []string{"42", "1002", "1004", "1006", "7001", "12345"} {
		out, errOut, code := runCLI(t, "gen", "--id", id, "--seed", "4", "--now", now)
		require.Equal(t, 0, code, errOut)
		status, body := fetch(t, base+"/crawl/info?id="+id+"&key=k")
		require.Equal(t, 200, status)
		assert.JSONEq(t, string(body), out, "crawl %s", id)
	}
	// The catalog tells a running mock's now.
	_, catalog := fetch(t, base+"/__crawlkit/catalog")
	assert.Contains(t, string(catalog), `"now": "`+now+`"`)
	// A progression's later poll.
	out, _, code := runCLI(t, "gen", "--id", "7001", "--seed", "4", "--now", now, "--poll", "2")
	require.Equal(t, 0, code)
	_, _ = fetch(t, base+"/crawl/info?id=7001&key=k") // poll 1; poll 0 was taken above
	_, body := fetch(t, base+"/crawl/info?id=7001&key=k")
	assert.JSONEq(t, string(body), out)
}

func TestGenReshapesAndKeepsTheCrawl(t *testing.T) {
	crawlOf := func(out string) (c struct {
		Domain, Status string
		Screenshots    []struct{ ID int64 }
	}) {
		var env struct{ Data json.RawMessage }
		require.NoError(t, json.Unmarshal([]byte(out), &env))
		require.NoError(t, json.Unmarshal(env.Data, &c))
		return c
	}
	base, _, _ := runCLI(t, "gen", "--id", "42", "--now", "2026-12-01T09:00:00Z")
	errored, _, code := runCLI(t, "gen", "--id", "42", "--now", "2026-12-01T09:00:00Z", "--status", "error")
	require.Equal(t, 0, code)
	assert.Equal(t, crawlOf(base).Domain, crawlOf(errored).Domain, "another status, the same crawl")
	assert.Equal(t, "error", crawlOf(errored).Status)
	assert.Equal(t, crawlOf(base).Screenshots[0].ID, crawlOf(errored).Screenshots[0].ID)

	// A shape it cannot honour is an error, not silently changed.
	_, errOut, code := runCLI(t, "gen", "--id", "42", "--status", "in_queue", "--screenshots", "5")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "in_queue has no screenshots")
	// An id the mock answers with an error or a fault prints no crawl.
	_, errOut, code = runCLI(t, "gen", "--id", "404")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "404 NOT_FOUND")
	_, errOut, code = runCLI(t, "gen", "--id", "5001")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `fault "reset"`)
	_, _, code = runCLI(t, "gen", "--id", "42", "--now", "yesterday")
	assert.Equal(t, 2, code)
}

func TestGenOutCreatesTheFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "my-fixtures", "nested")
	out, errOut, code := runCLI(t, "gen", "--id", "42", "--out", dir)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, filepath.Join(dir, "crawl-42.json"))
	checked, errOut, code := runCLI(t, "fixtures", "check", dir)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, checked, "1 fixture(s) and 0 scenario(s), all valid\n")
}

func TestFixturesCheckWarns(t *testing.T) {
	dir := t.TempDir()
	out, _, code := runCLI(t, "gen", "--id", "43", "--now", "2026-12-01T09:00:00Z", "--status", "finished", "--screenshots", "3")
	require.Equal(t, 0, code)
	// Named for crawl 42, holding 43; and a finished crawl that did not
	// process all it discovered.
	out = strings.Replace(out, `"total_discovered": 3`, `"total_discovered": 9`, 1)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "crawl-42.json"), []byte(out), 0o600))
	checked, errOut, code := runCLI(t, "fixtures", "check", dir)
	require.Equal(t, 0, code, "warnings do not fail the check: %s", errOut)
	assert.Contains(t, checked, "warning: crawl-42.json: its name says crawl 42 but /data/id is 43")
	assert.Contains(t, checked, "warning: crawl-42.json: /data/total_discovered: a finished crawl processed 3 of the 9 pages it discovered (finished-adds-up)")
	assert.Contains(t, checked, "all valid, 2 warning(s)")
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
	assert.Contains(t, out, "scenarios.yaml:3: scenario \"x\": respond.status 418")
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
