package main

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startBinary runs the crawlkit binary's serve and returns its base URL.
func startBinary(t *testing.T, bin string, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Dir = t.TempDir() // the binary needs no file beside it
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(line, "listening on "), line)
	return cmd, strings.TrimSpace(strings.TrimPrefix(line, "listening on "))
}

// TestSIGTERMUnderLoadFinishesInFlightAndRestartsTheSame builds the binary,
// sends SIGTERM while requests are in flight, and checks they all finish,
// the process exits 0, and a restart with the same seed and --now answers
// the same.
func TestSIGTERMUnderLoadFinishesInFlightAndRestartsTheSame(t *testing.T) {
	if testing.Short() {
		t.Skip("takes seconds; the full suite runs it")
	}
	bin := filepath.Join(t.TempDir(), "crawlkit")
	build := exec.Command("go", "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))

	cmd, base := startBinary(t, bin, "--seed", "5", "--now", "2026-12-01T09:00:00Z", "--pact-out", "session.json")
	ids := []string{"1", "42", "1003", "999999"}
	before := map[string]string{}
	for _, id := range ids {
		_, body := fetch(t, base+"/crawl/info?id="+id+"&key=k")
		before[id] = string(body)
	}

	const inFlight = 24
	var wg sync.WaitGroup
	statuses := make([]int, inFlight)
	errs := make([]error, inFlight)
	for i := range inFlight {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Get(base + "/crawl/info?id=" + ids[i%len(ids)] + "&key=k&__delay=400ms")
			if err != nil {
				errs[i] = err
				return
			}
			defer resp.Body.Close()
			_, errs[i] = io.Copy(io.Discard, resp.Body)
			statuses[i] = resp.StatusCode
		}()
	}
	time.Sleep(150 * time.Millisecond) // every request is now waiting out its delay
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	wg.Wait()
	for i := range inFlight {
		assert.NoError(t, errs[i], "request %d", i)
		assert.Equal(t, 200, statuses[i], "request %d", i)
	}
	select {
	case err := <-exited:
		assert.NoError(t, err, "exit status 0")
	case <-time.After(15 * time.Second):
		t.Fatal("still running past the shutdown grace")
	}
	pactFile, err := os.ReadFile(filepath.Join(cmd.Dir, "session.json"))
	require.NoError(t, err, "the pact is written at SIGTERM")
	assert.Contains(t, string(pactFile), `"description": "GET /crawl/info with __delay, id answered 200 OK"`, "in-flight requests are in it")

	_, again := startBinary(t, bin, "--seed", "5", "--now", "2026-12-01T09:00:00Z")
	for _, id := range ids {
		_, body := fetch(t, again+"/crawl/info?id="+id+"&key=k")
		assert.Equal(t, before[id], string(body), "crawl %s after a restart", id)
	}
}
