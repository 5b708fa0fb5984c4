package contract_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/contract"
	"github.com/crawlkit/crawlkit/internal/broken"
	"github.com/crawlkit/crawlkit/mockserver"
)

// impl finds a broken implementation by name.
func impl(t *testing.T, name string, hang time.Duration) broken.Implementation {
	t.Helper()
	for _, i := range broken.All(hang) {
		if i.Name == name {
			return i
		}
	}
	t.Fatalf("no broken implementation %q", name)
	return broken.Implementation{}
}

// notMock is the mock behind a handler that hides its catalog, as a real
// implementation has none.
func notMock(t *testing.T) *httptest.Server {
	t.Helper()
	correct := mock(t)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/__crawlkit/") {
			http.NotFound(w, r)
			return
		}
		correct.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	return ts
}

// TestNeverGreenByAccident: a run that would check next to nothing does not
// start, says why in one line, and runs only when told to.
func TestNeverGreenByAccident(t *testing.T) {
	ts := notMock(t)
	_, err := contract.Run(context.Background(), contract.Config{BaseURL: ts.URL})
	var skip *contract.SkipError
	require.ErrorAs(t, err, &skip)
	assert.True(t, skip.NoCredentials)
	assert.Equal(t, 1, strings.Count(err.Error()+"\n", "\n"), "one line")
	assert.True(t, strings.HasPrefix(err.Error(), "no credentials: "), err.Error())
	assert.Contains(t, err.Error(), "give Config.APIKey or Config.Bearer")
	assert.Contains(t, err.Error(), "(Config.AllowSkips runs anyway)")

	// A key, but none of the crawl ids a real server needs.
	_, err = contract.Run(context.Background(), contract.Config{BaseURL: ts.URL, APIKey: secretKey})
	require.ErrorAs(t, err, &skip)
	assert.False(t, skip.NoCredentials)
	assert.Greater(t, skip.Skipped, contract.MaxSkips)
	assert.Contains(t, err.Error(), "Config.CrawlID")
	assert.Contains(t, err.Error(), "Config.MissingCrawlID")

	rep, err := contract.Run(context.Background(), contract.Config{BaseURL: ts.URL, AllowSkips: true})
	require.NoError(t, err)
	assert.Equal(t, len(rep.Cases)-2, rep.Skipped, "only auth/none and auth/invalid-key ran")

	// Only the cases that need no credentials: nothing is skipped.
	rep, err = contract.Run(context.Background(), contract.Config{BaseURL: ts.URL, Cases: []string{"auth/*"}})
	require.NoError(t, err)
	assert.True(t, rep.OK())
}

// TestSummaryCountsPassesOnAllowedDeviations: a pass that needed an
// allowance says so.
func TestSummaryCountsPassesOnAllowedDeviations(t *testing.T) {
	ts := httptest.NewServer(impl(t, "bad key answered 401", time.Second).Wrap(mock(t)))
	defer ts.Close()
	rep, err := contract.Run(context.Background(), contract.Config{BaseURL: ts.URL, APIKey: secretKey, PollInterval: time.Millisecond,
		Cases: []string{"auth/*", "found/*"}, CrawlID: 1003, Allow: []string{"auth/*:status-*"}})
	require.NoError(t, err)
	assert.True(t, rep.OK(), findings(rep))
	assert.Equal(t, 2, rep.PassedAllowed, "auth/none and auth/invalid-key")
	assert.Contains(t, rep.Summary(), "(2 with allowed deviations)")
}

// TestHintsNameTheAllowLine: a status other endpoints of the API answer
// with is a failure with the line that accepts it.
func TestHintsNameTheAllowLine(t *testing.T) {
	for _, tt := range []struct{ impl, kase, hint string }{
		{"bad key answered 401", "auth/invalid-key", "Config.Allow 'auth/invalid-key:status-*'"},
		{"422 for a bad id", "id/zero", "Config.Allow 'id/zero:status-*'"},
	} {
		ts := httptest.NewServer(impl(t, tt.impl, time.Second).Wrap(mock(t)))
		rep, err := contract.Run(context.Background(), contract.Config{BaseURL: ts.URL, APIKey: secretKey, Cases: []string{tt.kase}})
		ts.Close()
		require.NoError(t, err)
		require.Len(t, rep.Cases, 1)
		var hints []string
		for _, f := range rep.Cases[0].Failures {
			hints = append(hints, f.Hint)
		}
		assert.Contains(t, strings.Join(hints, " "), tt.hint, tt.impl)
	}
}

