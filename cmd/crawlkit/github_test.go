package main

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit"
	"github.com/crawlkit/crawlkit/internal/broken"
	"github.com/crawlkit/crawlkit/mockserver"
)

// TestContractOnGitHubActions: under GITHUB_ACTIONS=true the contract
// command annotates each failed case and appends a summary to
// $GITHUB_STEP_SUMMARY; --github=false turns that off, and elsewhere it is
// off unless --github asks for it.
func TestContractOnGitHubActions(t *testing.T) {
	srv, err := mockserver.New(context.Background(), mockserver.Config{Fixtures: crawlkit.Fixtures(), Catalog: true})
	require.NoError(t, err)
	var idAsString broken.Implementation
	for _, impl := range broken.All(time.Second) {
		if impl.Name == "id as a string" {
			idAsString = impl
		}
	}
	require.NotNil(t, idAsString.Wrap)
	ts := httptest.NewServer(idAsString.Wrap(srv))
	defer ts.Close()
	t.Setenv("CRAWLKIT_API_KEY", cliSecret)
	t.Setenv("CRAWLKIT_GITHUB", "")
	require.NoError(t, os.Unsetenv("CRAWLKIT_GITHUB"))
	summary := filepath.Join(t.TempDir(), "summary.md")
	t.Setenv("GITHUB_STEP_SUMMARY", summary)
	args := []string{"contract", "--base-url", ts.URL, "--crawl-id", "1003", "--cases", "found/*"}

	t.Setenv("GITHUB_ACTIONS", "true")
	out, errOut, code := runCLI(t, args...)
	assert.Equal(t, 1, code, errOut)
	assert.Contains(t, out, "\n::error title=found/key-query::status 200: [schema] /data/id: ")
	assert.Contains(t, out, "\n::error title=found/key-header::")
	md := read(t, summary)
	assert.Contains(t, md, "### crawlkit contract failed: "+ts.URL)
	assert.Contains(t, md, "| found/key-query | 200 | \\[schema\\] /data/id: ")
	assert.Contains(t, md, "#### Coverage")
	assert.NotContains(t, out+errOut+md, cliSecret)

	_, _, code = runCLI(t, args...)
	assert.Equal(t, 1, code)
	assert.Equal(t, 2, strings.Count(read(t, summary), "### crawlkit contract"), "appended, as a job's steps share the file")

	out, _, _ = runCLI(t, append(args, "--github=false")...)
	assert.NotContains(t, out, "::error")

	t.Setenv("GITHUB_ACTIONS", "")
	out, _, _ = runCLI(t, args...)
	assert.NotContains(t, out, "::error", "off outside GitHub Actions")
	out, _, _ = runCLI(t, append(args, "--github")...)
	assert.Contains(t, out, "::error title=found/key-query::")
}
