package contracttest_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/fstest"

	"github.com/crawlkit/crawlkit/contract"
	"github.com/crawlkit/crawlkit/contract/contracttest"
	"github.com/crawlkit/crawlkit/mockserver"
)

// newService stands for the Go implementation of GET /crawl/info under
// test; here it is crawlkit's own mock, told that crawl 404 does not exist.
func newService() http.Handler {
	gone := "scenarios:\n  - {name: gone, match: {id: 404}, respond: {status: 404}}\n"
	srv, err := mockserver.New(context.Background(), mockserver.Config{
		Fixtures: fstest.MapFS{"scenarios.yaml": {Data: []byte(gone)}},
	})
	if err != nil {
		log.Fatal(err)
	}
	return srv
}

// TestCrawlInfoContract is the pattern for a Go service: start it on an
// httptest.Server and let contracttest.Test run every case as a subtest.
func TestCrawlInfoContract(t *testing.T) {
	ts := httptest.NewServer(newService())
	defer ts.Close()
	contracttest.Test(t, contract.Config{BaseURL: ts.URL, APIKey: "sk_test", CrawlID: 1003, MissingCrawlID: 404})
}

// printer stands in for a test's *testing.T so that the example below runs:
// it prints what the test would report.
type printer struct{ testing.TB }

func (printer) Helper()                             {}
func (printer) Context() context.Context            { return context.Background() }
func (printer) Logf(format string, args ...any)     { fmt.Printf(format+"\n", args...) }
func (printer) Errorf(format string, args ...any)   { fmt.Printf("FAIL "+format+"\n", args...) }
func (p printer) Fatalf(format string, args ...any) { p.Errorf(format, args...) }

// Without a *testing.T (a benchmark's *testing.B, another testing.TB), each
// case is reported to t in turn rather than as a subtest; a skipped case
// names the Config field it needs.
func ExampleTest() {
	ts := httptest.NewServer(newService())
	defer ts.Close()
	rep := contracttest.Test(printer{}, contract.Config{BaseURL: ts.URL, APIKey: "sk_test", CrawlID: 1003, MissingCrawlID: 404})
	fmt.Println(rep.Summary())
	// Output:
	// skipped found/bearer: no bearer token: give Config.Bearer
	// skipped running/progress: no running crawl id: give Config.RunningCrawlID (a crawl still in_queue or processing)
	// 36 passed, 0 failed, 2 skipped
}
