package mockserver_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit"
	"github.com/crawlkit/crawlkit/internal/browsertest"
	"github.com/crawlkit/crawlkit/internal/envelope"
	"github.com/crawlkit/crawlkit/internal/syncbuf"
	"github.com/crawlkit/crawlkit/mockserver"
)

const evilRule = "scenarios:\n  - {name: evil, match: {id: 12345}, respond: {status: 500}}\n"

// TestAdminBelongsToTheLocalUser: what a web page of another origin, or a
// page reached by DNS rebinding, could send to the admin API is refused
// with 403 in the envelope; the admin API has no CORS headers, while
// /crawl/info keeps them; the console's own calls and programs pass.
func TestAdminBelongsToTheLocalUser(t *testing.T) {
	srv := withCatalog(t, mockserver.Config{CORS: true, AllowedHosts: []string{"mock.test", ".example.test"}})
	self := strings.TrimPrefix(srv.url, "http://")
	port := self[strings.LastIndex(self, ":")+1:]
	tests := []struct {
		name    string
		method  string
		path    string
		host    string
		header  map[string]string
		body    string
		status  int
		message string
	}{
		{name: "text/plain scenarios, as a page's no-cors fetch", method: "POST", path: "scenarios", header: map[string]string{"Content-Type": "text/plain;charset=UTF-8"}, body: evilRule, status: 403, message: "Content-Type text/plain"},
		{name: "form-encoded, as curl -d and an HTML form", method: "POST", path: "reset", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, body: "a=b", status: 403, message: "application/x-www-form-urlencoded"},
		{name: "multipart form", method: "POST", path: "scenarios", header: map[string]string{"Content-Type": "multipart/form-data; boundary=x"}, body: "--x--", status: 403, message: "multipart/form-data"},
		{name: "another origin, JSON", method: "POST", path: "scenarios", header: map[string]string{"Origin": "http://evil.example", "Content-Type": "application/json"}, body: `{"scenarios":[]}`, status: 403, message: `Origin "http://evil.example"`},
		{name: "a sandboxed page's null origin", method: "DELETE", path: "requests", header: map[string]string{"Origin": "null"}, status: 403, message: "other origins"},
		{name: "same host, other port", method: "DELETE", path: "scenarios", header: map[string]string{"Origin": "http://127.0.0.1:1"}, status: 403, message: "other origins"},
		{name: "cross-site by fetch metadata", method: "DELETE", path: "requests", header: map[string]string{"Sec-Fetch-Site": "cross-site"}, status: 403, message: "Sec-Fetch-Site: cross-site"},
		{name: "same-site is another origin too", method: "POST", path: "reset", header: map[string]string{"Sec-Fetch-Site": "same-site"}, status: 403, message: "same-site"},
		{name: "reading the journal from another origin", method: "GET", path: "requests", header: map[string]string{"Origin": "http://evil.example"}, status: 403, message: "other origins"},
		{name: "a preflight gets no CORS answer", method: "OPTIONS", path: "scenarios", header: map[string]string{"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"}, status: 403},
		{name: "DNS rebinding: another Host", method: "GET", path: "requests", host: "evil.example:" + port, status: 403, message: "--allowed-host evil.example "},
		{name: "DNS rebinding: the console page too", method: "GET", path: "", host: "evil.example", status: 403, message: "DNS rebinding"},
		{name: "DNS rebinding: a name under an allowed one's parent", method: "GET", path: "catalog", host: "evil-example.test", status: 403, message: "--allowed-host"},
		{name: "the console's own POST", method: "POST", path: "scenarios", header: map[string]string{"Origin": srv.url, "Sec-Fetch-Site": "same-origin", "Content-Type": "application/yaml"}, body: "scenarios:\n  - {name: mine, match: {id: 77}, respond: {status: 500}}\n", status: 201},
		{name: "the console's own DELETE", method: "DELETE", path: "requests", header: map[string]string{"Origin": srv.url, "Sec-Fetch-Site": "same-origin"}, status: 204},
		{name: "a program's POST without a body", method: "POST", path: "reset", status: 204},
		{name: "a typed address in the browser", method: "GET", path: "requests", header: map[string]string{"Sec-Fetch-Site": "none"}, status: 200},
		{name: "localhost", method: "GET", path: "requests", host: "localhost:" + port, status: 200},
		{name: "a name under .localhost", method: "GET", path: "requests", host: "app.localhost", status: 200},
		{name: "IPv6 loopback", method: "GET", path: "requests", host: "[::1]:" + port, status: 200},
		{name: "an allowed host", method: "GET", path: "requests", host: "MOCK.test:" + port, status: 200},
		{name: "a subdomain of an allowed .domain", method: "GET", path: "requests", host: "qa.example.test", status: 200},
		{name: "the health check answers any Host", method: "GET", path: "health", host: "mock-service", status: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body *strings.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			req, err := http.NewRequest(tt.method, srv.url+"/__crawlkit/"+tt.path, nil)
			if body != nil {
				req, err = http.NewRequest(tt.method, srv.url+"/__crawlkit/"+tt.path, body)
			}
			require.NoError(t, err)
			if tt.host != "" {
				req.Host = tt.host
			}
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			a := do(t, req)
			require.Equal(t, tt.status, a.status, string(a.body))
			for name := range a.header {
				assert.NotContains(t, strings.ToLower(name), "access-control", "no CORS header on the admin API")
			}
			if tt.status == http.StatusForbidden {
				e := errorOf(t, a)
				assert.Equal(t, envelope.CodeForbidden, e.Code)
				assert.Contains(t, e.Message, tt.message)
			}
		})
	}

	// Nothing a refused request asked for was done.
	var listed struct{ Scenarios []struct{ Name string } }
	require.NoError(t, json.Unmarshal(get(t, srv.url+"/__crawlkit/scenarios", nil).body, &listed))
	for _, r := range listed.Scenarios {
		assert.NotEqual(t, "evil", r.Name)
	}
	assert.Equal(t, 200, get(t, srv.url+"/crawl/info?id=12345&key=k", nil).status)

	// /crawl/info keeps its CORS for browsers.
	a := get(t, srv.url+"/crawl/info?id=1&key=k", map[string]string{"Origin": "http://app.example"})
	assert.Equal(t, "*", a.header.Get("Access-Control-Allow-Origin"))
	req, err := http.NewRequest(http.MethodOptions, srv.url+"/crawl/info?id=1", nil)
	require.NoError(t, err)
	req.Header.Set("Origin", "http://app.example")
	req.Header.Set("Access-Control-Request-Method", "GET")
	req.Header.Set("Access-Control-Request-Headers", "X-API-KEY")
	a = do(t, req)
	assert.Equal(t, "*", a.header.Get("Access-Control-Allow-Origin"), "the API's preflight")
}

