package crawlkit_test

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit"
	"github.com/crawlkit/crawlkit/mockserver"
)

var shBlock = regexp.MustCompile("(?s)```sh\n(#!/usr/bin/env bash\n.*?)```")

// TestREADMEAdminScriptRuns runs the README's admin API script, as
// written, against a mock (CRAWLKIT_URL names it), and then against one
// where the scenario never answers, where it must fail saying why.
func TestREADMEAdminScriptRuns(t *testing.T) {
	for _, tool := range []string{"bash", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s to run the README's script", tool)
		}
	}
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	scripts := shBlock.FindAllStringSubmatch(string(readme), -1)
	require.Len(t, scripts, 1, "the README has one bash script")
	script := scripts[0][1]

	srv, err := mockserver.New(context.Background(), mockserver.Config{Fixtures: crawlkit.Fixtures(), Catalog: true})
	require.NoError(t, err)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	run := func(url string) (string, error) {
		cmd := exec.Command("bash", "-c", script)
		cmd.Env = append(os.Environ(), "CRAWLKIT_URL="+url)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run(ts.URL)
	require.NoError(t, err, out)
	assert.Equal(t, "crawl 4242 failed as scripted\n", out)

	// Without the stand-in request the journal holds no 500 for crawl
	// 4242 (reset cleared it): the script says so and exits 1.
	broken := strings.Replace(script, `curl -sS -o /dev/null "$mock/crawl/info?id=4242&key=demo"`, "true", 1)
	require.NotEqual(t, script, broken)
	script = broken
	out, err = run(ts.URL)
	require.Error(t, err)
	assert.Contains(t, out, "crawl 4242 was not answered by the scenario checkout-crawl-fails")
}
