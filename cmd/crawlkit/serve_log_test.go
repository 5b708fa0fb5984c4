package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/internal/syncbuf"
)

// TestServeLogsAreTerminalSafe: escape sequences a client sends, in the
// path, the query or a header, never reach the terminal raw: the text log
// writes them as \u001b.
func TestServeLogsAreTerminalSafe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	logs := &syncbuf.Buffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, outW, logs)
		outW.Close()
	}()
	line, err := bufio.NewReader(outR).ReadString('\n')
	require.NoError(t, err)
	go func() { _, _ = io.Copy(io.Discard, outR) }()
	addr := strings.TrimPrefix(strings.Fields(line)[2], "http://")

	for _, raw := range []string{
		"GET /crawl/info%1b[2J%1b]0;pwned%07?id=1&key=demo HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /crawl/info?id=%1b[2J&key=demo HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /crawl/info?id=1&key=demo HTTP/1.1\r\nHost: x\r\nPrefer: code=\x1b[2J\r\n\r\n",
		"GET /__crawlkit/%1b[2J HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
	} {
		conn, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		_, err = conn.Write([]byte(raw))
		require.NoError(t, err)
		status, err := bufio.NewReader(conn).ReadString('\n')
		require.NoError(t, err, raw)
		assert.Regexp(t, `^HTTP/1.1 (400|404) `, status, raw)
		conn.Close()
	}
	cancel()
	require.NoError(t, <-done)

	text := logs.String()
	for i, c := range []byte(text) {
		assert.False(t, (c < 0x20 && c != '\n') || c == 0x7f, "control byte %#x at %d of the log:\n%s", c, i, text)
	}
	assert.Contains(t, text, `path=/crawl/info\u001b[2J\u001b]0;pwned\u0007`)
	assert.Contains(t, text, `path=/__crawlkit/\u001b[2J`)
}
