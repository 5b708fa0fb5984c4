package mockserver_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit"
	"github.com/crawlkit/crawlkit/mockserver"
)

func benchServer(b *testing.B) *mockserver.Server {
	b.Helper()
	srv, err := mockserver.New(context.Background(), mockserver.Config{Seed: 1, Fixtures: crawlkit.Fixtures(), Catalog: true, CORS: true})
	require.NoError(b, err)
	return srv
}

func benchRequests(b *testing.B, srv http.Handler, target func(i int) string, header map[string]string) {
	b.Helper()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := httptest.NewRequest(http.MethodGet, target(i), nil)
		for k, v := range header {
			r.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, r)
		if rec.Code >= 500 {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

// BenchmarkHandler measures the whole handler, every check on, per answer kind.
func BenchmarkHandler(b *testing.B) {
	srv := benchServer(b)
	fixed := func(q string) func(int) string { return func(int) string { return "/crawl/info?" + q } }
	b.Run("seed-crawl", func(b *testing.B) { benchRequests(b, srv, fixed("id=12345&key=demo"), nil) })
	b.Run("generated-cached", func(b *testing.B) { benchRequests(b, srv, fixed("id=42&key=demo"), nil) })
	b.Run("generated-fresh", func(b *testing.B) {
		benchRequests(b, srv, func(i int) string { return "/crawl/info?key=demo&id=" + strconv.Itoa(100000+i) }, nil)
	})
	b.Run("huge-10000", func(b *testing.B) { benchRequests(b, srv, fixed("id=10000&key=demo"), nil) })
	b.Run("bad-key-400", func(b *testing.B) { benchRequests(b, srv, fixed("id=1&key=invalid"), nil) })
	b.Run("forced-404", func(b *testing.B) {
		benchRequests(b, srv, fixed("id=1&key=demo"), map[string]string{"Prefer": "code=404"})
	})
	b.Run("bad-id-400", func(b *testing.B) { benchRequests(b, srv, fixed("id=abc&key=demo"), nil) })
}
