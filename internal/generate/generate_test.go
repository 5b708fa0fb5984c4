package generate_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/internal/crawl"
	"github.com/crawlkit/crawlkit/internal/envelope"
	"github.com/crawlkit/crawlkit/internal/generate"
	"github.com/crawlkit/crawlkit/internal/validate"
)

func body(t testing.TB, g *generate.Generator, id int64, opts generate.Options) []byte {
	t.Helper()
	c, err := g.Crawl(id, opts)
	require.NoError(t, err)
	b, err := json.Marshal(envelope.NewSuccess(c))
	require.NoError(t, err)
	return b
}

func TestSameSeedAndIDGiveTheSameBytes(t *testing.T) {
	a, b := generate.New(1), generate.New(1)
	for id := int64(1); id <= 50; id++ {
		assert.Equal(t, body(t, a, id, generate.Options{}), body(t, b, id, generate.Options{}), "id %d", id)
	}
}

func TestDifferentSeedOrIDGiveDifferentData(t *testing.T) {
	g1, g2 := generate.New(1), generate.New(2)
	assert.NotEqual(t, body(t, g1, 42, generate.Options{}), body(t, g2, 42, generate.Options{}))
	assert.NotEqual(t, body(t, g1, 42, generate.Options{}), body(t, g1, 43, generate.Options{}))
}

// TestGeneratedCrawlsAreCoherentAndValid checks thousands of crawls against
// the coherence rules and a sample of them against the contract.
func TestGeneratedCrawlsAreCoherentAndValid(t *testing.T) {
	v, err := validate.Load(context.Background())
	require.NoError(t, err)
	statuses := map[string]int{}
	sizes := map[string]int{}
	for seed := uint64(1); seed <= 3; seed++ {
		g := generate.New(seed)
		for id := int64(1); id <= 1000; id++ {
			c, err := g.Crawl(id, generate.Options{})
			require.NoError(t, err)
			require.Empty(t, crawl.Check(c), "seed %d id %d", seed, id)
			statuses[c.Status]++
			switch n := len(c.Screenshots); {
			case n == 0:
				sizes["0"]++
			case n <= 100:
				sizes["1-100"]++
			default:
				sizes[">100"]++
			}
			if id%50 == 0 {
				b, err := json.Marshal(envelope.NewSuccess(c))
				require.NoError(t, err)
				require.Empty(t, v.JSONResponse(context.Background(), http.StatusOK, b), "seed %d id %d", seed, id)
			}
		}
	}
	for _, s := range crawl.Statuses {
		assert.Positive(t, statuses[s], "status %s is generated", s)
	}
	assert.Zero(t, sizes[">100"], "most crawls have 1 to 100 screenshots")
	assert.Greater(t, sizes["1-100"], sizes["0"])
}

func TestForcedStatusAndSize(t *testing.T) {
	g := generate.New(7)
	for _, status := range crawl.Statuses {
		c, err := g.Crawl(99, generate.Options{Status: status, Screenshots: 5, SetScreenshots: true})
		require.NoError(t, err)
		assert.Equal(t, status, c.Status)
		assert.Empty(t, crawl.Check(c))
		if status == crawl.StatusInQueue {
			assert.Empty(t, c.Screenshots)
		} else {
			assert.Len(t, c.Screenshots, 5)
		}
	}
	c, err := g.Crawl(10000, generate.Options{Status: crawl.StatusFinished, Screenshots: 10000, SetScreenshots: true})
	require.NoError(t, err)
	assert.Len(t, c.Screenshots, 10000)
	assert.Empty(t, crawl.Check(c))
}

func TestBadOptionsAreRefused(t *testing.T) {
	g := generate.New(1)
	for _, tt := range []struct {
		id   int64
		opts generate.Options
	}{
		{0, generate.Options{}},
		{1, generate.Options{Status: "done"}},
		{1, generate.Options{Screenshots: -1, SetScreenshots: true}},
		{1, generate.Options{Screenshots: generate.MaxScreenshots + 1, SetScreenshots: true}},
	} {
		_, err := g.Crawl(tt.id, tt.opts)
		assert.Error(t, err)
	}
}

func TestLargestIDsDoNotOverflow(t *testing.T) {
	c, err := generate.New(1).Crawl(9223372036854775807, generate.Options{})
	require.NoError(t, err)
	for _, s := range c.Screenshots {
		assert.Positive(t, s.ID)
	}
}

func TestProgressMovesToItsEndCoherently(t *testing.T) {
	g := generate.New(3)
	statuses := []string{crawl.StatusInQueue, crawl.StatusProcessing, crawl.StatusProcessing, crawl.StatusProcessing, crawl.StatusFinished}
	final, err := g.Crawl(7001, generate.Options{Status: crawl.StatusFinished, Screenshots: 24, SetScreenshots: true})
	require.NoError(t, err)
	prev := -1
	for poll := 0; poll < 8; poll++ {
		c, err := g.Progress(7001, statuses, 24, poll)
		require.NoError(t, err)
		again, err := g.Progress(7001, statuses, 24, poll)
		require.NoError(t, err)
		assert.Equal(t, c, again, "deterministic for (seed, id, poll)")
		require.Empty(t, crawl.Check(c), "poll %d", poll)
		want := statuses[min(poll, len(statuses)-1)]
		assert.Equal(t, want, c.Status, "poll %d", poll)
		assert.GreaterOrEqual(t, len(c.Screenshots), max(prev, 0), "screenshots only grow")
		prev = len(c.Screenshots)
		if poll >= len(statuses)-1 {
			assert.Equal(t, final, c)
		}
	}
	mid, err := g.Progress(7001, statuses, 24, 2)
	require.NoError(t, err)
	assert.Positive(t, len(mid.Screenshots))
	assert.Less(t, len(mid.Screenshots), 24)
}
