package main

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// logFlushInterval is the longest a log line waits in the buffer.
const logFlushInterval = 100 * time.Millisecond

// flushingWriter buffers log lines and writes them out at least every
// logFlushInterval, so that a server logging every request makes one write
// a batch rather than one a request. Close writes out what is left.
type flushingWriter struct {
	mu   sync.Mutex
	w    *bufio.Writer
	stop chan struct{}
	done chan struct{}
}

func newFlushingWriter(w io.Writer) *flushingWriter {
	f := &flushingWriter{w: bufio.NewWriterSize(w, 64<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go f.flushEvery(logFlushInterval)
	return f
}

func (f *flushingWriter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.w.Write(p)
}

func (f *flushingWriter) flushEvery(d time.Duration) {
	defer close(f.done)
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-f.stop:
			return
		case <-t.C:
			f.flush()
		}
	}
}

func (f *flushingWriter) flush() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.w.Flush()
}

// Close stops the flushing and writes out what is buffered.
func (f *flushingWriter) Close() error {
	close(f.stop)
	<-f.done
	return f.flush()
}
