package mockserver_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit"
	"github.com/crawlkit/crawlkit/internal/crawl"
	"github.com/crawlkit/crawlkit/internal/envelope"
	"github.com/crawlkit/crawlkit/internal/journal"
	"github.com/crawlkit/crawlkit/internal/syncbuf"
	"github.com/crawlkit/crawlkit/mockserver"
)

func withCatalog(t testing.TB, cfg mockserver.Config) *running {
	t.Helper()
	cfg.Catalog = true
	return start(t, cfg)
}

func crawlOf(t testing.TB, a answer) crawl.Crawl {
	t.Helper()
	var env struct {
		Success bool
		Data    crawl.Crawl
	}
	require.NoError(t, json.Unmarshal(a.body, &env), string(a.body))
	require.True(t, env.Success)
	return env.Data
}

func TestOverrides(t *testing.T) {
	srv := withCatalog(t, mockserver.Config{Seed: 1})
	v := newValidator(t)
	plain := get(t, srv.url+"/crawl/info?id=42&key=k", nil)
	tests := []struct {
		name   string
		query  string
		prefer string
		status int
		code   string
		check  func(t *testing.T, a answer)
	}{
		{name: "Prefer code=404", prefer: "code=404", status: 404, code: envelope.CodeNotFound},
		{name: "__code=500", query: "&__code=500", status: 500, code: envelope.CodeInternal},
		{name: "code=400 is a bad request", prefer: "code=400", status: 400, code: envelope.CodeValidation},
		{name: "the seed.s 400 by name", prefer: "example=invalid_api_key", status: 400, code: envelope.CodeInvalidAPIKey},
		{name: "example by name", prefer: "example=validation_error", status: 400, code: envelope.CodeValidation},
		{name: "__example", query: "&__example=not_found", status: 404, code: envelope.CodeNotFound},
		{name: "code=200 on an error id", query: "&__code=200", status: 200},
		{name: "dynamic=false is the static example", prefer: "dynamic=false", status: 200, check: func(t *testing.T, a answer) {
			assert.Equal(t, int64(12345), crawlOf(t, a).ID)
		}},
		{name: "seed gives another crawl", query: "&__seed=99", status: 200, check: func(t *testing.T, a answer) {
			assert.NotEqual(t, plain.body, a.body)
			assert.Equal(t, int64(42), crawlOf(t, a).ID)
		}},
		{name: "query wins over Prefer", query: "&__code=404", prefer: "code=500", status: 404, code: envelope.CodeNotFound},
		{name: "several preferences", prefer: "code=404, delay=10ms; return=minimal", status: 404, code: envelope.CodeNotFound},
		{name: "bad code", query: "&__code=abc", status: 400, code: envelope.CodeValidation, check: fieldNamed("__code")},
		{name: "undocumented code", prefer: "code=418", status: 400, code: envelope.CodeValidation, check: fieldNamed("Prefer")},
		{name: "unknown example", query: "&__example=nope", status: 400, code: envelope.CodeValidation, check: fieldNamed("__example")},
		{name: "bad dynamic", prefer: "dynamic=maybe", status: 400, code: envelope.CodeValidation, check: fieldNamed("Prefer")},
		{name: "negative seed", query: "&__seed=-1", status: 400, code: envelope.CodeValidation, check: fieldNamed("__seed")},
		{name: "negative delay", query: "&__delay=-5", status: 400, code: envelope.CodeValidation, check: fieldNamed("__delay")},
		{name: "huge delay", prefer: "delay=99999999999", status: 400, code: envelope.CodeValidation, check: fieldNamed("Prefer")},
		{name: "unknown fault", query: "&__fault=fire", status: 400, code: envelope.CodeValidation, check: fieldNamed("__fault")},
		{name: "unknown override", query: "&__colour=red", status: 400, code: envelope.CodeValidation, check: fieldNamed("__colour")},
		{name: "garbage Prefer", prefer: "!!!garbage", status: 400, code: envelope.CodeValidation, check: fieldNamed("Prefer")},
		{name: "repeated override", query: "&__code=404&__code=500", status: 400, code: envelope.CodeValidation, check: fieldNamed("__code")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := "42"
			if strings.Contains(tt.name, "error id") {
				id = "404"
			}
			header := map[string]string{}
			if tt.prefer != "" {
				header["Prefer"] = tt.prefer
			}
			a := get(t, srv.url+"/crawl/info?id="+id+"&key=k"+tt.query, header)
			require.Equal(t, tt.status, a.status, string(a.body))
			if tt.code != "" {
				assert.Equal(t, tt.code, errorOf(t, a).Code)
			}
			assert.Empty(t, v.Response(context.Background(), nil, a.status, a.header, a.body), "every answer keeps the contract")
			assert.Empty(t, a.header.Get(mockserver.ViolationsHeader))
			if tt.check != nil {
				tt.check(t, a)
			}
		})
	}
}

