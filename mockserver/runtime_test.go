package mockserver_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit"
	"github.com/crawlkit/crawlkit/mockserver"
)

// goMock is a mock a Go test drives through its methods, served on loopback.
func goMock(t *testing.T, cfg mockserver.Config) (*mockserver.Server, string) {
	t.Helper()
	cfg.Fixtures = crawlkit.Fixtures()
	srv, err := mockserver.New(context.Background(), cfg)
	require.NoError(t, err)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return srv, ts.URL
}

// TestGoVerbs: scenarios added and removed, requests listed and filtered,
// the journal reset, from Go.
func TestGoVerbs(t *testing.T) {
	ctx := context.Background()
	srv, url := goMock(t, mockserver.Config{Seed: 1})
	names, err := srv.AddScenarios(ctx, []byte(`scenarios:
  - name: checkout-down
    match: {id: 42}
    respond: {status: 500}
  - name: slow-queue
    match: {id: 43}
    respond: {crawl: {status: in_queue}}
`))
	require.NoError(t, err)
	assert.Equal(t, []string{"checkout-down", "slow-queue"}, names)

	assert.Equal(t, 500, get(t, url+"/crawl/info?id=42&key=k", nil).status)
	assert.Equal(t, 200, get(t, url+"/crawl/info?id=43&key=k", nil).status)
	assert.Equal(t, 200, get(t, url+"/crawl/info?id=12345&key=k", nil).status)

	tests := []struct {
		name   string
		filter mockserver.RequestFilter
		want   []int64
	}{
		{"all, newest first", mockserver.RequestFilter{}, []int64{12345, 43, 42}},
		{"by crawl id", mockserver.RequestFilter{CrawlID: 43}, []int64{43}},
		{"by status", mockserver.RequestFilter{Status: 500}, []int64{42}},
		{"by rule", mockserver.RequestFilter{Rule: "slow-queue"}, []int64{43}},
		{"by an unknown rule", mockserver.RequestFilter{Rule: "nope"}, nil},
		{"the latest", mockserver.RequestFilter{Limit: 1}, []int64{12345}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []int64
			for _, r := range srv.Requests(tt.filter) {
				got = append(got, r.CrawlID)
			}
			assert.Equal(t, tt.want, got)
		})
	}

	down := srv.Requests(mockserver.RequestFilter{Rule: "checkout-down"})[0]
	assert.Equal(t, "scenario checkout-down", down.AnsweredBy)
	require.NotNil(t, down.Response)
	assert.Contains(t, down.Response.Body, `"code":"INTERNAL_ERROR"`)
	assert.True(t, down.Response.BodyJSON)
	assert.Equal(t, "application/json; charset=utf-8", down.Response.Headers["Content-Type"])
	assert.Equal(t, down.RequestID, down.Response.Headers["X-Request-Id"])

	require.NoError(t, srv.RemoveScenarios("checkout-down"))
	assert.Equal(t, 200, get(t, url+"/crawl/info?id=42&key=k", nil).status)
	assert.ErrorIs(t, srv.RemoveScenarios("checkout-down"), mockserver.ErrNoScenario)
	require.NoError(t, srv.RemoveScenarios(""))
	assert.Equal(t, "generated", get(t, url+"/crawl/info?id=43&key=k", nil).header.Get(mockserver.AnsweredByHeader))

	srv.Reset()
	assert.Empty(t, srv.Requests(mockserver.RequestFilter{}))
}

// TestAddScenariosReportsEveryProblem: nothing is added, and each problem
// is a *ScenarioError at the line of its field.
func TestAddScenariosReportsEveryProblem(t *testing.T) {
	srv, url := goMock(t, mockserver.Config{})
	_, err := srv.AddScenarios(context.Background(), []byte(`scenarios:
  - name: a
    match: {id: 42}
    respond:
      status: 418
  - name: b
    respond: {fault: explode, delay: 300}
`))
	require.ErrorIs(t, err, mockserver.ErrInvalidScenarios)
	var lines []int
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var se *mockserver.ScenarioError
		require.ErrorAs(t, e, &se)
		lines = append(lines, se.Line)
	}
	assert.Equal(t, []int{5, 7, 7}, lines)
	assert.Contains(t, err.Error(), `line 7: scenario "b": delay: 300: a duration needs a unit, as 300ms or 2s`)
	assert.Contains(t, err.Error(), `line 7: scenario "b": respond.fault "explode"`)
	assert.Equal(t, 200, get(t, url+"/crawl/info?id=42&key=k", nil).status, "nothing was added")

	_, err = srv.AddScenarios(context.Background(), []byte("scenarios: []\n"))
	assert.ErrorIs(t, err, mockserver.ErrInvalidScenarios, "no rule at all")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = srv.AddScenarios(ctx, []byte("scenarios:\n  - {name: a, respond: {status: 404}}\n"))
	assert.ErrorIs(t, err, context.Canceled)
}

// TestAdminRefusalListsEveryProblem: the admin API's 400 names each
// problem by its line in the envelope's fields.
func TestAdminRefusalListsEveryProblem(t *testing.T) {
	_, url := goMock(t, mockserver.Config{})
	body := "scenarios:\n  - name: a\n    match: {id: 1}\n    respond: {status: 418}\n  - name: b\n    respond: [1]\n  - name: c\n    respond:\n      delay: 300\n      fault: nope\n"
	req, _ := http.NewRequest(http.MethodPost, url+"/__crawlkit/scenarios", strings.NewReader(body))
	a := do(t, req)
	require.Equal(t, 400, a.status)
	env := errorOf(t, a)
	assert.Equal(t, map[string][]string{
		"line 4":  {`scenario "a": respond.status 418: the contract does not document it (documented: 200, 400, 404, 500); add off_contract: true to answer it on purpose`},
		"line 6":  {`scenario "b": respond holds a list; it expects a mapping of status, example, fixture, crawl, progression, body, headers, off_contract, delay and fault`},
		"line 9":  {`scenario "c": delay: 300: a duration needs a unit, as 300ms or 2s`},
		"line 10": {`scenario "c": respond.fault "nope": one of reset, empty, malformed, hang, bad-gateway`},
	}, env.Fields)
	assert.Contains(t, env.Message, "Invalid scenarios: ")
}

