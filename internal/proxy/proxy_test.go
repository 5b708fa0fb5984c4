package proxy_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit"
	"github.com/crawlkit/crawlkit/internal/broken"
	"github.com/crawlkit/crawlkit/internal/exchange"
	"github.com/crawlkit/crawlkit/internal/journal"
	"github.com/crawlkit/crawlkit/internal/proxy"
	"github.com/crawlkit/crawlkit/internal/syncbuf"
	"github.com/crawlkit/crawlkit/mockserver"
)

const key = "sk_live_PROXY_S3CRET"

func mock(t testing.TB) http.Handler {
	t.Helper()
	srv, err := mockserver.New(context.Background(), mockserver.Config{Seed: 1, Fixtures: crawlkit.Fixtures(), Catalog: true})
	require.NoError(t, err)
	return srv
}

func startProxy(t testing.TB, cfg proxy.Config) (*httptest.Server, *proxy.Proxy) {
	t.Helper()
	p, err := proxy.New(context.Background(), cfg)
	require.NoError(t, err)
	ts := httptest.NewServer(p)
	t.Cleanup(ts.Close)
	return ts, p
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

var requestIDs = regexp.MustCompile(`req_[0-9a-f]{16}`)

// sameBody compares bodies but for their request ids, new on every request.
func sameBody(t testing.TB, want, got []byte, msg string) {
	t.Helper()
	assert.Equal(t, requestIDs.ReplaceAllString(string(want), "req_X"), requestIDs.ReplaceAllString(string(got), "req_X"), msg)
}

func get(t testing.TB, url string) answer {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return answer{resp.StatusCode, resp.Header, body}
}

func TestConformingUpstreamPassesThroughByteForByte(t *testing.T) {
	upstream := httptest.NewServer(mock(t))
	defer upstream.Close()
	var logs syncbuf.Buffer
	ts, p := startProxy(t, proxy.Config{Upstream: upstream.URL + "/api/v1", Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	for _, q := range []string{"id=12345&key=" + key, "id=42&key=" + key, "id=404&key=" + key, "id=0&key=" + key, "id=1&key=invalid", "id=7001&key=" + key} {
		direct := get(t, upstream.URL+"/crawl/info?"+q)
		for _, base := range []string{"/crawl/info?", "/api/v1/crawl/info?"} {
			via := get(t, ts.URL+base+q)
			assert.Equal(t, direct.status, via.status, q)
			if !strings.HasPrefix(q, "id=7001") { // a progression moves on each poll
				sameBody(t, direct.body, via.body, q)
			}
			assert.Equal(t, direct.header.Get("Content-Type"), via.header.Get("Content-Type"))
			assert.NotEmpty(t, via.header.Get("X-Request-Id"))
			if q == "id=0&key="+key {
				assert.Contains(t, via.header.Get(exchange.ViolationsHeader), "request id:", "the request breaks the contract")
			} else {
				assert.Empty(t, via.header.Get(exchange.ViolationsHeader), q)
			}
		}
	}
	assert.NotContains(t, logs.String(), key, "the key is forwarded, never logged")
	require.Eventually(t, func() bool { return len(p.Journal().List(journal.Filter{})) == 12 }, 5*time.Second, 10*time.Millisecond)
	for _, e := range p.Journal().List(journal.Filter{}) {
		assert.NotContains(t, e.URL, key)
	}

	other := get(t, ts.URL+"/__crawlkit/catalog")
	assert.Equal(t, 404, other.status, "the proxy has no catalog of its own")
}

func TestLargeBodiesStreamThroughUnvalidated(t *testing.T) {
	if testing.Short() {
		t.Skip("takes seconds; the full suite runs it")
	}
	upstream := httptest.NewServer(mock(t))
	defer upstream.Close()
	ts, _ := startProxy(t, proxy.Config{Upstream: upstream.URL, MaxBody: 1 << 20})
	direct := get(t, upstream.URL+"/crawl/info?id=10000&key="+key)
	via := get(t, ts.URL+"/crawl/info?id=10000&key="+key)
	require.Greater(t, len(direct.body), 1<<20)
	assert.Equal(t, 200, via.status)
	assert.Equal(t, direct.body, via.body, "byte for byte")
	assert.Contains(t, via.header.Get(exchange.ViolationsHeader), "not validated")
}

func TestBrokenUpstreamIsFlagged(t *testing.T) {
	correct := mock(t)
	cases := map[string]string{
		"id as a string":             "/crawl/info?id=1003&key=" + key,
		"screenshot url missing":     "/crawl/info?id=1003&key=" + key,
		"text/plain content type":    "/crawl/info?id=1003&key=" + key,
		"bad key answered 401":       "/crawl/info?id=1003&key=invalid-x",
		"422 for a bad id":           "/crawl/info?id=0&key=" + key,
		"success true on a 404":      "/crawl/info?id=404&key=" + key,
		"invalid JSON":               "/crawl/info?id=1003&key=" + key,
		"missing crawl answered 200": "",
	}
	for _, impl := range broken.All(time.Second) {
		target, ok := cases[impl.Name]
		if !ok || target == "" {
			continue
		}
		t.Run(impl.Name, func(t *testing.T) {
			upstream := httptest.NewServer(impl.Wrap(correct))
			defer upstream.Close()
			ts, p := startProxy(t, proxy.Config{Upstream: upstream.URL})
			direct := get(t, upstream.URL+target)
			via := get(t, ts.URL+target)
			assert.Equal(t, direct.status, via.status, "passed through")
			sameBody(t, direct.body, via.body, "passed through")
			flagged := via.header.Get(exchange.ViolationsHeader)
			assert.Contains(t, flagged, "response", "flagged")
			// The journal is written once the answer is sent: wait for it.
			require.Eventually(t, func() bool { return len(p.Journal().List(journal.Filter{})) == 1 }, 5*time.Second, 10*time.Millisecond)
			assert.NotEmpty(t, p.Journal().List(journal.Filter{})[0].Violations)

			strict, _ := startProxy(t, proxy.Config{Upstream: upstream.URL, Strict: true})
			s := get(t, strict.URL+target)
			require.Equal(t, http.StatusBadGateway, s.status)
			var env struct {
				Success     bool
				Code, Error string
			}
			require.NoError(t, json.Unmarshal(s.body, &env))
			assert.Equal(t, "BAD_GATEWAY", env.Code)
			assert.Contains(t, env.Error, "breaks the contract")
		})
	}
	schema := get(t, func() string {
		upstream := httptest.NewServer(broken.All(time.Second)[0].Wrap(correct))
		t.Cleanup(upstream.Close)
		ts, _ := startProxy(t, proxy.Config{Upstream: upstream.URL})
		return ts.URL
	}()+"/crawl/info?id=1003&key="+key)
	assert.Contains(t, schema.header.Get(exchange.ViolationsHeader), "/data/id", "with the JSON pointer")
}

func TestRecordThenServe(t *testing.T) {
	upstream := httptest.NewServer(mock(t))
	defer upstream.Close()
	dir := t.TempDir()
	ts, _ := startProxy(t, proxy.Config{Upstream: upstream.URL, RecordDir: dir})
	want := map[string][]byte{}
	for _, id := range []string{"1003", "12345", "1002"} {
		a := get(t, ts.URL+"/crawl/info?id="+id+"&key="+key)
		require.Equal(t, 200, a.status)
		want[id] = a.body
	}
	get(t, ts.URL+"/crawl/info?id=404&key="+key)
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	require.NoError(t, err)
	assert.Len(t, files, 3, "one fixture per distinct crawl, none for errors")

	recorded, err := os.ReadFile(filepath.Join(dir, "crawl-1003.json"))
	require.NoError(t, err)
	assert.Contains(t, string(recorded), "\n  \"data\": {", "pretty")
	assert.NotContains(t, string(recorded), key)

	replay, err := mockserver.New(context.Background(), mockserver.Config{Seed: 999, Fixtures: os.DirFS(dir)})
	require.NoError(t, err)
	served := httptest.NewServer(replay)
	defer served.Close()
	for id, body := range want {
		got := get(t, served.URL+"/crawl/info?id="+id+"&key=k")
		require.Equal(t, 200, got.status)
		assert.JSONEq(t, string(body), string(got.body), "crawl %s replays as the upstream answered it", id)
	}
}

func TestUpstreamDown(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	url := closed.URL
	closed.Close()
	var logs syncbuf.Buffer
	ts, _ := startProxy(t, proxy.Config{Upstream: url, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	a := get(t, ts.URL+"/crawl/info?id=1&key="+key)
	assert.Equal(t, http.StatusBadGateway, a.status)
	assert.Contains(t, string(a.body), `"code":"BAD_GATEWAY"`)
	assert.NotContains(t, string(a.body), key)
	assert.NotContains(t, logs.String(), key)
}

func TestBadUpstream(t *testing.T) {
	for _, u := range []string{"", "ftp://x", "localhost:80", "http://"} {
		_, err := proxy.New(context.Background(), proxy.Config{Upstream: u})
		assert.Error(t, err, u)
	}
}
