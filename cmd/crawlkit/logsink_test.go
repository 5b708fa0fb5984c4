package main

import (
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/internal/syncbuf"
)

func TestFlushingWriterWritesOutOnTimeAndOnClose(t *testing.T) {
	var out syncbuf.Buffer
	f := newFlushingWriter(&out)
	_, err := io.WriteString(f, "one\n")
	require.NoError(t, err)
	assert.Eventually(t, func() bool { return out.String() == "one\n" }, 5*time.Second, 10*time.Millisecond, "within the flush interval")
	_, err = io.WriteString(f, "two\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	assert.Equal(t, "one\ntwo\n", out.String(), "what is left, on Close")
}
