// Package generate makes fake crawls that look real: seeded with gofakeit,
// the same (seed, now, id) always gives the same crawl, and every crawl
// keeps the coherence rules of package crawl.
package generate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v7"

	"github.com/crawlkit/crawlkit/internal/crawl"
)

// MaxID, 2^53-1, is the largest id the generator makes, a crawl's or a
// screenshot's: the largest integer every JSON parser reads exactly
// (I-JSON, RFC 7493), and the contract's bound on crawl ids.
const MaxID = 1<<53 - 1

// MaxScreenshots bounds Options.Screenshots.
const MaxScreenshots = 100_000

// Options shape one generated crawl; the zero value leaves all to the seed.
type Options struct {
	// Status forces the crawl's status; "" lets the seed choose.
	Status string
	// Screenshots forces the number of screenshots (0 to MaxScreenshots) when
	// SetScreenshots is true. A crawl in_queue has none.
	Screenshots    int
	SetScreenshots bool
}

// Generator makes crawls for one seed, timed relative to one instant. It is
// safe for concurrent use.
type Generator struct {
	seed uint64
	now  time.Time
	// statuses are the crawl statuses asked for that are allowed: the
	// contract's, or the generator's own.
	statuses []string
}

// New returns a generator for seed whose crawls are timed relative to now
// (to the second): a crawl still running started minutes before it, one
// that ended did so before it.
func New(seed uint64, now time.Time) *Generator {
	return NewFor(seed, now, nil)
}

// DayStart is the start of t's day in UTC: the instant crawlkit times
// generated crawls relative to when none is given, so that the same seed
// gives the same bytes all day, across restarts.
func DayStart(t time.Time) time.Time {
	return t.UTC().Truncate(24 * time.Hour)
}

// NewFor is New for a contract whose crawls take statuses (nil: the
// generator's own). A status the generator does not know is made as a
// crawl still running.
func NewFor(seed uint64, now time.Time, statuses []string) *Generator {
	if statuses == nil {
		statuses = crawl.Statuses[:]
	}
	return &Generator{seed: seed, now: now.UTC().Truncate(time.Second), statuses: statuses}
}

// Check says what is wrong with opts, or nil, for the crawl statuses the
// generator knows.
func (opts Options) Check() error { return opts.CheckIn(crawl.Statuses[:]) }

// CheckIn says what is wrong with opts, or nil, where a crawl's status is
// one of statuses (a contract's enum; nil allows any). A status the
// generator does not know is made as a crawl still running.
func (opts Options) CheckIn(statuses []string) error {
	switch {
	case opts.Status != "" && statuses != nil && !slices.Contains(statuses, opts.Status):
		return fmt.Errorf("status %q: must be one of %s", opts.Status, strings.Join(statuses, ", "))
	case opts.SetScreenshots && (opts.Screenshots < 0 || opts.Screenshots > MaxScreenshots):
		return fmt.Errorf("screenshots %d: must be from 0 to %d", opts.Screenshots, MaxScreenshots)
	case opts.Status == crawl.StatusInQueue && opts.SetScreenshots && opts.Screenshots > 0:
		return fmt.Errorf("a crawl in_queue has no screenshots yet, not %d: ask for processing to have some taken", opts.Screenshots)
	}
	return nil
}

// Crawl returns the crawl with id, shaped by opts. Forcing a status or a
// size keeps the crawl's identity: its domain, pages, options and ids.
func (g *Generator) Crawl(id int64, opts Options) (*crawl.Crawl, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	if err := opts.CheckIn(g.statuses); err != nil {
		return nil, err
	}
	return g.builder(id).crawl(opts, anchorAgo), nil
}

// checkID says what is wrong with a crawl id, or nil.
func checkID(id int64) error {
	if id < 1 || id > MaxID {
		return fmt.Errorf("crawl id %d: must be from 1 to %d", id, int64(MaxID))
	}
	return nil
}

func (g *Generator) builder(id int64) *builder {
	return &builder{f: gofakeit.NewFaker(rand.NewPCG(g.seed, uint64(id)), false), id: id, now: g.now}
}

func validStatus(s string) bool { return slices.Contains(crawl.Statuses[:], s) }

type builder struct {
	f   *gofakeit.Faker
	id  int64
	now time.Time
}

