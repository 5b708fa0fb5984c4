package mockserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/rs/cors"

	"github.com/crawlkit/crawlkit/internal/auth"
	"github.com/crawlkit/crawlkit/internal/console"
	"github.com/crawlkit/crawlkit/internal/crawl"
	"github.com/crawlkit/crawlkit/internal/envelope"
	"github.com/crawlkit/crawlkit/internal/exchange"
	"github.com/crawlkit/crawlkit/internal/generate"
	"github.com/crawlkit/crawlkit/internal/httpserver"
	"github.com/crawlkit/crawlkit/internal/journal"
	"github.com/crawlkit/crawlkit/internal/negotiate"
	"github.com/crawlkit/crawlkit/internal/pactrecord"
	"github.com/crawlkit/crawlkit/internal/ruleset"
	"github.com/crawlkit/crawlkit/internal/scenario"
	"github.com/crawlkit/crawlkit/internal/shape"
	"github.com/crawlkit/crawlkit/internal/spec"
	"github.com/crawlkit/crawlkit/internal/validate"
)

// Server is the mock. It is an http.Handler, safe for concurrent use.
type Server struct {
	cfg Config
	// now is what generated crawls are timed relative to.
	now       time.Time
	log       *slog.Logger
	validator *validate.Validator
	contract  *spec.Contract
	// shaper lays generated crawls over the contract's schema.
	shaper     *shape.Shaper
	negotiator *negotiate.Negotiator
	auth       *auth.Checker
	cache      *bodyCache
	// renders bounds the large crawls made at once.
	renders renderSlots
	// crawls makes the crawls of a seed.
	crawls func(seed uint64) crawlSource
	// verdicts holds the verdicts of error envelopes, by status and body.
	verdicts     *lru.Cache[string, validate.Violations]
	journal      *journal.Journal
	progressions *progressions
	// rules is swapped whole; writers hold rulesMu.
	rules   atomic.Pointer[ruleset.Set]
	rulesMu sync.Mutex
	// console serves the QA console's page and assets.
	console http.Handler
	// reloadErr is the last reload's error, nil once one succeeds.
	reloadErr atomic.Pointer[ReloadError]
	// stopping closes when shutdown begins, to end hangs, delays and streams.
	stopping chan struct{}
	stopOnce sync.Once
	handler  http.Handler
	// pact records the session, nil unless Config.PactOut is set.
	pact *pactrecord.Recorder
}

// errorVerdicts bounds the error envelopes whose verdicts are kept.
const errorVerdicts = 1024

// New loads the contract, the fixtures and the scenarios and returns a server
// ready to serve. An invalid fixture or rule is an error naming the file, the
// JSON pointer or line, and the reason: the server never starts half-working.
func New(ctx context.Context, cfg Config) (*Server, error) {
	return newAt(ctx, cfg, time.Now)
}

// newAt is New with the clock that dates the day Config.Now defaults to.
func newAt(ctx context.Context, cfg Config, clock func() time.Time) (*Server, error) {
	if cfg.Now.IsZero() {
		cfg.Now = generate.DayStart(clock())
	}
	v, err := validate.LoadData(ctx, cfg.SpecName, cfg.Spec)
	if err != nil {
		return nil, err
	}
	s, err := newServer(cfg, v)
	if err != nil {
		return nil, err
	}
	if cfg.Spec != nil {
		if s.shaper, err = shape.For(ctx, v.Contract()); err != nil {
			return nil, err
		}
	}
	set, err := ruleset.Load(ctx, s.sources(), v, nil)
	if err != nil {
		return nil, err
	}
	for _, w := range set.Warnings {
		s.log.WarnContext(ctx, w)
	}
	s.rules.Store(set)
	return s, nil
}

