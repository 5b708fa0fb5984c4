// Package httpserver runs crawlkit's HTTP servers the same way: timeouts,
// a header limit, and a graceful shutdown that finishes requests in flight.
package httpserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Timeouts and limits of every crawlkit server.
const (
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 10 * time.Second
	IdleTimeout       = 120 * time.Second
	MaxHeaderBytes    = 128 << 10
	// DefaultShutdownGrace is how long a shutdown waits for requests in flight.
	DefaultShutdownGrace = 10 * time.Second
)

// Options tune Serve.
type Options struct {
	// ReadHeaderTimeout bounds reading a request's head; 0 is the default.
	ReadHeaderTimeout time.Duration
	// WriteTimeout bounds writing one response.
	WriteTimeout time.Duration
	// ShutdownGrace bounds the wait for requests in flight; 0 is the default.
	ShutdownGrace time.Duration
	// Logger receives the server's own errors.
	Logger *slog.Logger
	// OnShutdown runs when the shutdown begins, to end long waits in handlers.
	OnShutdown func()
}

// Serve answers requests on ln with h until ctx ends, then stops accepting,
// lets the requests in flight finish within the grace, and returns nil.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, o Options) error {
	if o.ShutdownGrace <= 0 {
		o.ShutdownGrace = DefaultShutdownGrace
	}
	if o.ReadHeaderTimeout <= 0 {
		o.ReadHeaderTimeout = ReadHeaderTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: o.ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      o.WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(o.Logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	if o.OnShutdown != nil {
		srv.RegisterOnShutdown(o.OnShutdown)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), o.ShutdownGrace)
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