// chance reports true with probability p.
func (b *builder) chance(p float64) bool { return b.f.Float64() < p }

func (b *builder) pick(values ...string) string { return values[b.f.IntN(len(values))] }

// between draws a duration from lo to hi, to the second.
func (b *builder) between(lo, hi time.Duration) time.Duration {
	return lo + time.Duration(b.f.IntN(int((hi-lo)/time.Second)+1))*time.Second
}

// anchor says where an ended crawl sits in time: ago, some time before
// now (any crawl asked for by id); or just now, ending moments before it
// (the last step of a progression polled now).
type anchor int

const (
	anchorAgo anchor = iota
	anchorJustNow
)

// identity is what a crawl is whatever its status and size.
type identity struct {
	drawnStatus string
	domain      string
	site        *site
	profile     *profile
	baseID      int64
	// age is how long before now an ended crawl was created.
	age    time.Duration
	drawnN int
}

// identity draws, in a fixed order, everything that does not depend on
// the status or the size.
func (b *builder) identity() identity {
	f := b.f
	var id identity
	id.drawnStatus = b.weighted([]string{crawl.StatusFinished, crawl.StatusProcessing, crawl.StatusInQueue, crawl.StatusError, crawl.StatusCancelled}, []int{70, 12, 5, 8, 5})
	id.domain = strings.ToLower(f.DomainName())
	host := id.domain
	if b.chance(0.5) {
		host = "www." + id.domain
	}
	id.site = newSite(b, host)
	id.profile = b.profile()
	id.baseID = (int64(f.IntN(90_000_000)) + 10_000_000) * 1000
	// Most crawls people look at are recent: an age from two hours to two
	// months, skewed to the last days.
	id.age = 2*time.Hour + time.Duration(math.Pow(f.Float64(), 3)*float64(60*24*time.Hour)).Truncate(time.Second)
	// Most crawls are small; a few reach a hundred pages.
	id.drawnN = 1 + int(math.Pow(f.Float64(), 2.2)*99)
	return id
}

func (b *builder) crawl(opts Options, at anchor) *crawl.Crawl {
	if opts.Status != "" && !validStatus(opts.Status) {
		// A status the contract added: made as a crawl still running,
		// which stops where it is.
		status := opts.Status
		opts.Status = crawl.StatusProcessing
		c := b.crawl(opts, at)
		c.Status = status
		return c
	}
	f := b.f
	id := b.identity()
	status := opts.Status
	if status == "" {
		status = id.drawnStatus
	}

	n := id.drawnN
	switch {
	case status == crawl.StatusInQueue:
		n = 0
	case opts.SetScreenshots:
		n = opts.Screenshots
	}
	c := &crawl.Crawl{
		ID:          b.id,
		Status:      status,
		Domain:      id.domain,
		StartURL:    id.site.url(0),
		MaxURLs:     b.maxURLs(n),
		Screenshots: make([]crawl.Screenshot, 0, n),
	}
	if status == crawl.StatusInQueue {
		c.CreatedAt = b.now.Add(-b.between(10*time.Second, 10*time.Minute)).Format(time.RFC3339)
		return c
	}
	reason := ""
	if status == crawl.StatusError {
		reason = b.errorReason(n)
	}
	// The screenshots are taken on a timeline that starts at the crawl's
	// start (offset 0); it is placed in time once its length is known.
	// Large crawls take pages in parallel lanes, a hundred pages a lane.
	lanes := max(1, n/100)
	offsets := make([]shotTimes, n)
	var next, span time.Duration
	for i := range n {
		next += b.between(0, 2*time.Second) / time.Duration(lanes)
		took := time.Duration(id.profile.delay+1+f.IntN(8)) * time.Second
		offsets[i] = shotTimes{created: next, finished: next + took}
		next += took / time.Duration(lanes)
		span = max(span, next, offsets[i].finished)
	}
	if reason == timeoutReason {
		// A crawl stopped by its time limit ran that long.
		span = stretch(offsets, crawlTimeout) + b.between(0, 30*time.Second)
	}
	pending := 0
	if status == crawl.StatusProcessing && n > 0 {
		pending = min(n, 1+f.IntN(3))
	}
	var started time.Time
	switch {
	case status == crawl.StatusProcessing:
		// The last page was taken moments ago, or the one in progress began.
		var last time.Duration
		for i, o := range offsets {
			if i < n-pending {
				last = max(last, o.finished)
			} else {
				last = max(last, o.created)
			}
		}
		started = b.now.Add(-last - b.between(5*time.Second, 90*time.Second))
	case at == anchorJustNow:
		started = b.now.Add(-span - b.between(5*time.Second, 60*time.Second))
	default:
		started = b.now.Add(-max(id.age, span+2*time.Hour))
	}
	c.CreatedAt = started.Add(-b.between(time.Second, 90*time.Second)).Format(time.RFC3339)
	c.Started = started.Unix()
	for i := range n {
		shot := b.screenshot(id.baseID+int64(i), id.site, i, id.profile, started.Add(offsets[i].created), started.Add(offsets[i].finished))
		c.Screenshots = append(c.Screenshots, shot)
	}
	for i := n - pending; i < n; i++ {
		makePending(&c.Screenshots[i], i == n-pending)
	}
	switch reason {
	case unreachableReason:
		// The first page, the start URL, never answered; nothing else ran.
		for i := range c.Screenshots {
			b.failWith(&c.Screenshots[i], 0)
		}
	case tooManyFailedReason:
		// The site went down: the last half of the pages failed.
		for i := n / 2; i < n; i++ {
			if c.Screenshots[i].Status != crawl.StatusError {
				b.failWith(&c.Screenshots[i], []int{500, 502, 503}[f.IntN(3)])
			}
		}
	}
	c.Processed, c.Failed, _ = c.Tally()
	c.TotalDiscovered = b.discovered(c, status, reason, n)
	if status == crawl.StatusProcessing {
		return c
	}
	c.Finished = started.Add(span + b.between(time.Second, 5*time.Second)).Unix()
	if status == crawl.StatusError {
		c.Error = reason
	}
	return c
}

