package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit"
	"github.com/crawlkit/crawlkit/mockserver"
)

// TestHealth: exit 0 and one line when the mock answers its health route,
// exit 1 and one line when nothing listens, another server answers, or the
// answer is late; exit 2 for a URL that is not one.
func TestHealth(t *testing.T) {
	t.Setenv("CRAWLKIT_URL", "")
	t.Setenv("CRAWLKIT_ADDR", "")
	srv, err := mockserver.New(context.Background(), mockserver.Config{Fixtures: crawlkit.Fixtures(), Catalog: true})
	require.NoError(t, err)
	mock := httptest.NewServer(srv)
	defer mock.Close()
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("<html>hello</html>")) }))
	defer other.Close()
	notFound := httptest.NewServer(http.NotFoundHandler())
	defer notFound.Close()
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	defer slow.Close()
	defer close(release)

	for _, tc := range []struct {
		name string
		args []string
		code int
		says string
	}{
		{"the mock", []string{"--url", mock.URL}, 0, mock.URL + "/__crawlkit/health: ok"},
		{"the mock, under a path", []string{"--url", mock.URL + "/api/v1"}, 0, ": ok"},
		{"a dead port", []string{"--url", dead.URL}, 1, "not healthy"},
		{"another server's 200", []string{"--url", other.URL}, 1, `200 without {"status": "ok"}`},
		{"another server's 404", []string{"--url", notFound.URL}, 1, "status 404"},
		{"no answer in time", []string{"--url", slow.URL, "--timeout", "100ms"}, 1, "no answer within 100ms"},
		{"not a URL", []string{"--url", "127.0.0.1:4010"}, 2, "is not an http(s) URL"},
		{"a bad timeout", []string{"--url", mock.URL, "--timeout", "0s"}, 2, "--timeout must be positive"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runCLI(t, append([]string{"health"}, tc.args...)...)
			assert.Equal(t, tc.code, code, out+errOut)
			assert.Equal(t, 1, strings.Count(out+errOut, "\n"), "one line: %q", out+errOut)
			assert.Contains(t, out+errOut, tc.says)
		})
	}
}

// TestHealthURLFromEnvironment: CRAWLKIT_URL (the Action's), then
// CRAWLKIT_ADDR (serve's own), name the mock when --url does not.
func TestHealthURLFromEnvironment(t *testing.T) {
	srv, err := mockserver.New(context.Background(), mockserver.Config{Fixtures: crawlkit.Fixtures()})
	require.NoError(t, err)
	mock := httptest.NewServer(srv)
	defer mock.Close()
	port := mock.URL[strings.LastIndex(mock.URL, ":")+1:]

	t.Setenv("CRAWLKIT_URL", mock.URL)
	out, errOut, code := runCLI(t, "health")
	assert.Equal(t, 0, code, errOut)
	assert.Contains(t, out, mock.URL)

	t.Setenv("CRAWLKIT_URL", "")
	t.Setenv("CRAWLKIT_ADDR", "0.0.0.0:"+port)
	out, errOut, code = runCLI(t, "health", "--timeout", time.Second.String())
	assert.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "http://127.0.0.1:"+port+"/__crawlkit/health: ok")
}

func TestLoopbackAddr(t *testing.T) {
	for in, want := range map[string]string{
		"":               "127.0.0.1:4010",
		"0.0.0.0:8080":   "127.0.0.1:8080",
		":9000":          "127.0.0.1:9000",
		"[::]:4010":      "127.0.0.1:4010",
		"10.0.0.5:4010":  "10.0.0.5:4010",
		"localhost:4010": "localhost:4010",
	} {
		assert.Equal(t, want, loopbackAddr(in), in)
	}
}
