package mockserver

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/crawlkit/crawlkit/envelope"
	"github.com/crawlkit/crawlkit/generate"
	"github.com/crawlkit/crawlkit/validate"
)

// cacheKey names one deterministic body: a fixture, or a generated crawl for
// a seed, an id and options.
type cacheKey struct {
	fixture bool
	seed    uint64
	id      int64
	opts    generate.Options
}

// prepared is a body ready to send with its verdict against the contract.
// Both are deterministic for a cacheKey, so both are cached.
type prepared struct {
	body       []byte
	violations validate.Violations
}

// crawlResponse returns the 200 body for crawl id: its fixture, or else the
// generated crawl, validated once and cached.
func (s *Server) crawlResponse(ctx context.Context, id int64) (*prepared, error) {
	if fx, ok := s.fixtures.Get(id); ok {
		return s.prepare(ctx, cacheKey{fixture: true, id: id}, func() ([]byte, error) { return fx.Body, nil })
	}
	return s.generated(ctx, s.gen, id, generate.Options{})
}

func (s *Server) generated(ctx context.Context, g *generate.Generator, id int64, opts generate.Options) (*prepared, error) {
	key := cacheKey{seed: g.Seed(), id: id, opts: opts}
	return s.prepare(ctx, key, func() ([]byte, error) {
		c, err := g.Crawl(id, opts)
		if err != nil {
			return nil, err
		}
		b, err := json.Marshal(envelope.NewSuccess(c))
		if err != nil {
			return nil, fmt.Errorf("encode crawl %d: %w", id, err)
		}
		return b, nil
	})
}

func (s *Server) prepare(ctx context.Context, key cacheKey, build func() ([]byte, error)) (*prepared, error) {
	if p, ok := s.cache.Get(key); ok {
		return p, nil
	}
	body, err := build()
	if err != nil {
		return nil, err
	}
	p := &prepared{body: body, violations: s.validator.JSONResponse(ctx, http.StatusOK, body)}
	s.cache.Add(key, p)
	return p, nil
}
