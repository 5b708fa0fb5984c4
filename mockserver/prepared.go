package mockserver

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/crawlkit/crawlkit/internal/crawl"
	"github.com/crawlkit/crawlkit/internal/envelope"
	"github.com/crawlkit/crawlkit/internal/exchange"
	"github.com/crawlkit/crawlkit/internal/fixtureset"
	"github.com/crawlkit/crawlkit/internal/generate"
	"github.com/crawlkit/crawlkit/internal/negotiate"
	"github.com/crawlkit/crawlkit/internal/scenario"
	"github.com/crawlkit/crawlkit/internal/validate"
)

// cacheKey names one deterministic body: a 200 example, a fixture, a
// generated crawl for a seed, an id and options, or one poll of a
// progression.
//
// A fixture or a progression is named by the value the configuration
// holds, not by its file or rule name: one read again (a rule replaced or
// removed through the admin API, a reload) is another, so its bodies are
// never those of the one it replaced, even when a request that began
// before the swap caches the old one after it.
type cacheKey struct {
	example     string
	fixture     *fixtureset.Fixture
	seed        uint64
	id          int64
	opts        generate.Options
	progression *scenario.Progression
	poll        int
}

// prepared is a body ready to send with its verdict against the contract.
// Both are deterministic for a cacheKey, so both are cached.
type prepared struct {
	body       []byte
	violations validate.Violations
}

// answer is a body to send and its verdict: bytes, or a large crawl that is
// encoded while it is sent (see stream.go).
type answer struct {
	body       []byte
	crawl      *crawl.Crawl
	violations validate.Violations
	// release frees the large-render slot a streamed crawl holds.
	release func()
	// key names a streamed crawl, for the cache.
	key cacheKey
	// keep, when set, is the size the streamed body had before: it is
	// kept in the cache this time.
	keep int
}

// close frees what the answer holds once it is sent, or not sent.
func (a *answer) close() {
	if a.release != nil {
		a.release()
		a.release = nil
	}
}

func answerOf(p *prepared) *answer { return &answer{body: p.body, violations: p.violations} }