func fieldNamed(name string) func(t *testing.T, a answer) {
	return func(t *testing.T, a answer) {
		e := errorOf(t, a)
		assert.NotEmpty(t, e.Fields[name], "fields name %s: %s", name, a.body)
	}
}

func TestOverridesComeAfterValidation(t *testing.T) {
	srv := withCatalog(t, mockserver.Config{})
	a := get(t, srv.url+"/crawl/info?id=1&key=invalid&__code=200", nil)
	assert.Equal(t, envelope.CodeInvalidAPIKey, errorOf(t, a).Code)
	a = get(t, srv.url+"/crawl/info?id=0&key=k&__code=404", nil)
	assert.Equal(t, envelope.CodeValidation, errorOf(t, a).Code)
}

func TestCatalogMagicValues(t *testing.T) {
	srv := withCatalog(t, mockserver.Config{Seed: 1})
	v := newValidator(t)
	statuses := map[string]string{"1001": crawl.StatusInQueue, "1002": crawl.StatusProcessing, "1003": crawl.StatusFinished, "1004": crawl.StatusError, "1005": crawl.StatusCancelled}
	for id, want := range statuses {
		a := get(t, srv.url+"/crawl/info?id="+id+"&key=k", nil)
		require.Equal(t, 200, a.status)
		c := crawlOf(t, a)
		assert.Equal(t, want, c.Status, id)
		assert.Empty(t, crawl.Check(&c, time.Now()), id)
		assert.Empty(t, v.Response(context.Background(), nil, a.status, a.header, a.body))
	}
	for id, want := range map[string]int{"400": 400, "404": 404, "500": 500} {
		a := get(t, srv.url+"/crawl/info?id="+id+"&key=k", nil)
		assert.Equal(t, want, a.status, id)
		assert.Empty(t, v.Response(context.Background(), nil, a.status, a.header, a.body))
	}
	empty := crawlOf(t, get(t, srv.url+"/crawl/info?id=1006&key=k", nil))
	assert.Empty(t, empty.Screenshots)
	huge := get(t, srv.url+"/crawl/info?id=10000&key=k", nil)
	hc := crawlOf(t, huge)
	assert.Len(t, hc.Screenshots, 10000)
	assert.Empty(t, crawl.Check(&hc, time.Now()))
	assert.Empty(t, huge.header.Get(mockserver.ViolationsHeader), "validated, and valid")

	cat := get(t, srv.url+"/__crawlkit/catalog", nil)
	require.Equal(t, 200, cat.status)
	var listed mockserver.Catalog
	require.NoError(t, json.Unmarshal(cat.body, &listed))
	names := map[string]bool{}
	for _, e := range listed.Entries {
		names[e.Name] = true
	}
	for _, n := range []string{"not-found", "server-error", "in-queue", "processing", "finished", "error", "cancelled", "empty", "huge", "slow", "fault-reset", "fault-empty", "fault-malformed", "fault-hang", "fault-bad-gateway", "progress-finished", "fixture crawl-12345.json"} {
		assert.True(t, names[n], "catalog lists %s", n)
	}
}

