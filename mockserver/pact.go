package mockserver

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"

	"github.com/crawlkit/crawlkit/internal/envelope"
	"github.com/crawlkit/crawlkit/internal/exchange"
	"github.com/crawlkit/crawlkit/internal/pactrecord"
)

// Defaults of the pact's participants when Config leaves them empty.
const (
	DefaultPactConsumer = "crawlkit-consumer"
	DefaultPactProvider = "screenshotcenter"
)

// ErrNotRecording is returned by WritePact when Config.PactOut is empty.
var ErrNotRecording = errors.New("not recording a pact: set Config.PactOut (crawlkit serve --pact-out)")

// newPactRecorder returns the recorder of Config.PactOut, nil without one.
func (s *Server) newPactRecorder() *pactrecord.Recorder {
	if s.cfg.PactOut == "" {
		return nil
	}
	consumer, provider := s.cfg.PactConsumer, s.cfg.PactProvider
	if consumer == "" {
		consumer = DefaultPactConsumer
	}
	if provider == "" {
		provider = DefaultPactProvider
	}
	return pactrecord.New(pactrecord.Config{Consumer: consumer, Provider: provider, Contract: s.contract, Logger: s.log})
}

// recordPact hands every answer of next to the pact recorder, the body
// kept only when the answer would be a new interaction.
func (s *Server) recordPact(next http.Handler) http.Handler {
	if s.pact == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &pactCapture{ResponseWriter: w, want: func(status int) bool { return s.pact.Wants(r.Method, r.URL, status) }}
		next.ServeHTTP(cw, r)
		x := exchange.From(r.Context())
		s.pact.Record(pactrecord.Answer{
			Method: r.Method, URL: r.URL, Header: r.Header, Status: cw.status,
			Body: cw.body, Truncated: cw.truncated,
			Fault: x.Fault, OffContract: x.OffContract, Violations: x.Violations,
		})
	})
}

// WritePact writes the pact recorded so far to Config.PactOut and returns
// it. Serve calls it when it stops; a Go test that mounts the server on an
// httptest.Server calls it itself.
func (s *Server) WritePact(ctx context.Context) ([]byte, error) {
	if s.pact == nil {
		return nil, ErrNotRecording
	}
	return s.pact.WriteFile(ctx, s.cfg.PactOut)
}

// adminPact writes the pact and answers with it.
func (s *Server) adminPact(w http.ResponseWriter, r *http.Request) {
	data, err := s.WritePact(r.Context())
	switch {
	case errors.Is(err, ErrNotRecording):
		s.sendError(w, r, http.StatusNotFound, envelope.CodeNotFound, "Not recording a pact: start crawlkit serve with --pact-out FILE", nil)
		return
	case err != nil:
		s.sendError(w, r, http.StatusInternalServerError, envelope.CodeInternal, err.Error(), nil)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}

// pactCapture keeps the body of an answer the recorder wants, up to
// pactrecord.MaxBody.
type pactCapture struct {
	http.ResponseWriter
	want      func(status int) bool
	status    int
	keep      bool
	truncated bool
	body      []byte
}

func (c *pactCapture) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
		c.keep = c.want(status)
	}
	c.ResponseWriter.WriteHeader(status)
}

func (c *pactCapture) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.WriteHeader(http.StatusOK)
	}
	if c.keep {
		if len(c.body)+len(b) > pactrecord.MaxBody {
			c.keep, c.truncated, c.body = false, true, nil
		} else {
			c.body = append(c.body, b...)
		}
	}
	return c.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (c *pactCapture) Unwrap() http.ResponseWriter { return c.ResponseWriter }

// checkPactOut refuses, at start, a pact file no one could write at the end.
func checkPactOut(path string) error {
	if path == "" {
		return nil
	}
	dir := filepath.Dir(path)
	info, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("pact file %s: %w", path, err)
	}
	if !info.IsDir() {
		return fmt.Errorf("pact file %s: %s is not a folder", path, dir)
	}
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		return fmt.Errorf("pact file %s is a folder", path)
	}
	return nil
}
