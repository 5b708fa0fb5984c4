package browser_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit"
	"github.com/crawlkit/crawlkit/internal/browsertest"
	"github.com/crawlkit/crawlkit/mockserver"
)

// TestPageInHeadlessChromium loads the example page from one origin, calling
// the mock on another with the X-API-KEY header, so the browser sends CORS
// preflights; it follows a progressing crawl to its end and shows a 404 and
// a 500 as a user would read them.
func TestPageInHeadlessChromium(t *testing.T) {
	srv, err := mockserver.New(context.Background(), mockserver.Config{Seed: 1, Fixtures: crawlkit.Fixtures(), Catalog: true, CORS: true})
	require.NoError(t, err)
	var preflights atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			preflights.Add(1)
		}
		srv.ServeHTTP(w, r)
	}))
	defer api.Close()

	ln, err := net.Listen("tcp", "localhost:0")
	require.NoError(t, err)
	page := httptest.NewUnstartedServer(http.FileServer(http.Dir(".")))
	page.Listener.Close()
	page.Listener = ln
	page.Start()
	defer page.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	pageURL := "http://localhost:" + port + "/index.html?poll=100&api=" + api.URL

	browser := browsertest.New(t, 90*time.Second)
	require.NoError(t, chromedp.Do(browser,
		chromedp.Navigate(pageURL),
		chromedp.WaitVisible(`#progress-status[data-final="true"]`),
		chromedp.WaitVisible(`#error-404[data-status]`),
		chromedp.WaitVisible(`#error-500[data-status]`),
	))
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(browser, chromedp.Text(sel))
		require.NoError(t, err, sel)
		return s
	}
	summary, pages := text(`#crawl-summary`), text(`#crawl-pages tbody`)
	progress, progressLog := text(`#progress-status`), text(`#progress-log`)
	notFound, serverError := text(`#error-404`), text(`#error-500`)

	assert.Regexp(t, `^\S+: finished, \d+ of \d+ pages done, \d+ failed\.$`, summary)
	assert.Equal(t, 20, strings.Count(pages, "https://"), "one row a screenshot of crawl 1003")
	assert.Equal(t, "finished", progress)
	assert.Equal(t, "100%", text(`#progress-percent`), "a finished crawl is done")
	full, err := chromedp.Run(browser, chromedp.Evaluate[bool](`(() => { const b = document.getElementById("progress-bar"); return b.value === b.max; })()`))
	require.NoError(t, err)
	assert.True(t, full, "the bar full")
	for _, step := range []string{"in_queue: 0 screenshots", "processing", "finished: 24 screenshots"} {
		assert.Contains(t, progressLog, step)
	}
	assert.Equal(t, "This crawl does not exist, or it is not yours.", notFound)
	assert.Contains(t, serverError, "The screenshot service had a problem. Try again later (reference req_")
	assert.Positive(t, preflights.Load(), "the X-API-KEY header made the browser ask first")
}