func newServer(cfg Config, v *validate.Validator) (*Server, error) {
	if err := cfg.Latency.check(); err != nil {
		return nil, err
	}
	if err := errors.Join(checkPactOut(cfg.PactOut), httpserver.CheckAllowedHosts(cfg.AllowedHosts)); err != nil {
		return nil, err
	}
	if cfg.CacheEntries <= 0 {
		cfg.CacheEntries = DefaultCacheEntries
	}
	if cfg.MaxHang <= 0 {
		cfg.MaxHang = DefaultMaxHang
	}
	if cfg.ProgressionEntries <= 0 {
		cfg.ProgressionEntries = DefaultProgressionEntries
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if cfg.CacheBytes <= 0 {
		cfg.CacheBytes = DefaultCacheBytes
	}
	if cfg.LargeCacheBytes <= 0 {
		cfg.LargeCacheBytes = DefaultLargeCacheBytes
	}
	cache, err := newBodyCache(cfg.CacheEntries, cfg.CacheBytes, cfg.LargeCacheBytes)
	if err != nil {
		return nil, fmt.Errorf("crawl cache: %w", err)
	}
	verdicts, err := lru.New[string, validate.Violations](errorVerdicts)
	if err != nil {
		return nil, fmt.Errorf("verdict cache: %w", err)
	}
	progs, err := newProgressions(cfg.ProgressionEntries)
	if err != nil {
		return nil, fmt.Errorf("progressions: %w", err)
	}
	c := v.Contract()
	if cfg.Now.IsZero() {
		cfg.Now = generate.DayStart(time.Now())
	}
	s := &Server{
		cfg:       cfg,
		now:       cfg.Now.UTC().Truncate(time.Second),
		log:       logger,
		validator: v,
		contract:  c,
		shaper:    &shape.Shaper{},
		negotiator: &negotiate.Negotiator{
			Seed:     cfg.Seed,
			Latency:  scenario.Delay{Min: cfg.Latency.Min, Max: cfg.Latency.Max},
			Examples: c.Examples,
		},
		auth:         auth.New(auth.Config{Schemes: auth.Schemes(c.Credentials), Keys: cfg.APIKeys, JWTSecret: []byte(cfg.JWTSecret)}),
		cache:        cache,
		renders:      newRenderSlots(runtime.GOMAXPROCS(0)),
		verdicts:     verdicts,
		journal:      journal.New(cfg.JournalEntries, c.Credentials.Query...),
		progressions: progs,
		console:      console.Handler(httpserver.AdminPrefix),
		stopping:     make(chan struct{}),
	}
	s.crawls = func(seed uint64) crawlSource { return generate.NewFor(seed, s.now, c.CrawlStatuses) }
	s.rules.Store(ruleset.Empty())
	s.pact = s.newPactRecorder()
	// Routed by hand, not by http.ServeMux: its redirects to clean paths
	// would answer outside the API's envelope.
	// CORS is for the API only: the admin API belongs to the local user.
	admin, api := s.adminHandler(), s.recordPact(http.HandlerFunc(s.crawlInfo))
	if cfg.CORS {
		api = corsHandler(api)
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if httpserver.IsAdmin(r) {
			admin.ServeHTTP(w, r)
			return
		}
		api.ServeHTTP(w, r)
	})
	s.handler = exchange.Wrap(h, exchange.Options{
		Message: "request",
		Logger:  logger,
		Journal: s.journal,
		Journaled: func(r *http.Request) bool {
			return !httpserver.IsAdmin(r) && r.Method != http.MethodOptions
		},
	})
	return s, nil
}

// crawlSource makes the crawls of one seed: the generator, timed to the
// server's now, or in tests one that breaks them.
type crawlSource interface {
	Crawl(id int64, opts generate.Options) (*crawl.Crawl, error)
	Progress(id int64, statuses []string, screenshots, poll int) (*crawl.Crawl, error)
}

// sources says where the server reads its fixtures and scenarios.
func (s *Server) sources() ruleset.Sources {
	return ruleset.Sources{
		Fixtures:      s.cfg.Fixtures,
		FixturesDir:   s.cfg.FixturesDir,
		ScenariosFile: s.cfg.ScenariosFile,
		Catalog:       s.cfg.Catalog,
		Adapt:         s.cfg.Spec != nil,
	}
}

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// corsHandler answers preflight requests from any origin and exposes
// crawlkit's headers to scripts.
func corsHandler(h http.Handler) http.Handler {
	return cors.New(cors.Options{
		AllowedOrigins: []string{"*"},
		AllowedMethods: []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodDelete},
		AllowedHeaders: []string{"*"},
		ExposedHeaders: []string{envelope.RequestIDHeader, ViolationsHeader, AnsweredByHeader, FaultHeader, OffContractHeader, "Retry-After"},
		MaxAge:         600,
	}).Handler(h)
}

// stop ends hangs and delays in flight; it is safe to call more than once.
func (s *Server) stop() { s.stopOnce.Do(func() { close(s.stopping) }) }

// Serve answers requests on ln until ctx ends, then stops accepting, lets
// the requests in flight finish within the shutdown grace, and returns nil.
// With Config.Watch it reloads fixtures and scenarios when they change.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	if s.cfg.Watch {
		if err := s.watch(watchCtx); err != nil {
			return err
		}
	}
	writeTimeout := s.cfg.WriteTimeout
	if writeTimeout <= 0 {
		writeTimeout = WriteTimeout
	}
	err := httpserver.Serve(ctx, ln, s, httpserver.Options{
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		WriteTimeout:      writeTimeout,
		ShutdownGrace:     s.cfg.ShutdownGrace,
		Logger:            s.log,
		OnShutdown:        s.stop,
	})
	if s.pact != nil {
		// ctx has ended: the last write must not depend on it.
		if _, werr := s.WritePact(context.WithoutCancel(ctx)); werr != nil {
			err = errors.Join(err, werr)
		}
	}
	return err
}
