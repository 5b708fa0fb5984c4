package mockserver_test

import (
	"log/slog"
	"strings"
	"sync"
)

// logBuffer collects the server's log lines; safe to read while it writes.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newJSONLogger(w *logBuffer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, nil))
}