// TestCatalogCrawlsLookReal asks every catalog entry that answers a crawl,
// and every poll of every progression, as a dashboard would: each is
// coherent as of now, and its progress bar reaches 100% exactly when the
// crawl is finished.
func TestCatalogCrawlsLookReal(t *testing.T) {
	srv := withCatalog(t, mockserver.Config{Seed: 1})
	var listed mockserver.Catalog
	require.NoError(t, json.Unmarshal(get(t, srv.url+"/__crawlkit/catalog", nil).body, &listed))
	progress := func(c crawl.Crawl) float64 {
		if c.TotalDiscovered == 0 {
			return 100
		}
		return float64(100*(c.Processed+c.Failed)) / float64(c.TotalDiscovered)
	}
	checked := 0
	for _, e := range listed.Entries {
		if strings.HasPrefix(e.Name, "fault-") || strings.HasPrefix(e.Name, "fixture ") {
			continue // broken on purpose; the reference page's example, as written
		}
		polls := 1
		if strings.HasPrefix(e.Name, "progress-") {
			polls = 7
		}
		for poll := range polls {
			a := get(t, srv.url+e.Try+"&__delay=0", nil)
			if a.status != http.StatusOK {
				break
			}
			c := crawlOf(t, a)
			checked++
			require.Empty(t, crawl.Check(&c, time.Now()), "%s poll %d", e.Name, poll)
			switch c.Status {
			case crawl.StatusFinished:
				assert.InDelta(t, 100, progress(c), 0.001, "%s poll %d: a finished crawl is at 100%%", e.Name, poll)
				assert.Equal(t, c.Processed+c.Failed, len(c.Screenshots))
			case crawl.StatusProcessing:
				assert.Less(t, progress(c), 100.0, "%s poll %d: a processing crawl is not done", e.Name, poll)
				last := c.Screenshots[len(c.Screenshots)-1]
				assert.True(t, crawl.Pending(last.Status), "%s poll %d: a page is being taken", e.Name, poll)
				started := time.Unix(c.Started, 0)
				assert.WithinDuration(t, listed.Now, started, 2*time.Hour, "%s poll %d: started minutes before the mock's now, or an hour for one that will time out", e.Name, poll)
			case crawl.StatusError:
				assert.NotEmpty(t, c.Error)
			}
		}
	}
	assert.GreaterOrEqual(t, checked, 20)
}

func TestFaultsSeenFromAGoClient(t *testing.T) {
	srv := withCatalog(t, mockserver.Config{})
	client := &http.Client{Timeout: 500 * time.Millisecond}
	fetch := func(id string) (*http.Response, []byte, error) {
		resp, err := client.Get(srv.url + "/crawl/info?id=" + id + "&key=k")
		if err != nil {
			return nil, nil, err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		return resp, body, err
	}

	_, _, err := fetch("5001")
	require.Error(t, err, "reset")
	assert.True(t, errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF), "reset: %v", err)

	_, _, err = fetch("5002")
	require.Error(t, err, "empty")
	assert.ErrorIs(t, err, io.EOF)

	resp, body, err := fetch("5003")
	require.NoError(t, err, "malformed")
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "malformed", resp.Header.Get(mockserver.FaultHeader))
	var v any
	assert.Error(t, json.Unmarshal(body, &v), "the body is cut short")

	_, _, err = fetch("5004")
	require.Error(t, err, "hang")
	var netErr net.Error
	require.ErrorAs(t, err, &netErr)
	assert.True(t, netErr.Timeout())

	resp, body, err = fetch("5005")
	require.NoError(t, err, "bad gateway")
	assert.Equal(t, 502, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Content-Type"), "text/html")
	assert.Contains(t, string(body), "502 Bad Gateway")

	_, _, err = fetch("42&__fault=empty")
	assert.ErrorIs(t, err, io.EOF, "fault as an override")
	assert.Equal(t, 200, get(t, srv.url+"/crawl/info?id=42&key=k", nil).status, "and the server keeps serving")
}

func TestLatency(t *testing.T) {
	srv := withCatalog(t, mockserver.Config{Latency: mockserver.Delay{Min: 30 * time.Millisecond, Max: 30 * time.Millisecond}})
	elapsed := func(query string) time.Duration {
		start := time.Now()
		get(t, srv.url+"/crawl/info?"+query, nil)
		return time.Since(start)
	}
	assert.GreaterOrEqual(t, elapsed("id=1&key=k"), 30*time.Millisecond, "global latency")
	assert.GreaterOrEqual(t, elapsed("id=1&key=invalid"), 30*time.Millisecond, "on errors too")
	assert.GreaterOrEqual(t, elapsed("id=1&key=k&__delay=120ms"), 120*time.Millisecond, "per request")
	assert.GreaterOrEqual(t, elapsed("id=2002&key=k"), 100*time.Millisecond, "per rule, a range")
}