// shotTimes are when one screenshot was created and finished, from the
// crawl's start.
type shotTimes struct{ created, finished time.Duration }

// stretch spreads the screenshots evenly over at least d and returns the
// timeline's new length.
func stretch(offsets []shotTimes, d time.Duration) time.Duration {
	var end time.Duration
	for _, o := range offsets {
		end = max(end, o.finished)
	}
	if end >= d || len(offsets) == 0 {
		return max(end, d)
	}
	gap := (d - end) / time.Duration(len(offsets))
	for i := range offsets {
		shift := gap * time.Duration(i+1)
		offsets[i].created += shift
		offsets[i].finished += shift
	}
	return end + gap*time.Duration(len(offsets))
}

// crawlTimeout is the run time after which the API stops a crawl.
const crawlTimeout = 3600 * time.Second

// The reasons a generated crawl ends in error.
var (
	unreachableReason   = crawl.ErrStartURLUnreachable
	tooManyFailedReason = crawl.ErrTooManyFailed
	timeoutReason       = crawl.ErrTimeout(crawlTimeout)
	creditsReason       = crawl.ErrInsufficientCredits
)

// errorReason picks why a crawl of n pages ended in error, among the
// reasons its numbers can show: an unreachable start URL leaves at most
// that one page.
func (b *builder) errorReason(n int) string {
	if n <= 1 && b.chance(0.7) {
		return unreachableReason
	}
	if n == 0 {
		return b.pick(timeoutReason, creditsReason)
	}
	return b.pick(tooManyFailedReason, timeoutReason, creditsReason)
}

// discovered is how many pages the crawl found: all it took when it
// finished; more than it took while processing, or when it stopped early.
func (b *builder) discovered(c *crawl.Crawl, status, reason string, n int) int {
	done := c.Processed + c.Failed
	switch {
	case status == crawl.StatusFinished:
		return done
	case reason == unreachableReason:
		return max(n, 1)
	case status == crawl.StatusProcessing || reason == timeoutReason:
		// Pages left: at least one more than taken, within max_urls.
		if c.MaxURLs <= n {
			c.MaxURLs = b.maxURLs(n + 1)
		}
		return n + 1 + b.f.IntN(c.MaxURLs-n)
	default:
		// Stopped early (cancelled, out of credits...), maybe with pages left.
		return n + b.f.IntN(c.MaxURLs-n+1)
	}
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
	if n >= 1000 {
		return n + b.f.IntN(n/10+1)
	}
	return 1000
}
