package mockserver_test

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/mockserver"
)

// axeScript is axe-core, the devDependency the test command installs with
// npm ci.
var axeScript = filepath.Join("..", "node_modules", "axe-core", "axe.min.js")

// axeViolation is one rule axe-core found broken, with the elements.
type axeViolation struct {
	ID    string `json:"id"`
	Help  string `json:"help"`
	Nodes []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

func (v axeViolation) String() string {
	var b strings.Builder
	b.WriteString(v.ID + ": " + v.Help)
	for _, n := range v.Nodes {
		target, _ := json.Marshal(n.Target)
		b.WriteString("\n    " + string(target) + " " + strings.ReplaceAll(n.Summary, "\n", " "))
	}
	return b.String()
}

// axeCheck runs axe-core's WCAG 2.1 A and AA rules, and its best
// practices, on the page as it is, and fails the test on any violation.
func (p *consolePage) axeCheck(state string) {
	p.t.Helper()
	loaded := evalJS[bool](p, `typeof axe !== "undefined"`)
	if !loaded {
		script, err := os.ReadFile(axeScript)
		require.NoError(p.t, err)
		require.NoError(p.t, chromedp.Do(p.ctx, chromedp.Evaluate[chromedp.Void](string(script))))
	}
	out, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]axeViolation](
		`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}, resultTypes: ["violations"]}).then((r) => r.violations)`,
		chromedp.EvalAwaitPromise))
	require.NoError(p.t, err)
	var lines []string
	for _, v := range out {
		lines = append(lines, v.String())
	}
	assert.Empty(p.t, lines, "axe-core violations with %s", state)
	p.t.Logf("axe-core: %d violations with %s", len(out), state)
}

func needAxe(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(axeScript); errors.Is(err, fs.ErrNotExist) {
		if os.Getenv("CI") != "" {
			t.Fatal("no node_modules/axe-core: scripts/test runs npm ci first")
		}
		t.Skip("no node_modules/axe-core/axe.min.js: run npm ci (scripts/test does) for the accessibility test")
	}
}

// consoleStates walks the console through every state a QA engineer sees,
// calling check in each.
func consoleStates(t *testing.T, p *consolePage, srv *running, check func(state string)) {
	t.Helper()
	p.do(chromedp.WaitVisible(`button[data-entry="not-found"]`))
	check("the catalog")
	p.do(chromedp.Click(`button[data-entry="processing"]`))
	p.waitText(`#try-status`, "200")
	p.do(chromedp.Click(`#try-result details summary`))
	check("an answer shown, its screenshots open")
	p.do(chromedp.Click(`button[data-entry="fault-malformed"]`))
	p.waitText(`#try-status`, "fault malformed")
	check("a fault's answer")
	p.do(chromedp.Click(`button[data-entry="fault-hang"]`), chromedp.WaitVisible(`#try-cancel`))
	check("a hang in flight")
	p.do(chromedp.Click(`#try-cancel`))
	p.do(chromedp.SendKeys(`#catalog-search`, "progress"))
	p.waitText(`#catalog-shown`, " of ")
	check("the catalog searched")
	p.do(chromedp.SetValue(`#catalog-search`, "nothing-is-called-so"))
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector("#catalog-search").dispatchEvent(new Event("input"))`)))
	p.waitText(`#catalog-shown`, "No entry matches")
	check("a search without a match")

	p.openTab("journal")
	p.waitText(`#stream-state`, "Live.")
	get(t, srv.url+"/crawl/info?id=404&key=k", nil)
	p.do(chromedp.WaitVisible(`#journal-list li[data-crawl-id="404"]`), chromedp.Click(`#journal-list li[data-crawl-id="404"] summary`))
	p.do(chromedp.Evaluate[chromedp.Void](journalWithResponse))
	p.do(chromedp.WaitVisible(`#journal-list li[data-crawl-id="9001"]`), chromedp.Click(`#journal-list li[data-crawl-id="9001"] summary`))
	check("the journal, an entry open with its response")

	p.openTab("scenarios")
	p.do(chromedp.WaitVisible(`#scenarios-table tr[data-name="not-found"]`))
	check("the scenarios and the rule form")
	p.do(chromedp.Click(`#rule-kind input[value="progression"]`), chromedp.WaitVisible(`#rule-step-list`))
	check("the form making a progression")
	p.do(chromedp.Click(`#rule-form button[type="submit"]`), chromedp.WaitVisible(`#scenarios-table tr[data-name="my-case"]`))
	p.do(chromedp.SetValue(`#scenario-yaml`, "scenarios:\n  - name: broken\n    respond: [1]\n"), chromedp.Click(`#add-scenario button[type="submit"]`))
	p.waitText(`#scenario-errors`, "line 3")
	check("a rule added, a broken one refused")

	get(t, srv.url+"/crawl/info?id=7001&key=k", nil)
	p.openTab("progressions")
	p.do(chromedp.WaitVisible(`#progressions-table tr[data-id="7001"]`))
	check("the progressions")
}

// TestConsoleAccessibility runs axe-core in Chromium on every state of the
// console, in light and dark, at desktop and phone widths: no violation of
// WCAG 2.1 A or AA, nor of axe's best practices. Focus rings and field
// borders are held to 3:1 (WCAG 1.4.11), which axe does not check.
func TestConsoleAccessibility(t *testing.T) {
	needAxe(t)
	for _, tt := range []struct {
		name          string
		width, height int64
		scheme        string
	}{
		{"desktop light", 1280, 900, "light"},
		{"phone dark", 390, 844, "dark"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := withCatalog(t, mockserver.Config{Seed: 1})
			p := openConsole(t, srv.url, allowCrawlInfo)
			p.do(chromedp.EmulateViewport(tt.width, tt.height, chromedp.EmulateMobile),
				chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
					_, err := cdp.Call(ctx, target, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
						Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: tt.scheme}},
					})
					return err
				}))
			consoleStates(t, p, srv, p.axeCheck)
			p.nonTextContrast()
		})
	}
}

