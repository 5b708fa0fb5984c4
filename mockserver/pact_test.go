package mockserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit"
	"github.com/crawlkit/crawlkit/internal/broken"
	"github.com/crawlkit/crawlkit/internal/pact"
	"github.com/crawlkit/crawlkit/internal/validate"
	"github.com/crawlkit/crawlkit/mockserver"
)

const pactSecret = "sk_live_PACT_s3cret_value"

// nodeTools are the root package.json's devDependencies the pact tests
// run; npm ci installs them (scripts/test runs it first).
func nodeTools(t *testing.T) {
	t.Helper()
	for _, dir := range []string{"@pact-foundation/pact-core", "@pactflow/swagger-mock-validator"} {
		if _, err := os.Stat(filepath.Join("..", "node_modules", dir)); err != nil {
			t.Skipf("%s is not installed: run npm ci at the repository's root (scripts/test does)", dir)
		}
	}
}

// catalogID returns the first id of a catalog entry.
func catalogID(t *testing.T, srv *mockserver.Server, name string) string {
	t.Helper()
	for _, e := range srv.Catalog().Entries {
		if e.Name == name {
			id, _, _ := strings.Cut(e.IDs, "-")
			return strings.TrimSpace(strings.Split(id, ",")[0])
		}
	}
	t.Fatalf("no catalog entry %s", name)
	return ""
}

func pactGet(t *testing.T, url string, header http.Header) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	require.NoError(t, err)
	req.Header = header
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0 // a fault that closes the connection
	}
	defer resp.Body.Close()
	_, _ = bytes.NewBuffer(nil).ReadFrom(resp.Body)
	return resp.StatusCode
}

// verify runs the real Pact verifier (@pact-foundation/pact-core) on a
// pact against a provider, with a key of its own: its exit code and output.
func verify(t *testing.T, base, pactFile string) (int, string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "node", filepath.Join("..", "internal", "pactrecord", "testdata", "verify.cjs"), base, pactFile, "sk_verifier_own_key")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), string(out)
	}
	require.NoError(t, err, string(out))
	return 0, string(out)
}

