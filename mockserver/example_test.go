package mockserver_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/crawlkit/crawlkit"
	"github.com/crawlkit/crawlkit/mockserver"
)

// A mock on a loopback port for a test, with the shipped fixtures and
// catalog: crawl 12345 is the reference page's example.
func Example() {
	srv, err := mockserver.New(context.Background(), mockserver.Config{
		Seed:     1,
		Fixtures: crawlkit.Fixtures(),
		Catalog:  true,
	})
	if err != nil {
		log.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	resp, err := http.Get(ts.URL + "/crawl/info?id=12345&key=demo")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Success bool
		Data    struct {
			ID     int64
			Status string
			Domain string
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.StatusCode, body.Data.ID, body.Data.Status, body.Data.Domain)
	// Output: 200 12345 finished example.com
}

// Any error the contract documents, on demand: the Prefer header (or the
// same as a __code query parameter) picks the answer; credentials and
// parameters are still checked first.
func Example_prefer() {
	srv, err := mockserver.New(context.Background(), mockserver.Config{Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	for _, prefer := range []string{"code=404", "code=500", "example=validation_error"} {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/crawl/info?id=42&key=demo", nil)
		req.Header.Set("Prefer", prefer)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		var body struct{ Code string }
		_ = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		fmt.Println(prefer, "->", resp.StatusCode, body.Code, resp.Header.Get(mockserver.AnsweredByHeader))
	}
	// Output:
	// code=404 -> 404 NOT_FOUND override
	// code=500 -> 500 INTERNAL_ERROR override
	// example=validation_error -> 400 VALIDATION_ERROR override
}

// What the running server answers with nothing but a crawl id.
func ExampleServer_Catalog() {
	srv, err := mockserver.New(context.Background(), mockserver.Config{Catalog: true})
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range srv.Catalog().Entries[:3] {
		fmt.Println(e.IDs, e.Name, e.Try)
	}
	// Output:
	// 400 bad-request /crawl/info?id=400&key=demo
	// 404 not-found /crawl/info?id=404&key=demo
	// 500 server-error /crawl/info?id=500&key=demo
}
