package contracttest_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit"
	"github.com/crawlkit/crawlkit/contract"
	"github.com/crawlkit/crawlkit/contract/contracttest"
	"github.com/crawlkit/crawlkit/internal/broken"
	"github.com/crawlkit/crawlkit/mockserver"
)

func mock(t *testing.T) *httptest.Server {
	t.Helper()
	srv, err := mockserver.New(context.Background(), mockserver.Config{Seed: 1, Fixtures: crawlkit.Fixtures(), Catalog: true})
	require.NoError(t, err)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts
}

// TestMockPassesAsSubtests is how a Go service checks itself in its own go
// test: every case a subtest, all passing.
func TestMockPassesAsSubtests(t *testing.T) {
	ts := mock(t)
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"exp": time.Now().Add(time.Hour).Unix()}).SignedString([]byte("x"))
	require.NoError(t, err)
	rep := contracttest.Test(t, contract.Config{BaseURL: ts.URL, APIKey: "sk_test", Bearer: tok, PollInterval: time.Millisecond})
	require.NotNil(t, rep)
	assert.True(t, rep.OK())
	assert.Zero(t, rep.Skipped)
}

// The parent half of the tests below: the child runs in a process of its
// own, so that its failures and skips can be read without failing this one.
const childEnv = "CONTRACTTEST_CHILD"

func runChild(t *testing.T, name string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run", "^"+name+"$", "-test.v")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	out, _ := cmd.CombinedOutput()
	return string(out)
}

func TestFailuresPointAtTheCallersLine(t *testing.T) {
	out := runChild(t, "TestChildBrokenServer")
	assert.Contains(t, out, "--- FAIL: TestChildBrokenServer/found/key-query")
	// The failure names this file at the line of the contracttest.Test call.
	line := regexp.MustCompile(`contracttest_test\.go:(\d+): found/key-query`).FindStringSubmatch(out)
	require.NotNil(t, line, out)
	assert.Equal(t, callLine(t), line[1], out)
	assert.Contains(t, out, "[schema] /data/id")
}

// callLine finds the line of the contracttest.Test call in
// TestChildBrokenServer, marked by its comment.
func callLine(t *testing.T) string {
	src, err := os.ReadFile("contracttest_test.go")
	require.NoError(t, err)
	for i, l := range strings.Split(string(src), "\n") {
		if strings.HasSuffix(l, "// the caller's line") {
			return strconv.Itoa(i + 1)
		}
	}
	t.Fatal("no marked line")
	return ""
}

func TestChildBrokenServer(t *testing.T) {
	if os.Getenv(childEnv) == "" {
		t.Skip("run by TestFailuresPointAtTheCallersLine")
	}
	srv, err := mockserver.New(context.Background(), mockserver.Config{Seed: 1, Fixtures: crawlkit.Fixtures(), Catalog: true})
	require.NoError(t, err)
	ts := httptest.NewServer(broken.All(time.Second)[0].Wrap(srv))
	defer ts.Close()
	contracttest.Test(t, contract.Config{BaseURL: ts.URL, APIKey: "sk_test", Cases: []string{"found/key-query"}}) // the caller's line
}

// TestSkipsNameTheConfigField: a run without credentials fails at once,
// saying which fields to set; with AllowSkips, each skipped case says so.
func TestSkipsNameTheConfigField(t *testing.T) {
	out := runChild(t, "TestChildNoCredentials")
	assert.Contains(t, out, "--- FAIL: TestChildNoCredentials")
	assert.Contains(t, out, "no credentials: give Config.APIKey or Config.Bearer")
	assert.Contains(t, out, "(Config.AllowSkips runs anyway)")
	assert.NotContains(t, out, "--key")

	out = runChild(t, "TestChildNoCredentialsAllowed")
	assert.Contains(t, out, "no bearer token: give Config.Bearer")
	assert.Contains(t, out, "--- SKIP: TestChildNoCredentialsAllowed/id/zero")
	assert.NotContains(t, out, "--key")
}

func TestChildNoCredentials(t *testing.T) {
	if os.Getenv(childEnv) == "" {
		t.Skip("run by TestSkipsNameTheConfigField")
	}
	ts := mock(t)
	contracttest.Test(t, contract.Config{BaseURL: ts.URL})
}

func TestChildNoCredentialsAllowed(t *testing.T) {
	if os.Getenv(childEnv) == "" {
		t.Skip("run by TestSkipsNameTheConfigField")
	}
	ts := mock(t)
	contracttest.Test(t, contract.Config{BaseURL: ts.URL, AllowSkips: true, PollInterval: time.Millisecond})
}

// TestFindingsNameTheConfigFieldAndArePrintable: in go test output a
// finding names the Config field (not a flag), and what the server sent
// cannot drive the terminal.
func TestFindingsNameTheConfigFieldAndArePrintable(t *testing.T) {
	out := runChild(t, "TestChildHostileServer")
	assert.Contains(t, out, "--- FAIL: TestChildHostileServer/found/key-query")
	assert.Contains(t, out, "the body is 1073741824 bytes (Content-Length), more than Config.MaxBody (1048576 bytes): not read")
	assert.Contains(t, out, "no complete answer within Config.Timeout (1s)")
	assert.Contains(t, out, `body: \u001b]0;title\u0007 \u001b[2J`)
	assert.NotContains(t, out, "\x1b")
	assert.NotContains(t, out, "--max-body")
	assert.NotContains(t, out, "--timeout")
}

func TestChildHostileServer(t *testing.T) {
	if os.Getenv(childEnv) == "" {
		t.Skip("run by TestFindingsNameTheConfigFieldAndArePrintable")
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch q := r.URL.Query(); {
		case q.Get("id") == "0": // never answers
			<-r.Context().Done()
		case q.Get("key") == "": // escape sequences
			w.Header().Set("Content-Type", "text/plain")
			_, _ = io.WriteString(w, "\x1b]0;title\x07 \x1b[2J")
		default: // 1 GiB, it says
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "1073741824")
			for r.Context().Err() == nil {
				if _, err := w.Write(make([]byte, 32<<10)); err != nil {
					return
				}
			}
		}
	}))
	defer ts.Close()
	contracttest.Test(t, contract.Config{BaseURL: ts.URL, APIKey: "sk_test", CrawlID: 1, Cases: []string{"found/key-query", "auth/none", "id/zero"},
		Timeout: time.Second, MaxBody: 1 << 20})
}