// TestAllowancesMustAllowSomething: a pattern that matches no case of the
// run is refused; one that allowed nothing is reported with its line.
func TestAllowancesMustAllowSomething(t *testing.T) {
	ts := httptest.NewServer(mock(t))
	defer ts.Close()
	cfg := contract.Config{BaseURL: ts.URL, APIKey: secretKey, Cases: []string{"auth/*"}}
	for _, pattern := range []string{"found/*:schema", "auth/none:no-such-check"} {
		cfg.Allow = []string{pattern}
		_, err := contract.Run(context.Background(), cfg)
		assert.ErrorIs(t, err, contract.ErrUsage, pattern)
		assert.Contains(t, err.Error(), pattern)
	}
	list, err := contract.ReadAllowList(strings.NewReader("# staging\n\nauth/none:status-expected\n"), "allow.txt")
	require.NoError(t, err)
	cfg.Allow, cfg.Allowances = nil, list
	rep, err := contract.Run(context.Background(), cfg)
	require.NoError(t, err)
	require.Len(t, rep.UnusedAllowances, 1)
	assert.Equal(t, "allow.txt:3", rep.UnusedAllowances[0].Source)
	var text bytes.Buffer
	require.NoError(t, rep.WriteText(&text))
	assert.Contains(t, text.String(), "unused allowance allow.txt:3: auth/none:status-expected")
}

// TestStopsWhenTheServerStopsAnswering: a server that takes connections
// and never answers costs a few timeouts, not one a case; the cases left
// are not run, and the run is not OK.
func TestStopsWhenTheServerStopsAnswering(t *testing.T) {
	ts := httptest.NewServer(impl(t, "hang", time.Minute).Wrap(mock(t)))
	defer ts.Close()
	rep, err := contract.Run(context.Background(), contract.Config{BaseURL: ts.URL, APIKey: secretKey,
		CrawlID: 1003, MissingCrawlID: 404, Timeout: 200 * time.Millisecond})
	require.NoError(t, err)
	assert.False(t, rep.OK())
	assert.Contains(t, rep.Stopped, "is not answering: 3 requests in a row got no answer within Config.Timeout (200ms)")
	assert.Positive(t, rep.NotRun)
	// The timeouts that stopped it: MaxTimeouts in a row, and those of the
	// cases already in flight beside them, Concurrency at a time.
	assert.GreaterOrEqual(t, rep.Failed, contract.MaxTimeouts)
	assert.LessOrEqual(t, rep.Failed, contract.MaxTimeouts+contract.DefaultConcurrency-1)
	for _, c := range rep.Cases {
		if c.Outcome == contract.NotRun {
			assert.Equal(t, rep.Stopped, c.SkipReason)
		}
	}
	assert.Contains(t, rep.Summary(), "not run")
	var junit bytes.Buffer
	require.NoError(t, rep.WriteJUnit(&junit))
	assert.Contains(t, junit.String(), `<skipped message="not run: the server at`)
	assert.Contains(t, junit.String(), `<testcase name="run stopped" classname="crawlkit.contract" time="0.000">`)
	assert.Contains(t, junit.String(), `<error message="the run stopped before its last case: the server at`)
}

// TestConcurrencyKeepsTheOrder: cases run several at a time report in the
// order they are listed.
func TestConcurrencyKeepsTheOrder(t *testing.T) {
	ts := httptest.NewServer(mock(t))
	defer ts.Close()
	one, err := contract.Run(context.Background(), contract.Config{BaseURL: ts.URL, APIKey: secretKey, Concurrency: 1, PollInterval: time.Millisecond, RunningCrawlID: 71900})
	require.NoError(t, err)
	many, err := contract.Run(context.Background(), contract.Config{BaseURL: ts.URL, APIKey: secretKey, Concurrency: 16, PollInterval: time.Millisecond, RunningCrawlID: 71901})
	require.NoError(t, err)
	require.Len(t, many.Cases, len(one.Cases))
	for i := range one.Cases {
		assert.Equal(t, one.Cases[i].Name, many.Cases[i].Name)
		assert.Equal(t, one.Cases[i].Outcome, many.Cases[i].Outcome, one.Cases[i].Name)
	}
}

