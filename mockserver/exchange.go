package mockserver

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/crawlkit/crawlkit/internal/envelope"
	"github.com/crawlkit/crawlkit/internal/httpserver"
	"github.com/crawlkit/crawlkit/internal/journal"
)

// exchange is what the handlers learn about one request, for its log line
// and its journal entry.
type exchange struct {
	requestID  string
	crawlID    int64
	answeredBy string
	fault      string
}

type exchangeKey struct{}

// exchangeOf returns the request's exchange; every request through the
// server has one.
func exchangeOf(ctx context.Context) *exchange {
	if x, ok := ctx.Value(exchangeKey{}).(*exchange); ok {
		return x
	}
	return &exchange{}
}

// requestID returns the id given to the request being answered.
func requestID(ctx context.Context) string { return exchangeOf(ctx).requestID }

// withExchange gives every request an id and X-Request-Id, then logs one
// line when it is answered (method, path, never the query, which may hold a
// key; status, size, duration, request id) and journals the crawl requests.
func (s *Server) withExchange(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		x := &exchange{requestID: envelope.NewRequestID()}
		w.Header().Set(envelope.RequestIDHeader, x.requestID)
		rec := &httpserver.StatusRecorder{ResponseWriter: w}
		ctx := context.WithValue(r.Context(), exchangeKey{}, x)
		next.ServeHTTP(rec, r.WithContext(ctx))
		elapsed := time.Since(start)
		attrs := make([]slog.Attr, 0, 8)
		attrs = append(attrs,
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", rec.Status),
			slog.Int("bytes", rec.Bytes),
			slog.Duration("duration", elapsed),
			slog.String("request_id", x.requestID),
		)
		if x.answeredBy != "" {
			attrs = append(attrs, slog.String("answered_by", x.answeredBy))
		}
		if x.fault != "" {
			attrs = append(attrs, slog.String("fault", x.fault))
		}
		s.log.LogAttrs(ctx, slog.LevelInfo, "request", attrs...)
		if strings.HasPrefix(r.URL.Path, adminPrefix) || r.Method == http.MethodOptions {
			return
		}
		s.journal.Add(journal.Entry{
			Time:       start.UTC(),
			Method:     r.Method,
			CrawlID:    x.crawlID,
			Status:     rec.Status,
			DurationMS: float64(elapsed.Microseconds()) / 1000,
			RequestID:  x.requestID,
			AnsweredBy: x.answeredBy,
			Fault:      x.fault,
		}, r.URL)
	})
}
