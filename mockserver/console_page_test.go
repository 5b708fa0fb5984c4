package mockserver_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/internal/browsertest"
)

// consolePage drives the console in a headless Chromium, waiting on what
// the page shows, never for a fixed time.
type consolePage struct {
	t       *testing.T
	ctx     context.Context
	mu      sync.Mutex
	logged  []string
	stopLog context.CancelFunc
}

// openConsole starts Chromium, opens the console of the mock at base and
// waits until its catalog is shown (unless the page asks for a token).
// Errors the page logs, but for the answers of 4xx and 5xx to URLs for
// which allowed returns true, are collected for problems().
func openConsole(t *testing.T, base string, allowed func(url string) bool, opts ...chromedp.ExecAllocatorOption) *consolePage {
	t.Helper()
	browser := browsertest.New(t, 2*time.Minute, opts...)
	p := &consolePage{t: t, ctx: browser}
	listen, stop := context.WithCancel(browser)
	p.stopLog = stop
	t.Cleanup(stop)
	messages := chromedp.Console(listen)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Source == "network" && allowed != nil && allowed(m.URL) {
				continue
			}
			if m.Type == chromedp.ConsoleError || m.IsException() || m.Type == chromedp.ConsoleWarning {
				p.mu.Lock()
				p.logged = append(p.logged, m.String()+" "+m.URL)
				p.mu.Unlock()
			}
		}
	}()
	require.NoError(t, chromedp.Do(browser, chromedp.Navigate(base+"/__crawlkit/")))
	return p
}

// problems returns what the page logged as errors or warnings.
func (p *consolePage) problems() []string {
	p.stopLog()
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.logged...)
}

func (p *consolePage) do(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	require.NoError(p.t, chromedp.Do(p.ctx, actions...))
}

func (p *consolePage) text(sel string) string {
	p.t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.Text(sel))
	require.NoError(p.t, err, sel)
	return s
}

// eval returns the value of a JavaScript expression.
func evalJS[T any](p *consolePage, expr string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr))
	require.NoError(p.t, err, expr)
	return v
}

// until waits for a JavaScript condition to hold.
func (p *consolePage) until(cond, what string) {
	p.t.Helper()
	_, err := chromedp.Run(p.ctx, chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(15*time.Second)))
	require.NoError(p.t, err, "waiting for %s (%s)", what, cond)
}

// waitText waits for want in the text of sel.
func (p *consolePage) waitText(sel, want string) {
	p.t.Helper()
	_, err := chromedp.Run(p.ctx, chromedp.Poll[bool](
		`(document.querySelector(`+quoteJS(sel)+`)?.innerText || "").includes(`+quoteJS(want)+`)`,
		chromedp.WithPollingTimeout(15*time.Second)))
	if err != nil {
		got, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.querySelector(`+quoteJS(sel)+`)?.innerText || "(absent)"`))
		require.NoError(p.t, err, "waiting for %q in %s: %s", want, sel, got)
	}
}

// focused returns the data-focus-key, or else the id, of the element with
// the focus.
func (p *consolePage) focused() string {
	p.t.Helper()
	return evalJS[string](p, `document.activeElement.dataset.focusKey || document.activeElement.id || document.activeElement.tagName`)
}

// openTab clicks a tab and waits for its panel.
func (p *consolePage) openTab(name string) {
	p.t.Helper()
	p.do(chromedp.Click(`#tab-`+name), chromedp.WaitVisible(`#`+name))
}

// allowCrawlInfo lets the browser log the 4xx and 5xx of tried entries and
// of refused rules: the tests ask for them.
func allowCrawlInfo(url string) bool {
	return strings.Contains(url, "/crawl/info?") || strings.HasSuffix(url, "/__crawlkit/scenarios") ||
		strings.HasSuffix(url, "/__crawlkit/progressions/advance")
}

// setValue sets a field's value as a person would, the page told by input
// and change events.
func setValue(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`(() => {
	  const node = document.querySelector(` + quoteJS(sel) + `);
	  node.value = ` + quoteJS(value) + `;
	  if (node.value !== ` + quoteJS(value) + `) throw new Error("cannot set " + ` + quoteJS(sel) + ` + " to " + ` + quoteJS(value) + `);
	  node.dispatchEvent(new Event("input", {bubbles: true}));
	  node.dispatchEvent(new Event("change", {bubbles: true}));
	})()`)
}
