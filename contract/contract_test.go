package contract_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit"
	"github.com/crawlkit/crawlkit/contract"
	"github.com/crawlkit/crawlkit/internal/broken"
	"github.com/crawlkit/crawlkit/mockserver"
)

const secretKey = "sk_live_S3CRET_do_not_print"

// mock returns the correct implementation: crawlkit's own mock, catalog on.
func mock(t testing.TB) http.Handler {
	t.Helper()
	srv, err := mockserver.New(context.Background(), mockserver.Config{Seed: 1, Fixtures: crawlkit.Fixtures(), Catalog: true})
	require.NoError(t, err)
	return srv
}

func bearer(t testing.TB) string {
	t.Helper()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "ci", "exp": time.Now().Add(time.Hour).Unix()}).SignedString([]byte("x"))
	require.NoError(t, err)
	return tok
}

func TestPassesAgainstTheMockWithEveryCaseRun(t *testing.T) {
	ts := httptest.NewServer(mock(t))
	defer ts.Close()
	rep, err := contract.Run(context.Background(), contract.Config{BaseURL: ts.URL, PollInterval: time.Millisecond, APIKey: secretKey})
	require.NoError(t, err)
	for _, c := range rep.Cases {
		assert.NotEqual(t, contract.Fail, c.Outcome, "%s: %v", c.Name, c.Failures)
		if c.Outcome == contract.Skip {
			assert.Equal(t, "found/bearer", c.Name, "only the bearer case may be skipped without a token")
		}
		assert.Empty(t, c.Warnings, c.Name)
	}
	assert.True(t, rep.OK())
	assert.Equal(t, 1, rep.Skipped)
	assert.GreaterOrEqual(t, rep.Passed, 36)
	assert.Contains(t, strings.Join(rep.Notes, " "), "Config.CrawlID 1003")

	withToken, err := contract.Run(context.Background(), contract.Config{BaseURL: ts.URL + "/api/v1", PollInterval: time.Millisecond, APIKey: secretKey, Bearer: bearer(t)})
	require.NoError(t, err)
	assert.True(t, withToken.OK())
	assert.Zero(t, withToken.Skipped, "with a token nothing is skipped")
}

func TestEveryBrokenImplementationIsCaught(t *testing.T) {
	correct := mock(t)
	for i, impl := range broken.All(5 * time.Second) {
		t.Run(impl.Name, func(t *testing.T) {
			ts := httptest.NewServer(impl.Wrap(correct))
			defer ts.Close()
			// A progression of its own for each run: each counts its polls.
			running := int64(71000 + 10*i)
			cfg := contract.Config{
				BaseURL: ts.URL, APIKey: secretKey, Cases: []string{impl.Case}, PollInterval: time.Millisecond,
				CrawlID: 1003, MissingCrawlID: 404, RunningCrawlID: running,
				Timeout: 300 * time.Millisecond, MaxBody: 1 << 20,
			}
			rep, err := contract.Run(context.Background(), cfg)
			require.NoError(t, err)
			require.NotEmpty(t, rep.Cases)
			if impl.StrictOnly {
				assert.True(t, rep.OK(), "a warning, not a failure, without --strict")
				assert.True(t, hasFinding(rep, impl.Case, impl.Check, true), "warned by %s:%s", impl.Case, impl.Check)
				cfg.Strict, cfg.RunningCrawlID = true, running+1
				rep, err = contract.Run(context.Background(), cfg)
				require.NoError(t, err)
			}
			assert.False(t, rep.OK(), "the run fails")
			assert.True(t, hasFinding(rep, impl.Case, impl.Check, false), "caught by %s:%s, got %s", impl.Case, impl.Check, findings(rep))

			cfg.Allow, cfg.RunningCrawlID = []string{impl.Case + ":*"}, running+2
			allowed, err := contract.Run(context.Background(), cfg)
			require.NoError(t, err)
			assert.True(t, allowed.OK(), "a known deviation can be allowed")
		})
	}
}

func hasFinding(rep *contract.Report, casePattern, check string, warning bool) bool {
	for _, c := range rep.Cases {
		if !strings.HasPrefix(c.Name, strings.TrimSuffix(strings.Split(casePattern, "*")[0], "*")) {
			continue
		}
		list := c.Failures
		if warning {
			list = c.Warnings
		}
		for _, f := range list {
			if f.Check == check {
				return true
			}
		}
	}
	return false
}

func findings(rep *contract.Report) string {
	var b strings.Builder
	for _, c := range rep.Cases {
		for _, f := range c.Failures {
			b.WriteString(c.Name + " " + f.String() + "; ")
		}
	}
	return b.String()
}

