package mockserver

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/internal/crawl"
	"github.com/crawlkit/crawlkit/internal/envelope"
	"github.com/crawlkit/crawlkit/internal/generate"
)

var testNow = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func TestWriteSuccessIsMarshalByteForByte(t *testing.T) {
	g := generate.New(9, testNow)
	for _, tt := range []struct {
		status string
		n      int
	}{{"finished", 0}, {"finished", 1}, {"error", 3}, {"processing", 40}, {"cancelled", 1200}} {
		t.Run(tt.status+"-"+strconv.Itoa(tt.n), func(t *testing.T) {
			c, err := g.Crawl(77, generate.Options{Status: tt.status, Screenshots: tt.n, SetScreenshots: true})
			require.NoError(t, err)
			want, err := json.Marshal(envelope.NewSuccess(c))
			require.NoError(t, err)
			var got bytes.Buffer
			require.NoError(t, writeSuccess(&got, c))
			assert.Equal(t, string(want), got.String())
		})
	}
	var out bytes.Buffer
	assert.ErrorIs(t, writeSuccess(&out, &crawl.Crawl{ID: 1}), errNotStreamable, "null screenshots are not streamed")
}

// largeScenarios writes a scenario file with a crawl of 1,500 screenshots
// (id 5000): large enough to be streamed.
func largeScenarios(t *testing.T) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "scenarios.yaml")
	require.NoError(t, os.WriteFile(file, []byte(`scenarios:
  - name: large
    match: {id: 5000}
    respond: {crawl: {status: finished, screenshots: 1500}}
`), 0o600))
	return file
}

func newLargeServer(t *testing.T, cfg Config) *Server {
	t.Helper()
	cfg.ScenariosFile = largeScenarios(t)
	cfg.Now = testNow
	s, err := New(context.Background(), cfg)
	require.NoError(t, err)
	return s
}

func TestLargeCrawlIsStreamedThenCached(t *testing.T) {
	s := newLargeServer(t, Config{})
	ts := httptest.NewServer(s)
	defer ts.Close()
	c, err := s.crawls(0).Crawl(5000, generate.Options{Status: "finished", Screenshots: 1500, SetScreenshots: true})
	require.NoError(t, err)
	want, err := encodeCrawl(c.ID, envelope.NewSuccess(c))
	require.NoError(t, err)

	for i, streamed := range []bool{true, true, false} {
		resp, err := http.Get(ts.URL + "/crawl/info?id=5000&key=k")
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, string(want), string(body), "request %d", i)
		assert.Empty(t, resp.Header.Get(ViolationsHeader))
		if streamed {
			assert.Equal(t, []string{"chunked"}, resp.TransferEncoding, "request %d is streamed", i)
		} else {
			assert.Equal(t, int64(len(want)), resp.ContentLength, "request %d comes from the cache", i)
		}
	}
	assert.Empty(t, s.renders, "every large-render slot is free")
}

// brokenSource is a generator with a bug: every crawl it makes has a
// screenshot with a priority the contract does not allow.
type brokenSource struct{ crawlSource }

func (b brokenSource) Crawl(id int64, opts generate.Options) (*crawl.Crawl, error) {
	c, err := b.crawlSource.Crawl(id, opts)
	if err == nil && len(c.Screenshots) > 3 {
		c.Screenshots[3].Priority = 9
	}
	return c, err
}

