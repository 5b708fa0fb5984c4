package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"os"
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

const cliSecret = "sk_live_CLI_S3CRET_value"

func TestContractAgainstTheMock(t *testing.T) {
	base := serveInProcess(t)
	t.Setenv("CRAWLKIT_API_KEY", cliSecret)
	dir := t.TempDir()
	junit, js := filepath.Join(dir, "c.xml"), filepath.Join(dir, "c.json")
	out, errOut, code := runCLI(t, "contract", "--base-url", base, "--junit", junit, "--json", js, "--poll-interval", "10ms", "--strict")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "passed, 0 failed, 1 skipped")
	assert.Contains(t, errOut, "PASS found/key-query")
	assert.Contains(t, errOut, "SKIP found/bearer")

	for name, content := range map[string]string{"stdout": out, "stderr": errOut, "junit": read(t, junit), "json": read(t, js)} {
		assert.NotContains(t, content, cliSecret, name)
	}
	var doc struct {
		Suites []struct {
			Cases []struct{ Name string } `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal([]byte(read(t, junit)), &doc))
	assert.Greater(t, len(doc.Suites[0].Cases), 30)
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

func TestContractExitCodes(t *testing.T) {
	srv, err := mockserver.New(context.Background(), mockserver.Config{Fixtures: crawlkit.Fixtures(), Catalog: true})
	require.NoError(t, err)
	wrong := broken.All(time.Second)[0]
	ts := httptest.NewServer(wrong.Wrap(srv))
	defer ts.Close()

	out, errOut, code := runCLI(t, "contract", "--base-url", ts.URL, "--key", cliSecret, "--crawl-id", "1003", "--cases", "found/*")
	assert.Equal(t, 1, code, "a violation")
	assert.Contains(t, out, "FAIL found/key-query")
	assert.Contains(t, out, "[schema] /data/id")
	assert.Contains(t, out, "${CRAWLKIT_API_KEY}")
	assert.NotContains(t, out+errOut, cliSecret)

	allowList := filepath.Join(t.TempDir(), "allow.txt")
	require.NoError(t, os.WriteFile(allowList, []byte("# known: ids are strings on staging\nfound/*:schema\n"), 0o600))
	out, _, code = runCLI(t, "contract", "--base-url", ts.URL, "--key", cliSecret, "--crawl-id", "1003", "--cases", "found/*", "--allow-file", allowList)
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "ALLOWED [schema]")

	closed := httptest.NewServer(http.NotFoundHandler())
	url := closed.URL
	closed.Close()
	_, errOut, code = runCLI(t, "contract", "--base-url", url, "--key", cliSecret)
	assert.Equal(t, 2, code, "unreachable")
	assert.Contains(t, errOut, "unreachable")

	for _, args := range [][]string{
		{"contract"},
		{"contract", "--base-url", "nope"},
		{"contract", "--base-url", ts.URL, "--max-body", "lots"},
		{"contract", "--base-url", ts.URL, "--cases", "nothing/*"},
		{"contract", "--base-url", ts.URL, "--allow", "nocolon"},
		{"contract", "--base-url", ts.URL, "--timeout", "-1s"},
	} {
		_, errOut, code := runCLI(t, args...)
		assert.Equal(t, 2, code, args)
		assert.Equal(t, 1, strings.Count(errOut, "\n"), errOut)
	}
}

// TestContractIsNeverGreenByAccident: the exits a CI job relies on, each
// with one line on stderr.
func TestContractIsNeverGreenByAccident(t *testing.T) {
	srv, err := mockserver.New(context.Background(), mockserver.Config{Fixtures: crawlkit.Fixtures(), Catalog: true})
	require.NoError(t, err)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	t.Setenv("CRAWLKIT_API_KEY", "")

	out, errOut, code := runCLI(t, "contract", "--base-url", ts.URL)
	assert.Equal(t, 2, code, "no credentials: the secret is missing, as in a fork's pull request")
	assert.Empty(t, out)
	assert.Equal(t, 1, strings.Count(errOut, "\n"), errOut)
	assert.Contains(t, errOut, "crawlkit: no credentials: ")
	assert.Contains(t, errOut, "--allow-skips runs anyway")

	_, errOut, code = runCLI(t, "contract", "--base-url", ts.URL, "--allow-skips", "--poll-interval", "10ms")
	assert.Equal(t, 0, code, "intended: %s", errOut)

	var hang broken.Implementation
	for _, impl := range broken.All(time.Minute) {
		if impl.Name == "hang" {
			hang = impl
		}
	}
	hanging := httptest.NewServer(hang.Wrap(srv))
	defer hanging.Close()
	out, errOut, code = runCLI(t, "contract", "--base-url", hanging.URL, "--key", cliSecret, "--timeout", "200ms",
		"--crawl-id", "1003", "--missing-crawl-id", "404")
	assert.Equal(t, 2, code)
	assert.Contains(t, out, "NOT RUN ")
	assert.Contains(t, errOut, "is not answering: 3 requests in a row got no answer within --timeout (200ms)")

	_, errOut, code = runCLI(t, "contract", "--base-url", ts.URL+"/api/v1/crawl/info", "--key", cliSecret)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "give the API base")
}

// TestContractJSONToStdout: --json - leaves stdout to the JSON report and
// the text report goes to stderr; an allow-file line that allowed nothing
// is reported with its line.
func TestContractJSONToStdout(t *testing.T) {
	base := serveInProcess(t)
	allowList := filepath.Join(t.TempDir(), "allow.txt")
	require.NoError(t, os.WriteFile(allowList, []byte("# fixed long ago\nauth/none:status-expected\n"), 0o600))
	out, errOut, code := runCLI(t, "contract", "--base-url", base, "--key", cliSecret, "--json", "-", "--poll-interval", "10ms", "--allow-file", allowList)
	require.Equal(t, 0, code, errOut)
	var rep struct {
		Passed   int
		Coverage struct{ Statuses map[string]int }
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	assert.Positive(t, rep.Passed)
	assert.Contains(t, rep.Coverage.Statuses, "500")
	assert.Contains(t, errOut, "passed, 0 failed")
	assert.Contains(t, errOut, "unused allowance "+allowList+":2: auth/none:status-expected")
	assert.NotContains(t, out+errOut, cliSecret)
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"1": 1, "32MiB": 32 << 20, "64 KiB": 64 << 10, "1GiB": 1 << 30, "10B": 10} {
		got, err := parseSize(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "0", "-1", "1TB", "MiB", "99999999999GiB"} {
		_, err := parseSize(in)
		assert.Error(t, err, in)
	}
}