// TestRecordedPactVerifies records a session against the mock, then holds
// the pact to what the issue asks: crawlkit pact check finds nothing,
// swagger-mock-validator nothing but the credentials left out on purpose,
// and the real Pact verifier passes it against another mock and fails it
// against a server whose field types differ.
func TestRecordedPactVerifies(t *testing.T) {
	nodeTools(t)
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	out := filepath.Join(t.TempDir(), "web-app-screenshotcenter.json")
	srv, err := mockserver.New(ctx, mockserver.Config{
		Seed: 3, Now: now, Fixtures: crawlkit.Fixtures(), Catalog: true,
		PactOut: out, PactConsumer: "web-app", PactProvider: "screenshotcenter",
	})
	require.NoError(t, err)
	ts := httptest.NewServer(srv)
	defer ts.Close()

	header := http.Header{"X-Api-Key": {pactSecret}}
	for _, q := range []string{
		"id=12345", "id=42&key=" + pactSecret, "id=43", "id=abc", "id=" + catalogID(t, srv, "not-found"),
		"id=" + catalogID(t, srv, "server-error"), "id=" + catalogID(t, srv, "in-queue"),
		"id=" + catalogID(t, srv, "unauthorized"), "id=" + catalogID(t, srv, "fault-malformed"),
	} {
		pactGet(t, ts.URL+"/crawl/info?"+q, header)
	}
	assert.Equal(t, 400, pactGet(t, ts.URL+"/crawl/info?id=7&key=invalid-key", nil))
	assert.Equal(t, 200, pactGet(t, ts.URL+"/crawl/info?id=8&key="+pactSecret+"&verbose=1", nil), "an unknown parameter, a new interaction")

	resp, err := http.Post(ts.URL+"/__crawlkit/pact", "", nil)
	require.NoError(t, err)
	var served bytes.Buffer
	_, err = served.ReadFrom(resp.Body)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, served.String())
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, served.Bytes(), data, "the admin route answers what it wrote")
	assert.NotContains(t, string(data), pactSecret)

	f, err := pact.Parse(data)
	require.NoError(t, err)
	statuses := map[int]bool{}
	for _, in := range f.Interactions {
		statuses[in.Response.Status] = true
	}
	assert.Equal(t, map[int]bool{200: true, 400: true, 404: true, 500: true}, statuses, "off-contract and faulty answers left out")
	v, err := validate.Load(ctx)
	require.NoError(t, err)
	findings := pact.NewChecker(v).Check(ctx, f)
	assert.True(t, pact.Compatible(findings), "crawlkit pact check: %v", findings)

	smv := exec.CommandContext(t.Context(), "node", filepath.Join("..", "internal", "pact", "testdata", "smv-verdicts.mjs"), filepath.Join("..", "openapi.yaml"), out)
	smvOut, err := smv.Output()
	require.NoError(t, err)
	var verdict struct{ Errors []string }
	require.NoError(t, json.Unmarshal(smvOut, &verdict), string(smvOut))
	require.NotEmpty(t, verdict.Errors)
	for _, code := range verdict.Errors {
		assert.Equal(t, "request.authorization.missing", code, "swagger-mock-validator finds only the credentials left out: %s", smvOut)
	}

	other, err := mockserver.New(ctx, mockserver.Config{Seed: 99, Now: now.Add(time.Hour), Fixtures: crawlkit.Fixtures(), Catalog: true})
	require.NoError(t, err)
	green := httptest.NewServer(other)
	defer green.Close()
	code, output := verify(t, green.URL, out)
	assert.Equal(t, 0, code, "the verifier against another crawlkit mock (another seed):\n%s", output)

	var idAsString broken.Implementation
	for _, b := range broken.All(time.Second) {
		if b.Name == "id as a string" {
			idAsString = b
		}
	}
	require.NotNil(t, idAsString.Wrap)
	red := httptest.NewServer(idAsString.Wrap(other))
	defer red.Close()
	code, output = verify(t, red.URL, out)
	assert.Equal(t, 1, code, "the verifier against a server whose ids are strings:\n%s", output)
	assert.Contains(t, output, "$.data.id")
}

func TestPactAdminRoute(t *testing.T) {
	ctx := context.Background()
	srv, err := mockserver.New(ctx, mockserver.Config{})
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	loopback := adminRequest(http.MethodPost, "/__crawlkit/pact")
	loopback.RemoteAddr = "127.0.0.1:40000"
	srv.ServeHTTP(rec, loopback)
	assert.Equal(t, http.StatusNotFound, rec.Code)
	assert.Contains(t, rec.Body.String(), "start crawlkit serve with --pact-out FILE")
	_, err = srv.WritePact(ctx)
	require.ErrorIs(t, err, mockserver.ErrNotRecording)

	guarded, err := mockserver.New(ctx, mockserver.Config{AdminToken: "tok", PactOut: filepath.Join(t.TempDir(), "p.json")})
	require.NoError(t, err)
	rec = httptest.NewRecorder()
	guarded.ServeHTTP(rec, adminRequest(http.MethodPost, "/__crawlkit/pact"))
	assert.NotEqual(t, http.StatusOK, rec.Code, "behind the admin guard")
	rec = httptest.NewRecorder()
	req := adminRequest(http.MethodPost, "/__crawlkit/pact")
	req.Header.Set(mockserver.AdminTokenHeader, "tok")
	guarded.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Contains(t, rec.Body.String(), `"pactSpecification"`)
	rec = httptest.NewRecorder()
	req = adminRequest(http.MethodGet, "/__crawlkit/pact")
	req.Header.Set(mockserver.AdminTokenHeader, "tok")
	guarded.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusMethodNotAllowed, rec.Code)

	_, err = mockserver.New(ctx, mockserver.Config{PactOut: filepath.Join(t.TempDir(), "none", "p.json")})
	require.Error(t, err, "a pact no one could write is refused at start")
}

// adminRequest is a request to the admin API as a local client sends it:
// to a loopback name, which the admin API asks of every Host.
func adminRequest(method, target string) *http.Request {
	r := httptest.NewRequest(method, target, nil)
	r.Host = "localhost"
	return r
}
