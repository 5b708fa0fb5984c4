package generate_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/internal/crawl"
	"github.com/crawlkit/crawlkit/internal/envelope"
	"github.com/crawlkit/crawlkit/internal/generate"
	"github.com/crawlkit/crawlkit/internal/validate"
)

// now is the instant the tests' crawls are timed relative to.
var now = time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)

func body(t testing.TB, g *generate.Generator, id int64, opts generate.Options) []byte {
	t.Helper()
	c, err := g.Crawl(id, opts)
	require.NoError(t, err)
	b, err := json.Marshal(envelope.NewSuccess(c))
	require.NoError(t, err)
	return b
}

func TestSameSeedNowAndIDGiveTheSameBytes(t *testing.T) {
	a, b := generate.New(1, now), generate.New(1, now)
	for id := int64(1); id <= 50; id++ {
		assert.Equal(t, body(t, a, id, generate.Options{}), body(t, b, id, generate.Options{}), "id %d", id)
	}
}

func TestDifferentSeedOrIDGiveDifferentData(t *testing.T) {
	g1, g2 := generate.New(1, now), generate.New(2, now)
	assert.NotEqual(t, body(t, g1, 42, generate.Options{}), body(t, g2, 42, generate.Options{}))
	assert.NotEqual(t, body(t, g1, 42, generate.Options{}), body(t, g1, 43, generate.Options{}))
}

// addsUp is the style check a dashboard makes: a finished crawl's progress
// bar reaches 100%, and a running one's does not.
func addsUp(c *crawl.Crawl) bool {
	done := c.Processed + c.Failed
	switch c.Status {
	case crawl.StatusFinished:
		return done == c.TotalDiscovered && done == len(c.Screenshots)
	case crawl.StatusProcessing:
		return done < c.TotalDiscovered
	}
	return done <= c.TotalDiscovered
}

