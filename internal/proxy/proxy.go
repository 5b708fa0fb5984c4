// Package proxy is crawlkit's validating proxy: it sits in front of a real
// implementation of GET /crawl/info, passes every answer through unchanged,
// and checks each request and response against the contract on the way.
// Violations go to the log, to an X-Crawlkit-Violations header and to the
// journal; in strict mode a response that breaks the contract becomes a 502.
// It can record each crawl it sees as a fixture for crawlkit serve.
package proxy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/crawlkit/crawlkit/internal/envelope"
	"github.com/crawlkit/crawlkit/internal/httpserver"
	"github.com/crawlkit/crawlkit/internal/journal"
	"github.com/crawlkit/crawlkit/internal/validate"
)

// ViolationsHeader reports on a response how the exchange breaks the contract.
const ViolationsHeader = "X-Crawlkit-Violations"

// DefaultMaxBody is the largest response body the proxy holds to validate;
// a larger one streams through unvalidated, and says so.
const DefaultMaxBody = 32 << 20

// maxHeaderValue bounds the violations header.
const maxHeaderValue = 2048

// Config sets up a proxy.
type Config struct {
	// Upstream is the implementation's API base, as https://api.example.com/api/v1.
	Upstream string
	// Strict answers 502 BAD_GATEWAY in place of a response that breaks the contract.
	Strict bool
	// RecordDir, when set, receives each crawl answered as a fixture file.
	RecordDir string
	// AdminToken guards the journal as crawlkit serve's admin API.
	AdminToken string
	// Logger receives a line a request and a warning a violation; nil discards.
	Logger *slog.Logger
	// MaxBody bounds the response body held to validate; 0 is DefaultMaxBody.
	MaxBody int64
	// JournalEntries bounds the journal.
	JournalEntries int
	// Transport sends the upstream requests; nil is http.DefaultTransport.
	Transport http.RoundTripper
}

// Proxy is the validating proxy, an http.Handler safe for concurrent use.
type Proxy struct {
	cfg       Config
	upstream  *url.URL
	validator *validate.Validator
	journal   *journal.Journal
	log       *slog.Logger
	recorder  *recorder
	reverse   *httputil.ReverseProxy
	admin     http.Handler
}

// New checks cfg and returns a proxy ready to serve.
func New(ctx context.Context, cfg Config) (*Proxy, error) {
	up, err := url.Parse(strings.TrimRight(cfg.Upstream, "/"))
	if err != nil || (up.Scheme != "http" && up.Scheme != "https") || up.Host == "" {
		return nil, fmt.Errorf("upstream %q: must be an absolute http(s) URL", cfg.Upstream)
	}
	v, err := validate.Load(ctx)
	if err != nil {
		return nil, err
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	p := &Proxy{cfg: cfg, upstream: up, validator: v, journal: journal.New(cfg.JournalEntries), log: cfg.Logger}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	if cfg.RecordDir != "" {
		if p.recorder, err = newRecorder(cfg.RecordDir, v); err != nil {
			return nil, err
		}
	}
	p.reverse = &httputil.ReverseProxy{
		Rewrite:        p.rewrite,
		Transport:      cfg.Transport,
		ModifyResponse: p.inspect,
		ErrorHandler:   p.upstreamFailed,
		FlushInterval:  -1,
	}
	mux := http.NewServeMux()
	mux.Handle("GET /__crawlkit/requests", p.journal.ListHandler())
	mux.Handle("DELETE /__crawlkit/requests", p.journal.ClearHandler())
	p.admin = httpserver.Guard(cfg.AdminToken, mux, func(w http.ResponseWriter, r *http.Request, reason string) {
		writeError(w, http.StatusForbidden, "FORBIDDEN", reason, envelope.NewRequestID())
	})
	return p, nil
}

// Journal returns the proxy's journal.
func (p *Proxy) Journal() *journal.Journal { return p.journal }

// Serve answers requests on ln until ctx ends, then shuts down gracefully.
func (p *Proxy) Serve(ctx context.Context, ln net.Listener) error {
	return httpserver.Serve(ctx, ln, p, httpserver.Options{WriteTimeout: 5 * time.Minute, Logger: p.log})
}

// exchange is what the proxy learns about one request on its way.
type exchange struct {
	api        bool
	crawlID    int64
	violations []string
	recorded   string
}

type exchangeKey struct{}

func exchangeOf(ctx context.Context) *exchange {
	if x, ok := ctx.Value(exchangeKey{}).(*exchange); ok {
		return x
	}
	return &exchange{}
}

// ServeHTTP checks the request, forwards it, and checks the answer.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/__crawlkit/") {
		p.admin.ServeHTTP(w, r)
		return
	}
	start := time.Now()
	x := &exchange{api: p.validator.Route(r) == nil}
	if x.api {
		x.crawlID, _ = strconv.ParseInt(r.URL.Query().Get("id"), 10, 64)
		if fields := p.validator.Request(r.Context(), r); fields != nil {
			for _, name := range fields.Names() {
				for _, msg := range fields[name] {
					x.violations = append(x.violations, "request "+name+": "+msg)
				}
			}
		}
	}
	rec := &httpserver.StatusRecorder{ResponseWriter: w}
	p.reverse.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), exchangeKey{}, x)))
	elapsed := time.Since(start)
	requestID := rec.Header().Get(envelope.RequestIDHeader)
	attrs := []slog.Attr{
		slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", rec.Status),
		slog.Duration("duration", elapsed), slog.String("request_id", requestID),
	}
	if x.recorded != "" {
		attrs = append(attrs, slog.String("recorded", x.recorded))
	}
	level := slog.LevelInfo
	if len(x.violations) > 0 {
		level = slog.LevelWarn
		attrs = append(attrs, slog.Any("violations", x.violations))
	}
	p.log.LogAttrs(r.Context(), level, "proxied", attrs...)
	p.journal.Add(journal.Entry{
		Time: start.UTC(), Method: r.Method, CrawlID: x.crawlID,
		Status: rec.Status, DurationMS: float64(elapsed.Microseconds()) / 1000, RequestID: requestID,
		AnsweredBy: "upstream", Violations: x.violations,
	}, r.URL)
}