// A generator bug is caught on the fast path, for crawls encoded whole and
// for streamed ones: reported in the header, a 500 with Strict.
func TestGeneratorBugIsCaughtOnTheFastPath(t *testing.T) {
	for _, tt := range []struct {
		name   string
		target string
	}{
		{"encoded whole", "/crawl/info?id=42&key=k&__seed=3"},
		{"streamed", "/crawl/info?id=5000&key=k"},
	} {
		for _, strict := range []bool{false, true} {
			t.Run(tt.name+"/strict="+strconv.FormatBool(strict), func(t *testing.T) {
				s := newLargeServer(t, Config{Strict: strict})
				real := s.crawls
				s.crawls = func(seed uint64) crawlSource { return brokenSource{real(seed)} }
				c, err := s.crawls(3).Crawl(42, generate.Options{})
				require.NoError(t, err)
				require.Greater(t, len(c.Screenshots), 3, "seed 3 draws a crawl the bug reaches")

				rec := httptest.NewRecorder()
				s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tt.target, nil))
				assert.Contains(t, rec.Header().Get(ViolationsHeader), "/data/screenshots/3/priority: 9 is more than the maximum, 3")
				if strict {
					require.Equal(t, http.StatusInternalServerError, rec.Code)
					assert.Contains(t, rec.Body.String(), "/data/screenshots/3/priority")
				} else {
					require.Equal(t, http.StatusOK, rec.Code)
					var got envelope.Success
					require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &got), "sent whole and valid JSON")
				}
				assert.Empty(t, s.renders)
			})
		}
	}
}

func TestRenderSlotsWaitAndGiveUp(t *testing.T) {
	slots := newRenderSlots(1)
	release, err := slots.acquire(context.Background())
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = slots.acquire(ctx)
	require.ErrorIs(t, err, context.Canceled, "a request that gave up stops waiting")
	release()
	release, err = slots.acquire(context.Background())
	require.NoError(t, err)
	release()
	assert.Equal(t, 1, cap(newRenderSlots(0)), "at least one slot")
}

// A client that leaves in the middle of a streamed crawl frees its slot.
func TestLeavingMidStreamFreesTheSlot(t *testing.T) {
	s := newLargeServer(t, Config{})
	ts := httptest.NewServer(s)
	defer ts.Close()
	for range 2 { // the second time, the crawl would be kept
		resp, err := http.Get(ts.URL + "/crawl/info?id=5000&key=k")
		require.NoError(t, err)
		_, err = bufio.NewReader(resp.Body).Peek(100)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
	}
	require.Eventually(t, func() bool { return len(s.renders) == 0 }, 10*time.Second, 10*time.Millisecond)
}

// failingWriter accepts limit bytes, then fails.
type failingWriter struct {
	*httptest.ResponseRecorder
	limit int
}

func (f *failingWriter) Write(b []byte) (int, error) {
	if f.Body.Len()+len(b) > f.limit {
		return 0, errors.New("connection reset by peer")
	}
	return f.ResponseRecorder.Write(b)
}

// A stream cut short by the network is neither cached nor remembered as
// sent; one whose crawl does not encode cuts the connection, so that the
// client sees a broken answer.
func TestStreamCutShort(t *testing.T) {
	s := newLargeServer(t, Config{})
	c, err := s.crawls(0).Crawl(5000, generate.Options{Status: "finished", Screenshots: 1500, SetScreenshots: true})
	require.NoError(t, err)
	key := cacheKey{id: 5000}
	r := httptest.NewRequest(http.MethodGet, "/crawl/info?id=5000&key=k", nil)

	w := &failingWriter{ResponseRecorder: httptest.NewRecorder(), limit: 200 << 10}
	require.NotPanics(t, func() { s.stream(w, r, &answer{crawl: c, key: key, keep: 3 << 20}) })
	_, kept := s.cache.get(key)
	assert.False(t, kept)
	_, seen := s.cache.admit(key)
	assert.False(t, seen, "nor remembered as sent whole")

	c.Screenshots[700].VideoScale = math.Inf(1) // past the first flush: the status is sent
	w = &failingWriter{ResponseRecorder: httptest.NewRecorder(), limit: 1 << 30}
	require.PanicsWithValue(t, http.ErrAbortHandler, func() { s.stream(w, r, &answer{crawl: c, key: key}) })
	assert.Equal(t, http.StatusOK, w.Code)
	_, seen = s.cache.admit(key)
	assert.False(t, seen)
}
