package mockserver_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/crawlkit/crawlkit/mockserver"
)

// A test adds the case it needs, checks what the code under test asked
// for and got, and leaves the mock as it found it.
func ExampleServer_AddScenarios() {
	ctx := context.Background()
	srv, err := mockserver.New(ctx, mockserver.Config{Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	_, err = srv.AddScenarios(ctx, []byte(`
scenarios:
  - name: checkout-down
    match: {id: 42}
    respond: {status: 500, delay: 200ms}
`))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.RemoveScenarios("checkout-down")

	resp, err := http.Get(ts.URL + "/crawl/info?id=42&key=demo") // the code under test
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()

	for _, r := range srv.Requests(mockserver.RequestFilter{Rule: "checkout-down"}) {
		fmt.Println(r.Status, r.URL, r.Response.Headers["Content-Type"])
	}
	srv.Reset() // an empty journal for the next test
	fmt.Println(len(srv.Requests(mockserver.RequestFilter{})))
	// Output:
	// 500 /crawl/info?id=42&key=REDACTED application/json; charset=utf-8
	// 0
}

// A text with problems adds nothing: each problem is a *ScenarioError at
// the line of the field that is wrong.
func ExampleScenarioError() {
	srv, err := mockserver.New(context.Background(), mockserver.Config{})
	if err != nil {
		log.Fatal(err)
	}
	_, err = srv.AddScenarios(context.Background(), []byte(`scenarios:
  - name: teapot
    match: {id: 418}
    respond:
      status: 418
  - name: slow
    respond: {delay: 300}
`))
	fmt.Println(err)
	// Output:
	// line 5: scenario "teapot": respond.status 418: the contract does not document it (documented: 200, 400, 404, 500); add off_contract: true to answer it on purpose
	// line 7: scenario "slow": delay: 300: a duration needs a unit, as 300ms or 2s
}
