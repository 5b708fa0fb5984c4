package mockserver_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit"
	"github.com/crawlkit/crawlkit/internal/proxy"
	"github.com/crawlkit/crawlkit/mockserver"
)

// TestCatalogOffHoweverTheFixturesAreGiven: Catalog false removes the
// shipped catalog with the embedded fixtures, the repository's folder, or a
// copy of it; the shipped fixture crawl stays.
func TestCatalogOffHoweverTheFixturesAreGiven(t *testing.T) {
	copied := t.TempDir()
	for _, name := range []string{"crawl-12345.json", "scenarios.yaml"} {
		data, err := os.ReadFile(filepath.Join("..", "fixtures", name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(copied, name), data, 0o600))
	}
	tests := []struct {
		name string
		cfg  mockserver.Config
	}{
		{"embedded", mockserver.Config{Fixtures: crawlkit.Fixtures()}},
		{"the repository's folder", mockserver.Config{Fixtures: os.DirFS(filepath.Join("..", "fixtures")), FixturesDir: filepath.Join("..", "fixtures")}},
		{"a copy of it", mockserver.Config{Fixtures: os.DirFS(copied), FixturesDir: copied}},
		{"a copy as the scenarios file", mockserver.Config{Fixtures: crawlkit.Fixtures(), ScenariosFile: filepath.Join(copied, "scenarios.yaml")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			on, off := tt.cfg, tt.cfg
			on.Catalog, off.Catalog = true, false
			withCatalog, without := start(t, on), start(t, off)
			assert.Equal(t, 404, get(t, withCatalog.url+"/crawl/info?id=404&key=k", nil).status)
			a := get(t, without.url+"/crawl/info?id=404&key=k", nil)
			assert.Equal(t, 200, a.status, "crawl 404 is generated without the catalog")
			assert.Equal(t, "generated", a.header.Get(mockserver.AnsweredByHeader))
			assert.Equal(t, "fixture", get(t, without.url+"/crawl/info?id=12345&key=k", nil).header.Get(mockserver.AnsweredByHeader))
		})
	}
}

// TestRecordedFixtureWinsOverTheCatalog: a crawl the proxy recorded for a
// catalog id (1002, processing in the catalog) is answered as recorded,
// byte for byte, with the catalog on; the user's own rules still come first.
func TestRecordedFixtureWinsOverTheCatalog(t *testing.T) {
	upstream := start(t, mockserver.Config{Seed: 8, Fixtures: nil})
	dir := t.TempDir()
	p, err := proxy.New(context.Background(), proxy.Config{Upstream: upstream.url, RecordDir: dir})
	require.NoError(t, err)
	front := httptest.NewServer(p)
	defer front.Close()
	require.Equal(t, 200, get(t, front.URL+"/crawl/info?id=1002&key=k", nil).status)
	recorded, err := os.ReadFile(filepath.Join(dir, "crawl-1002.json"))
	require.NoError(t, err)

	srv := start(t, mockserver.Config{Fixtures: os.DirFS(dir), FixturesDir: dir, Catalog: true})
	a := get(t, srv.url+"/crawl/info?id=1002&key=k", nil)
	require.Equal(t, 200, a.status)
	assert.Equal(t, "fixture", a.header.Get(mockserver.AnsweredByHeader))
	assert.Equal(t, recorded, a.body)
	assert.Equal(t, "scenario finished", get(t, srv.url+"/crawl/info?id=1003&key=k", nil).header.Get(mockserver.AnsweredByHeader), "the catalog answers the ids no fixture holds")

	// The user's own rule for the id still comes before the fixture.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "scenarios.yaml"), []byte("scenarios:\n  - {name: mine, match: {id: 1002}, respond: {status: 500}}\n"), 0o600))
	ruled := start(t, mockserver.Config{Fixtures: os.DirFS(dir), FixturesDir: dir, Catalog: true})
	a = get(t, ruled.url+"/crawl/info?id=1002&key=k", nil)
	assert.Equal(t, 500, a.status)
	assert.Equal(t, "scenario mine", a.header.Get(mockserver.AnsweredByHeader))
}