// TestJournalKeepsTheAnswer: status, headers and body of each answer, in
// the admin API and Requests; a large crawl cut at 16 KiB, the malformed
// fault's body marked as not JSON, a dropped connection without one.
func TestJournalKeepsTheAnswer(t *testing.T) {
	srv, url := goMock(t, mockserver.Config{Seed: 1})
	_, err := srv.AddScenarios(context.Background(), []byte(`scenarios:
  - {name: big, match: {id: 900}, respond: {crawl: {status: finished, screenshots: 1500}}}
  - {name: half, match: {id: 901}, respond: {crawl: {status: finished, screenshots: 3}, fault: malformed}}
  - {name: gone, match: {id: 902}, respond: {fault: reset}}
  - {name: html, match: {id: 903}, respond: {fault: bad-gateway}}
`))
	require.NoError(t, err)
	big := get(t, url+"/crawl/info?id=900&key=k", nil)
	half := get(t, url+"/crawl/info?id=901&key=k", nil)
	_, err = http.Get(url + "/crawl/info?id=902&key=k")
	require.Error(t, err)
	get(t, url+"/crawl/info?id=903&key=k", nil)
	small := get(t, url+"/crawl/info?id=12345&key=k", nil)

	byID := map[int64]mockserver.Request{}
	for _, r := range srv.Requests(mockserver.RequestFilter{}) {
		byID[r.CrawlID] = r
	}
	tests := []struct {
		id        int64
		body      []byte
		truncated bool
		json      bool
		mediaType string
	}{
		{900, big.body[:mockserver.MaxJournalBody], true, true, "application/json; charset=utf-8"},
		{901, half.body, false, false, "application/json; charset=utf-8"},
		{903, nil, false, false, "text/html"},
		{12345, small.body, false, true, "application/json; charset=utf-8"},
	}
	for _, tt := range tests {
		r := byID[tt.id]
		require.NotNil(t, r.Response, tt.id)
		if tt.body != nil {
			assert.True(t, string(tt.body) == r.Response.Body, "crawl %d: the body as sent", tt.id)
		}
		assert.Equal(t, tt.truncated, r.Response.BodyTruncated, tt.id)
		assert.Equal(t, tt.json, r.Response.BodyJSON, tt.id)
		assert.Equal(t, tt.mediaType, r.Response.Headers["Content-Type"], tt.id)
	}
	assert.Equal(t, int64(len(big.body)), byID[900].Response.BodyBytes)
	assert.Greater(t, len(big.body), 1<<20, "a streamed crawl")
	assert.Equal(t, "malformed", byID[901].Response.Headers[mockserver.FaultHeader])
	assert.Contains(t, byID[903].Response.Body, "502 Bad Gateway")
	assert.Nil(t, byID[902].Response, "the connection was dropped: no answer")
	assert.Zero(t, byID[902].Status)

	// The admin API lists the same, under these names.
	var listed struct {
		Requests []struct {
			CrawlID  int64 `json:"crawl_id"`
			Response *struct {
				Headers       map[string]string `json:"headers"`
				Body          string            `json:"body"`
				BodyTruncated bool              `json:"body_truncated"`
				BodyBytes     int64             `json:"body_bytes"`
				BodyJSON      bool              `json:"body_json"`
			} `json:"response"`
		} `json:"requests"`
	}
	require.NoError(t, json.Unmarshal(get(t, url+"/__crawlkit/requests?id=900", nil).body, &listed))
	require.Len(t, listed.Requests, 1)
	got := listed.Requests[0].Response
	require.NotNil(t, got)
	assert.True(t, got.BodyTruncated)
	assert.Len(t, got.Body, mockserver.MaxJournalBody)
	assert.Equal(t, int64(len(big.body)), got.BodyBytes)
	assert.Equal(t, "scenario big", got.Headers[mockserver.AnsweredByHeader])

	require.NoError(t, json.Unmarshal(get(t, url+"/__crawlkit/requests?rule=half", nil).body, &listed))
	require.Len(t, listed.Requests, 1)
	assert.Equal(t, int64(901), listed.Requests[0].CrawlID)
	assert.False(t, listed.Requests[0].Response.BodyJSON)
}

// TestRequestDelayWithoutUnit: __delay=300 and Prefer: delay=300 are
// refused with the message a scenario's delay: 300 and --latency 300 get.
func TestRequestDelayWithoutUnit(t *testing.T) {
	_, url := goMock(t, mockserver.Config{})
	tests := []struct {
		name, query, prefer, field string
	}{
		{"query", "&__delay=300", "", "__delay"},
		{"Prefer", "", "delay=300", "Prefer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header := map[string]string{}
			if tt.prefer != "" {
				header["Prefer"] = tt.prefer
			}
			a := get(t, url+"/crawl/info?id=1&key=k"+tt.query, header)
			require.Equal(t, 400, a.status)
			assert.Contains(t, strings.Join(errorOf(t, a).Fields[tt.field], " "), "300: a duration needs a unit, as 300ms or 2s")
		})
	}
}
