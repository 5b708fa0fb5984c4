// Package generate makes fake crawls that look real: seeded with gofakeit,
// the same (seed, id) always gives the same crawl, and every crawl keeps the
// coherence rules of package crawl.
package generate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v7"

	"github.com/crawlkit/crawlkit/internal/crawl"
)

// MaxScreenshots bounds Options.Screenshots.
const MaxScreenshots = 100_000

// Options shape one generated crawl; the zero value leaves all to the seed.
type Options struct {
	// Status forces the crawl's status; "" lets the seed choose.
	Status string
	// Screenshots forces the number of screenshots (0 to MaxScreenshots) when
	// SetScreenshots is true. A crawl in_queue has none whatever is asked.
	Screenshots    int
	SetScreenshots bool
}

// Generator makes crawls for one seed. It is safe for concurrent use.
type Generator struct {
	seed uint64
}

// New returns a generator for seed.
func New(seed uint64) *Generator { return &Generator{seed: seed} }

// Seed returns the generator's seed.
func (g *Generator) Seed() uint64 { return g.seed }

// epoch is the earliest creation time of a generated crawl; times are drawn
// from a fixed window so that a crawl is the same whatever day it is asked for.
func epoch() time.Time { return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC) }

const window = 670 * 24 * time.Hour

// Crawl returns the crawl with id, shaped by opts.
func (g *Generator) Crawl(id int64, opts Options) (*crawl.Crawl, error) {
	if id < 1 {
		return nil, fmt.Errorf("crawl id %d: must be at least 1", id)
	}
	if opts.Status != "" && !validStatus(opts.Status) {
		return nil, fmt.Errorf("status %q: must be one of %s", opts.Status, strings.Join(crawl.Statuses[:], ", "))
	}
	if opts.SetScreenshots && (opts.Screenshots < 0 || opts.Screenshots > MaxScreenshots) {
		return nil, fmt.Errorf("screenshots %d: must be from 0 to %d", opts.Screenshots, MaxScreenshots)
	}
	f := gofakeit.NewFaker(rand.NewPCG(g.seed, uint64(id)), false)
	b := &builder{f: f, id: id}
	return b.crawl(opts), nil
}

func validStatus(s string) bool {
	for _, v := range crawl.Statuses {
		if v == s {
			return true
		}
	}
	return false
}

type builder struct {
	f  *gofakeit.Faker
	id int64
}

// chance reports true with probability p.
func (b *builder) chance(p float64) bool { return b.f.Float64() < p }

func (b *builder) pick(values ...string) string { return values[b.f.IntN(len(values))] }

func (b *builder) crawl(opts Options) *crawl.Crawl {
	f := b.f
	status := opts.Status
	if status == "" {
		status = b.weighted([]string{crawl.StatusFinished, crawl.StatusProcessing, crawl.StatusInQueue, crawl.StatusError, crawl.StatusCancelled}, []int{70, 12, 5, 8, 5})
	}
	domain := strings.ToLower(f.DomainName())
	host := domain
	if b.chance(0.5) {
		host = "www." + domain
	}
	site := newSite(b, host)

	n := 0
	switch {
	case status == crawl.StatusInQueue:
	case opts.SetScreenshots:
		n = opts.Screenshots
	default:
		// Most crawls are small; a few reach a hundred pages.
		n = 1 + int(math.Pow(f.Float64(), 2.2)*99)
	}
	maxURLs := b.maxURLs(n)
	created := epoch().Add(time.Duration(int64(f.IntN(int(window/time.Second)))) * time.Second)

	c := &crawl.Crawl{
		ID:          b.id,
		Status:      status,
		Domain:      domain,
		StartURL:    site.url(0),
		MaxURLs:     maxURLs,
		CreatedAt:   created.Format(time.RFC3339),
		Screenshots: make([]crawl.Screenshot, 0, n),
	}
	if status == crawl.StatusInQueue {
		return c
	}
	started := created.Add(time.Duration(1+f.IntN(90)) * time.Second)
	c.Started = started.Unix()

	profile := b.profile()
	baseID := (int64(f.IntN(90_000_000)) + 10_000_000) * 1000
	at := started
	for i := 0; i < n; i++ {
		shot := b.screenshot(baseID+int64(i), site, i, profile, at)
		if shot.Status == crawl.StatusError {
			c.Failed++
		} else {
			c.Processed++
		}
		if ft, err := time.Parse(time.RFC3339, shot.FinishedAt); err == nil {
			at = ft
		}
		c.Screenshots = append(c.Screenshots, shot)
	}
	c.TotalDiscovered = n + f.IntN(maxURLs-n+1)
	if status == crawl.StatusInQueue || status == crawl.StatusProcessing {
		return c
	}
	c.Finished = at.Add(time.Duration(1+f.IntN(5)) * time.Second).Unix()
	if status == crawl.StatusError {
		c.Error = b.pick("Start URL unreachable", "Too many failed pages", "Crawl timeout after 3600 seconds", "Insufficient credits")
	}
	return c
}

func (b *builder) weighted(values []string, weights []int) string {
	total := 0
	for _, w := range weights {
		total += w
	}
	r := b.f.IntN(total)
	for i, w := range weights {
		if r < w {
			return values[i]
		}
		r -= w
	}
	return values[len(values)-1]
}

func (b *builder) maxURLs(n int) int {
	for _, m := range []int{10, 25, 50, 100, 250, 500, 1000} {
		if m >= n && b.chance(0.6) {
			return m
		}
	}
	if n > 1000 {
		return n + b.f.IntN(n/10+1)
	}
	return 1000
}
