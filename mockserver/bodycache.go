package mockserver

import (
	"sync/atomic"

	lru "github.com/hashicorp/golang-lru/v2"
)

// DefaultCacheBytes bounds the bodies kept ready when Config leaves it 0:
// enough for the 10,000-screenshot crawl beside hundreds of common ones,
// small enough to keep the mock light after a day of random ids.
const DefaultCacheBytes = 24 << 20

// bodyCache keeps prepared bodies, least recently used out first, within a
// budget of entries and of bytes.
type bodyCache struct {
	entries *lru.Cache[cacheKey, *prepared]
	bytes   atomic.Int64
	budget  int64
}

func newBodyCache(entries int, budget int64) (*bodyCache, error) {
	c := &bodyCache{budget: budget}
	l, err := lru.NewWithEvict(entries, func(_ cacheKey, p *prepared) { c.bytes.Add(-int64(len(p.body))) })
	if err != nil {
		return nil, err
	}
	c.entries = l
	return c, nil
}

func (c *bodyCache) get(k cacheKey) (*prepared, bool) { return c.entries.Get(k) }

// add keeps p unless it alone is over the budget, then drops the oldest
// bodies until the cache fits the budget again.
func (c *bodyCache) add(k cacheKey, p *prepared) {
	size := int64(len(p.body))
	if size > c.budget {
		return
	}
	if ok, _ := c.entries.ContainsOrAdd(k, p); ok {
		return // a concurrent request prepared the same body first
	}
	c.bytes.Add(size)
	for c.bytes.Load() > c.budget {
		if _, _, ok := c.entries.RemoveOldest(); !ok {
			return
		}
	}
}

func (c *bodyCache) purge() { c.entries.Purge() }

// size returns the entries and bytes held.
func (c *bodyCache) size() (int, int64) { return c.entries.Len(), c.bytes.Load() }