func TestProgressionFromStartToEnd(t *testing.T) {
	now := time.Now()
	srv := withCatalog(t, mockserver.Config{Seed: 4, Now: now})
	v := newValidator(t)
	want := []string{"in_queue", "processing", "processing", "processing", "finished", "finished"}
	var bodies [][]byte
	prev := 0
	for i, status := range want {
		a := get(t, srv.url+"/crawl/info?id=7001&key=k", nil)
		require.Equal(t, 200, a.status)
		assert.Empty(t, v.Response(context.Background(), nil, a.status, a.header, a.body), "poll %d", i)
		c := crawlOf(t, a)
		assert.Equal(t, status, c.Status, "poll %d", i)
		assert.Empty(t, crawl.Check(&c, time.Now()), "poll %d", i)
		assert.GreaterOrEqual(t, len(c.Screenshots), prev)
		prev = len(c.Screenshots)
		bodies = append(bodies, a.body)
	}
	assert.Equal(t, 24, prev)

	// The same seed replays the same polls, after a reset or on another server.
	resp, err := http.Post(srv.url+"/__crawlkit/reset", "", nil)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	other := withCatalog(t, mockserver.Config{Seed: 4, Now: now})
	for i := range want {
		assert.Equal(t, bodies[i], get(t, srv.url+"/crawl/info?id=7001&key=k", nil).body, "after reset, poll %d", i)
		assert.Equal(t, bodies[i], get(t, other.url+"/crawl/info?id=7001&key=k", nil).body, "other server, poll %d", i)
	}
}

func TestProgressionStateIsBounded(t *testing.T) {
	srv := withCatalog(t, mockserver.Config{ProgressionEntries: 2})
	add := `scenarios:
  - name: all-progress
    match: {id: "1-100"}
    respond: {progression: {statuses: [in_queue, finished]}}
`
	post(t, srv.url+"/__crawlkit/scenarios", add, http.StatusCreated)
	for _, id := range []string{"1", "2", "3", "1"} {
		get(t, srv.url+"/crawl/info?id="+id+"&key=k", nil)
	}
	// id 1 was evicted by 2 and 3, so it starts over.
	c := crawlOf(t, get(t, srv.url+"/crawl/info?id=1&key=k", nil))
	assert.Equal(t, "finished", c.Status)
}

func post(t testing.TB, url, body string, want int) []byte {
	t.Helper()
	resp, err := http.Post(url, "application/yaml", strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, want, resp.StatusCode, string(b))
	return b
}

func del(t testing.TB, url string, want int) {
	t.Helper()
	req, err := http.NewRequest(http.MethodDelete, url, nil)
	require.NoError(t, err)
	assert.Equal(t, want, do(t, req).status)
}

func TestRuntimeScenarios(t *testing.T) {
	srv := withCatalog(t, mockserver.Config{})
	post(t, srv.url+"/__crawlkit/scenarios", `{"scenarios":[{"name":"qa-down","match":{"id":42,"header":{"X-Env":"qa"}},"respond":{"status":500}}]}`, http.StatusCreated)
	assert.Equal(t, 500, get(t, srv.url+"/crawl/info?id=42&key=k", map[string]string{"X-Env": "qa"}).status)
	assert.Equal(t, 200, get(t, srv.url+"/crawl/info?id=42&key=k", nil).status, "header must match")

	post(t, srv.url+"/__crawlkit/scenarios", "scenarios:\n  - name: qa-down\n    match: {id: 42}\n    respond: {status: 404}\n", http.StatusCreated)
	assert.Equal(t, 404, get(t, srv.url+"/crawl/info?id=42&key=k", nil).status, "same name replaces")

	post(t, srv.url+"/__crawlkit/scenarios", "scenarios:\n  - name: mine\n    match: {id: 404}\n    respond: {crawl: {status: finished}}\n", http.StatusCreated)
	assert.Equal(t, 200, get(t, srv.url+"/crawl/info?id=404&key=k", nil).status, "runtime rules come before the catalog")

	post(t, srv.url+"/__crawlkit/scenarios", "scenarios:\n  - name: replay\n    match: {id: 31337}\n    respond: {fixture: crawl-12345.json}\n", http.StatusCreated)
	replay := get(t, srv.url+"/crawl/info?id=31337&key=k", nil)
	assert.Contains(t, string(replay.body), `"id": 12345`, "a fixture rule answers with the file as written")
	assert.Equal(t, "scenario replay", replay.header.Get(mockserver.AnsweredByHeader))

	bad := post(t, srv.url+"/__crawlkit/scenarios", "scenarios:\n  - name: broken\n    respond: {status: 418}\n", http.StatusBadRequest)
	assert.Contains(t, string(bad), "respond.status 418")
	assert.Contains(t, string(bad), "admin API:3")

	var listed struct {
		Scenarios []struct{ Name, Source string }
	}
	require.NoError(t, json.Unmarshal(get(t, srv.url+"/__crawlkit/scenarios", nil).body, &listed))
	require.NotEmpty(t, listed.Scenarios)
	assert.Equal(t, "replay", listed.Scenarios[0].Name, "newest first")
	assert.Equal(t, "mine", listed.Scenarios[1].Name)
	assert.Equal(t, "admin API", listed.Scenarios[0].Source)

	del(t, srv.url+"/__crawlkit/scenarios?name=mine", http.StatusNoContent)
	del(t, srv.url+"/__crawlkit/scenarios?name=mine", http.StatusNotFound)
	assert.Equal(t, 404, get(t, srv.url+"/crawl/info?id=404&key=k", nil).status)
	del(t, srv.url+"/__crawlkit/scenarios", http.StatusNoContent)
	assert.Equal(t, 200, get(t, srv.url+"/crawl/info?id=42&key=k", nil).status)
}

