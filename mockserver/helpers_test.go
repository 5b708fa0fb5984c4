package mockserver_test

import (
	"log/slog"

	"github.com/crawlkit/crawlkit/internal/syncbuf"
)

func newJSONLogger(w *syncbuf.Buffer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, nil))
}
