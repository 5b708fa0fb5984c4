package mockserver_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/internal/browsertest"
	"github.com/crawlkit/crawlkit/mockserver"
)

// TestConsoleInChromium drives the QA console as a QA engineer would: try
// the 404 entry, see a request made elsewhere arrive in the journal, add a
// scenario and try it, see a broken one's line, reset a progression. The
// page must log no error. It writes docs/console.png for the README.
func TestConsoleInChromium(t *testing.T) {
	srv := withCatalog(t, mockserver.Config{Seed: 1})
	browser := browsertest.New(t, 2*time.Minute, chromedp.WindowSize(1400, 900))

	var mu sync.Mutex
	var problems []string
	listen, stopListening := context.WithCancel(browser)
	defer stopListening()
	messages := chromedp.Console(listen)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			// The browser logs every answer of 4xx or 5xx: those the test
			// asks for (a 404 tried, a broken scenario refused) are expected.
			asked := m.Source == "network" && (strings.Contains(m.URL, "/crawl/info?") || strings.HasSuffix(m.URL, "/__crawlkit/scenarios"))
			if !asked && (m.Type == chromedp.ConsoleError || m.IsException() || m.Type == chromedp.ConsoleWarning) {
				mu.Lock()
				problems = append(problems, m.String()+" "+m.URL)
				mu.Unlock()
			}
		}
	}()

	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(browser, chromedp.Text(sel))
		require.NoError(t, err, sel)
		return s
	}
	waitText := func(sel, want string) {
		t.Helper()
		_, err := chromedp.Run(browser, chromedp.Poll[bool](
			`(document.querySelector(`+quoteJS(sel)+`)?.innerText || "").includes(`+quoteJS(want)+`)`,
			chromedp.WithPollingTimeout(10*time.Second)))
		require.NoError(t, err, "waiting for %q in %s: %s", want, sel, text(sel))
	}

	// The catalog: try the 404 entry.
	require.NoError(t, chromedp.Do(browser,
		chromedp.Navigate(srv.url+"/__crawlkit/"),
		chromedp.WaitVisible(`button[data-entry="not-found"]`),
		chromedp.Click(`button[data-entry="not-found"]`),
	))
	waitText(`#try-status`, "404 NOT_FOUND")
	assert.Contains(t, text(`#try-result`), "scenario not-found", "what answered")
	assert.Contains(t, text(`#try-result`), "curl -i 'http://127.0.0.1:", "a copyable curl")
	png, err := chromedp.Run(browser, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join("..", "docs", "console.png"), png, 0o644))

	// The journal: a request from outside the page arrives by the stream.
	require.NoError(t, chromedp.Do(browser, chromedp.Click(`#tab-journal`)))
	waitText(`#stream-state`, "Live.")
	sent := time.Now()
	get(t, srv.url+"/crawl/info?id=5555&key=secret-key", nil)
	require.NoError(t, chromedp.Do(browser, chromedp.WaitVisible(`#journal-list li[data-crawl-id="5555"]`)))
	t.Logf("the request reached the journal %s after it was answered", time.Since(sent).Round(time.Millisecond))
	assert.NotContains(t, text(`#journal-list`), "secret-key", "the key is redacted")

	// Scenarios: add one, and try it from the catalog.
	rule := "scenarios:\n  - name: qa-case\n    description: Added from the console.\n    match: {id: 4243}\n    respond: {status: 500}\n"
	require.NoError(t, chromedp.Do(browser,
		chromedp.Click(`#tab-scenarios`),
		chromedp.SetValue(`#scenario-yaml`, rule),
		chromedp.Click(`#add-scenario button[type="submit"]`),
		chromedp.WaitVisible(`#scenarios-table tr[data-name="qa-case"]`),
		chromedp.Click(`#tab-catalog`),
		chromedp.WaitVisible(`button[data-entry="qa-case"]`),
		chromedp.Click(`button[data-entry="qa-case"]`),
	))
	waitText(`#try-status`, "500 INTERNAL_ERROR")

	// A broken one says which line.
	require.NoError(t, chromedp.Do(browser,
		chromedp.Click(`#tab-scenarios`),
		chromedp.SetValue(`#scenario-yaml`, "scenarios:\n  - name: broken\n    respond: [1]\n"),
		chromedp.Click(`#add-scenario button[type="submit"]`),
	))
	waitText(`#scenario-errors`, `line 3 (respond: [1]): scenario "broken": respond holds a list`)

	// Progressions: poll one twice, see its step, reset it.
	for range 2 {
		get(t, srv.url+"/crawl/info?id=7001&key=k", nil)
	}
	row := `#progressions-table tr[data-rule="progress-finished"][data-id="7001"]`
	require.NoError(t, chromedp.Do(browser,
		chromedp.Click(`#tab-progressions`),
		chromedp.WaitVisible(row),
	))
	assert.Contains(t, text(row+" .now"), "processing")
	require.NoError(t, chromedp.Do(browser, chromedp.Click(row+" button.reset")))
	require.NoError(t, chromedp.Do(browser, chromedp.WaitNotPresent(row)))
	assert.Equal(t, "in_queue", crawlOf(t, get(t, srv.url+"/crawl/info?id=7001&key=k", nil)).Status, "started over")

	// Keyboard: the tabs move with the arrow keys.
	require.NoError(t, chromedp.Do(browser, chromedp.Focus(`#tab-progressions`), chromedp.KeyEvent(kb.ArrowLeft)))
	selected, err := chromedp.Run(browser, chromedp.AttributeValue(`#tab-scenarios`, "aria-selected"))
	require.NoError(t, err)
	assert.Equal(t, "true", selected.Value)
	for key, tab := range map[string]string{kb.End: "#tab-progressions", kb.Home: "#tab-catalog"} {
		require.NoError(t, chromedp.Do(browser, chromedp.Focus(`#tab-scenarios`), chromedp.Click(`#tab-scenarios`), chromedp.KeyEvent(key)))
		selected, err := chromedp.Run(browser, chromedp.AttributeValue(tab, "aria-selected"))
		require.NoError(t, err)
		assert.Equal(t, "true", selected.Value, "%q opens %s", key, tab)
		focused, err := chromedp.Run(browser, chromedp.Evaluate[string](`"#" + document.activeElement.id`))
		require.NoError(t, err)
		assert.Equal(t, tab, focused)
	}

	stopListening()
	mu.Lock()
	defer mu.Unlock()
	assert.Empty(t, problems, "the console logs no error")
}

// TestConsoleAsksForTheToken: behind an admin token, the page opens,
// asks for the token once, and then shows the data.
func TestConsoleAsksForTheToken(t *testing.T) {
	srv := withCatalog(t, mockserver.Config{AdminToken: "qa-s3cret"})
	browser := browsertest.New(t, time.Minute)
	require.NoError(t, chromedp.Do(browser,
		chromedp.Navigate(srv.url+"/__crawlkit/"),
		chromedp.WaitVisible(`#token-form`),
		chromedp.SetValue(`#token`, "qa-s3cret"),
		chromedp.Click(`#token-form button[type="submit"]`),
		chromedp.WaitVisible(`button[data-entry="not-found"]`),
		chromedp.Click(`#tab-journal`),
	))
	_, err := chromedp.Run(browser, chromedp.Poll[bool](`document.querySelector("#stream-state").innerText === "Live."`,
		chromedp.WithPollingTimeout(10*time.Second)))
	require.NoError(t, err, "the live journal, with the token too")
}

func quoteJS(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}