func TestJournal(t *testing.T) {
	srv := withCatalog(t, mockserver.Config{JournalEntries: 5})
	get(t, srv.url+"/crawl/info?id=404&key=sk_secret", nil)
	get(t, srv.url+"/crawl/info?id=42&key=sk_secret", nil)
	get(t, srv.url+"/crawl/info?id=42", map[string]string{"X-API-KEY": "invalid"})
	list := func(query string) []journal.Entry {
		var out struct{ Requests []journal.Entry }
		a := get(t, srv.url+"/__crawlkit/requests"+query, nil)
		require.Equal(t, 200, a.status, string(a.body))
		require.NoError(t, json.Unmarshal(a.body, &out))
		assert.NotContains(t, string(a.body), "sk_secret")
		return out.Requests
	}
	all := list("")
	require.Len(t, all, 3)
	assert.Equal(t, 400, all[0].Status, "newest first")
	assert.Equal(t, 404, all[2].Status)
	assert.Equal(t, "scenario not-found", all[2].AnsweredBy)
	assert.Equal(t, "/crawl/info?id=404&key=REDACTED", all[2].URL)
	assert.NotEmpty(t, all[2].RequestID)
	assert.Len(t, list("?id=42"), 2)
	assert.Len(t, list("?status=404"), 1)
	assert.Len(t, list("?limit=1"), 1)
	assert.Equal(t, 400, get(t, srv.url+"/__crawlkit/requests?limit=x", nil).status)

	for range 10 {
		get(t, srv.url+"/crawl/info?id=1&key=k", nil)
	}
	assert.Len(t, list(""), 5, "bounded")
	del(t, srv.url+"/__crawlkit/requests", http.StatusNoContent)
	assert.Empty(t, list(""))
}

func TestAdminAccess(t *testing.T) {
	open, err := mockserver.New(context.Background(), mockserver.Config{Fixtures: crawlkit.Fixtures()})
	require.NoError(t, err)
	guarded, err := mockserver.New(context.Background(), mockserver.Config{Fixtures: crawlkit.Fixtures(), AdminToken: "t0ken"})
	require.NoError(t, err)
	tests := []struct {
		name   string
		srv    http.Handler
		remote string
		header map[string]string
		status int
		code   string
	}{
		{"loopback v4", open, "127.0.0.1:5555", nil, 200, ""},
		{"loopback v6", open, "[::1]:5555", nil, 200, ""},
		{"remote without token", open, "192.0.2.7:5555", nil, 403, "FORBIDDEN"},
		{"token required even on loopback", guarded, "127.0.0.1:5555", nil, 401, "ADMIN_TOKEN_MISSING"},
		{"empty bearer", guarded, "127.0.0.1:5555", map[string]string{"Authorization": "Bearer "}, 401, "ADMIN_TOKEN_MISSING"},
		{"wrong token", guarded, "192.0.2.7:5555", map[string]string{mockserver.AdminTokenHeader: "nope"}, 401, "ADMIN_TOKEN_WRONG"},
		{"wrong bearer", guarded, "192.0.2.7:5555", map[string]string{"Authorization": "Bearer t0ke"}, 401, "ADMIN_TOKEN_WRONG"},
		{"token header", guarded, "192.0.2.7:5555", map[string]string{mockserver.AdminTokenHeader: "t0ken"}, 200, ""},
		{"bearer token", guarded, "192.0.2.7:5555", map[string]string{"Authorization": "Bearer t0ken"}, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := http.NewRequest(http.MethodGet, "/__crawlkit/requests", nil)
			require.NoError(t, err)
			r.RemoteAddr = tt.remote
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			tt.srv.ServeHTTP(rec, r)
			assert.Equal(t, tt.status, rec.Code, rec.Body.String())
			assert.NotContains(t, rec.Body.String(), "t0ken")
			if tt.code != "" {
				var env envelope.Error
				require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &env))
				assert.Equal(t, tt.code, env.Code, "a missing token told apart from a wrong one")
			}
			if tt.status == 401 {
				assert.Equal(t, `Bearer realm="crawlkit admin"`, rec.Header().Get("WWW-Authenticate"))
			}
		})
	}
	srv := start(t, mockserver.Config{})
	a := get(t, srv.url+"/__crawlkit/nope", nil)
	assert.Equal(t, 404, a.status)
	req, err := http.NewRequest(http.MethodPut, srv.url+"/__crawlkit/catalog", nil)
	require.NoError(t, err)
	a = do(t, req)
	assert.Equal(t, 405, a.status)
	assert.Equal(t, "GET", a.header.Get("Allow"))
}

