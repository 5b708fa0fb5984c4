package mockserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/mockserver"
)

// TestCachedBodiesBelongToTheirConfiguration: a progression re-posted
// under the same name with other steps answers its own steps from the
// first, and again after a reset; a rule removed answers no more.
func TestCachedBodiesBelongToTheirConfiguration(t *testing.T) {
	srv := withCatalog(t, mockserver.Config{Seed: 3})
	rule := func(statuses string) string {
		return "scenarios:\n  - {name: poll-me, match: {id: 8801}, respond: {progression: {statuses: [" + statuses + "], screenshots: 4}}}\n"
	}
	poll := func() string {
		t.Helper()
		a := get(t, srv.url+"/crawl/info?id=8801&key=k", nil)
		require.Equal(t, 200, a.status, string(a.body))
		return crawlOf(t, a).Status
	}
	polls := func(n int) []string {
		t.Helper()
		var out []string
		for range n {
			out = append(out, poll())
		}
		return out
	}
	// Each step posts the rule with these statuses, or resets when empty.
	steps := []struct {
		name, statuses string
		want           []string
	}{
		{"the first rule", "in_queue, processing, finished", []string{"in_queue", "processing", "finished", "finished"}},
		{"re-posted with other steps", "processing, processing, cancelled", []string{"processing", "processing", "cancelled", "cancelled"}},
		{"after a reset", "", []string{"processing", "processing", "cancelled"}},
		{"re-posted as the first again", "in_queue, processing, finished", []string{"in_queue", "processing", "finished"}},
	}
	for _, step := range steps {
		if step.statuses == "" {
			post(t, srv.url+"/__crawlkit/reset", "", http.StatusNoContent)
		} else {
			post(t, srv.url+"/__crawlkit/scenarios", rule(step.statuses), http.StatusCreated)
		}
		assert.Equal(t, step.want, polls(len(step.want)), step.name)
	}
	var listed struct{ Progressions []mockserver.Progression }
	require.NoError(t, json.Unmarshal(get(t, srv.url+"/__crawlkit/progressions", nil).body, &listed))
	require.Len(t, listed.Progressions, 1, "only the rule in force")
	assert.Equal(t, []string{"in_queue", "processing", "finished"}, listed.Progressions[0].Steps)
	assert.Equal(t, 3, listed.Progressions[0].Polls)

	del(t, srv.url+"/__crawlkit/scenarios?name=poll-me", http.StatusNoContent)
	a := get(t, srv.url+"/crawl/info?id=8801&key=k", nil)
	assert.Equal(t, "generated", a.header.Get(mockserver.AnsweredByHeader), "a removed rule answers no more")
}

// TestReloadNeverServesOldBytesOnceSwapped: many clients ask for a fixture
// while its file is rewritten and reloaded again and again. A request sent
// after a reload returned gets that version or a later one, never an
// earlier: a request that read the old configuration before the swap may
// cache its body after it, and must not be served it. Run with -race.
func TestReloadNeverServesOldBytesOnceSwapped(t *testing.T) {
	shipped, err := os.ReadFile(filepath.Join("..", "fixtures", "crawl-12345.json"))
	require.NoError(t, err)
	dir := t.TempDir()
	file := filepath.Join(dir, "crawl-12345.json")
	require.True(t, bytes.Contains(shipped, []byte(`"max_urls": 100,`)), "the fixture's max_urls carries the version")
	write := func(version int) {
		t.Helper()
		body := bytes.Replace(shipped, []byte(`"max_urls": 100,`), []byte(`"max_urls": `+strconv.Itoa(100+version)+`,`), 1)
		require.NoError(t, os.WriteFile(file, body, 0o600))
	}
	write(0)
	srv, err := mockserver.New(context.Background(), mockserver.Config{Fixtures: os.DirFS(dir), FixturesDir: dir})
	require.NoError(t, err)
	running := serveOn(t, srv).url

	var visible atomic.Int64 // the last version a reload made visible
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var stale atomic.Int64
	for range 8 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				floor := visible.Load()
				a := get(t, running+"/crawl/info?id=12345&key=k", nil)
				if got := int64(crawlOf(t, a).MaxURLs - 100); got < floor {
					stale.Add(1)
					t.Errorf("version %d served after version %d was reloaded", got, floor)
				}
			}
		})
	}
	for version := 1; version <= 40; version++ {
		write(version)
		require.NoError(t, srv.Reload(context.Background()))
		visible.Store(int64(version))
	}
	close(stop)
	wg.Wait()
	assert.Zero(t, stale.Load())
	assert.Equal(t, 140, crawlOf(t, get(t, running+"/crawl/info?id=12345&key=k", nil)).MaxURLs)
}
