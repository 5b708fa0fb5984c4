package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit"
	"github.com/crawlkit/crawlkit/internal/broken"
	"github.com/crawlkit/crawlkit/mockserver"
)

// mockServer serves crawlkit's mock, catalog on, behind wrap.
func mockServer(t *testing.T, wrap func(http.Handler) http.Handler) string {
	t.Helper()
	srv, err := mockserver.New(context.Background(), mockserver.Config{Seed: 1, Fixtures: crawlkit.Fixtures(), Catalog: true})
	require.NoError(t, err)
	ts := httptest.NewServer(wrap(srv))
	t.Cleanup(ts.Close)
	return ts.URL
}

func brokenImpl(t *testing.T, name string) broken.Implementation {
	t.Helper()
	for _, impl := range broken.All(time.Second) {
		if impl.Name == name {
			return impl
		}
	}
	t.Fatalf("no broken implementation %q", name)
	return broken.Implementation{}
}

// TestContractFailOnErrorCode: a code the contract does not name for the
// status warns; --fail-on error-code and --strict fail the run.
func TestContractFailOnErrorCode(t *testing.T) {
	base := mockServer(t, brokenImpl(t, "missing crawl with another code").Wrap)
	args := []string{"contract", "--base-url", base, "--key", cliSecret, "--crawl-id", "1003", "--missing-crawl-id", "404", "--cases", "crawl/missing"}
	for _, tt := range []struct {
		extra []string
		code  int
		line  string
	}{
		{nil, 0, `  WARN    [error-code] /code: code "CRAWL_NOT_FOUND" is not one the contract names for 404 (NOT_FOUND)`},
		{[]string{"--fail-on", "error-code"}, 1, `  FAIL    [error-code] /code: code "CRAWL_NOT_FOUND" is not one the contract names for 404 (NOT_FOUND)`},
		{[]string{"--strict"}, 1, `  FAIL    [error-code] /code: code "CRAWL_NOT_FOUND"`},
	} {
		out, errOut, code := runCLI(t, append(args, tt.extra...)...)
		assert.Equal(t, tt.code, code, "%v: %s", tt.extra, errOut)
		assert.Contains(t, out, tt.line, tt.extra)
	}
	_, errOut, code := runCLI(t, append(args, "--fail-on", "schema")...)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `--fail-on "schema": only coherence, drift, error-code warn`)
}

// TestContractDeadlineCutsARunningCrawl: the running crawl cut mid-poll by
// --deadline is not run on stderr, stdout, JSON and in the exit code, and
// messages name flags.
func TestContractDeadlineCutsARunningCrawl(t *testing.T) {
	base := mockServer(t, func(h http.Handler) http.Handler { return h })
	js := filepath.Join(t.TempDir(), "c.json")
	out, errOut, code := runCLI(t, "contract", "--base-url", base, "--key", cliSecret, "--cases", "running/progress",
		"--poll-interval", "1m", "--deadline", "2s", "--json", js)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "NOT RUN running/progress: the --deadline of 2s passed\n")
	assert.NotContains(t, errOut, "FAIL running/progress")
	assert.Contains(t, out, "\nNOT RUN running/progress: the --deadline of 2s passed\n")
	assert.Contains(t, out, "0 passed, 0 failed, 0 skipped, 1 not run")
	var rep struct {
		Cases []struct{ Outcome string }
	}
	require.NoError(t, json.Unmarshal([]byte(read(t, js)), &rep))
	assert.Equal(t, "not_run", rep.Cases[0].Outcome)
}

// TestContractNamesFlags: findings from the command line name its flags.
func TestContractNamesFlags(t *testing.T) {
	base := mockServer(t, brokenImpl(t, "bad key answered 401").Wrap)
	out, _, code := runCLI(t, "contract", "--base-url", base, "--key", cliSecret, "--cases", "auth/invalid-key")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "--allow 'auth/invalid-key:status-*' accepts it")
	assert.NotContains(t, out, "Config.")

	endless := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		for r.Context().Err() == nil {
			if _, err := w.Write([]byte(strings.Repeat(" ", 32<<10))); err != nil {
				return
			}
		}
	}))
	defer endless.Close()
	out, _, code = runCLI(t, "contract", "--base-url", endless.URL, "--key", cliSecret, "--crawl-id", "1", "--cases", "found/key-query", "--max-body", "1MiB")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "[transport] the body is larger than --max-body (1048576 bytes); reading stopped there")
}

// TestContractNamesTheBodyBudget: valid JSON whose checks would take more
// than --max-body is a finding that names the flag and the value that
// checks it.
func TestContractNamesTheBodyBudget(t *testing.T) {
	zeros := "[" + strings.Repeat("0,", 1<<19) + "0]"
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(zeros))
	}))
	defer ts.Close()
	out, _, code := runCLI(t, "contract", "--base-url", ts.URL, "--key", cliSecret, "--crawl-id", "1", "--cases", "found/key-query", "--max-body", "2MiB")
	assert.Equal(t, 1, code)
	assert.Regexp(t, `FAIL +\[json\] the body holds 524290 JSON values, which would take about \d+ MB to decode and check, more than the 8388608 bytes a body may take \(--max-body, at least 8 MiB\): not decoded, not checked further \(hint: --max-body \d+ or more checks it, with that much memory per case\)`, out)
	assert.NotContains(t, out, "Config.")
}