func TestHotReload(t *testing.T) {
	dir := t.TempDir()
	seed, err := os.ReadFile(filepath.Join("..", "fixtures", "crawl-12345.json"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "crawl-12345.json"), seed, 0o600))
	scenarios := filepath.Join(dir, "scenarios.yaml")
	write := func(body string) { require.NoError(t, os.WriteFile(scenarios, []byte(body), 0o600)) }
	write("scenarios:\n  - name: down\n    match: {id: 42}\n    respond: {status: 500}\n")
	var logs syncbuf.Buffer
	srv := start(t, mockserver.Config{Fixtures: os.DirFS(dir), FixturesDir: dir, Watch: true, Logger: newJSONLogger(&logs)})
	status := func(id string) int { return get(t, srv.url+"/crawl/info?id="+id+"&key=k", nil).status }
	require.Equal(t, 500, status("42"))

	write("scenarios:\n  - name: down\n    match: {id: 42}\n    respond: {status: 404}\n")
	assert.Eventually(t, func() bool { return status("42") == 404 }, 5*time.Second, 20*time.Millisecond, "a good edit applies")

	write("scenarios:\n  - name: down\n    match: {id: 42}\n    respond: {status: 418}\n")
	assert.Eventually(t, func() bool { return strings.Contains(logs.String(), "reload failed") }, 5*time.Second, 20*time.Millisecond)
	assert.Contains(t, logs.String(), "scenarios.yaml:4")
	assert.Contains(t, logs.String(), "respond.status 418")
	assert.Equal(t, 404, status("42"), "a broken edit keeps the last good configuration")

	broken := strings.Replace(string(seed), `"max_urls": 100`, `"max_urls": "lots"`, 1)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "crawl-12345.json"), []byte(broken), 0o600))
	assert.Eventually(t, func() bool { return strings.Contains(logs.String(), "/data/max_urls") }, 5*time.Second, 20*time.Millisecond)
	assert.Equal(t, seed, get(t, srv.url+"/crawl/info?id=12345&key=k", nil).body, "the last good fixture stays")
}

// TestAdminRefusesANonLoopbackAddress binds the mock to an address of this
// machine that is not loopback, when there is one, and calls it there.
func TestAdminRefusesANonLoopbackAddress(t *testing.T) {
	addrs, err := net.InterfaceAddrs()
	require.NoError(t, err)
	var ip net.IP
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil && !n.IP.IsLinkLocalUnicast() {
			ip = n.IP
			break
		}
	}
	if ip == nil {
		t.Skip("this machine has no non-loopback IPv4 address; TestAdminAccess injects one")
	}
	srv, err := mockserver.New(context.Background(), mockserver.Config{Fixtures: crawlkit.Fixtures()})
	require.NoError(t, err)
	ln, err := net.Listen("tcp", net.JoinHostPort(ip.String(), "0"))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	defer func() { cancel(); <-done }()
	a := get(t, "http://"+ln.Addr().String()+"/__crawlkit/requests", nil)
	assert.Equal(t, http.StatusForbidden, a.status)
	assert.Equal(t, "FORBIDDEN", errorOf(t, a).Code)
	assert.Equal(t, 200, get(t, "http://"+ln.Addr().String()+"/crawl/info?id=1&key=k", nil).status, "the API itself answers anyone")
}
