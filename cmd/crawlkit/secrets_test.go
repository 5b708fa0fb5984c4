package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/internal/syncbuf"
)

// TestSecretsNeverLeak runs serve with a key list, a JWT secret and an admin
// token, sends them every way a client can, right and wrong, and greps every
// output for them: stdout, the JSON logs, the journal, the catalog, the
// scenarios listing and every response body.
func TestSecretsNeverLeak(t *testing.T) {
	const (
		apiKey     = "sk_live_SECRET_KEY_1"
		wrongKey   = "sk_live_WRONG_KEY_2"
		jwtSecret  = "JWT_SIGNING_SECRET_3"
		adminToken = "ADMIN_TOKEN_SECRET_4"
	)
	good, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "u", "exp": time.Now().Add(time.Hour).Unix()}).SignedString([]byte(jwtSecret))
	require.NoError(t, err)
	bad, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "u"}).SignedString([]byte("other"))
	require.NoError(t, err)
	secrets := []string{apiKey, wrongKey, jwtSecret, adminToken, good, bad}

	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	var stdout, stderr syncbuf.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--log-format", "json",
			"--api-key", apiKey, "--jwt-secret", jwtSecret, "--admin-token", adminToken}, outW, &stderr)
		outW.Close()
	}()
	line, err := bufio.NewReader(outR).ReadString('\n')
	require.NoError(t, err)
	stdout.Write([]byte(line))
	go func() { _, _ = io.Copy(&stdout, outR) }()
	base := strings.TrimSpace(strings.TrimPrefix(line, "listening on "))

	var bodies strings.Builder
	send := func(path string, header map[string]string) int {
		req, err := http.NewRequest(http.MethodGet, base+path, nil)
		require.NoError(t, err)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		bodies.Write(b)
		for k, vs := range resp.Header {
			bodies.WriteString(k + ": " + strings.Join(vs, ",") + "\n")
		}
		return resp.StatusCode
	}
	assert.Equal(t, 200, send("/crawl/info?id=1&key="+apiKey, nil))
	assert.Equal(t, 400, send("/crawl/info?id=1&key="+wrongKey, nil))
	assert.Equal(t, 200, send("/crawl/info?id=1", map[string]string{"X-API-KEY": apiKey}))
	assert.Equal(t, 400, send("/crawl/info?id=1", map[string]string{"X-API-KEY": wrongKey}))
	assert.Equal(t, 200, send("/crawl/info?id=1", map[string]string{"Authorization": "Bearer " + good}))
	assert.Equal(t, 400, send("/crawl/info?id=1", map[string]string{"Authorization": "Bearer " + bad}))
	assert.Equal(t, 400, send("/crawl/info?id=abc&key="+apiKey, nil))
	assert.Equal(t, 400, send("/crawl/info?id=1&key="+apiKey+"&__code=zz", nil))
	assert.Equal(t, 404, send("/crawl/info?id=404&key="+apiKey, nil))
	assert.Equal(t, 401, send("/__crawlkit/requests", map[string]string{"Authorization": "Bearer " + good}))
	assert.Equal(t, 401, send("/__crawlkit/requests", map[string]string{"X-Crawlkit-Admin-Token": wrongKey}))
	assert.Equal(t, 200, send("/__crawlkit/requests?limit=100", map[string]string{"X-Crawlkit-Admin-Token": adminToken}))
	assert.Equal(t, 200, send("/__crawlkit/catalog", map[string]string{"X-Crawlkit-Admin-Token": adminToken}))
	assert.Equal(t, 200, send("/__crawlkit/scenarios", map[string]string{"Authorization": "Bearer " + adminToken}))
	cancel()
	require.NoError(t, <-done)

	assert.Contains(t, stderr.String(), `"msg":"request"`, "the logs were written")
	for name, out := range map[string]string{"stdout": stdout.String(), "logs": stderr.String(), "responses, journal, catalog": bodies.String()} {
		for _, secret := range secrets {
			assert.NotContains(t, out, secret, name)
		}
	}
}

// TestContractOutputsNeverHoldTheKey runs the contract command against a
// server that echoes the key and token it receives into its answers, with
// every output on: the text report, the GitHub annotations and step
// summary, JUnit and JSON. None holds them.
func TestContractOutputsNeverHoldTheKey(t *testing.T) {
	const (
		key    = "sk_live_ECHOED_KEY_5"
		bearer = "eyJhbGciOiJIUzI1NiJ9.e30.ECHOED_BEARER_6"
	)
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		heard := r.URL.Query().Get("key") + " " + r.Header.Get("X-API-KEY") + " " + r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Heard", heard)
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = fmt.Fprintf(w, `{"success":false,"error":%q,"code":%q,"details":{"request_id":%q}}`, "bad credentials: "+heard, heard, heard)
	}))
	defer echo.Close()
	dir := t.TempDir()
	summary, junit, js := filepath.Join(dir, "summary.md"), filepath.Join(dir, "c.xml"), filepath.Join(dir, "c.json")
	t.Setenv("GITHUB_ACTIONS", "true")
	t.Setenv("GITHUB_STEP_SUMMARY", summary)
	t.Setenv("CRAWLKIT_API_KEY", key)
	t.Setenv("CRAWLKIT_BEARER", bearer)

	out, errOut, code := runCLI(t, "contract", "--base-url", echo.URL, "--crawl-id", "1", "--missing-crawl-id", "2",
		"--junit", junit, "--json", js, "--verbose", "--strict", "--generated", "3")
	assert.Equal(t, 1, code, errOut)
	require.Contains(t, out, "::error title=found/key-query::status 401", "annotations were written")
	outputs := map[string]string{"stdout": out, "stderr": errOut, "step summary": read(t, summary), "junit": read(t, junit), "json": read(t, js)}
	require.Contains(t, outputs["step summary"], "found/key-query")
	for name, content := range outputs {
		for _, secret := range []string{key, bearer} {
			assert.NotContains(t, content, secret, name)
		}
	}
}
