package main

import (
	"bufio"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProxyCommand(t *testing.T) {
	upstream := serveInProcess(t)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"proxy", "--addr", "127.0.0.1:0", "--upstream", upstream + "/api/v1", "--record", dir}, outW, io.Discard)
		outW.Close()
	}()
	defer func() {
		cancel()
		assert.NoError(t, <-done)
	}()
	line, err := bufio.NewReader(outR).ReadString('\n')
	require.NoError(t, err)
	go func() { _, _ = io.Copy(io.Discard, outR) }()
	base := strings.TrimSpace(strings.TrimPrefix(line, "listening on "))
	status, body := fetch(t, base+"/crawl/info?id=1003&key=k")
	assert.Equal(t, 200, status)
	_, direct := fetch(t, upstream+"/crawl/info?id=1003&key=k")
	assert.Equal(t, direct, body)
	assert.FileExists(t, filepath.Join(dir, "crawl-1003.json"))

	_, errOut, code := runCLI(t, "proxy")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "--upstream is required")
	_, _, code = runCLI(t, "proxy", "--upstream", "ftp://x")
	assert.Equal(t, 2, code)
}