// nonTextContrast checks WCAG 1.4.11 on what axe leaves out: the borders
// of fields and buttons, and the focus ring, 3:1 against the page.
func (p *consolePage) nonTextContrast() {
	p.t.Helper()
	ratios := evalJS[map[string]float64](p, `(() => {
	  const rgb = (c) => c.match(/[\d.]+/g).slice(0, 3).map(Number);
	  const lum = ([r, g, b]) => {
	    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
	    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
	  };
	  const ratio = (a, b) => { const [x, y] = [lum(rgb(a)), lum(rgb(b))].sort((m, n) => n - m); return (x + 0.05) / (y + 0.05); };
	  const page = getComputedStyle(document.body).backgroundColor;
	  const out = {};
	  for (const sel of ["#catalog-search", "#rule-name", "#rule-example", "#scenario-yaml", "button"]) {
	    const node = document.querySelector(sel);
	    out[sel + " border"] = ratio(getComputedStyle(node).borderTopColor, page);
	  }
	  const button = document.querySelector("#tab-catalog");
	  button.focus();
	  out["focus ring"] = ratio(getComputedStyle(button, null).outlineColor, page);
	  return out;
	})()`)
	for what, r := range ratios {
		assert.GreaterOrEqual(p.t, r, 3.0, "%s against the page: %.2f:1", what, r)
	}
}

// TestConsoleOnAPhone: at 390 px no tab scrolls sideways, and an answer
// shows right below the entry tried. Screenshots at phone and desktop
// widths go to $CONSOLE_SCREENSHOTS when it names a folder.
func TestConsoleOnAPhone(t *testing.T) {
	srv := withCatalog(t, mockserver.Config{Seed: 1})
	get(t, srv.url+"/crawl/info?id=7001&key=k", nil)
	p := openConsole(t, srv.url, allowCrawlInfo)
	p.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
	fits := func(where string) {
		t.Helper()
		width := evalJS[int](p, `document.documentElement.scrollWidth`)
		assert.LessOrEqual(t, width, 390, "%s scrolls sideways: %d px wide", where, width)
	}
	p.do(chromedp.WaitVisible(`button[data-entry="not-found"]`))
	fits("the catalog")
	p.do(chromedp.Click(`button[data-entry="processing"]`))
	p.waitText(`#try-status`, "200")
	fits("the catalog, an answer shown")
	assert.Equal(t, "processing", evalJS[string](p, `document.querySelector("#try-result").closest(".entry")?.dataset.entry || "elsewhere"`),
		"the answer right below the entry tried")
	shot(t, p, "console-phone-top.png")
	p.do(chromedp.ScrollIntoView(`.entry[data-entry="processing"]`))
	shot(t, p, "console-phone-catalog.png")

	p.openTab("journal")
	p.do(chromedp.WaitVisible(`#journal-list li[data-crawl-id="1002"]`), chromedp.Click(`#journal-list li[data-crawl-id="1002"] summary`))
	fits("the journal, an entry open")
	shot(t, p, "console-phone-journal.png")
	p.openTab("scenarios")
	p.do(chromedp.WaitVisible(`#scenarios-table tr[data-name="not-found"]`), chromedp.Click(`#rule-kind input[value="progression"]`))
	fits("the scenarios and the rule form")
	shot(t, p, "console-phone-scenarios.png")
	p.openTab("progressions")
	p.do(chromedp.WaitVisible(`#progressions-table tr[data-id="7001"]`))
	fits("the progressions")
	shot(t, p, "console-phone-progressions.png")

	p.do(chromedp.EmulateViewport(1280, 900))
	p.openTab("catalog")
	p.do(chromedp.Click(`button[data-entry="not-found"]`))
	p.waitText(`#try-status`, "404")
	assert.Equal(t, "try-home", evalJS[string](p, `document.querySelector("#try-result").parentElement.id`), "on a wide screen, beside the list")
	shot(t, p, "console-desktop-catalog.png")
	p.openTab("scenarios")
	shot(t, p, "console-desktop-scenarios.png")
	assert.Empty(t, p.problems())
}

func shot(t *testing.T, p *consolePage, name string) {
	t.Helper()
	dir := os.Getenv("CONSOLE_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), png, 0o644))
}

// journalWithResponse hands the page, as the stream would, journal entries
// that kept their response: one whole, one cut short and not JSON.
const journalWithResponse = `onRequest({time: new Date().toISOString(), method: "GET", url: "/crawl/info?id=9002&key=REDACTED", crawl_id: 9002,
  status: 200, duration_ms: 0.4, request_id: "req_2", answered_by: "scenario cut", fault: "malformed",
  response: {headers: {"Content-Type": ["application/json; charset=utf-8"]}, body: "{\"success\":true,\"da", body_truncated: true}});
onRequest({time: new Date().toISOString(), method: "GET", url: "/crawl/info?id=9001&key=REDACTED", crawl_id: 9001,
  status: 404, duration_ms: 225.305, request_id: "req_1", answered_by: "scenario not-found",
  response: {headers: {"Content-Type": "application/json; charset=utf-8", "X-Request-Id": "req_1"},
    body: JSON.stringify({success: false, error: "Crawl not found", code: "NOT_FOUND", details: {request_id: "req_1"}}), body_truncated: false}});
onRequest({time: new Date().toISOString(), method: "GET", url: "/crawl/info?id=9003&key=REDACTED", crawl_id: 9003,
  status: 0, duration_ms: 3, request_id: "req_3", answered_by: "scenario gone", fault: "reset"});`
