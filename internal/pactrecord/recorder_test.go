package pactrecord_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/internal/pact"
	"github.com/crawlkit/crawlkit/internal/pactrecord"
	"github.com/crawlkit/crawlkit/internal/syncbuf"
	"github.com/crawlkit/crawlkit/internal/validate"
)

const secret = "sk_live_RECORDER_s3cret"

func answer(t *testing.T, rawURL string, status int, body string) pactrecord.Answer {
	t.Helper()
	u, err := url.Parse(rawURL)
	require.NoError(t, err)
	return pactrecord.Answer{
		Method: http.MethodGet, URL: u, Status: status,
		Header: http.Header{"X-Api-Key": {secret}, "Authorization": {"Bearer " + secret}},
		Body:   []byte(body),
	}
}

func crawlBody(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "crawl-12345.json"))
	require.NoError(t, err)
	return string(data)
}

func TestRecorder(t *testing.T) {
	v, err := validate.Load(context.Background())
	require.NoError(t, err)
	var logs syncbuf.Buffer
	rec := pactrecord.New(pactrecord.Config{Consumer: "web", Provider: "api", Contract: v.Contract(), Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	crawl := crawlBody(t)
	notFound := `{"success":false,"error":"Crawl 404 not found","code":"NOT_FOUND","details":{"request_id":"req_0123456789abcdef"}}`
	badKey := `{"success":false,"error":"Invalid API key","code":"INVALID_API_KEY","details":{"request_id":"req_0123456789abcdef"}}`

	assert.True(t, rec.Wants(http.MethodGet, &url.URL{Path: "/crawl/info", RawQuery: "id=1"}, 200))
	rec.Record(answer(t, "/crawl/info?id=12345&key="+secret, 200, crawl))
	assert.False(t, rec.Wants(http.MethodGet, &url.URL{Path: "/crawl/info", RawQuery: "id=7"}, 200), "same path, query names and status")
	rec.Record(answer(t, "/crawl/info?key="+secret+"&id=7", 200, crawl))   // a repeat: nothing new
	rec.Record(answer(t, "/api/v1/crawl/info?id=12345", 200, crawl))       // another path
	rec.Record(answer(t, "/crawl/info?id=404&key="+secret, 404, notFound)) // another status
	rec.Record(answer(t, "/crawl/info?id=1&key=invalid", 400, badKey))     // credentials refused
	faulty := answer(t, "/crawl/info?id=9&__fault=reset", 200, "")
	faulty.Fault = "reset"
	rec.Record(faulty)
	off := answer(t, "/crawl/info?id=401", 401, `{"success":false}`)
	off.OffContract = true
	rec.Record(off)
	broken := answer(t, "/crawl/info?id=5&x=1", 200, crawl)
	broken.Violations = []string{"/data/id: not an integer"}
	rec.Record(broken)
	big := answer(t, "/crawl/info?id=5&y=1", 200, "")
	big.Truncated = true
	rec.Record(big)
	rec.Record(answer(t, "/elsewhere?id=1", 200, crawl))
	post := answer(t, "/crawl/info?id=1", 200, crawl)
	post.Method = http.MethodPost
	rec.Record(post)
	require.Equal(t, 3, rec.Len())

	path := filepath.Join(t.TempDir(), "session.json")
	data, err := rec.WriteFile(context.Background(), path)
	require.NoError(t, err)
	onDisk, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, data, onDisk)
	assert.NotContains(t, string(data), secret)
	assert.NotContains(t, string(data), `"key"`)
	assert.NotContains(t, strings.ToLower(string(data)), "x-api-key")
	assert.NotContains(t, strings.ToLower(string(data)), "authorization")

	warning := logs.String()
	assert.Equal(t, 1, strings.Count(warning, "level=WARN"), warning)
	for _, want := range []string{
		"GET /crawl/info with id answered 400 Bad Request: a refusal of credentials",
		"fault reset", "off the contract on purpose", "breaks the contract: /data/id: not an integer",
		"body over 8 MiB", "not the contract's path", "not a GET",
	} {
		assert.Contains(t, warning, want)
	}

	var f struct {
		Consumer, Provider struct{ Name string }
		Interactions       []struct {
			Description string
			Request     struct {
				Method, Path string
				Query        map[string][]string
				Headers      map[string]string
			}
			Response struct {
				Status        int
				Body          map[string]any
				MatchingRules map[string]map[string]struct{ Matchers []map[string]any }
			}
		}
	}
	require.NoError(t, json.Unmarshal(data, &f))
	assert.Equal(t, "web", f.Consumer.Name)
	assert.Equal(t, "api", f.Provider.Name)
	require.Len(t, f.Interactions, 3)
	first := f.Interactions[0]
	assert.Equal(t, "GET /crawl/info with id answered 200 OK", first.Description)
	assert.Equal(t, map[string][]string{"id": {"12345"}}, first.Request.Query)
	assert.Empty(t, first.Request.Headers)
	assert.Equal(t, []map[string]any{{"match": "type"}}, first.Response.MatchingRules["body"]["$"].Matchers)
	assert.Equal(t, []map[string]any{{"match": "type", "min": float64(0)}}, first.Response.MatchingRules["body"]["$.data.screenshots"].Matchers)
	shots := first.Response.Body["data"].(map[string]any)["screenshots"].([]any)
	require.Len(t, shots, 1, "arrays cut to one item")
	shot := shots[0].(map[string]any)
	assert.Contains(t, shot, "status")
	assert.NotContains(t, shot, "pdf_margin", "a string or a number: no type matcher holds it")
	assert.Equal(t, "/api/v1/crawl/info", f.Interactions[1].Request.Path)
	assert.Equal(t, 404, f.Interactions[2].Response.Status)

	parsed, err := pact.Parse(data)
	require.NoError(t, err)
	findings := pact.NewChecker(v).Check(context.Background(), parsed)
	assert.True(t, pact.Compatible(findings), "%v", findings)
	assert.Empty(t, findings)
}

func TestOptionalFieldsAreNotRecorded(t *testing.T) {
	v, err := validate.Load(context.Background())
	require.NoError(t, err)
	rec := pactrecord.New(pactrecord.Config{Contract: v.Contract()})
	body := `{"success":false,"error":"Invalid parameter: id","code":"VALIDATION_ERROR","details":{"request_id":"req_1"},"fields":{"id":["must be an integer"]}}`
	rec.Record(answer(t, "/crawl/info?id=abc", 400, body))
	data, err := rec.Pact()
	require.NoError(t, err)
	assert.NotContains(t, string(data), `"fields"`, "fields is optional: a server that keeps the contract may leave it out")
	assert.Contains(t, string(data), `"request_id"`)
}

func TestWriteFileErrors(t *testing.T) {
	v, err := validate.Load(context.Background())
	require.NoError(t, err)
	rec := pactrecord.New(pactrecord.Config{Contract: v.Contract()})
	_, err = rec.WriteFile(context.Background(), filepath.Join(t.TempDir(), "missing", "pact.json"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "write the pact")
}

// TestRecorderLeavesOutTheSpecsKeyParameter: with a --spec whose API key
// comes in another query parameter, that parameter is never written.
func TestRecorderLeavesOutTheSpecsKeyParameter(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "specs", "evolved.yaml"))
	require.NoError(t, err)
	renamed := strings.Replace(string(data), "      in: query\n      name: key\n", "      in: query\n      name: api_token\n", 1)
	require.NotEqual(t, string(data), renamed)
	v, err := validate.LoadData(context.Background(), "renamed.yaml", []byte(renamed))
	require.NoError(t, err)
	require.Equal(t, []string{"api_token"}, v.Contract().Credentials.Query)
	rec := pactrecord.New(pactrecord.Config{Consumer: "web", Provider: "api", Contract: v.Contract()})
	notFound := `{"success":false,"error":"Crawl 404 not found","code":"NOT_FOUND","details":{"request_id":"req_0123456789abcdef"}}`
	rec.Record(answer(t, "/crawl/info?id=404&api_token="+secret, 404, notFound))
	assert.False(t, rec.Wants(http.MethodGet, &url.URL{Path: "/crawl/info", RawQuery: "id=5"}, 404), "credentials are not part of what makes an interaction")
	require.Equal(t, 1, rec.Len())
	out, err := rec.WriteFile(context.Background(), filepath.Join(t.TempDir(), "session.json"))
	require.NoError(t, err)
	assert.NotContains(t, string(out), secret)
	assert.NotContains(t, string(out), "api_token")
}
