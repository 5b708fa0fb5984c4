package mockserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/rs/cors"

	"github.com/crawlkit/crawlkit/auth"
	"github.com/crawlkit/crawlkit/envelope"
	"github.com/crawlkit/crawlkit/fixtureset"
	"github.com/crawlkit/crawlkit/generate"
	"github.com/crawlkit/crawlkit/spec"
	"github.com/crawlkit/crawlkit/validate"
)

// Server is the mock. It is an http.Handler, safe for concurrent use.
type Server struct {
	cfg       Config
	log       *slog.Logger
	validator *validate.Validator
	auth      *auth.Checker
	gen       *generate.Generator
	fixtures  *fixtureset.Set
	cache     *lru.Cache[cacheKey, *prepared]
	handler   http.Handler
}

// New loads the contract and the fixtures and returns a server ready to
// serve. An invalid fixture is an error naming the file, the JSON pointer and
// the reason: the server never starts half-working.
func New(ctx context.Context, cfg Config) (*Server, error) {
	doc, err := spec.Load(ctx)
	if err != nil {
		return nil, err
	}
	v, err := validate.New(doc)
	if err != nil {
		return nil, err
	}
	fixtures := fixtureset.New()
	if cfg.Fixtures != nil {
		if fixtures, err = fixtureset.Load(ctx, cfg.Fixtures, v); err != nil {
			return nil, err
		}
	}
	return newServer(cfg, v, fixtures)
}

func newServer(cfg Config, v *validate.Validator, fixtures *fixtureset.Set) (*Server, error) {
	if cfg.CacheEntries <= 0 {
		cfg.CacheEntries = DefaultCacheEntries
	}
	if cfg.ShutdownGrace <= 0 {
		cfg.ShutdownGrace = DefaultShutdownGrace
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	cache, err := lru.New[cacheKey, *prepared](cfg.CacheEntries)
	if err != nil {
		return nil, fmt.Errorf("crawl cache: %w", err)
	}
	s := &Server{
		cfg:       cfg,
		log:       logger,
		validator: v,
		auth:      auth.New(auth.Config{Keys: cfg.APIKeys, JWTSecret: []byte(cfg.JWTSecret)}),
		gen:       generate.New(cfg.Seed),
		fixtures:  fixtures,
		cache:     cache,
	}
	var h http.Handler = http.HandlerFunc(s.crawlInfo)
	if cfg.CORS {
		h = corsHandler(h)
	}
	s.handler = s.withRequestLog(h)
	return s, nil
}

// Fixtures returns the fixtures the server answers with.
func (s *Server) Fixtures() *fixtureset.Set { return s.fixtures }

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// corsHandler answers preflight requests from any origin and exposes
// crawlkit's headers to scripts.
func corsHandler(h http.Handler) http.Handler {
	return cors.New(cors.Options{
		AllowedOrigins: []string{"*"},
		AllowedMethods: []string{http.MethodGet, http.MethodHead},
		AllowedHeaders: []string{"*"},
		ExposedHeaders: []string{envelope.RequestIDHeader, ViolationsHeader},
		MaxAge:         600,
	}).Handler(h)
}

// Serve answers requests on ln until ctx ends, then stops accepting, lets
// the requests in flight finish within the shutdown grace, and returns nil.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.ShutdownGrace)
	defer cancel()
	err := srv.Shutdown(shutdownCtx)
	if serveErr := <-served; !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, serveErr)
	}
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
