package mockserver_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit"
	"github.com/crawlkit/crawlkit/internal/crawl"
	"github.com/crawlkit/crawlkit/internal/envelope"
	"github.com/crawlkit/crawlkit/internal/fixtureset"
	"github.com/crawlkit/crawlkit/internal/syncbuf"
	"github.com/crawlkit/crawlkit/internal/validate"
	"github.com/crawlkit/crawlkit/mockserver"
)

// running is a mock server started on a free loopback port.
type running struct {
	url  string
	stop func() error
}

func start(t testing.TB, cfg mockserver.Config) *running {
	t.Helper()
	if cfg.Fixtures == nil {
		cfg.Fixtures = crawlkit.Fixtures()
	}
	srv, err := mockserver.New(context.Background(), cfg)
	require.NoError(t, err)
	return serveOn(t, srv)
}

// serveOn serves srv on a loopback port until the test ends.
func serveOn(t testing.TB, srv *mockserver.Server) *running {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	var stopped bool
	var stopErr error
	stop := func() error {
		if !stopped {
			stopped = true
			cancel()
			stopErr = <-done
		}
		return stopErr
	}
	t.Cleanup(func() { _ = stop() })
	return &running{url: "http://" + ln.Addr().String(), stop: stop}
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func get(t testing.TB, url string, header map[string]string) answer {
	t.Helper()
	return send(t, http.MethodGet, url, header)
}

// send asks url with method and the headers given.
func send(t testing.TB, method, url string, header map[string]string) answer {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	require.NoError(t, err)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return do(t, req)
}

func do(t testing.TB, req *http.Request) answer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return answer{resp.StatusCode, resp.Header, body}
}

func errorOf(t testing.TB, a answer) envelope.Error {
	t.Helper()
	var e envelope.Error
	require.NoError(t, json.Unmarshal(a.body, &e), string(a.body))
	assert.False(t, e.Success)
	assert.Equal(t, a.header.Get("X-Request-Id"), e.Details.RequestID, "X-Request-Id equals details.request_id")
	return e
}

func newValidator(t testing.TB) *validate.Validator {
	t.Helper()
	v, err := validate.Load(context.Background())
	require.NoError(t, err)
	return v
}

func TestAuthSchemes(t *testing.T) {
	srv := start(t, mockserver.Config{Seed: 1})
	signed, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "u", "exp": time.Now().Add(time.Hour).Unix()}).SignedString([]byte("k"))
	require.NoError(t, err)
	expired, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"exp": time.Now().Add(-time.Hour).Unix()}).SignedString([]byte("k"))
	require.NoError(t, err)
	tests := []struct {
		name   string
		query  string
		header map[string]string
		status int
		code   string
	}{
		{"key in the query", "&key=demo", nil, 200, ""},
		{"key in X-API-KEY", "", map[string]string{"X-API-KEY": "sk_live_1"}, 200, ""},
		{"bearer JWT", "", map[string]string{"Authorization": "Bearer " + signed}, 200, ""},
		{"no credentials", "", nil, 400, envelope.CodeInvalidAPIKey},
		{"invalid key", "&key=invalid", nil, 400, envelope.CodeInvalidAPIKey},
		{"invalid header key", "", map[string]string{"X-API-KEY": "invalid_sk"}, 400, envelope.CodeInvalidAPIKey},
		{"expired JWT", "", map[string]string{"Authorization": "Bearer " + expired}, 400, envelope.CodeInvalidAPIKey},
		{"malformed JWT", "", map[string]string{"Authorization": "Bearer nope"}, 400, envelope.CodeInvalidAPIKey},
		{"credentials before parameters", "&id=zzz", nil, 400, envelope.CodeInvalidAPIKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := get(t, srv.url+"/crawl/info?id=42"+tt.query, tt.header)
			require.Equal(t, tt.status, a.status, string(a.body))
			assert.NotEmpty(t, a.header.Get("X-Request-Id"))
			if tt.code != "" {
				assert.Equal(t, tt.code, errorOf(t, a).Code)
			}
		})
	}
}

func TestAPIKeyAllowList(t *testing.T) {
	srv := start(t, mockserver.Config{APIKeys: []string{"sk_one", "sk_two"}, JWTSecret: "s3cret"})
	assert.Equal(t, 200, get(t, srv.url+"/crawl/info?id=1&key=sk_two", nil).status)
	assert.Equal(t, 400, get(t, srv.url+"/crawl/info?id=1&key=demo", nil).status)
	other, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "u"}).SignedString([]byte("other"))
	require.NoError(t, err)
	good, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "u"}).SignedString([]byte("s3cret"))
	require.NoError(t, err)
	assert.Equal(t, 400, get(t, srv.url+"/crawl/info?id=1", map[string]string{"Authorization": "Bearer " + other}).status)
	assert.Equal(t, 200, get(t, srv.url+"/crawl/info?id=1", map[string]string{"Authorization": "Bearer " + good}).status)
}

