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
	"github.com/crawlkit/crawlkit/internal/exchange"
	"github.com/crawlkit/crawlkit/internal/httpserver"
	"github.com/crawlkit/crawlkit/internal/journal"
	"github.com/crawlkit/crawlkit/internal/spec"
	"github.com/crawlkit/crawlkit/internal/validate"
)

// DefaultMaxBody is the largest response body the proxy holds to validate;
// a larger one streams through unvalidated, and says so.
const DefaultMaxBody = 32 << 20

// Config sets up a proxy.
type Config struct {
	// Spec is the contract's OpenAPI document; nil is the embedded one.
	Spec []byte
	// SpecName names Spec in errors.
	SpecName string
	// Upstream is the implementation's API base, as https://api.example.com/api/v1.
	Upstream string
	// Strict answers 502 BAD_GATEWAY in place of a response that breaks the contract.
	Strict bool
	// RecordDir, when set, receives each crawl answered as a fixture file.
	RecordDir string
	// AdminToken guards the journal as crawlkit serve's admin API.
	AdminToken string
	// AllowedHosts are Host names the journal answers besides loopback
	// names and the address served, as crawlkit serve's admin API.
	AllowedHosts []string
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
	handler   http.Handler
}

// New checks cfg and returns a proxy ready to serve.
func New(ctx context.Context, cfg Config) (*Proxy, error) {
	up, err := spec.ParseBaseURL(cfg.Upstream)
	if err != nil {
		return nil, fmt.Errorf("upstream %w", err)
	}
	if err := httpserver.CheckAllowedHosts(cfg.AllowedHosts); err != nil {
		return nil, err
	}
	v, err := validate.LoadData(ctx, cfg.SpecName, cfg.Spec)
	if err != nil {
		return nil, err
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	p := &Proxy{cfg: cfg, upstream: up, validator: v, journal: journal.New(cfg.JournalEntries, v.Contract().Credentials.Query...), log: cfg.Logger}
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
	mux.Handle("GET "+httpserver.AdminPrefix+"requests", p.journal.ListHandler())
	mux.Handle("DELETE "+httpserver.AdminPrefix+"requests", p.journal.ClearHandler())
	admin := httpserver.HostGuard(cfg.AllowedHosts, httpserver.Guard(cfg.AdminToken, mux))
	p.handler = exchange.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if httpserver.IsAdmin(r) {
			admin.ServeHTTP(w, r)
			return
		}
		p.forward(w, r)
	}), exchange.Options{
		Message:   "proxied",
		Logger:    p.log,
		Journal:   p.journal,
		Journaled: func(r *http.Request) bool { return !httpserver.IsAdmin(r) },
		Relayed:   func(r *http.Request) bool { return !httpserver.IsAdmin(r) },
	})
	return p, nil
}

// Journal returns the proxy's journal.
func (p *Proxy) Journal() *journal.Journal { return p.journal }

// Serve answers requests on ln until ctx ends, then shuts down gracefully.
func (p *Proxy) Serve(ctx context.Context, ln net.Listener) error {
	return httpserver.Serve(ctx, ln, p, httpserver.Options{WriteTimeout: 5 * time.Minute, Logger: p.log})
}

// ServeHTTP checks the request, forwards it, and checks the answer.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) { p.handler.ServeHTTP(w, r) }

// forward checks a request of the contract's operation, then passes any
// request on to the upstream.
func (p *Proxy) forward(w http.ResponseWriter, r *http.Request) {
	x := exchange.From(r.Context())
	x.AnsweredBy = "upstream"
	if p.validator.Route(r) == nil {
		x.CrawlID, _ = strconv.ParseInt(r.URL.Query().Get("id"), 10, 64)
		if fields := p.validator.Request(r.Context(), r); fields != nil {
			for _, name := range fields.Names() {
				for _, msg := range fields[name] {
					x.Violations = append(x.Violations, "request "+name+": "+msg)
				}
			}
		}
		r = r.WithContext(context.WithValue(r.Context(), apiKey{}, true))
	}
	p.reverse.ServeHTTP(w, r)
}

// apiKey marks, in a request's context, a request of the contract's operation.
type apiKey struct{}

func isAPI(ctx context.Context) bool { return ctx.Value(apiKey{}) != nil }

// rewrite points a request at the upstream: the contract's base paths
// below which the proxy serves the operation are replaced by the
// upstream's.
func (p *Proxy) rewrite(pr *httputil.ProxyRequest) {
	pr.SetURL(p.upstream)
	path := pr.In.URL.Path
	for _, base := range p.validator.Contract().BasePaths {
		if rest, ok := strings.CutPrefix(path, base+"/"); ok && base != "" {
			path = "/" + rest
			break
		}
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
	x := exchange.From(ctx)
	if !isAPI(ctx) {
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
		x.Violations = append(x.Violations, fmt.Sprintf("response body over %d bytes: passed through, not validated", p.cfg.MaxBody))
		resp.Header.Set(exchange.ViolationsHeader, exchange.HeaderValue(x.Violations))
		return nil
	}
	_ = original.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	vs := p.validator.Response(ctx, resp.Request, resp.StatusCode, resp.Header, body)
	for _, v := range vs {
		x.Violations = append(x.Violations, "response "+v.String())
	}
	if len(x.Violations) > 0 {
		resp.Header.Set(exchange.ViolationsHeader, exchange.HeaderValue(x.Violations))
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
			x.Recorded = file
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
	x := exchange.From(r.Context())
	x.Violations = append(x.Violations, "upstream: "+err.Error())
	envelope.NewError(envelope.CodeBadGateway, "The upstream gave no answer: "+err.Error(), envelope.NewRequestID()).Write(w, http.StatusBadGateway)
}