func TestHostileServersFailWithinTheTimeout(t *testing.T) {
	if testing.Short() {
		t.Skip("takes seconds; the full suite runs it")
	}
	correct := mock(t)
	for _, name := range []string{"hang", "drip", "oversized body", "closed mid-body", "redirect loop", "invalid JSON", "invalid UTF-8"} {
		t.Run(name, func(t *testing.T) {
			var impl broken.Implementation
			for _, i := range broken.All(time.Minute) {
				if i.Name == name {
					impl = i
				}
			}
			require.NotNil(t, impl.Wrap)
			ts := httptest.NewServer(impl.Wrap(correct))
			defer ts.Close()
			rep, err := contract.Run(context.Background(), contract.Config{
				BaseURL: ts.URL, APIKey: secretKey, Cases: []string{"found/*", "auth/none"},
				CrawlID: 1003, Timeout: 500 * time.Millisecond, MaxBody: 1 << 20,
			})
			require.NoError(t, err)
			assert.False(t, rep.OK())
			assert.Len(t, rep.Cases, 4, "the run goes on to the next case")
			for _, c := range rep.Cases[:2] {
				assert.Equal(t, contract.Fail, c.Outcome, "%s failed", c.Name)
				assert.NotEmpty(t, c.Failures[0].Message, "with its reason")
			}
			assert.NotEqual(t, contract.Skip, rep.Cases[3].Outcome, "auth/none still ran")
		})
	}
}

func TestTLS(t *testing.T) {
	ts := httptest.NewTLSServer(mock(t))
	defer ts.Close()
	rep, err := contract.Run(context.Background(), contract.Config{BaseURL: ts.URL, PollInterval: time.Millisecond, APIKey: secretKey, CrawlID: 1003, Cases: []string{"found/key-query"}})
	require.NoError(t, err)
	require.False(t, rep.OK())
	assert.Equal(t, contract.CheckTransport, rep.Cases[0].Failures[0].Check)
	assert.Contains(t, rep.Cases[0].Failures[0].Message, "certificate")

	rep, err = contract.Run(context.Background(), contract.Config{BaseURL: ts.URL, PollInterval: time.Millisecond, APIKey: secretKey, CrawlID: 1003, Insecure: true, Cases: []string{"found/*"}})
	require.NoError(t, err)
	assert.True(t, rep.OK(), findings(rep))
}

func TestUsageAndUnreachable(t *testing.T) {
	for _, cfg := range []contract.Config{
		{BaseURL: "not a url"},
		{BaseURL: "ftp://example.com"},
		{BaseURL: "http://127.0.0.1:1", Retries: -1},
		{BaseURL: "http://127.0.0.1:1", Allow: []string{"no-colon"}},
	} {
		_, err := contract.Run(context.Background(), cfg)
		assert.ErrorIs(t, err, contract.ErrUsage, cfg)
	}
	ln := httptest.NewServer(http.NotFoundHandler())
	addr := ln.URL
	ln.Close()
	_, err := contract.Run(context.Background(), contract.Config{BaseURL: addr, PollInterval: time.Millisecond, APIKey: secretKey, Timeout: time.Second})
	assert.ErrorIs(t, err, contract.ErrUnreachable)

	ts := httptest.NewServer(mock(t))
	defer ts.Close()
	_, err = contract.Run(context.Background(), contract.Config{BaseURL: ts.URL, PollInterval: time.Millisecond, Cases: []string{"nope/*"}})
	assert.ErrorIs(t, err, contract.ErrUsage)
}

func TestSkipsSayWhy(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }))
	defer ts.Close()
	rep, err := contract.Run(context.Background(), contract.Config{BaseURL: ts.URL, PollInterval: time.Millisecond, AllowSkips: true})
	require.NoError(t, err)
	reasons := map[string]string{}
	for _, c := range rep.Cases {
		if c.Outcome == contract.Skip {
			reasons[c.Name] = c.SkipReason
		}
	}
	assert.Contains(t, reasons["found/key-query"], "give Config.CrawlID")
	assert.Contains(t, reasons["found/bearer"], "give Config.CrawlID")
	assert.Contains(t, reasons["crawl/missing"], "give Config.APIKey or Config.Bearer")
	assert.Contains(t, reasons["id/zero"], "give Config.APIKey or Config.Bearer")
	assert.NotContains(t, reasons, "auth/none", "needs nothing")
}

func TestReportsNeverHoldTheSecrets(t *testing.T) {
	token := bearer(t)
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A careless server that echoes the request back.
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		_ = json.NewEncoder(w).Encode(map[string]any{"success": false, "error": r.URL.String() + " " + r.Header.Get("Authorization"), "code": "X", "details": map[string]any{"request_id": "r"}})
	})
	ts := httptest.NewServer(echo)
	defer ts.Close()
	var progress bytes.Buffer
	rep, err := contract.Run(context.Background(), contract.Config{BaseURL: ts.URL, PollInterval: time.Millisecond, APIKey: secretKey, Bearer: token, CrawlID: 1, MissingCrawlID: 2, Progress: &progress})
	require.NoError(t, err)
	var text, js, junit bytes.Buffer
	require.NoError(t, rep.WriteText(&text))
	require.NoError(t, rep.WriteJSON(&js))
	require.NoError(t, rep.WriteJUnit(&junit))
	for name, out := range map[string]string{"text": text.String(), "json": js.String(), "junit": junit.String(), "progress": progress.String()} {
		assert.NotContains(t, out, secretKey, name)
		assert.NotContains(t, out, token, name)
	}
	assert.Contains(t, text.String(), `"${CRAWLKIT_API_KEY}"`[1:18])
	assert.Contains(t, text.String(), "curl -sS -i")
}