func TestBadInput(t *testing.T) {
	srv := start(t, mockserver.Config{})
	tests := []struct {
		name, method, target string
		status               int
		code                 string
		field                string
	}{
		{"missing id", "GET", "/crawl/info?key=k", 400, envelope.CodeValidation, "id"},
		{"empty id", "GET", "/crawl/info?id=&key=k", 400, envelope.CodeValidation, "id"},
		{"non-integer id", "GET", "/crawl/info?id=abc&key=k", 400, envelope.CodeValidation, "id"},
		{"fractional id", "GET", "/crawl/info?id=1.5&key=k", 400, envelope.CodeValidation, "id"},
		{"repeated id", "GET", "/crawl/info?id=1&id=2&key=k", 400, envelope.CodeValidation, "id"},
		{"zero id", "GET", "/crawl/info?id=0&key=k", 400, envelope.CodeValidation, "id"},
		{"negative id", "GET", "/crawl/info?id=-3&key=k", 400, envelope.CodeValidation, "id"},
		{"overflowing id", "GET", "/crawl/info?id=99999999999999999999&key=k", 400, envelope.CodeValidation, "id"},
		{"undecodable query", "GET", "/crawl/info?id=%zz&key=k", 400, envelope.CodeValidation, "query"},
		{"unknown path", "GET", "/crawl/list?id=1&key=k", 404, envelope.CodeNotFound, ""},
		{"dot path, found by fuzzing", "GET", "/./crawl/info?id=1&key=k", 404, envelope.CodeNotFound, ""},
		{"dot admin path", "GET", "/__crawlkit/../__crawlkit/catalog", 404, envelope.CodeNotFound, ""},
		{"wrong method", "POST", "/crawl/info?id=1&key=k", 405, envelope.CodeMethodNotAllowed, ""},
		{"wrong method on /api/v1", "DELETE", "/api/v1/crawl/info?id=1&key=k", 405, envelope.CodeMethodNotAllowed, ""},
	}
	v := newValidator(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, srv.url+tt.target, nil)
			require.NoError(t, err)
			a := do(t, req)
			require.Equal(t, tt.status, a.status, string(a.body))
			e := errorOf(t, a)
			assert.Equal(t, tt.code, e.Code)
			if tt.field != "" {
				assert.NotEmpty(t, e.Fields[tt.field], "fields name %s: %s", tt.field, a.body)
			}
			if tt.status == 405 {
				assert.Equal(t, "GET, HEAD", a.header.Get("Allow"))
			}
			assert.Empty(t, a.header.Get(mockserver.ViolationsHeader))
			if v.Documented(tt.status) {
				assert.Empty(t, v.Response(context.Background(), nil, a.status, a.header, a.body))
			}
		})
	}
}

func TestBothBasePaths(t *testing.T) {
	srv := start(t, mockserver.Config{Seed: 5})
	a := get(t, srv.url+"/crawl/info?id=77&key=k", nil)
	b := get(t, srv.url+"/api/v1/crawl/info?id=77&key=k", nil)
	require.Equal(t, 200, a.status)
	assert.Equal(t, a.body, b.body)
}

func TestGeneratedCrawlsAreDeterministicValidAndCoherent(t *testing.T) {
	// The same seed and now: a second apart, crawls would be timed apart.
	now := time.Now()
	one := start(t, mockserver.Config{Seed: 9, Now: now})
	two := start(t, mockserver.Config{Seed: 9, Now: now})
	other := start(t, mockserver.Config{Seed: 10, Now: now})
	v := newValidator(t)
	for _, id := range []string{"1", "42", "777", "9007199254740991"} {
		a := get(t, one.url+"/crawl/info?id="+id+"&key=k", nil)
		b := get(t, two.url+"/crawl/info?id="+id+"&key=k", nil)
		c := get(t, other.url+"/crawl/info?id="+id+"&key=k", nil)
		require.Equal(t, 200, a.status)
		assert.Equal(t, a.body, b.body, "same seed and id, byte-identical across servers")
		assert.Equal(t, a.body, get(t, one.url+"/crawl/info?id="+id+"&key=k", nil).body, "and across requests")
		assert.NotEqual(t, a.body, c.body, "another seed gives other data")
		assert.Empty(t, v.Response(context.Background(), nil, a.status, a.header, a.body))
		assert.Empty(t, a.header.Get(mockserver.ViolationsHeader))
		var env struct{ Data crawl.Crawl }
		require.NoError(t, json.Unmarshal(a.body, &env))
		assert.Empty(t, crawl.Check(&env.Data, time.Now()))
	}
}

func TestFixturesTakePrecedence(t *testing.T) {
	seed, err := os.ReadFile(filepath.Join("..", "fixtures", "crawl-12345.json"))
	require.NoError(t, err)
	srv := start(t, mockserver.Config{})
	a := get(t, srv.url+"/crawl/info?id=12345&key=demo", nil)
	require.Equal(t, 200, a.status)
	assert.Equal(t, seed, a.body, "crawl 12345 is the seed's example, unchanged")

	mine := strings.Replace(string(seed), `"domain": "example.com"`, `"domain": "example.org"`, 1)
	mine = strings.Replace(mine, `"id": 12345,`, `"id": 42,`, 1)
	custom := start(t, mockserver.Config{Fixtures: fstest.MapFS{"mine.json": {Data: []byte(mine)}, "notes.txt": {Data: []byte("ignored")}}})
	assert.Equal(t, mine, string(get(t, custom.url+"/crawl/info?id=42&key=k", nil).body))
	assert.NotEqual(t, seed, get(t, custom.url+"/crawl/info?id=12345&key=k", nil).body, "only the given folder's fixtures")
}

