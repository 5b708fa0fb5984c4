package mockserver_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit"
	"github.com/crawlkit/crawlkit/internal/envelope"
	"github.com/crawlkit/crawlkit/internal/journal"
	"github.com/crawlkit/crawlkit/internal/syncbuf"
	"github.com/crawlkit/crawlkit/mockserver"
)

// TestStalledProgressions: a crawl may stay processing, or in the queue,
// for ever, each poll still coherent.
func TestStalledProgressions(t *testing.T) {
	srv := withCatalog(t, mockserver.Config{Seed: 2})
	for id, want := range map[string][]string{
		"7004": {"in_queue", "processing", "processing", "processing", "processing", "processing"},
		"7005": {"in_queue", "in_queue", "in_queue"},
	} {
		for poll, status := range want {
			c := crawlOf(t, get(t, srv.url+"/crawl/info?id="+id+"&key=k", nil))
			assert.Equal(t, status, c.Status, "crawl %s poll %d", id, poll)
		}
	}
}

// TestOffContractAnswers: 401, 403, 429 and 503 on purpose, from the
// catalog, a rule or Prefer, and only when asked for explicitly: marked,
// unvalidated, with Retry-After where the status calls for one.
func TestOffContractAnswers(t *testing.T) {
	dir := t.TempDir()
	rules := `scenarios:
  - name: teapot
    match: {id: 418}
    respond: {status: 418, off_contract: true, body: {error: "short and stout"}, headers: {X-Why: tea}}
  - name: slow-down
    match: {id: 4290}
    respond: {status: 429, off_contract: true, headers: {Retry-After: "5"}}
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "scenarios.yaml"), []byte(rules), 0o600))
	logs := &syncbuf.Buffer{}
	srv := withCatalog(t, mockserver.Config{Fixtures: os.DirFS(dir), FixturesDir: dir, Strict: true, Logger: newJSONLogger(logs)})
	for _, tt := range []struct {
		query, prefer string
		status        int
		code          string
		retryAfter    string
	}{
		{query: "id=401", status: 401, code: "UNAUTHORIZED"},
		{query: "id=403", status: 403, code: "FORBIDDEN"},
		{query: "id=429", status: 429, code: "RATE_LIMIT_EXCEEDED", retryAfter: "30"},
		{query: "id=503", status: 503, code: "SERVICE_UNAVAILABLE", retryAfter: "30"},
		{query: "id=4290", status: 429, code: "RATE_LIMIT_EXCEEDED", retryAfter: "5"},
		{query: "id=42", prefer: "code=429, off-contract", status: 429, code: "RATE_LIMIT_EXCEEDED", retryAfter: "30"},
		{query: "id=42&__code=401&__off-contract=true", status: 401, code: "UNAUTHORIZED"},
	} {
		a := get(t, srv.url+"/crawl/info?key=k&"+tt.query, map[string]string{"Prefer": tt.prefer})
		assert.Equal(t, tt.status, a.status, tt.query)
		assert.Equal(t, "true", a.header.Get(mockserver.OffContractHeader), tt.query)
		assert.Empty(t, a.header.Get(mockserver.ViolationsHeader), "not validated, even with Strict")
		assert.Equal(t, tt.retryAfter, a.header.Get("Retry-After"), tt.query)
		e := errorOf(t, a)
		assert.Equal(t, tt.code, e.Code, tt.query)
		assert.Equal(t, a.header.Get(envelope.RequestIDHeader), e.Details.RequestID)
	}
	tea := get(t, srv.url+"/crawl/info?key=k&id=418", nil)
	assert.Equal(t, 418, tea.status)
	assert.JSONEq(t, `{"error":"short and stout"}`, string(tea.body))
	assert.Equal(t, "tea", tea.header.Get("X-Why"))

	// Never by mistake: an undocumented code without off-contract is a 400.
	a := get(t, srv.url+"/crawl/info?key=k&id=42", map[string]string{"Prefer": "code=429"})
	assert.Equal(t, 400, a.status)
	assert.Contains(t, errorOf(t, a).Fields["Prefer"][0], `add "off-contract" to the Prefer header`)

	var listed mockserver.Catalog
	require.NoError(t, json.Unmarshal(get(t, srv.url+"/__crawlkit/catalog", nil).body, &listed))
	off := map[string]bool{}
	for _, e := range listed.Entries {
		off[e.Name] = e.OffContract
	}
	assert.True(t, off["teapot"] && off["rate-limited"] && off["unavailable"])
	assert.False(t, off["not-found"])
	assert.Eventually(t, func() bool { return strings.Contains(logs.String(), `"off_contract":true`) }, time.Second, 10*time.Millisecond)
}

// TestHangEndsAtItsBound: a forgotten tab does not hold a connection for ever.
func TestHangEndsAtItsBound(t *testing.T) {
	srv := withCatalog(t, mockserver.Config{MaxHang: 100 * time.Millisecond})
	client := http.Client{Timeout: 30 * time.Second}
	_, err := client.Get(srv.url + "/crawl/info?id=5004&key=k")
	require.Error(t, err, "the connection closes without an answer")
	assert.True(t, errors.Is(err, io.EOF) || strings.Contains(err.Error(), "EOF"), err.Error())
}

// TestHealth answers readiness probes, HEAD and GET, from anywhere: it
// tells nothing an admin token guards.
func TestHealth(t *testing.T) {
	srv, err := mockserver.New(context.Background(), mockserver.Config{Fixtures: crawlkit.Fixtures(), Catalog: true, AdminToken: "t0ken"})
	require.NoError(t, err)
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		r := httptest.NewRequest(method, "/__crawlkit/health", nil)
		r.RemoteAddr = "192.0.2.7:5555"
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, r)
		assert.Equal(t, 200, rec.Code, method)
		if method == http.MethodGet {
			assert.JSONEq(t, `{"status":"ok","fixtures":1,"scenarios":26}`, rec.Body.String())
		} else {
			assert.Empty(t, rec.Body.String())
		}
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/__crawlkit/health", nil))
	assert.Equal(t, 405, rec.Code)
}

// TestJournalStream: every request reaches the stream, key redacted, as a
// summary: the answer's headers and size, not its body, which the journal
// lists by the request's id, in the admin API and in Go.
func TestJournalStream(t *testing.T) {
	srv, url := goMock(t, mockserver.Config{Catalog: true})
	resp, err := http.Get(url + "/__crawlkit/requests/stream")
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	lines := bufio.NewScanner(resp.Body)
	answered := get(t, url+"/crawl/info?id=404&key=s3cret", nil)
	var raw map[string]json.RawMessage
	var e journal.Summary
	for lines.Scan() {
		if data, ok := strings.CutPrefix(lines.Text(), "data: "); ok {
			require.NoError(t, json.Unmarshal([]byte(data), &raw))
			require.NoError(t, json.Unmarshal([]byte(data), &e))
			break
		}
	}
	assert.Equal(t, int64(404), e.CrawlID)
	assert.Equal(t, 404, e.Status)
	assert.Equal(t, "/crawl/info?id=404&key=REDACTED", e.URL)
	assert.Equal(t, "scenario not-found", e.AnsweredBy)
	id := answered.header.Get("X-Request-Id")
	assert.Equal(t, id, e.RequestID)
	require.NotNil(t, e.Response)
	assert.Equal(t, "application/json; charset=utf-8", e.Response.Headers["Content-Type"])
	assert.Equal(t, int64(len(answered.body)), e.Response.BodyBytes)
	assert.False(t, e.Response.BodyTruncated)
	var response map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw["response"], &response))
	assert.NotContains(t, response, "body", "the stream carries no body")

	// The body, by the request id the stream gave.
	get(t, url+"/crawl/info?id=12345&key=k", nil) // another entry, listed after
	var listed struct{ Requests []mockserver.Request }
	require.NoError(t, json.Unmarshal(get(t, url+"/__crawlkit/requests?request_id="+id, nil).body, &listed))
	require.Len(t, listed.Requests, 1)
	require.NotNil(t, listed.Requests[0].Response)
	assert.Equal(t, string(answered.body), listed.Requests[0].Response.Body)
	inGo := srv.Requests(mockserver.RequestFilter{RequestID: id})
	require.Len(t, inGo, 1)
	assert.Equal(t, string(answered.body), inGo[0].Response.Body)
	require.NoError(t, json.Unmarshal(get(t, url+"/__crawlkit/requests?request_id=req_0000000000000000", nil).body, &listed))
	assert.Empty(t, listed.Requests, "an id the journal does not hold")
}

// TestJournalSubscribersAreBoundedAndNeverWaitedFor: a subscriber that
// takes nothing never holds Add up, and is dropped within 4 MiB of batches
// beyond its first; streams are bounded.
func TestJournalSubscribersAreBoundedAndNeverWaitedFor(t *testing.T) {
	j := journal.New(10)
	slow, err := j.Subscribe()
	require.NoError(t, err)
	big := []string{strings.Repeat("v", 1000)}
	var batches []int
	// 1 MB of entries at a time, until the batches the timer sends drop it.
	for dropped, deadline := false, time.Now().Add(time.Minute); !dropped; {
		require.True(t, time.Now().Before(deadline), "the slow subscriber is never dropped")
		for range 1000 {
			j.Add(journal.Entry{Status: 200, Violations: big}, nil) // never blocks on the slow one
		}
		time.Sleep(20 * time.Millisecond)
	drain:
		for {
			select {
			case batch, open := <-slow.Batches():
				if !open {
					dropped = true
					break drain
				}
				batches = append(batches, len(batch))
			default:
				break drain
			}
		}
	}
	require.NotEmpty(t, batches)
	beyondFirst := 0
	for _, n := range batches[1:] {
		beyondFirst += n
	}
	assert.LessOrEqual(t, batches[0]+beyondFirst, max(batches[0], 4<<20), "dropped, its channel closed, within 4 MiB or its first batch")
	var subs []*journal.Subscription
	for range journal.MaxSubscribers {
		sub, err := j.Subscribe()
		require.NoError(t, err)
		subs = append(subs, sub)
	}
	_, err = j.Subscribe()
	assert.ErrorIs(t, err, journal.ErrTooManySubscribers)
	subs[0].Close()
	_, err = j.Subscribe()
	assert.NoError(t, err, "a place freed")
}

// TestProgressionsAdmin lists each progression's step and resets one.
func TestProgressionsAdmin(t *testing.T) {
	srv := withCatalog(t, mockserver.Config{})
	for range 2 {
		get(t, srv.url+"/crawl/info?id=7001&key=k", nil)
	}
	get(t, srv.url+"/crawl/info?id=7002&key=k", nil)
	var listed struct{ Progressions []mockserver.Progression }
	require.NoError(t, json.Unmarshal(get(t, srv.url+"/__crawlkit/progressions", nil).body, &listed))
	require.Len(t, listed.Progressions, 2)
	first := listed.Progressions[1] // sorted by rule: progress-error first
	assert.Equal(t, "progress-finished", first.Rule)
	assert.Equal(t, int64(7001), first.ID)
	assert.Equal(t, 2, first.Polls)
	assert.Equal(t, "processing", first.Status)

	req, _ := http.NewRequest(http.MethodDelete, srv.url+"/__crawlkit/progressions?rule=progress-finished&id=7001", nil)
	assert.Equal(t, 204, do(t, req).status)
	assert.Equal(t, "in_queue", crawlOf(t, get(t, srv.url+"/crawl/info?id=7001&key=k", nil)).Status, "started over")
	req, _ = http.NewRequest(http.MethodDelete, srv.url+"/__crawlkit/progressions?rule=nope", nil)
	assert.Equal(t, 404, do(t, req).status)
}

// TestAddingBrokenScenariosNamesTheLines: the admin API's answer says, by
// line, what is wrong, for an editor to show it in place.
func TestAddingBrokenScenariosNamesTheLines(t *testing.T) {
	srv := withCatalog(t, mockserver.Config{})
	body := "scenarios:\n  - name: a\n    match: {id: 1}\n    respond: {status: 418}\n  - name: b\n    respond: [1]\n"
	req, _ := http.NewRequest(http.MethodPost, srv.url+"/__crawlkit/scenarios", strings.NewReader(body))
	a := do(t, req)
	require.Equal(t, 400, a.status)
	fields := errorOf(t, a).Fields
	assert.Contains(t, strings.Join(fields["line 6"], " "), "respond holds a list")
}

// TestReloadErrorIsShown: a broken edit is listed with the scenarios until
// a good one replaces it.
func TestReloadErrorIsShown(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "scenarios.yaml")
	require.NoError(t, os.WriteFile(file, []byte("scenarios:\n  - {name: a, match: {id: 1}, respond: {status: 404}}\n"), 0o600))
	srv, err := mockserver.New(context.Background(), mockserver.Config{ScenariosFile: file})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(file, []byte("scenarios:\n  - {name: a, respond: {status: 418}}\n"), 0o600))
	require.Error(t, srv.Reload(context.Background()))
	rec := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodGet, "/__crawlkit/scenarios", nil)
	r.RemoteAddr, r.Host = "127.0.0.1:5555", "127.0.0.1:4010"
	srv.ServeHTTP(rec, r)
	var listed struct {
		Scenarios   []json.RawMessage
		ReloadError *mockserver.ReloadError `json:"reload_error"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &listed))
	require.NotNil(t, listed.ReloadError)
	assert.Contains(t, listed.ReloadError.Message, "scenarios.yaml:2")
	assert.Len(t, listed.Scenarios, 1, "the last good rules still answer")

	require.NoError(t, os.WriteFile(file, []byte("scenarios: []\n"), 0o600))
	require.NoError(t, srv.Reload(context.Background()))
	assert.Nil(t, srv.LastReloadError())
}