func TestJUnitIsValidXMLWithOneTestcasePerCase(t *testing.T) {
	ts := httptest.NewServer(broken.All(time.Second)[0].Wrap(mock(t)))
	defer ts.Close()
	rep, err := contract.Run(context.Background(), contract.Config{BaseURL: ts.URL, PollInterval: time.Millisecond, APIKey: secretKey})
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, rep.WriteJUnit(&buf))
	var doc struct {
		Tests  int `xml:"tests,attr"`
		Fails  int `xml:"failures,attr"`
		Suites []struct {
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
					Body    string `xml:",chardata"`
				} `xml:"failure"`
				Skipped *struct{} `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(buf.Bytes(), &doc))
	require.Len(t, doc.Suites, 1)
	assert.Len(t, doc.Suites[0].Cases, len(rep.Cases))
	assert.Equal(t, len(rep.Cases), doc.Tests)
	assert.Equal(t, rep.Failed, doc.Fails)
	var failed int
	for _, c := range doc.Suites[0].Cases {
		if c.Failure != nil {
			failed++
			assert.Contains(t, c.Failure.Body, "curl -sS -i")
		}
	}
	assert.Equal(t, rep.Failed, failed)
}

func TestRateLimitsRequests(t *testing.T) {
	ts := httptest.NewServer(mock(t))
	defer ts.Close()
	rep, err := contract.Run(context.Background(), contract.Config{BaseURL: ts.URL, PollInterval: time.Millisecond, APIKey: secretKey, Rate: 20, Cases: []string{"id/*"}})
	require.NoError(t, err)
	assert.True(t, rep.OK())
	// 7 requests at 20/s take at least 6 intervals of 50 ms.
	assert.GreaterOrEqual(t, rep.DurationMS, float64(300))
}

// TestAGigabyteBodyIsReadInBoundedMemory checks a server that streams 1 GiB:
// the checker reads up to --max-body and stops.
func TestAGigabyteBodyIsReadInBoundedMemory(t *testing.T) {
	var impl broken.Implementation
	for _, i := range broken.All(time.Second) {
		if i.Name == "oversized body" {
			impl = i
		}
	}
	ts := httptest.NewServer(impl.Wrap(mock(t)))
	defer ts.Close()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	rep, err := contract.Run(context.Background(), contract.Config{
		BaseURL: ts.URL, APIKey: secretKey, CrawlID: 1003, Cases: []string{"found/key-query"}, MaxBody: 1 << 20,
	})
	require.NoError(t, err)
	runtime.ReadMemStats(&after)
	require.False(t, rep.OK())
	assert.Contains(t, rep.Cases[0].Failures[0].Message, "larger than Config.MaxBody (1048576 bytes)")
	assert.Equal(t, contract.SettingMaxBody, rep.Cases[0].Failures[0].Setting)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(64<<20), "allocated for a 1 GiB answer")
}

// TestRetriesCoverNetworkFailuresOnly drops the first connection of each
// request without an answer: one retry gets through, no retry fails.
func TestRetriesCoverNetworkFailuresOnly(t *testing.T) {
	correct := mock(t)
	var calls atomic.Int32
	flaky := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The cases' requests, not the first one that checks the server answers.
		if r.URL.RawQuery != "" && calls.Add(1)%2 == 1 {
			conn, _, err := http.NewResponseController(w).Hijack()
			require.NoError(t, err)
			_ = conn.Close()
			return
		}
		correct.ServeHTTP(w, r)
	})
	ts := httptest.NewUnstartedServer(flaky)
	// A fresh connection a request: Go's transport would itself retry a
	// request on a reused one.
	ts.Config.SetKeepAlivesEnabled(false)
	ts.Start()
	defer ts.Close()
	// One case at a time, and no catalog to ask: which request is dropped
	// is then known.
	cfg := contract.Config{BaseURL: ts.URL, APIKey: secretKey, CrawlID: 1003, MissingCrawlID: 404, Cases: []string{"found/key-query", "auth/none"}, Concurrency: 1, RunningCrawlID: 71999}

	rep, err := contract.Run(context.Background(), cfg)
	require.NoError(t, err)
	assert.False(t, rep.OK(), "without retries, a dropped connection fails the case")
	assert.Equal(t, contract.CheckTransport, rep.Cases[0].Failures[0].Check)

	calls.Store(0)
	cfg.Retries = 1
	rep, err = contract.Run(context.Background(), cfg)
	require.NoError(t, err)
	assert.True(t, rep.OK(), findings(rep))
}
