package mockserver

import (
	"sync"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/crawlkit/crawlkit/internal/scenario"
)

// DefaultProgressionEntries bounds the crawls whose polls are counted.
const DefaultProgressionEntries = 10_000

// progressKey names one progressing crawl: the rule's name, for the admin
// API, and its progression as the configuration holds it, so that a rule
// replaced or reloaded starts over.
type progressKey struct {
	rule  string
	steps *scenario.Progression
	seed  uint64
	id    int64
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

// polled is one progressing crawl and how many of its polls were answered.
type polled struct {
	key   progressKey
	polls int
}

// list returns the crawls whose polls are counted, least recently polled
// first.
func (p *progressions) list() []polled {
	p.mu.Lock()
	defer p.mu.Unlock()
	keys := p.polls.Keys()
	out := make([]polled, 0, len(keys))
	for _, k := range keys {
		if n, ok := p.polls.Peek(k); ok {
			out = append(out, polled{key: k, polls: n})
		}
	}
	return out
}

// forget starts over the progressions of rule, for crawl id when it is not
// 0, and returns how many it reset.
func (p *progressions) forget(rule string, id int64) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, k := range p.polls.Keys() {
		if k.rule == rule && (id == 0 || k.id == id) {
			p.polls.Remove(k)
			n++
		}
	}
	return n
}

// advance counts one more poll of the progressions of rule, for crawl id
// when it is not 0, up to steps polls (the last step), and returns how many
// it found.
func (p *progressions) advance(rule string, id int64, steps int) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, k := range p.polls.Keys() {
		if k.rule == rule && (id == 0 || k.id == id) {
			polls, _ := p.polls.Peek(k)
			p.polls.Add(k, min(polls+1, max(steps, polls)))
			n++
		}
	}
	return n
}