// rewrite points a request at the upstream: the mock's base paths ("" and
// /api/v1) are replaced by the upstream's.
func (p *Proxy) rewrite(pr *httputil.ProxyRequest) {
	pr.SetURL(p.upstream)
	path := pr.In.URL.Path
	if rest, ok := strings.CutPrefix(path, "/api/v1/"); ok {
		path = "/" + rest
	}
	pr.Out.URL.Path = p.upstream.Path + path
	pr.Out.URL.RawPath = ""
	pr.Out.URL.RawQuery = pr.In.URL.RawQuery
	pr.SetXForwarded()
}

// inspect validates an answer of the contract's operation before it is
// passed on.
func (p *Proxy) inspect(resp *http.Response) error {
	ctx := resp.Request.Context()
	x := exchangeOf(ctx)
	if !x.api {
		return nil
	}
	original := resp.Body
	body, err := io.ReadAll(io.LimitReader(original, p.cfg.MaxBody+1))
	if err != nil {
		return fmt.Errorf("read the upstream's answer: %w", err)
	}
	if int64(len(body)) > p.cfg.MaxBody {
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(body), original), original}
		x.violations = append(x.violations, fmt.Sprintf("response body over %d bytes: passed through, not validated", p.cfg.MaxBody))
		resp.Header.Set(ViolationsHeader, headerValue(x.violations))
		return nil
	}
	_ = original.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	vs := p.validator.Response(ctx, resp.Request, resp.StatusCode, resp.Header, body)
	for _, v := range vs {
		x.violations = append(x.violations, "response "+v.String())
	}
	if len(x.violations) > 0 {
		resp.Header.Set(ViolationsHeader, headerValue(x.violations))
	}
	if len(vs) > 0 && p.cfg.Strict {
		requestID := resp.Header.Get(envelope.RequestIDHeader)
		if requestID == "" {
			requestID = envelope.NewRequestID()
		}
		env := envelope.NewError(envelope.CodeBadGateway, "The upstream's response breaks the contract: "+vs.Error(), requestID)
		replaceBody(resp, http.StatusBadGateway, env.Body())
		resp.Header.Set(envelope.RequestIDHeader, requestID)
		return nil
	}
	if p.recorder != nil && len(vs) == 0 && resp.StatusCode == http.StatusOK && resp.Request.Method == http.MethodGet {
		file, err := p.recorder.save(ctx, body)
		if err != nil {
			p.log.WarnContext(ctx, "not recorded", "err", err)
		} else {
			x.recorded = file
		}
	}
	return nil
}

func replaceBody(resp *http.Response, status int, body []byte) {
	resp.StatusCode = status
	resp.Status = fmt.Sprintf("%d %s", status, http.StatusText(status))
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	resp.Header.Del("Content-Encoding")
}

// upstreamFailed answers when the upstream gave no usable answer. The error
// is told without the URL, which may hold the key.
func (p *Proxy) upstreamFailed(w http.ResponseWriter, r *http.Request, err error) {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err
	}
	x := exchangeOf(r.Context())
	x.violations = append(x.violations, "upstream: "+err.Error())
	writeError(w, http.StatusBadGateway, envelope.CodeBadGateway, "The upstream gave no answer: "+err.Error(), envelope.NewRequestID())
}

func writeError(w http.ResponseWriter, status int, code, message, requestID string) {
	w.Header().Set(envelope.RequestIDHeader, requestID)
	envelope.WriteJSON(w, status, envelope.NewError(code, message, requestID).Body())
}

// headerValue joins violations into one bounded, printable header value.
func headerValue(violations []string) string {
	s := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '?'
		}
		return r
	}, strings.Join(violations, "; "))
	if len(s) > maxHeaderValue {
		s = s[:maxHeaderValue-3] + "..."
	}
	return s
}
