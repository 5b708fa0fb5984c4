package fixtureset_test

import (
	"context"
	"errors"
	"io/fs"
	"net/http"
	"testing"

	"github.com/crawlkit/crawlkit"
	"github.com/crawlkit/crawlkit/internal/fixtureset"
	"github.com/crawlkit/crawlkit/internal/validate"
)

// FuzzParse feeds the fixture loader anything: it never panics, refuses
// with ErrInvalid, and what it accepts is a valid 200 body for a crawl id of
// at least 1.
func FuzzParse(f *testing.F) {
	v, err := validate.Load(context.Background())
	if err != nil {
		f.Fatal(err)
	}
	seed, err := fs.ReadFile(crawlkit.Fixtures(), "crawl-12345.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte(`{"success":true,"data":{"id":1}}`))
	f.Add([]byte(`{"success":true,"data":{"id":1e400}}`))
	f.Add([]byte(`{"success":false,"error":"x","code":"X","details":{"request_id":"r"}}`))
	f.Add([]byte("{\"success\":true,\xff"))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		fx, err := fixtureset.Parse(context.Background(), "fuzz.json", body, v)
		if err != nil {
			if !errors.Is(err, fixtureset.ErrInvalid) {
				t.Fatalf("error without ErrInvalid: %v", err)
			}
			return
		}
		if fx.ID < 1 {
			t.Fatalf("accepted crawl id %d", fx.ID)
		}
		if vs := v.JSONResponse(context.Background(), http.StatusOK, fx.Body); len(vs) > 0 {
			t.Fatalf("accepted a body that breaks the contract: %v", vs)
		}
	})
}