func TestBrokenFixtureRefusesToStart(t *testing.T) {
	seed, err := os.ReadFile(filepath.Join("..", "fixtures", "crawl-12345.json"))
	require.NoError(t, err)
	tests := []struct {
		name, body, want string
	}{
		{"bad type", strings.Replace(string(seed), `"max_urls": 100`, `"max_urls": "100"`, 1), "broken.json: /data/max_urls"},
		{"bad enum", strings.Replace(string(seed), `"status": "finished",`, `"status": "done",`, 1), "broken.json: /data/status"},
		{"not JSON", `{"success": true,`, "broken.json: invalid JSON at line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := mockserver.New(context.Background(), mockserver.Config{Fixtures: fstest.MapFS{"broken.json": {Data: []byte(tt.body)}}})
			require.Error(t, err)
			assert.ErrorIs(t, err, fixtureset.ErrInvalid)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	dup := fstest.MapFS{"a.json": {Data: seed}, "b.json": {Data: seed}}
	_, err = mockserver.New(context.Background(), mockserver.Config{Fixtures: dup})
	require.ErrorIs(t, err, fixtureset.ErrInvalid)
	assert.Contains(t, err.Error(), "already the fixture in a.json")
}

func TestCORSPreflight(t *testing.T) {
	srv := start(t, mockserver.Config{CORS: true})
	req, err := http.NewRequest(http.MethodOptions, srv.url+"/crawl/info?id=1", nil)
	require.NoError(t, err)
	req.Header.Set("Origin", "http://localhost:5173")
	req.Header.Set("Access-Control-Request-Method", "GET")
	req.Header.Set("Access-Control-Request-Headers", "x-api-key, authorization, prefer, x-trace")
	a := do(t, req)
	assert.Less(t, a.status, 300)
	assert.Equal(t, "*", a.header.Get("Access-Control-Allow-Origin"))
	allowed := strings.ToLower(a.header.Get("Access-Control-Allow-Headers"))
	for _, h := range []string{"x-api-key", "authorization", "prefer", "x-trace"} {
		assert.Contains(t, allowed, h)
	}
	assert.Contains(t, a.header.Get("Access-Control-Allow-Methods"), "GET")

	got := get(t, srv.url+"/crawl/info?id=1", map[string]string{"Origin": "http://localhost:5173", "X-API-KEY": "k"})
	assert.Equal(t, "*", got.header.Get("Access-Control-Allow-Origin"))
	assert.Contains(t, got.header.Get("Access-Control-Expose-Headers"), "X-Request-Id")

	off := start(t, mockserver.Config{CORS: false})
	got = get(t, off.url+"/crawl/info?id=1", map[string]string{"Origin": "http://localhost:5173", "X-API-KEY": "k"})
	assert.Empty(t, got.header.Get("Access-Control-Allow-Origin"))
}

func TestHeaderLimit(t *testing.T) {
	srv := start(t, mockserver.Config{})
	a := get(t, srv.url+"/crawl/info?id=1&key=k", map[string]string{"X-Big": strings.Repeat("a", 1<<20)})
	assert.Equal(t, http.StatusRequestHeaderFieldsTooLarge, a.status)
	assert.Equal(t, 200, get(t, srv.url+"/crawl/info?id=1&key=k", nil).status, "still serving")
}

func TestRequestLogNeverHoldsTheKey(t *testing.T) {
	var logs syncbuf.Buffer
	srv := start(t, mockserver.Config{Logger: newJSONLogger(&logs)})
	get(t, srv.url+"/crawl/info?id=1&key=sk_secret_123", nil)
	get(t, srv.url+"/crawl/info?id=1", map[string]string{"X-API-KEY": "sk_secret_456"})
	require.NoError(t, srv.stop())
	out := logs.String()
	assert.Contains(t, out, `"request_id":"req_`)
	assert.Contains(t, out, `"path":"/crawl/info"`)
	assert.Contains(t, out, `"status":200`)
	assert.Regexp(t, `"duration_ms":\d+(\.\d+)?[,}]`, out, "the duration says its unit")
	assert.NotContains(t, out, "sk_secret")
}

func ExampleServer() {
	srv, err := mockserver.New(context.Background(), mockserver.Config{Seed: 1, Fixtures: crawlkit.Fixtures()})
	if err != nil {
		panic(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- srv.Serve(ctx, ln) }()
	resp, err := http.Get(fmt.Sprintf("http://%s/crawl/info?id=12345&key=demo", ln.Addr()))
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println(resp.Status)
	cancel()
	fmt.Println(<-done)
	// Output:
	// 200 OK
	// <nil>
}
