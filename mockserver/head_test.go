package mockserver_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/internal/journal"
	"github.com/crawlkit/crawlkit/mockserver"
)

// headOf asks url with HEAD, as a client would.
func headOf(t *testing.T, url string, header map[string]string) answer {
	t.Helper()
	return send(t, http.MethodHead, url, header)
}

// sameButBody holds a HEAD answer to the GET answer of the same request:
// the same status and headers (but the date and the request id), no body.
func sameButBody(t *testing.T, head, get answer) {
	t.Helper()
	assert.Equal(t, get.status, head.status)
	assert.Empty(t, head.body, "HEAD has no body")
	strip := func(h http.Header) http.Header {
		h = h.Clone()
		h.Del("Date")
		h.Del("X-Request-Id")
		return h
	}
	assert.Equal(t, strip(get.header), strip(head.header))
	if cl := get.header.Get("Content-Length"); cl != "" {
		assert.Equal(t, strconv.Itoa(len(get.body)), cl)
	}
}

// TestHeadAnswersLikeGet: HEAD /crawl/info answers what GET answers, on
// every path (a fixture, a generated crawl, refusals, an unknown path, an
// asked-for error, an off-contract answer, faults), without a body.
func TestHeadAnswersLikeGet(t *testing.T) {
	srv := withCatalog(t, mockserver.Config{Seed: 1})
	tests := []struct {
		name, target string
		header       map[string]string
		status       int
	}{
		{"fixture", "/crawl/info?id=12345&key=k", nil, 200},
		{"generated crawl", "/crawl/info?id=42&key=k", nil, 200},
		{"generated crawl on /api/v1", "/api/v1/crawl/info?id=43&key=k", nil, 200},
		{"catalog crawl", "/crawl/info?id=1003&key=k", nil, 200},
		{"bad id", "/crawl/info?id=abc&key=k", nil, 400},
		{"bad key", "/crawl/info?id=1&key=invalid", nil, 400},
		{"no key", "/crawl/info?id=1", nil, 400},
		{"unknown path", "/crawl/nope?id=1&key=k", nil, 404},
		{"catalog 404", "/crawl/info?id=404&key=k", nil, 404},
		{"asked-for 500", "/crawl/info?id=7&key=k", map[string]string{"Prefer": "code=500"}, 500},
		{"off the contract", "/crawl/info?id=429&key=k", nil, 429},
		{"fault malformed", "/crawl/info?id=5003&key=k", nil, 200},
		{"fault bad gateway", "/crawl/info?id=5005&key=k", nil, 502},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			head := headOf(t, srv.url+tt.target, tt.header)
			got := get(t, srv.url+tt.target, tt.header)
			require.Equal(t, tt.status, got.status, string(got.body))
			sameButBody(t, head, got)
		})
	}
}

// TestHeadOfALargeCrawl: a streamed crawl answers HEAD as GET, without a
// Content-Length while GET streams it and with one once it is cached; the
// journal records the method.
func TestHeadOfALargeCrawl(t *testing.T) {
	srv := withCatalog(t, mockserver.Config{Seed: 1})
	target := srv.url + "/crawl/info?id=10000&key=k"
	head := headOf(t, target, nil)
	streamed := get(t, target, nil)
	require.Equal(t, 200, streamed.status)
	assert.Empty(t, streamed.header.Get("Content-Length"), "streamed")
	sameButBody(t, head, streamed)

	get(t, target, nil) // the second ask keeps it
	head = headOf(t, target, nil)
	cached := get(t, target, nil)
	assert.Equal(t, streamed.body, cached.body)
	assert.Equal(t, strconv.Itoa(len(cached.body)), head.header.Get("Content-Length"))
	sameButBody(t, head, cached)

	var listed struct{ Requests []journal.Entry }
	require.NoError(t, json.Unmarshal(get(t, srv.url+"/__crawlkit/requests?id=10000", nil).body, &listed))
	methods := map[string]int{}
	for _, e := range listed.Requests {
		methods[e.Method]++
	}
	assert.Equal(t, map[string]int{"HEAD": 2, "GET": 3}, methods)
}
