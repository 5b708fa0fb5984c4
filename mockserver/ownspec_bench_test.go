package mockserver_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/crawlkit/crawlkit/mockserver"
)

// BenchmarkFreshCrawl measures crawls never made before, with the embedded
// contract and an evolved one.
func BenchmarkFreshCrawl(b *testing.B) {
	for _, tc := range []struct {
		name string
		spec []byte
	}{{"embedded", nil}, {"evolved", nil}} {
		b.Run(tc.name, func(b *testing.B) {
			cfg := mockserver.Config{Seed: 1, CacheEntries: 1}
			if tc.name == "evolved" {
				cfg.Spec, cfg.SpecName = evolvedSpecB(b), "evolved.yaml"
			}
			srv, err := mockserver.New(context.Background(), cfg)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				w := httptest.NewRecorder()
				srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/crawl/info?key=k&id="+strconv.Itoa(100000+i), nil))
				if w.Code != http.StatusOK {
					b.Fatal(w.Code)
				}
			}
		})
	}
}
