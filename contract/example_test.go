package contract_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"
	"os"
	"time"

	"github.com/crawlkit/crawlkit/contract"
	"github.com/crawlkit/crawlkit/mockserver"
)

// Check an implementation, here crawlkit's own mock, and print the report
// a person reads. Against a mock the kit takes the crawl ids it needs from
// the mock's catalog; against a real API, set CrawlID and MissingCrawlID.
func ExampleRun() {
	srv, err := mockserver.New(context.Background(), mockserver.Config{Catalog: true})
	if err != nil {
		log.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	rep, err := contract.Run(context.Background(), contract.Config{BaseURL: ts.URL, APIKey: "sk_test", PollInterval: 10 * time.Millisecond})
	if err != nil {
		log.Fatal(err) // a bad Config, or nothing listening
	}
	for _, c := range rep.Cases {
		if c.Outcome == contract.Skip {
			fmt.Println("skipped", c.Name+":", c.SkipReason)
		}
	}
	fmt.Println(rep.OK(), rep.Summary())
	if !rep.OK() {
		_ = rep.WriteText(os.Stdout) // each failure with a curl command
	}
	// Output:
	// skipped found/bearer: no bearer token: give Config.Bearer
	// true 37 passed, 0 failed, 1 skipped
}
