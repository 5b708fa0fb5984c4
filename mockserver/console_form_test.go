package mockserver_test

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/mockserver"
)

// TestConsoleRuleForm: a rule made with the form shows its YAML as it is
// typed, and once added the mock answers with it; the rules added are
// downloaded as a scenarios file the mock takes back as it is.
func TestConsoleRuleForm(t *testing.T) {
	srv := withCatalog(t, mockserver.Config{Seed: 1})
	p := openConsole(t, srv.url, allowCrawlInfo)
	p.do(chromedp.WaitVisible(`button[data-entry="not-found"]`))
	p.openTab("scenarios")

	// A crawl processing, slowed down.
	p.do(
		setValue(`#rule-name`, ""), chromedp.SendKeys(`#rule-name`, "form-crawl"),
		setValue(`#rule-id`, ""), chromedp.SendKeys(`#rule-id`, "4250"),
		chromedp.Click(`#rule-kind input[value="crawl"]`),
		setValue(`#rule-crawl-status`, "processing"),
		chromedp.SendKeys(`#rule-crawl-screenshots`, "3"),
		chromedp.SendKeys(`#rule-delay`, "20ms"),
	)
	p.waitText(`#rule-yaml`, "delay: 20ms")
	assert.Equal(t, "scenarios:\n  - name: form-crawl\n    match:\n      id: 4250\n    respond:\n      crawl:\n        status: processing\n        screenshots: 3\n      delay: 20ms\n",
		evalJS[string](p, `document.querySelector("#rule-yaml").textContent`), "the YAML the form makes, live")
	p.do(chromedp.Click(`#rule-form button[type="submit"]`), chromedp.WaitVisible(`#scenarios-table tr[data-name="form-crawl"]`))
	assert.Equal(t, "submit", evalJS[string](p, `document.activeElement.type`), "the focus stays on Add rule")
	a := get(t, srv.url+"/crawl/info?id=4250&key=k", nil)
	assert.Equal(t, "processing", crawlOf(t, a).Status)
	assert.Equal(t, "scenario form-crawl", a.header.Get(mockserver.AnsweredByHeader))

	// A progression of four steps, made with the step list.
	p.do(
		setValue(`#rule-name`, "form-steps"),
		setValue(`#rule-id`, "4251-4259"),
		chromedp.Click(`#rule-kind input[value="progression"]`),
		chromedp.WaitVisible(`#rule-step-list`),
		chromedp.Click(`#rule-step-add`),
		setValue(`#rule-step-3`, "processing"),
		setValue(`#rule-step-4`, "error"),
		setValue(`#rule-delay`, ""),
	)
	p.waitText(`#rule-yaml`, `statuses: [in_queue, processing, processing, error]`)
	assert.Contains(t, p.text(`#rule-yaml`), `id: "4251-4259"`)
	p.do(chromedp.Click(`#rule-form button[type="submit"]`), chromedp.WaitVisible(`#scenarios-table tr[data-name="form-steps"]`))
	var seen []string
	for range 5 {
		seen = append(seen, crawlOf(t, get(t, srv.url+"/crawl/info?id=4255&key=k", nil)).Status)
	}
	assert.Equal(t, []string{"in_queue", "processing", "processing", "error", "error"}, seen)

	// A fault, a named example, and an off-contract status.
	for _, tt := range []struct {
		name, id, kind, field, value, yaml string
		check                              func(a answer)
	}{
		{"form-fault", "4260", "fault", "#rule-fault", "malformed", "fault: malformed", func(a answer) {
			assert.Equal(t, "malformed", a.header.Get(mockserver.FaultHeader))
		}},
		{"form-example", "4261", "example", "#rule-example", "invalid_api_key", "example: invalid_api_key", func(a answer) {
			assert.Equal(t, "INVALID_API_KEY", errorOf(t, a).Code)
		}},
		{"form-off", "4262", "status", "#rule-status", "429", "off_contract: true", func(a answer) {
			assert.Equal(t, 429, a.status)
			assert.Equal(t, "30", a.header.Get("Retry-After"))
		}},
	} {
		p.do(
			setValue(`#rule-name`, tt.name),
			setValue(`#rule-id`, tt.id),
			chromedp.Click(`#rule-kind input[value="`+tt.kind+`"]`),
			setValue(tt.field, tt.value),
		)
		if tt.kind == "status" {
			p.do(chromedp.Click(`#rule-off-contract`))
		}
		p.waitText(`#rule-yaml`, tt.yaml)
		p.do(chromedp.Click(`#rule-form button[type="submit"]`), chromedp.WaitVisible(`#scenarios-table tr[data-name="`+tt.name+`"]`))
		tt.check(get(t, srv.url+"/crawl/info?id="+tt.id+"&key=k", nil))
	}
	p.do(chromedp.Click(`#rule-off-contract`))

	// A refusal names the line of the YAML shown, and what is on it.
	p.do(
		setValue(`#rule-name`, "form-bad"),
		chromedp.Click(`#rule-kind input[value="status"]`),
		setValue(`#rule-status`, "299"),
		chromedp.Click(`#rule-form button[type="submit"]`),
	)
	p.waitText(`#rule-errors`, "respond.status 299")
	assert.Regexp(t, `line \d+ \([^)]+\): .*respond.status 299`, p.text(`#rule-errors`), "the line, and what is on it")
	// A field left empty is said before anything is sent, and focused.
	p.do(setValue(`#rule-id`, ""), chromedp.Click(`#rule-form button[type="submit"]`))
	p.waitText(`#rule-errors`, "Crawl id: give one")
	assert.Equal(t, "rule-id", p.focused())

	// The added rules, downloaded, are a scenarios file the mock takes.
	dir := t.TempDir()
	_, err := chromedp.CallBrowser(p.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir,
	})
	require.NoError(t, err)
	p.do(chromedp.Click(`#export-runtime`))
	file := filepath.Join(dir, "scenarios.yaml")
	require.Eventually(t, func() bool { _, err := os.Stat(file); return err == nil }, 15*time.Second, 20*time.Millisecond, "the download")
	exported, err := os.ReadFile(file)
	require.NoError(t, err)
	t.Logf("exported:\n%s", exported)
	for _, name := range []string{"form-crawl", "form-steps", "form-fault", "form-example"} {
		assert.Contains(t, string(exported), "- name: "+name)
	}
	fresh := withCatalog(t, mockserver.Config{Seed: 1})
	post(t, fresh.url+"/__crawlkit/scenarios", string(exported), http.StatusCreated)
	a = get(t, fresh.url+"/crawl/info?id=4250&key=k", nil)
	assert.Equal(t, "processing", crawlOf(t, a).Status, "the exported rules answer the same")
	assert.Equal(t, "malformed", get(t, fresh.url+"/crawl/info?id=4260&key=k", nil).header.Get(mockserver.FaultHeader))

	// Remove keeps the focus in the list.
	p.do(chromedp.Click(`button[aria-label="Remove form-steps"]`), chromedp.WaitNotPresent(`#scenarios-table tr[data-name="form-steps"]`))
	p.until(`document.activeElement.classList.contains("remove")`, "the focus on the next Remove")
	assert.Empty(t, p.problems(), "the console logs no error")
}