func TestAllowedHostsMustBeHostNames(t *testing.T) {
	for _, bad := range []string{"", "http://mock.test", "mock.test:4010", "mock.test/path", "a b", "mock..", "."} {
		_, err := mockserver.New(context.Background(), mockserver.Config{AllowedHosts: []string{bad}})
		require.Error(t, err, bad)
		assert.Contains(t, err.Error(), "--allowed-host", bad)
	}
	for _, good := range []string{"mock", "mock.test", ".example.test", "10.0.0.5", "[fd00::1]"} {
		_, err := mockserver.New(context.Background(), mockserver.Config{AllowedHosts: []string{good}})
		assert.NoError(t, err, good)
	}
}

// TestAnotherOriginCannotDriveTheAdminAPIInChromium: a page served from
// another origin tries what any web page can: a no-cors POST of a scenario
// as text/plain, a reset, and a read of the journal. The mock receives the
// POSTs and refuses them; the read fails in the browser; crawl 12345 still
// answers 200. A page under a rebound name cannot load the console's data.
func TestAnotherOriginCannotDriveTheAdminAPIInChromium(t *testing.T) {
	logs := &syncbuf.Buffer{}
	// CORS on, as crawlkit serve runs by default.
	srv := withCatalog(t, mockserver.Config{Fixtures: crawlkit.Fixtures(), CORS: true, Logger: newJSONLogger(logs)})
	mock, err := url.Parse(srv.url)
	require.NoError(t, err)
	page := `<!doctype html><title>elsewhere</title><script>
(async () => {
  const mock = ` + quoteJS(srv.url) + `;
  const out = {};
  try {
    await fetch(mock + "/__crawlkit/scenarios", {method: "POST", mode: "no-cors", headers: {"Content-Type": "text/plain"}, body: ` + quoteJS(evilRule) + `});
    out.post = "sent";
  } catch (e) { out.post = "failed: " + e.message; }
  try {
    await fetch(mock + "/__crawlkit/reset", {method: "POST", mode: "no-cors"});
    out.reset = "sent";
  } catch (e) { out.reset = "failed: " + e.message; }
  try {
    const res = await fetch(mock + "/__crawlkit/requests");
    out.read = "read: " + (await res.text());
  } catch (e) { out.read = "failed: " + e.message; }
  window.results = out;
})();
</script>`
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = fmt.Fprint(w, page)
	}))
	t.Cleanup(other.Close)
	// The page is on localhost, the mock on 127.0.0.1: another site to the
	// browser, as a page on the web would be.
	pageURL := strings.Replace(other.URL, "127.0.0.1", "localhost", 1)
	browser := browsertest.New(t, time.Minute, chromedp.Flag("host-resolver-rules", "MAP rebound.test 127.0.0.1"))

	get(t, srv.url+"/crawl/info?id=5555&key=k", nil) // something to read in the journal
	require.NoError(t, chromedp.Do(browser, chromedp.Navigate(pageURL)))
	results, err := chromedp.Run(browser, chromedp.Poll[map[string]string](`window.results`, chromedp.WithPollingTimeout(20*time.Second)))
	require.NoError(t, err)
	assert.Equal(t, "sent", results["post"], "the browser sends a no-cors POST")
	assert.Equal(t, "sent", results["reset"])
	assert.True(t, strings.HasPrefix(results["read"], "failed"), "the journal is unreadable from another origin: %s", results["read"])

	// The mock saw both POSTs and refused them.
	var refused []string
	for _, line := range strings.Split(logs.String(), "\n") {
		var l struct {
			Method, Path string
			Status       int
		}
		if json.Unmarshal([]byte(line), &l) == nil && l.Method == http.MethodPost {
			refused = append(refused, fmt.Sprint(l.Path, " ", l.Status))
		}
	}
	assert.ElementsMatch(t, []string{"/__crawlkit/scenarios 403", "/__crawlkit/reset 403"}, refused)
	assert.Equal(t, 200, get(t, srv.url+"/crawl/info?id=12345&key=k", nil).status, "no scenario was added")
	var journal struct{ Requests []any }
	require.NoError(t, json.Unmarshal(get(t, srv.url+"/__crawlkit/requests", nil).body, &journal))
	assert.NotEmpty(t, journal.Requests, "the journal was not reset")

	// DNS rebinding: a page whose name now resolves to the mock.
	require.NoError(t, chromedp.Do(browser, chromedp.Navigate("http://rebound.test:"+mock.Port()+"/__crawlkit/requests")))
	text, err := chromedp.Run(browser, chromedp.Text("body"))
	require.NoError(t, err)
	assert.Contains(t, text, "FORBIDDEN")
	assert.Contains(t, text, "--allowed-host rebound.test")
}
