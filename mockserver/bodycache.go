package mockserver

import (
	"sync/atomic"

	lru "github.com/hashicorp/golang-lru/v2"
)

// Budgets of the body cache when Config leaves them 0. Small bodies (the
// common crawls, under largeBody) share DefaultCacheBytes; large ones (the
// 10,000-screenshot crawl) have a budget of their own, so that neither
// evicts the other and a day of random ids keeps the mock light.
const (
	DefaultCacheBytes      = 8 << 20
	DefaultLargeCacheBytes = 40 << 20
	largeBody              = 1 << 20
)

// bodyCache keeps prepared bodies, least recently used out first, within a
// budget of entries and of bytes for small bodies and another for large.
// A streamed crawl is admitted the second time it is asked for: a day of
// large crawls asked once each (random ids) never fills it, while the one
// a client polls is served from memory.
type bodyCache struct {
	small, large *tier
	// seen holds the keys of streamed crawls asked for once, with the size
	// of their body.
	seen *lru.Cache[cacheKey, int]
}

// seenKeys bounds the streamed crawls remembered as asked for once.
const seenKeys = 1024

func newBodyCache(entries int, smallBudget, largeBudget int64) (*bodyCache, error) {
	small, err := newTier(entries, smallBudget)
	if err != nil {
		return nil, err
	}
	large, err := newTier(entries, largeBudget)
	if err != nil {
		return nil, err
	}
	seen, err := lru.New[cacheKey, int](seenKeys)
	if err != nil {
		return nil, err
	}
	return &bodyCache{small: small, large: large, seen: seen}, nil
}

// admit reports whether the streamed crawl of k is to be kept, and the
// size its body had: true the second time k is asked for, if it fits the
// budget for large bodies.
func (c *bodyCache) admit(k cacheKey) (int, bool) {
	size, ok := c.seen.Peek(k)
	return size, ok && int64(size) <= c.large.budget
}

// streamed records that the crawl of k was streamed whole, size bytes.
func (c *bodyCache) streamed(k cacheKey, size int) { c.seen.Add(k, size) }

func (c *bodyCache) get(k cacheKey) (*prepared, bool) {
	if p, ok := c.small.entries.Get(k); ok {
		return p, true
	}
	return c.large.entries.Get(k)
}

func (c *bodyCache) add(k cacheKey, p *prepared) {
	if len(p.body) >= largeBody {
		c.large.add(k, p)
		return
	}
	c.small.add(k, p)
}

func (c *bodyCache) purge() {
	c.small.entries.Purge()
	c.large.entries.Purge()
	c.seen.Purge()
}

// size returns the entries and bytes held.
func (c *bodyCache) size() (int, int64) {
	return c.small.entries.Len() + c.large.entries.Len(), c.small.bytes.Load() + c.large.bytes.Load()
}

// tier is one LRU with a byte budget.
type tier struct {
	entries *lru.Cache[cacheKey, *prepared]
	bytes   atomic.Int64
	budget  int64
}

func newTier(entries int, budget int64) (*tier, error) {
	t := &tier{budget: budget}
	l, err := lru.NewWithEvict(entries, func(_ cacheKey, p *prepared) { t.bytes.Add(-int64(len(p.body))) })
	if err != nil {
		return nil, err
	}
	t.entries = l
	return t, nil
}

// add keeps p unless it alone is over the budget, then drops the oldest
// bodies until the tier fits its budget again.
func (t *tier) add(k cacheKey, p *prepared) {
	size := int64(len(p.body))
	if size > t.budget {
		return
	}
	if ok, _ := t.entries.ContainsOrAdd(k, p); ok {
		return // a concurrent request prepared the same body first
	}
	t.bytes.Add(size)
	for t.bytes.Load() > t.budget {
		if _, _, ok := t.entries.RemoveOldest(); !ok {
			return
		}
	}
}