// TestConsoleProgressionAdvanceAndReset: from its tab, a progression moves
// a step at a time to its end, then starts over; the focus stays put.
func TestConsoleProgressionAdvanceAndReset(t *testing.T) {
	srv := withCatalog(t, mockserver.Config{Seed: 1})
	p := openConsole(t, srv.url, allowCrawlInfo)
	get(t, srv.url+"/crawl/info?id=7002&key=k", nil)
	row := `#progressions-table tr[data-rule="progress-error"][data-id="7002"]`
	p.openTab("progressions")
	p.do(chromedp.WaitVisible(row))
	assert.Equal(t, "in_queue", p.text(row+" .now"))
	for i, want := range []string{"processing", "processing", "error"} {
		p.do(chromedp.Click(row + " button.advance"))
		p.until(`document.querySelector('`+row+` td[data-label="Polls"]')?.innerText === "`+string(rune('2'+i))+`"`, "the step after")
		assert.Equal(t, want, p.text(row+" .now"))
	}
	disabled := evalJS[bool](p, `document.querySelector('`+row+` button.advance').disabled`)
	assert.True(t, disabled, "no step past the last")
	assert.Equal(t, "reset|progress-error|7002", p.focused(), "at the end, the focus moves to Reset")
	assert.Equal(t, "error", crawlOf(t, get(t, srv.url+"/crawl/info?id=7002&key=k", nil)).Status, "the mock answers the step reached")

	get(t, srv.url+"/crawl/info?id=7001&key=k", nil)
	p.do(chromedp.Click(`#progressions-refresh`), chromedp.WaitVisible(`#progressions-table tr[data-id="7001"]`))
	p.do(chromedp.Focus(row+" button.reset"), chromedp.KeyEvent(kb.Enter), chromedp.WaitNotPresent(row))
	assert.Equal(t, "reset|progress-finished|7001", p.focused(), "the focus goes to the Reset now in its place")
	assert.Equal(t, "in_queue", crawlOf(t, get(t, srv.url+"/crawl/info?id=7002&key=k", nil)).Status, "started over")
	assert.Empty(t, p.problems())
}

