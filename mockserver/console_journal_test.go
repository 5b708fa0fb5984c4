package mockserver_test

import (
	"net/http"
	"os"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/mockserver"
)

// TestConsoleFetchesAStreamedBody: the live stream carries no bodies; a
// streamed row, opened, fetches its answer's body by request id and shows
// it, and the whole entry with it. A row whose request the journal has let
// go says so.
func TestConsoleFetchesAStreamedBody(t *testing.T) {
	srv := withCatalog(t, mockserver.Config{})
	p := openConsole(t, srv.url, allowCrawlInfo)
	p.do(chromedp.WaitVisible(`button[data-entry="not-found"]`))
	p.openTab("journal")
	p.waitText(`#stream-state`, "Live.")

	// Crawl 404 is answered from outside the page: it arrives by the stream.
	answered := get(t, srv.url+"/crawl/info?id=404&key=k", nil)
	row := `#journal-list li[data-crawl-id="404"]`
	p.do(chromedp.WaitVisible(row))
	assert.False(t, evalJS[bool](p, `"body" in document.querySelector(`+quoteJS(row)+`).entry.response`), "the stream carried no body")
	p.do(chromedp.Click(row + " summary"))
	p.waitText(row, `"code": "NOT_FOUND"`)
	assert.Contains(t, p.text(row), "X-Request-Id", "the headers the stream carried")
	assert.Equal(t, string(answered.body), evalJS[string](p, `document.querySelector(`+quoteJS(row)+`).entry.response.body`), "the whole entry, fetched")
	assert.Contains(t, evalJS[string](p, `document.querySelector(`+quoteJS(row+" .whole-entry")+`).textContent`), `"body": `)
	if _, err := os.Stat(axeScript); err == nil {
		p.axeCheck("the journal, a streamed entry open with its fetched body")
	}

	// A request the journal no longer holds (cleared from outside the page).
	get(t, srv.url+"/crawl/info?id=12345&key=k", nil)
	gone := `#journal-list li[data-crawl-id="12345"]`
	p.do(chromedp.WaitVisible(gone))
	require.Equal(t, http.StatusNoContent, send(t, http.MethodDelete, srv.url+"/__crawlkit/requests", nil).status)
	p.do(chromedp.Click(gone + " summary"))
	p.waitText(gone, "No longer kept")
	assert.Contains(t, p.text(gone), "Content-Type", "the headers still show")
	if _, err := os.Stat(axeScript); err == nil {
		p.axeCheck("the journal, a streamed entry no longer kept")
	}
	assert.Empty(t, p.problems())
}