// TestDeadlineStopsTheRun: the cases left when the deadline passes are not run.
func TestDeadlineStopsTheRun(t *testing.T) {
	slow, err := mockserver.New(context.Background(), mockserver.Config{Catalog: true, Latency: mockserver.Delay{Min: 100 * time.Millisecond, Max: 100 * time.Millisecond}})
	require.NoError(t, err)
	ts := httptest.NewServer(slow)
	defer ts.Close()
	rep, err := contract.Run(context.Background(), contract.Config{BaseURL: ts.URL, APIKey: secretKey, Concurrency: 1, Deadline: 350 * time.Millisecond})
	require.NoError(t, err)
	assert.Equal(t, "the Config.Deadline of 350ms passed", rep.Stopped)
	assert.Positive(t, rep.NotRun)
	assert.False(t, rep.OK())
}

// TestDriftIsReportedOncePerPointer: fields and values the contract does
// not know are warnings, once a run each, with screenshot indexes folded;
// FailOn turns them into failures.
func TestDriftIsReportedOncePerPointer(t *testing.T) {
	ts := httptest.NewServer(impl(t, "drift: fields and values the contract does not know", time.Second).Wrap(mock(t)))
	defer ts.Close()
	cfg := contract.Config{BaseURL: ts.URL, APIKey: secretKey, Cases: []string{"found/*"}, CrawlID: 1003}
	rep, err := contract.Run(context.Background(), cfg)
	require.NoError(t, err)
	assert.True(t, rep.OK(), "warnings")
	byPointer := map[string][]string{}
	for _, c := range rep.Cases {
		for _, w := range c.Warnings {
			if w.Check == contract.CheckDrift {
				byPointer[w.Pointer] = append(byPointer[w.Pointer], c.Name+": "+w.Message)
			}
		}
	}
	assert.Len(t, byPointer["/data/screenshots/*/thumbnail"], 1, "once, however many screenshots and cases")
	assert.Len(t, byPointer["/data/region"], 1)
	require.Len(t, byPointer["/data/screenshots/*/browser"], 1)
	assert.Contains(t, byPointer["/data/screenshots/*/browser"][0], `"firefox" is not one of the values the contract knows (chrome)`)
	assert.Contains(t, byPointer["/data/screenshots/*/thumbnail"][0], "found/key-query: a field the contract does not describe")

	cfg.FailOn = []string{contract.CheckDrift}
	rep, err = contract.Run(context.Background(), cfg)
	require.NoError(t, err)
	assert.False(t, rep.OK())
	assert.Equal(t, contract.CheckDrift, rep.Cases[0].Failures[0].Check)
}

// TestOneRootCauseOneFinding: a missing max_urls is a schema failure and no
// coherence warning; a coherence warning on the crawl every found case
// fetches is reported once.
func TestOneRootCauseOneFinding(t *testing.T) {
	correct := mock(t)
	noMax := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		correct.ServeHTTP(rec, r)
		var m map[string]any
		if rec.Code != 200 || !strings.HasSuffix(r.URL.Path, "/crawl/info") || json.Unmarshal(rec.Body.Bytes(), &m) != nil {
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
			return
		}
		delete(m["data"].(map[string]any), "max_urls")
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(m)
	})
	ts := httptest.NewServer(noMax)
	rep, err := contract.Run(context.Background(), contract.Config{BaseURL: ts.URL, APIKey: secretKey, CrawlID: 1003, Cases: []string{"found/key-query"}})
	ts.Close()
	require.NoError(t, err)
	require.Len(t, rep.Cases, 1)
	var schema []string
	for _, f := range rep.Cases[0].Failures {
		if f.Check == contract.CheckSchema {
			schema = append(schema, f.Message)
		}
	}
	assert.Equal(t, []string{`property "max_urls" is missing`}, schema)
	for _, w := range rep.Cases[0].Warnings {
		assert.NotContains(t, w.Message, "max_urls", "no second finding for the same cause")
	}

	ts = httptest.NewServer(impl(t, "incoherent counters", time.Second).Wrap(mock(t)))
	defer ts.Close()
	rep, err = contract.Run(context.Background(), contract.Config{BaseURL: ts.URL, APIKey: secretKey, CrawlID: 1003, Cases: []string{"found/*"}})
	require.NoError(t, err)
	var warned []string
	for _, c := range rep.Cases {
		for _, w := range c.Warnings {
			if w.Check == contract.CheckCoherence {
				warned = append(warned, c.Name+": "+w.Message)
			}
		}
	}
	require.NotEmpty(t, warned)
	for _, w := range warned {
		assert.True(t, strings.HasPrefix(w, "found/key-query: "), "the first case to see it: %s", w)
		assert.True(t, strings.HasSuffix(w, " (seen in 2 answers)"), "found/key-header fetched the same crawl: %s", w)
	}
}

