// Package exchange records what one request to a crawlkit server was and how
// it was answered: it gives the request an id, and when the answer is
// written, logs one line and adds one journal entry. The mock and the proxy
// share it, with the headers crawlkit adds to answers.
package exchange

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/crawlkit/crawlkit/internal/envelope"
	"github.com/crawlkit/crawlkit/internal/journal"
)

// Headers crawlkit adds to its answers.
const (
	// ViolationsHeader reports how a response breaks the contract.
	ViolationsHeader = "X-Crawlkit-Violations"
	// AnsweredByHeader names what decided the answer: a fixture, the
	// generator, a scenario or an override.
	AnsweredByHeader = "X-Crawlkit-Answered-By"
	// FaultHeader names the fault a deliberately broken answer plays.
	FaultHeader = "X-Crawlkit-Fault"
	// OffContractHeader marks an answer off the contract on purpose, sent
	// unvalidated: a status the contract does not document, or a body of
	// the user's own.
	OffContractHeader = "X-Crawlkit-Off-Contract"
)

// Exchange is what the handlers learn about one request, for its log line
// and its journal entry.
type Exchange struct {
	RequestID  string
	CrawlID    int64
	AnsweredBy string
	Fault      string
	// Recorded names the fixture file the proxy saved the answer as.
	Recorded string
	// OffContract marks an answer off the contract on purpose.
	OffContract bool
	// Violations are the ways the request or its answer break the contract.
	Violations []string
}

type key struct{}

// From returns the request's exchange; one that went through Wrap has one,
// any other gets a throwaway.
func From(ctx context.Context) *Exchange {
	if x, ok := ctx.Value(key{}).(*Exchange); ok {
		return x
	}
	return &Exchange{}
}

// Options say how Wrap records.
type Options struct {
	// Message is the log line's message.
	Message string
	// Logger receives the line; nil discards it.
	Logger *slog.Logger
	// Journal receives the entries of the requests Journaled accepts (all
	// when it is nil), each with its answer's headers and first
	// journal.MaxBody bytes; a nil Journal keeps none.
	Journal   *journal.Journal
	Journaled func(r *http.Request) bool
	// Relayed reports the requests whose X-Request-Id is the one another
	// server answered with (the proxy's upstream); every other request is
	// given a new id, in X-Request-Id, before the handler runs.
	Relayed func(r *http.Request) bool
}

// Wrap records every request next answers.
func Wrap(next http.Handler, o Options) http.Handler {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		x := &Exchange{}
		relayed := o.Relayed != nil && o.Relayed(r)
		if !relayed {
			x.RequestID = envelope.NewRequestID()
			w.Header().Set(envelope.RequestIDHeader, x.RequestID)
		}
		journaled := o.Journal != nil && (o.Journaled == nil || o.Journaled(r))
		rec := &StatusRecorder{ResponseWriter: w}
		if journaled {
			rec.Keep = journal.MaxBody
		}
		ctx := context.WithValue(r.Context(), key{}, x)
		next.ServeHTTP(rec, r.WithContext(ctx))
		elapsed := time.Since(start)
		if relayed {
			x.RequestID = rec.Header().Get(envelope.RequestIDHeader)
		}
		logLine(ctx, o, r, rec, x, elapsed)
		if journaled {
			o.Journal.Add(journal.Entry{
				Time:        start.UTC(),
				Method:      r.Method,
				CrawlID:     x.CrawlID,
				Status:      rec.Status,
				DurationMS:  float64(elapsed.Microseconds()) / 1000,
				RequestID:   x.RequestID,
				AnsweredBy:  x.AnsweredBy,
				Fault:       x.Fault,
				OffContract: x.OffContract,
				Violations:  x.Violations,
				Response:    rec.Response(),
			}, r.URL)
		}
	})
}

// logLine logs the request: method, path (never the query, which may hold a
// key), status, size, duration, request id, and what the exchange learnt; a
// warning when it breaks the contract.
func logLine(ctx context.Context, o Options, r *http.Request, rec *StatusRecorder, x *Exchange, elapsed time.Duration) {
	attrs := make([]slog.Attr, 0, 10)
	attrs = append(attrs,
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", rec.Status),
		slog.Int("bytes", rec.Bytes),
		slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
		slog.String("request_id", x.RequestID),
	)
	for _, a := range [...]struct{ name, value string }{{"answered_by", x.AnsweredBy}, {"fault", x.Fault}, {"recorded", x.Recorded}} {
		if a.value != "" {
			attrs = append(attrs, slog.String(a.name, a.value))
		}
	}
	if x.OffContract {
		attrs = append(attrs, slog.Bool("off_contract", true))
	}
	level := slog.LevelInfo
	if len(x.Violations) > 0 {
		level = slog.LevelWarn
		attrs = append(attrs, slog.Any("violations", x.Violations))
	}
	o.Logger.LogAttrs(ctx, level, o.Message, attrs...)
}

// maxHeaderValue bounds a header value crawlkit writes from what it found.
const maxHeaderValue = 2048

// HeaderValue joins parts into one header value: printable ASCII only,
// bounded in length.
func HeaderValue(parts []string) string {
	s := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '?'
		}
		return r
	}, strings.Join(parts, "; "))
	if len(s) > maxHeaderValue {
		s = s[:maxHeaderValue-3] + "..."
	}
	return s
}
