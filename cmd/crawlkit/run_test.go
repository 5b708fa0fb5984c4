package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v4"
)

func runCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, &out, &errOut)
	code = exitCode(err, &errOut)
	return out.String(), errOut.String(), code
}

func TestSpecCommand(t *testing.T) {
	out, _, code := runCLI(t, "spec")
	require.Equal(t, 0, code)
	var doc map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(out), &doc))
	assert.Equal(t, "3.0.3", doc["openapi"])

	out, _, code = runCLI(t, "spec", "--json")
	require.Equal(t, 0, code)
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	assert.Contains(t, doc["paths"], "/crawl/info")
}

func TestVersionAndHelp(t *testing.T) {
	out, _, code := runCLI(t, "version")
	require.Equal(t, 0, code)
	assert.Regexp(t, `^crawlkit \S+ \(spec 1\.0\.0, go\S+\)\n$`, out)

	for _, args := range [][]string{{"help"}, {"--help"}, {}} {
		out, _, code = runCLI(t, args...)
		assert.Equal(t, 0, code, args)
		assert.Contains(t, out, "serve", args)
		assert.Contains(t, out, "spec", args)
	}
}

func TestUsageErrorsExit2WithOneLine(t *testing.T) {
	tests := [][]string{
		{"frobnicate"},
		{"--nope"},
		{"spec", "--yaml"},
		{"spec", "extra"},
		{"serve", "--log-format", "xml"},
		{"serve", "--seed", "-1"},
		{"serve", "--fixtures", "/does/not/exist"},
		{"serve", "--latency", "5"},
		{"serve", "--latency", "100-800ms"},
		{"serve", "--max-hang", "0s"},
		{"gen", "--id", "1", "--now", "yesterday"},
	}
	for _, args := range tests {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			out, errOut, code := runCLI(t, args...)
			assert.Equal(t, 2, code)
			assert.Empty(t, out)
			assert.Equal(t, 1, strings.Count(errOut, "\n"), errOut)
			assert.True(t, strings.HasPrefix(errOut, "crawlkit: "), errOut)
		})
	}
}

// serveInProcess runs `crawlkit serve args...` until the test ends and
// returns the base URL it printed.
func serveInProcess(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), outW, io.Discard)
		outW.Close()
	}()
	t.Cleanup(func() {
		cancel()
		assert.NoError(t, <-done)
	})
	line, err := bufio.NewReader(outR).ReadString('\n')
	require.NoError(t, err)
	go func() { _, _ = io.Copy(io.Discard, outR) }()
	require.True(t, strings.HasPrefix(line, "listening on http://127.0.0.1:"), line)
	return strings.TrimSpace(strings.TrimPrefix(line, "listening on "))
}

func fetch(t *testing.T, url string) (int, []byte) {
	t.Helper()
	client := http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, body
}

func TestServeCommand(t *testing.T) {
	base := serveInProcess(t)
	status, body := fetch(t, base+"/crawl/info?id=42&key=demo")
	assert.Equal(t, 200, status)
	assert.Contains(t, string(body), `"id":42`)
	status, body = fetch(t, base+"/crawl/info?id=12345&key=demo")
	assert.Equal(t, 200, status)
	assert.Contains(t, string(body), `"domain": "example.com"`)
	status, body = fetch(t, base+"/crawl/info?id=12345&key=invalid")
	assert.Equal(t, 400, status)
	assert.Contains(t, string(body), `"code":"INVALID_API_KEY"`)
}

func TestServeFlagsFromEnvironment(t *testing.T) {
	// The instant pinned: two servers started seconds apart on a busy
	// machine would otherwise time their crawls differently.
	t.Setenv("CRAWLKIT_SEED", "7")
	t.Setenv("CRAWLKIT_NOW", "2026-12-01T09:00:00Z")
	t.Setenv("CRAWLKIT_API_KEY", "k1,k2")
	// Both servers time their crawls to one instant, whatever second each starts in.
	t.Setenv("CRAWLKIT_NOW", "2026-12-01T09:00:00Z")
	fromEnv := serveInProcess(t)
	require.NoError(t, os.Unsetenv("CRAWLKIT_NOW"))
	fromFlags := serveInProcess(t, "--seed", "7", "--api-key", "k1", "--now", "2026-12-01T09:00:00Z")
	_, a := fetch(t, fromEnv+"/crawl/info?id=5&key=k2")
	_, b := fetch(t, fromFlags+"/crawl/info?id=5&key=k1")
	assert.Equal(t, a, b)
	status, _ := fetch(t, fromEnv+"/crawl/info?id=5&key=demo")
	assert.Equal(t, 400, status, "only the keys from CRAWLKIT_API_KEY")

	t.Setenv("CRAWLKIT_SEED", "many")
	_, errOut, code := runCLI(t, "serve", "--addr", "127.0.0.1:0")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "CRAWLKIT_SEED")
}

func TestServeRefusesABrokenFixture(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "crawl-9.json"), []byte(`{"success":true,"data":{"id":9}}`), 0o600))
	_, errOut, code := runCLI(t, "serve", "--addr", "127.0.0.1:0", "--fixtures", dir)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "crawl-9.json: /data/status")
	assert.Equal(t, 1, strings.Count(errOut, "\n"))
}
