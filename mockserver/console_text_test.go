package mockserver_test

import (
	"bufio"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/internal/browsertest"
	"github.com/crawlkit/crawlkit/mockserver"
)

// TestConsoleShowsControlCharactersEscaped: a request whose path holds an
// escape sequence and a bidi override is listed in the console's journal
// with them written \u001b, \u202e: as text, never acting on the page or
// on whoever copies it into a terminal.
func TestConsoleShowsControlCharactersEscaped(t *testing.T) {
	srv := withCatalog(t, mockserver.Config{})
	browser := browsertest.New(t, time.Minute)
	require.NoError(t, chromedp.Do(browser,
		chromedp.Navigate(srv.url+"/__crawlkit/"),
		chromedp.Click(`#tab-journal`),
	))
	_, err := chromedp.Run(browser, chromedp.Poll[bool](`document.querySelector("#stream-state").innerText === "Live."`,
		chromedp.WithPollingTimeout(10*time.Second)))
	require.NoError(t, err)

	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.url, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.Write([]byte("GET /crawl/info%1b[2J%e2%80%aeevil?id=4321&key=k HTTP/1.1\r\nHost: x\r\n\r\n"))
	require.NoError(t, err)
	status, err := bufio.NewReader(conn).ReadString('\n')
	require.NoError(t, err)
	require.Contains(t, status, "404")

	row := `#journal-list li[data-crawl-id="4321"]`
	require.NoError(t, chromedp.Do(browser, chromedp.WaitVisible(row)))
	shown, err := chromedp.Run(browser, chromedp.Evaluate[string](`document.querySelector(`+quoteJS(row)+`).textContent`))
	require.NoError(t, err)
	assert.Contains(t, shown, `/crawl/info\u001b[2J\u202eevil?id=4321&key=REDACTED`)
	assert.NotContains(t, shown, "\x1b")
	assert.NotContains(t, shown, "\u202e")
}
