package main

import (
	"context"
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
	out, errOut, code := runCLI(t, "contract", "--base-url", base, "--junit", junit, "--json", js)
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