// render returns the status and the answer of a plan. The caller closes it.
func (s *Server) render(ctx context.Context, p *negotiate.Plan, id int64) (int, *answer, error) {
	switch p.Kind {
	case negotiate.Example:
		status, body, env := s.contract.Examples.Render(p.Example)
		if env != nil {
			body, violations := s.errorBody(ctx, status, env)
			return status, &answer{body: body, violations: violations}, nil
		}
		prep, err := s.prepareBytes(ctx, cacheKey{example: p.Example}, status, body)
		if err != nil {
			return 0, nil, err
		}
		return status, answerOf(prep), nil
	case negotiate.Custom:
		body, err := s.customBody(ctx, p)
		if err != nil || p.OffContract {
			return p.Status, &answer{body: body}, err
		}
		return p.Status, &answer{body: body, violations: s.validator.JSONResponse(ctx, p.Status, body)}, nil
	case negotiate.Fixture:
		fx := p.Fixture
		prep, err := s.prepareBytes(ctx, cacheKey{fixture: fx}, http.StatusOK, fx.Body)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, answerOf(prep), nil
	case negotiate.Progression:
		poll := s.progressions.next(progressKey{rule: p.Rule, steps: p.Progression, seed: p.Seed, id: id})
		if last := len(p.Progression.Statuses) - 1; poll > last {
			poll = last // every poll past the end is the end
		}
		key := cacheKey{seed: p.Seed, id: id, progression: p.Progression, poll: poll}
		a, err := s.crawlAnswer(ctx, key, p.Progression.Size(), func() (*crawl.Crawl, error) {
			return s.crawls(p.Seed).Progress(id, p.Progression.Statuses, p.Progression.Size(), poll)
		})
		return http.StatusOK, a, err
	default:
		size := 0
		if p.Opts.SetScreenshots {
			size = p.Opts.Screenshots
		}
		a, err := s.crawlAnswer(ctx, cacheKey{seed: p.Seed, id: id, opts: p.Opts}, size, func() (*crawl.Crawl, error) {
			return s.crawls(p.Seed).Crawl(id, p.Opts)
		})
		return http.StatusOK, a, err
	}
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

// prepareBytes returns a body given as bytes (an example, a fixture) with
// its verdict as an answer with status, checked by kin-openapi once and
// cached.
func (s *Server) prepareBytes(ctx context.Context, key cacheKey, status int, body []byte) (*prepared, error) {
	if p, ok := s.cache.get(key); ok {
		return p, nil
	}
	p := &prepared{body: body, violations: s.validator.JSONResponse(ctx, status, body)}
	s.cache.add(key, p)
	return p, nil
}

// crawlAnswer returns a crawl made by build, checked against the contract
// as the Go value it is, before it is encoded. A crawl asked for with
// streamFrom screenshots or more is made in a large-render slot and
// streamed; others are encoded whole and cached.
func (s *Server) crawlAnswer(ctx context.Context, key cacheKey, size int, build func() (*crawl.Crawl, error)) (*answer, error) {
	if p, ok := s.cache.get(key); ok {
		return answerOf(p), nil
	}
	if size < streamFrom {
		p, err := s.prepareCrawl(ctx, key, build)
		if err != nil {
			return nil, err
		}
		return answerOf(p), nil
	}
	release, err := s.renders.acquire(ctx)
	if err != nil {
		return nil, err
	}
	if p, ok := s.cache.get(key); ok { // made while this request waited
		release()
		return answerOf(p), nil
	}
	c, err := build()
	if err != nil {
		release()
		return nil, err
	}
	body := s.shaper.Body(c, key.seed)
	violations := s.check(ctx, body)
	if len(violations) > 0 || c.Screenshots == nil || !s.shaper.Identity() {
		// A crawl that breaks the contract is encoded whole, before its
		// status is sent: it may not encode at all, and the stream writes
		// screenshot lists only, of the generator's own crawls.
		body, err := encodeCrawl(c.ID, body)
		release()
		if err != nil {
			return nil, err
		}
		return &answer{body: body, violations: violations}, nil
	}
	a := &answer{crawl: c, release: release, key: key}
	if size, ok := s.cache.admit(key); ok {
		a.keep = size
	}
	return a, nil
}

// prepareCrawl makes, checks and encodes a crawl whole, and caches it.
func (s *Server) prepareCrawl(ctx context.Context, key cacheKey, build func() (*crawl.Crawl, error)) (*prepared, error) {
	c, err := build()
	if err != nil {
		return nil, err
	}
	value := s.shaper.Body(c, key.seed)
	violations := s.check(ctx, value)
	body, err := encodeCrawl(c.ID, value)
	if err != nil {
		return nil, err
	}
	p := &prepared{body: body, violations: violations}
	s.cache.add(key, p)
	return p, nil
}

// check is the 200 body of a crawl, as the shaper made it, checked against
// the contract.
func (s *Server) check(ctx context.Context, body any) validate.Violations {
	return s.validator.Value(ctx, http.StatusOK, body)
}

// generatedBody is the whole body of a generated crawl, for a fault that
// breaks it: made in a large-render slot when it is large.
func (s *Server) generatedBody(ctx context.Context, p *negotiate.Plan, id int64) ([]byte, error) {
	key := cacheKey{seed: p.Seed, id: id, opts: p.Opts}
	if prep, ok := s.cache.get(key); ok {
		return prep.body, nil
	}
	if p.Opts.SetScreenshots && p.Opts.Screenshots >= streamFrom {
		release, err := s.renders.acquire(ctx)
		if err != nil {
			return nil, err
		}
		defer release()
	}
	prep, err := s.prepareCrawl(ctx, key, func() (*crawl.Crawl, error) { return s.crawls(p.Seed).Crawl(id, p.Opts) })
	if err != nil {
		return nil, err
	}
	return prep.body, nil
}

func encodeCrawl(id int64, body any) ([]byte, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("encode crawl %d: %w", id, err)
	}
	return b, nil
}