// TestConsoleTry: a hang says up front how long it may last, its time
// ticks, and Cancel (or Escape) stops it; only the latest Try shows; faults
// read as faults, a body that is not JSON is said to be so.
func TestConsoleTry(t *testing.T) {
	srv := withCatalog(t, mockserver.Config{Seed: 1, MaxHang: 90 * time.Second})
	post(t, srv.url+"/__crawlkit/scenarios", "scenarios:\n  - name: slowest\n    match: {id: 4300}\n    respond: {status: 500, delay: 500ms}\n", http.StatusCreated)
	p := openConsole(t, srv.url, allowCrawlInfo)
	p.do(chromedp.WaitVisible(`button[data-entry="fault-hang"]`))
	assert.Contains(t, p.text(`.entry[data-entry="fault-hang"]`), "Lasts up to 1 min 30 s, this mock's --max-hang", "said before a Try")
	p.do(chromedp.Click(`button[data-entry="fault-hang"]`))
	p.waitText(`#try-notice`, "up to 1 min 30 s (its --max-hang)")
	p.until(`(document.querySelector("#try-elapsed")?.innerText || "0 ms") !== "0 ms"`, "the time ticking")
	first := p.text(`#try-elapsed`)
	p.until(`document.querySelector("#try-elapsed")?.innerText !== `+quoteJS(first), "the time ticking on")
	p.do(chromedp.Click(`#try-cancel`))
	p.waitText(`#try-status`, "Cancelled after")
	assert.Equal(t, "try|fault-hang", p.focused(), "the focus back on the Try")

	// Escape cancels too.
	p.do(chromedp.Focus(`button[data-entry="fault-hang"]`), chromedp.KeyEvent(kb.Enter))
	p.do(chromedp.WaitVisible(`#try-cancel`), chromedp.KeyEvent(kb.Escape))
	p.waitText(`#try-status`, "Cancelled after")

	// Only the latest Try shows: a slow one tried first never overwrites.
	p.do(chromedp.Click(`button[data-entry="slowest"]`), chromedp.WaitVisible(`#try-cancel`),
		chromedp.Click(`button[data-entry="not-found"]`))
	p.waitText(`#try-status`, "404 NOT_FOUND")
	// The slow answer takes 500 ms: once a request for it made after the
	// page's has been answered, the page's would have been too.
	get(t, srv.url+"/crawl/info?id=4300&key=k", nil)
	assert.Contains(t, p.text(`#try-result h2`), "not-found")
	assert.Contains(t, p.text(`#try-status`), "404 NOT_FOUND")
	assert.Regexp(t, `^\d+ ms$|^\d+\.\d s$`, p.text(`#try-time`), "durations rounded")

	// Faults read as faults.
	p.do(chromedp.Click(`button[data-entry="fault-malformed"]`))
	p.waitText(`#try-status`, "200, fault malformed")
	assert.Contains(t, p.text(`#try-body-kind`), "not JSON")
	assert.Equal(t, "is-fault", evalJS[string](p, `document.querySelector("#try-status").className`), "not a green 200")
	p.do(chromedp.Click(`button[data-entry="fault-reset"]`))
	p.waitText(`#try-status`, "No answer: fault reset")
	assert.NotContains(t, p.text(`#try-status`), "0 ")
	assert.Equal(t, "is-fault", evalJS[string](p, `document.querySelector("#try-status").className`))

	// The catalog is grouped and searchable.
	groups := evalJS[[]string](p, `Array.from(document.querySelectorAll("#catalog-groups .group > h2"), (h) => h.firstChild.textContent)`)
	assert.Equal(t, []string{"Added at run time", "Crawls", "Errors", "Errors off the contract", "Slow answers", "Broken answers (faults)", "Progressions"}, groups)
	p.do(chromedp.SendKeys(`#catalog-search`, "fault bad"))
	p.waitText(`#catalog-shown`, "1 of")
	visible := evalJS[[]string](p, `Array.from(document.querySelectorAll("#catalog-groups .entry"), (e) => e.hidden ? "" : e.dataset.entry).filter(Boolean)`)
	assert.Equal(t, []string{"fault-bad-gateway"}, visible)

	// The journal shows the response an entry kept, and still an entry
	// without one.
	p.openTab("journal")
	p.do(chromedp.Evaluate[chromedp.Void](journalWithResponse))
	whole, cut := `#journal-list li[data-crawl-id="9001"]`, `#journal-list li[data-crawl-id="9002"]`
	p.do(chromedp.Click(whole+" summary"), chromedp.Click(cut+" summary"), chromedp.Click(`#journal-list li[data-crawl-id="9003"] summary`))
	assert.Contains(t, p.text(whole+" summary"), "225 ms", "durations rounded")
	assert.Contains(t, p.text(whole), "X-Request-Id")
	assert.Contains(t, p.text(whole), `"code": "NOT_FOUND"`, "the body, pretty-printed")
	assert.Contains(t, p.text(cut), "Cut at 16 KiB")
	assert.Contains(t, p.text(cut+" summary"), "200 fault")
	assert.Contains(t, p.text(cut+" summary"), "< 1 ms")
	assert.NotContains(t, p.text(`#journal-list li[data-crawl-id="9003"]`), "Response body", "an entry without a response")
	assert.Empty(t, p.problems())
}

