package mockserver

import (
	"sync"

	lru "github.com/hashicorp/golang-lru/v2"
)

// DefaultProgressionEntries bounds the crawls whose polls are counted.
const DefaultProgressionEntries = 10_000

// progressKey names one progressing crawl.
type progressKey struct {
	rule string
	seed uint64
	id   int64
}

// progressions counts the polls of each progressing crawl, for the least
// recently polled DefaultProgressionEntries at most.
type progressions struct {
	mu    sync.Mutex
	polls *lru.Cache[progressKey, int]
}

func newProgressions(size int) (*progressions, error) {
	c, err := lru.New[progressKey, int](size)
	if err != nil {
		return nil, err
	}
	return &progressions{polls: c}, nil
}

// next returns the poll number of this request for key, counted from 0.
func (p *progressions) next(key progressKey) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n, _ := p.polls.Get(key)
	p.polls.Add(key, n+1)
	return n
}

func (p *progressions) reset() { p.polls.Purge() }

func (p *progressions) len() int { return p.polls.Len() }