// TestSchemaFindingsShowTheValue: a schema failure says what was sent and
// what was expected.
func TestSchemaFindingsShowTheValue(t *testing.T) {
	ts := httptest.NewServer(impl(t, "id as a string", time.Second).Wrap(mock(t)))
	defer ts.Close()
	rep, err := contract.Run(context.Background(), contract.Config{BaseURL: ts.URL, APIKey: secretKey, CrawlID: 1003, Cases: []string{"found/key-query"}})
	require.NoError(t, err)
	assert.Equal(t, `"1003" is not an integer of at least 1`, rep.Cases[0].Failures[0].Message)
}

// TestARunningCrawlIsPolledToItsEnd: against the mock, the kit takes a
// progression by itself and follows it; every poll is checked.
func TestARunningCrawlIsPolledToItsEnd(t *testing.T) {
	ts := httptest.NewServer(mock(t))
	defer ts.Close()
	rep, err := contract.Run(context.Background(), contract.Config{BaseURL: ts.URL, APIKey: secretKey, Strict: true,
		Cases: []string{"running/progress"}, PollInterval: time.Millisecond})
	require.NoError(t, err)
	require.Len(t, rep.Cases, 1)
	assert.Equal(t, contract.Pass, rep.Cases[0].Outcome, "%v", rep.Cases[0].Failures)
	assert.Contains(t, strings.Join(rep.Notes, " "), "Config.RunningCrawlID 71")
	// in_queue, processing three times, finished, and once more: six answers.
	assert.Equal(t, 6, rep.Coverage.Statuses["200"])
	assert.Positive(t, rep.Coverage.Enums["/data/status"]["processing"])
	assert.Positive(t, rep.Coverage.Enums["/data/screenshots/*/status"]["processing"])
}

// TestARunningCrawlThatNeverEnds fails at the poll timeout, naming the poll.
func TestARunningCrawlThatNeverEnds(t *testing.T) {
	stuck := "scenarios:\n  - {name: stuck, match: {id: 9000}, respond: {crawl: {status: processing, screenshots: 4}}}\n"
	srv, err := mockserver.New(context.Background(), mockserver.Config{Fixtures: fstest.MapFS{"scenarios.yaml": {Data: []byte(stuck)}}})
	require.NoError(t, err)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	rep, err := contract.Run(context.Background(), contract.Config{BaseURL: ts.URL, APIKey: secretKey, Cases: []string{"running/progress"},
		RunningCrawlID: 9000, PollInterval: 10 * time.Millisecond, PollTimeout: 100 * time.Millisecond})
	require.NoError(t, err)
	require.Equal(t, contract.Fail, rep.Cases[0].Outcome)
	last := rep.Cases[0].Failures[len(rep.Cases[0].Failures)-1]
	assert.Equal(t, contract.CheckProgress, last.Check)
	assert.Regexp(t, `^poll \d+: still processing after Config.PollTimeout \(100ms\)$`, last.Message)
	assert.Equal(t, contract.SettingPollTimeout, last.Setting)
}