// TestConsoleTokenMissingOrWrong: the page tells a token it needs from a
// token it was given wrong, then works with the right one.
func TestConsoleTokenMissingOrWrong(t *testing.T) {
	srv := withCatalog(t, mockserver.Config{AdminToken: "qa-s3cret"})
	p := openConsole(t, srv.url, func(string) bool { return true })
	p.do(chromedp.WaitVisible(`#token-form`))
	p.waitText(`#token-state`, "This mock needs its admin token")
	assert.Equal(t, "token", p.focused(), "the token field has the focus")
	p.do(chromedp.SendKeys(`#token`, "qa-secret"), chromedp.KeyEvent(kb.Enter))
	p.waitText(`#token-state`, "That token is wrong")
	assert.Equal(t, "true", evalJS[string](p, `document.querySelector("#token").getAttribute("aria-invalid")`))
	if _, err := os.Stat(axeScript); err == nil {
		p.axeCheck("the token form, a wrong token given")
	}
	p.do(setValue(`#token`, "qa-s3cret"), chromedp.Click(`#token-form button[type="submit"]`))
	p.waitText(`#token-state`, "Token accepted")
	p.do(chromedp.WaitVisible(`button[data-entry="not-found"]`), chromedp.Click(`#tab-journal`))
	p.waitText(`#stream-state`, "Live.")
}