// TestGeneratedCrawlsKeepEveryRule checks 3,000 crawls, each status many
// times over, against every coherence rule as of the generator's now, and a
// sample against the contract.
func TestGeneratedCrawlsKeepEveryRule(t *testing.T) {
	v, err := validate.Load(context.Background())
	require.NoError(t, err)
	statuses := map[string]int{}
	reasons := map[string]int{}
	pending, sizes := 0, map[string]int{}
	for seed := uint64(1); seed <= 3; seed++ {
		g := generate.New(seed, now)
		for id := int64(1); id <= 1000; id++ {
			c, err := g.Crawl(id, generate.Options{})
			require.NoError(t, err)
			require.Empty(t, crawl.Check(c, now), "seed %d id %d", seed, id)
			require.True(t, addsUp(c), "seed %d id %d: %s %d+%d of %d", seed, id, c.Status, c.Processed, c.Failed, c.TotalDiscovered)
			statuses[c.Status]++
			reasons[c.Error]++
			for _, s := range c.Screenshots {
				if crawl.Pending(s.Status) {
					pending++
				}
			}
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
	for _, r := range []string{crawl.ErrStartURLUnreachable, crawl.ErrTooManyFailed, crawl.ErrTimeout(time.Hour), crawl.ErrInsufficientCredits} {
		assert.Positive(t, reasons[r], "error %q is generated", r)
	}
	assert.Positive(t, pending, "screenshots in_queue and processing are generated")
	assert.Zero(t, sizes[">100"], "most crawls have 1 to 100 screenshots")
	assert.Greater(t, sizes["1-100"], sizes["0"])
}

// TestEachShapeKeepsEveryRule forces every status with sizes from none to
// many, for many ids.
func TestEachShapeKeepsEveryRule(t *testing.T) {
	g := generate.New(7, now)
	for _, status := range crawl.Statuses {
		for _, n := range []int{0, 1, 2, 3, 5, 12, 40, 300} {
			if status == crawl.StatusInQueue && n > 0 {
				continue
			}
			for id := int64(1); id <= 40; id++ {
				c, err := g.Crawl(id, generate.Options{Status: status, Screenshots: n, SetScreenshots: true})
				require.NoError(t, err)
				assert.Equal(t, status, c.Status)
				assert.Len(t, c.Screenshots, n)
				require.Empty(t, crawl.Check(c, now), "%s, %d screenshots, id %d", status, n, id)
				require.True(t, addsUp(c), "%s, %d screenshots, id %d", status, n, id)
			}
		}
	}
	c, err := g.Crawl(10000, generate.Options{Status: crawl.StatusFinished, Screenshots: 10000, SetScreenshots: true})
	require.NoError(t, err)
	assert.Len(t, c.Screenshots, 10000)
	assert.Empty(t, crawl.Check(c, now))
	big, err := g.Crawl(10000, generate.Options{Status: crawl.StatusProcessing, Screenshots: 10000, SetScreenshots: true})
	require.NoError(t, err)
	assert.Empty(t, crawl.Check(big, now), "a large crawl takes pages in parallel: started within the day")
}

// TestRunningCrawlsLookRunning: what a dashboard shows of a crawl still at
// work.
func TestRunningCrawlsLookRunning(t *testing.T) {
	g := generate.New(1, now)
	for id := int64(1); id <= 200; id++ {
		c, err := g.Crawl(id, generate.Options{Status: crawl.StatusProcessing, Screenshots: 12, SetScreenshots: true})
		require.NoError(t, err)
		started := time.Unix(c.Started, 0)
		assert.True(t, started.After(now.Add(-30*time.Minute)) && started.Before(now), "id %d started %s, minutes before %s", id, started, now)
		last := c.Screenshots[len(c.Screenshots)-1]
		assert.True(t, crawl.Pending(last.Status), "id %d: the last page is still to be taken", id)
		assert.Empty(t, last.FinishedAt)
		assert.Less(t, c.Processed+c.Failed, 12)
		assert.Greater(t, c.TotalDiscovered, c.Processed+c.Failed)

		q, err := g.Crawl(id, generate.Options{Status: crawl.StatusInQueue})
		require.NoError(t, err)
		created, err := time.Parse(time.RFC3339, q.CreatedAt)
		require.NoError(t, err)
		assert.True(t, created.After(now.Add(-15*time.Minute)) && !created.After(now), "id %d queued at %s", id, created)
	}
}

// TestErrorsExplainTheirNumbers: each error message matches what the
// crawl's numbers show.
func TestErrorsExplainTheirNumbers(t *testing.T) {
	g := generate.New(2, now)
	seen := map[string]bool{}
	for id := int64(1); id <= 600; id++ {
		n := []int{0, 1, 5, 20}[id%4]
		c, err := g.Crawl(id, generate.Options{Status: crawl.StatusError, Screenshots: n, SetScreenshots: true})
		require.NoError(t, err)
		seen[c.Error] = true
		switch c.Error {
		case crawl.ErrStartURLUnreachable:
			assert.Zero(t, c.Processed, "id %d", id)
			assert.LessOrEqual(t, len(c.Screenshots), 1)
		case crawl.ErrTooManyFailed:
			assert.GreaterOrEqual(t, 2*c.Failed, c.Processed+c.Failed, "id %d", id)
			assert.Positive(t, c.Failed)
		case crawl.ErrTimeout(time.Hour):
			assert.GreaterOrEqual(t, c.Finished-c.Started, int64(3600), "id %d", id)
		}
		assert.Empty(t, crawl.Check(c, now), "id %d", id)
	}
	assert.Len(t, seen, 4, "every reason: %v", seen)
}

// TestReshapingKeepsTheCrawlsIdentity: another status or size is the same
// crawl, of the same site, with the same options and ids.
func TestReshapingKeepsTheCrawlsIdentity(t *testing.T) {
	g := generate.New(5, now)
	for id := int64(1); id <= 100; id++ {
		base, err := g.Crawl(id, generate.Options{})
		require.NoError(t, err)
		for _, opts := range []generate.Options{
			{Status: crawl.StatusError},
			{Status: crawl.StatusInQueue},
			{Status: crawl.StatusProcessing, Screenshots: 5, SetScreenshots: true},
			{Screenshots: 30, SetScreenshots: true},
		} {
			c, err := g.Crawl(id, opts)
			require.NoError(t, err)
			assert.Equal(t, base.Domain, c.Domain, "id %d %+v", id, opts)
			assert.Equal(t, base.StartURL, c.StartURL)
			if len(c.Screenshots) > 0 && len(base.Screenshots) > 0 {
				assert.Equal(t, base.Screenshots[0].ID, c.Screenshots[0].ID, "id %d %+v", id, opts)
				assert.Equal(t, base.Screenshots[0].URL, c.Screenshots[0].URL)
				assert.Equal(t, base.Screenshots[0].ScreenWidth, c.Screenshots[0].ScreenWidth)
			}
		}
	}
}

func TestBadOptionsAreRefused(t *testing.T) {
	g := generate.New(1, now)
	for _, tt := range []struct {
		id   int64
		opts generate.Options
	}{
		{0, generate.Options{}},
		{1, generate.Options{Status: "done"}},
		{1, generate.Options{Screenshots: -1, SetScreenshots: true}},
		{1, generate.Options{Screenshots: generate.MaxScreenshots + 1, SetScreenshots: true}},
		{1, generate.Options{Status: crawl.StatusInQueue, Screenshots: 5, SetScreenshots: true}},
	} {
		_, err := g.Crawl(tt.id, tt.opts)
		assert.Error(t, err, "%+v", tt.opts)
	}
	_, err := g.Progress(1, []string{crawl.StatusProcessing, crawl.StatusFinished}, 0, 0)
	assert.Error(t, err, "processing takes pages")
}

// TestIDsAreJSONSafe: every id the generator makes, a crawl's or a
// screenshot's, is at most 2^53-1, the contract's bound, whatever the seed
// and the size; a crawl id beyond is refused.
func TestIDsAreJSONSafe(t *testing.T) {
	v, err := validate.Load(context.Background())
	require.NoError(t, err)
	param := v.Contract().Operation.Parameters.GetByInAndName("query", "id")
	require.NotNil(t, param)
	require.NotNil(t, param.Schema.Value.Max)
	assert.InDelta(t, float64(generate.MaxID), *param.Schema.Value.Max, 0, "the generator's bound is the contract's")
	for seed := range uint64(50) {
		g := generate.New(seed, now)
		for _, id := range []int64{1, 1 + int64(seed)*7919, generate.MaxID} {
			c, err := g.Crawl(id, generate.Options{Status: crawl.StatusFinished, Screenshots: 100, SetScreenshots: true})
			require.NoError(t, err)
			assert.LessOrEqual(t, c.ID, int64(generate.MaxID))
			for _, s := range c.Screenshots {
				assert.Positive(t, s.ID)
				assert.LessOrEqual(t, s.ID, int64(generate.MaxID))
			}
		}
	}
	big, err := generate.New(1, now).Crawl(generate.MaxID, generate.Options{Screenshots: generate.MaxScreenshots, SetScreenshots: true, Status: crawl.StatusFinished})
	require.NoError(t, err)
	assert.LessOrEqual(t, big.Screenshots[len(big.Screenshots)-1].ID, int64(generate.MaxID))
	for _, id := range []int64{0, generate.MaxID + 1, 9223372036854775807} {
		_, err := generate.New(1, now).Crawl(id, generate.Options{})
		assert.Error(t, err, id)
		_, err = generate.New(1, now).Progress(id, []string{crawl.StatusFinished}, 1, 0)
		assert.Error(t, err, id)
	}
}

// TestProgressTellsOneStory checks every poll of progressions to each
// final status: coherent and recent, and moving only forward.
func TestProgressTellsOneStory(t *testing.T) {
	g := generate.New(3, now)
	progressions := [][]string{
		{crawl.StatusInQueue, crawl.StatusProcessing, crawl.StatusProcessing, crawl.StatusProcessing, crawl.StatusFinished},
		{crawl.StatusInQueue, crawl.StatusProcessing, crawl.StatusProcessing, crawl.StatusError},
		{crawl.StatusInQueue, crawl.StatusProcessing, crawl.StatusCancelled},
		{crawl.StatusProcessing, crawl.StatusFinished},
		{crawl.StatusInQueue, crawl.StatusProcessing, crawl.StatusProcessing}, // stalls processing
		{crawl.StatusInQueue, crawl.StatusInQueue},                            // stalls in the queue
	}
	for _, statuses := range progressions {
		for id := int64(7000); id < 7100; id++ {
			size := []int{1, 2, 6, 24, -1}[id%5]
			if statuses[len(statuses)-1] == crawl.StatusInQueue {
				size = -1
			}
			var prev *crawl.Crawl
			ids := map[int]int64{}
			for poll := 0; poll < len(statuses)+2; poll++ {
				c, err := g.Progress(id, statuses, size, poll)
				require.NoError(t, err)
				again, err := g.Progress(id, statuses, size, poll)
				require.NoError(t, err)
				require.Equal(t, c, again, "deterministic for (seed, id, poll)")
				require.Empty(t, crawl.Check(c, now), "%v id %d poll %d", statuses, id, poll)
				require.True(t, addsUp(c), "%v id %d poll %d", statuses, id, poll)
				assert.Equal(t, statuses[min(poll, len(statuses)-1)], c.Status)
				if c.Status == crawl.StatusProcessing {
					require.NotEmpty(t, c.Screenshots)
					assert.True(t, crawl.Pending(c.Screenshots[len(c.Screenshots)-1].Status), "some screenshots pending")
				}
				if prev != nil {
					assert.GreaterOrEqual(t, len(c.Screenshots), len(prev.Screenshots), "screenshots only grow")
					assert.GreaterOrEqual(t, c.Processed, prev.Processed)
					assert.GreaterOrEqual(t, c.Failed, prev.Failed)
					assert.GreaterOrEqual(t, c.TotalDiscovered, prev.TotalDiscovered)
					if prev.Started != 0 {
						assert.Equal(t, prev.Started, c.Started)
					}
				}
				for i, s := range c.Screenshots {
					if seen, ok := ids[i]; ok {
						assert.Equal(t, seen, s.ID, "a screenshot keeps its id")
					}
					ids[i] = s.ID
				}
				prev = c
			}
		}
	}
}