// TestSequenceFindingsNamePolls: what a crawl going backwards or leaving
// its final state looks like in the report.
func TestSequenceFindingsNamePolls(t *testing.T) {
	for name, want := range map[string]string{
		"running crawl goes backwards":         `^poll 4: screenshots went down from \d+ \(poll 3\) to \d+$`,
		"running crawl leaves its final state": `^poll 6: the crawl left its final status finished \(poll 5\) for processing$`,
	} {
		ts := httptest.NewServer(impl(t, name, time.Second).Wrap(mock(t)))
		rep, err := contract.Run(context.Background(), contract.Config{BaseURL: ts.URL, APIKey: secretKey, Cases: []string{"running/progress"},
			RunningCrawlID: 71500, PollInterval: time.Millisecond})
		ts.Close()
		require.NoError(t, err)
		var messages []string
		for _, f := range rep.Cases[0].Failures {
			if f.Check == contract.CheckProgress {
				messages = append(messages, f.Message)
			}
		}
		found := false
		for _, m := range messages {
			found = found || assert.ObjectsAreEqual(true, regexpMatch(want, m))
		}
		assert.True(t, found, "%s: want %s in %v", name, want, messages)
	}
}

// TestCoverage: the report says what the run exercised, in JSON and JUnit.
func TestCoverage(t *testing.T) {
	ts := httptest.NewServer(mock(t))
	defer ts.Close()
	rep, err := contract.Run(context.Background(), contract.Config{BaseURL: ts.URL, APIKey: secretKey, PollInterval: time.Millisecond})
	require.NoError(t, err)
	var js bytes.Buffer
	require.NoError(t, rep.WriteJSON(&js))
	var doc struct {
		Coverage struct {
			Statuses map[string]int
			Codes    map[string]int
			Auth     map[string]int
			Enums    map[string]map[string]int
			Never    []string `json:"never_seen"`
		}
	}
	require.NoError(t, json.Unmarshal(js.Bytes(), &doc))
	c := doc.Coverage
	assert.Equal(t, []string{"200", "400", "404", "500"}, sortedKeysOf(c.Statuses))
	assert.Zero(t, c.Statuses["500"], "never seen, and said so")
	assert.Positive(t, c.Statuses["404"])
	assert.Positive(t, c.Codes["INVALID_API_KEY"])
	assert.Positive(t, c.Codes["VALIDATION_ERROR"])
	assert.Zero(t, c.Auth["bearer token"])
	assert.Positive(t, c.Auth["X-API-KEY header"])
	assert.Contains(t, c.Enums["/data/status"], "cancelled")
	assert.Contains(t, c.Never, "/data/screenshots/*/post_data")

	var junit bytes.Buffer
	require.NoError(t, rep.WriteJUnit(&junit))
	var suites struct {
		Suites []struct {
			Properties []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"value,attr"`
			} `xml:"properties>property"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(junit.Bytes(), &suites))
	props := map[string]string{}
	for _, p := range suites.Suites[0].Properties {
		props[p.Name] = p.Value
	}
	assert.Equal(t, "0", props["coverage.statuses.500"])
	assert.NotEmpty(t, props["coverage.enums./data/status.finished"])
	var text bytes.Buffer
	require.NoError(t, rep.WriteText(&text))
	assert.Contains(t, text.String(), "statuses: 200 ×")
	assert.Contains(t, text.String(), "500 never")
}

// TestTheMockPassesItsOwnKitStrictly: every check, warnings failing.
func TestTheMockPassesItsOwnKitStrictly(t *testing.T) {
	ts := httptest.NewServer(mock(t))
	defer ts.Close()
	rep, err := contract.Run(context.Background(), contract.Config{BaseURL: ts.URL, APIKey: secretKey, Bearer: bearer(t), Strict: true, PollInterval: time.Millisecond})
	require.NoError(t, err)
	assert.True(t, rep.OK(), findings(rep))
	assert.Zero(t, rep.Skipped)
}

func TestBaseURLWithThePathIsRefusedWithTheFix(t *testing.T) {
	_, err := contract.Run(context.Background(), contract.Config{BaseURL: "https://api.example.com/api/v1/crawl/info"})
	require.ErrorIs(t, err, contract.ErrUsage)
	assert.Contains(t, err.Error(), "give the API base, https://api.example.com/api/v1")
}

func regexpMatch(pattern, s string) bool { return regexp.MustCompile(pattern).MatchString(s) }

func sortedKeysOf(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
