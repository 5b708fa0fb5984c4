package mockserver

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/crawlkit/crawlkit/internal/crawl"
	"github.com/crawlkit/crawlkit/internal/envelope"
	"github.com/crawlkit/crawlkit/internal/exchange"
	"github.com/crawlkit/crawlkit/internal/generate"
	"github.com/crawlkit/crawlkit/internal/negotiate"
	"github.com/crawlkit/crawlkit/internal/validate"
)

// cacheKey names one deterministic body: a 200 example, a fixture file, a
// generated crawl for a seed, an id and options, or one poll of a progression.
type cacheKey struct {
	example     string
	fixture     string
	seed        uint64
	id          int64
	opts        generate.Options
	progression string
	poll        int
}

// prepared is a body ready to send with its verdict against the contract.
// Both are deterministic for a cacheKey, so both are cached.
type prepared struct {
	body       []byte
	violations validate.Violations
}

// render returns the status, body and violations of a plan's answer.
func (s *Server) render(ctx context.Context, p *negotiate.Plan, id int64) (int, []byte, validate.Violations, error) {
	var (
		prep *prepared
		err  error
	)
	switch p.Kind {
	case negotiate.Example:
		status, body, env := s.contract.Examples.Render(p.Example)
		if env != nil {
			body, violations := s.errorBody(ctx, status, env)
			return status, body, violations, nil
		}
		prep, err = s.prepare(ctx, cacheKey{example: p.Example}, func() ([]byte, error) { return body, nil })
	case negotiate.Custom:
		body, err := s.customBody(ctx, p)
		if err != nil || p.OffContract {
			return p.Status, body, nil, err
		}
		return p.Status, body, s.validator.JSONResponse(ctx, p.Status, body), nil
	case negotiate.Fixture:
		fx := p.Fixture
		prep, err = s.prepare(ctx, cacheKey{fixture: fx.File, id: fx.ID}, func() ([]byte, error) { return fx.Body, nil })
	case negotiate.Progression:
		poll := s.progressions.next(progressKey{rule: p.Rule, seed: p.Seed, id: id})
		if last := len(p.Progression.Statuses) - 1; poll > last {
			poll = last // every poll past the end is the end
		}
		prep, err = s.prepare(ctx, cacheKey{seed: p.Seed, id: id, progression: p.Rule, poll: poll}, func() ([]byte, error) {
			c, err := s.generator(p.Seed).Progress(id, p.Progression.Statuses, p.Progression.Size(), poll)
			if err != nil {
				return nil, err
			}
			return encodeCrawl(c)
		})
	default:
		prep, err = s.generated(ctx, p.Seed, id, p.Opts)
	}
	if err != nil {
		return 0, nil, nil, err
	}
	return http.StatusOK, prep.body, prep.violations, nil
}

// customBody is a custom answer's body: the rule's own, or the envelope of
// an off-contract status.
func (s *Server) customBody(ctx context.Context, p *negotiate.Plan) ([]byte, error) {
	if p.Body != nil {
		b, err := json.Marshal(p.Body)
		if err != nil {
			return nil, fmt.Errorf("encode the rule's body: %w", err)
		}
		return b, nil
	}
	code, message, _ := envelope.OffContract(p.Status)
	return envelope.NewError(code, message, exchange.From(ctx).RequestID).Body(), nil
}

func (s *Server) generated(ctx context.Context, seed uint64, id int64, opts generate.Options) (*prepared, error) {
	return s.prepare(ctx, cacheKey{seed: seed, id: id, opts: opts}, func() ([]byte, error) {
		c, err := s.generator(seed).Crawl(id, opts)
		if err != nil {
			return nil, err
		}
		return encodeCrawl(c)
	})
}

func encodeCrawl(c *crawl.Crawl) ([]byte, error) {
	b, err := json.Marshal(envelope.NewSuccess(c))
	if err != nil {
		return nil, fmt.Errorf("encode crawl %d: %w", c.ID, err)
	}
	return b, nil
}

func (s *Server) prepare(ctx context.Context, key cacheKey, build func() ([]byte, error)) (*prepared, error) {
	if p, ok := s.cache.get(key); ok {
		return p, nil
	}
	body, err := build()
	if err != nil {
		return nil, err
	}
	p := &prepared{body: body, violations: s.validator.JSONResponse(ctx, http.StatusOK, body)}
	s.cache.add(key, p)
	return p, nil
}
