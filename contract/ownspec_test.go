package contract_test

import (
	"context"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit"
	"github.com/crawlkit/crawlkit/contract"
	"github.com/crawlkit/crawlkit/mockserver"
)

func TestRunAgainstAnotherSpec(t *testing.T) {
	evolved, err := os.ReadFile("../testdata/specs/evolved.yaml")
	require.NoError(t, err)
	mockOf := func(spec []byte) *httptest.Server {
		srv, err := mockserver.New(context.Background(), mockserver.Config{Seed: 1, Fixtures: crawlkit.Fixtures(), Catalog: true, Spec: spec, SpecName: "evolved.yaml"})
		require.NoError(t, err)
		ts := httptest.NewServer(srv)
		t.Cleanup(ts.Close)
		return ts
	}
	run := func(ts *httptest.Server) *contract.Report {
		rep, err := contract.Run(context.Background(), contract.Config{
			BaseURL: ts.URL, PollInterval: time.Millisecond, APIKey: secretKey,
			Spec: evolved, SpecName: "evolved.yaml",
		})
		require.NoError(t, err)
		return rep
	}

	t.Run("a mock of that spec passes", func(t *testing.T) {
		rep := run(mockOf(evolved))
		for _, c := range rep.Cases {
			assert.NotEqual(t, contract.Fail, c.Outcome, "%s: %v", c.Name, c.Failures)
		}
		assert.True(t, rep.OK())
	})
	t.Run("a server of the old spec fails, naming the missing field", func(t *testing.T) {
		rep := run(mockOf(nil))
		require.False(t, rep.OK())
		var text strings.Builder
		require.NoError(t, rep.WriteText(&text))
		assert.Contains(t, text.String(), "/data/project_id")
		assert.Contains(t, text.String(), "thumbnail_width")
	})
	t.Run("a bad spec is a usage error naming the file", func(t *testing.T) {
		_, err := contract.Run(context.Background(), contract.Config{BaseURL: "http://127.0.0.1:1", Spec: []byte("openapi: 3.0.3\npaths: {}\ninfo: {title: t, version: '1'}\n"), SpecName: "mine.yaml"})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "mine.yaml")
		assert.Contains(t, err.Error(), "/crawl/info")
	})
}

func TestRunWithTheCredentialsTheSpecNames(t *testing.T) {
	renamed := strings.NewReplacer("name: X-API-KEY", "name: X-Api-Token", "name: key", "name: api_key").Replace(string(crawlkit.OpenAPIYAML()))
	srv, err := mockserver.New(context.Background(), mockserver.Config{Seed: 1, Fixtures: crawlkit.Fixtures(), Catalog: true, Spec: []byte(renamed), SpecName: "renamed.yaml"})
	require.NoError(t, err)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	rep, err := contract.Run(context.Background(), contract.Config{
		BaseURL: ts.URL, PollInterval: time.Millisecond, APIKey: secretKey,
		Spec: []byte(renamed), SpecName: "renamed.yaml",
	})
	require.NoError(t, err)
	for _, c := range rep.Cases {
		assert.NotEqual(t, contract.Fail, c.Outcome, "%s: %v", c.Name, c.Failures)
	}
	assert.True(t, rep.OK(), "the mock takes the key where the spec says, and the kit sends it there")
}
