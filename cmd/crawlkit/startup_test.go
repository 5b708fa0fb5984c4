package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/mockserver"
)

// TestServeNamesTheConsoleAndTheRealPort: with port 0 the start-up lines
// name the port picked and the console's URL, which answers.
func TestServeNamesTheConsoleAndTheRealPort(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, outW, io.Discard)
		outW.Close()
	}()
	t.Cleanup(func() {
		cancel()
		assert.NoError(t, <-done)
	})
	lines := bufio.NewReader(outR)
	listening, err := lines.ReadString('\n')
	require.NoError(t, err)
	console, err := lines.ReadString('\n')
	require.NoError(t, err)
	go func() { _, _ = io.Copy(io.Discard, outR) }()

	base, ok := strings.CutPrefix(strings.TrimSpace(listening), "listening on http://")
	require.True(t, ok, listening)
	_, port, err := net.SplitHostPort(base)
	require.NoError(t, err)
	assert.NotEqual(t, "0", port, "the port picked, not 0")
	assert.Equal(t, "console at http://"+base+"/__crawlkit/\n", console)
	status, body := fetch(t, strings.TrimPrefix(strings.TrimSpace(console), "console at "))
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, string(body), "<html")
}

// TestATakenPortSaysHowToChooseAnother: serve and proxy on a port another
// program holds exit with one line naming --addr with the next port and
// with port 0.
func TestATakenPortSaysHowToChooseAnother(t *testing.T) {
	held, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer held.Close()
	addr := held.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	n, _ := strconv.Atoi(port)
	for _, args := range [][]string{
		{"serve", "--addr", addr},
		{"proxy", "--upstream", "http://127.0.0.1:1", "--addr", addr},
	} {
		t.Run(args[0], func(t *testing.T) {
			_, errOut, code := runCLI(t, args...)
			assert.Equal(t, exitFailure, code)
			assert.Equal(t, 1, strings.Count(errOut, "\n"), errOut)
			assert.Contains(t, errOut, "address already in use")
			assert.Contains(t, errOut, "--addr 127.0.0.1:"+strconv.Itoa(n+1))
			assert.Contains(t, errOut, "--addr 127.0.0.1:0 for any free one")
		})
	}
}

// TestCredentialHintsNameTheEnvironment: the refusal to run without
// credentials names CRAWLKIT_API_KEY and CRAWLKIT_BEARER, not flags whose
// values process lists show.
func TestCredentialHintsNameTheEnvironment(t *testing.T) {
	t.Setenv("CRAWLKIT_API_KEY", "")
	t.Setenv("CRAWLKIT_BEARER", "")
	base := serveInProcess(t)
	_, errOut, code := runCLI(t, "contract", "--base-url", base)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "CRAWLKIT_API_KEY")
	assert.Contains(t, errOut, "CRAWLKIT_BEARER")
	assert.NotContains(t, errOut, "--key")
	assert.NotContains(t, errOut, "--bearer")
}

// TestServeSetsAMemoryLimitAboveItsCaches: the limit serve sets leaves room
// above what its caches may hold (it was once below: the collector ran
// without end once they filled).
func TestServeSetsAMemoryLimitAboveItsCaches(t *testing.T) {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		t.Skip("GOMEMLIMIT is set: serve leaves the limit to it")
	}
	before := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(before)
	serveInProcess(t)
	limit := debug.SetMemoryLimit(-1)
	assert.Equal(t, mockserver.MemoryLimit(mockserver.Config{}), limit)
	assert.Greater(t, limit, int64(mockserver.DefaultCacheBytes+mockserver.DefaultLargeCacheBytes+mockserver.MemoryHeadroom))
}
