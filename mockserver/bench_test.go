package mockserver_test

import (
	"bufio"
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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
	b.Run("huge-10000-fresh", func(b *testing.B) { // a new seed each time: made, checked and streamed
		benchRequests(b, srv, func(i int) string { return "/crawl/info?id=10000&key=demo&__seed=" + strconv.Itoa(1000+i) }, nil)
	})
	b.Run("bad-key-400", func(b *testing.B) { benchRequests(b, srv, fixed("id=1&key=invalid"), nil) })
	b.Run("forced-404", func(b *testing.B) {
		benchRequests(b, srv, fixed("id=1&key=demo"), map[string]string{"Prefer": "code=404"})
	})
	b.Run("bad-id-400", func(b *testing.B) { benchRequests(b, srv, fixed("id=abc&key=demo"), nil) })
}

// BenchmarkSeedCrawlWithStreams is the seed crawl's rate with 0 and 5 live
// journal streams open, each read by a browser-like client over loopback:
// the streams must cost the request path little (goal: under 10%).
func BenchmarkSeedCrawlWithStreams(b *testing.B) {
	for _, streams := range []int{0, 5} {
		b.Run("streams-"+strconv.Itoa(streams), func(b *testing.B) {
			srv := benchServer(b)
			ts := httptest.NewServer(srv)
			defer ts.Close()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var readers sync.WaitGroup
			var delivered atomic.Int64
			for range streams {
				req, err := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+"/__crawlkit/requests/stream", nil)
				require.NoError(b, err)
				resp, err := http.DefaultClient.Do(req)
				require.NoError(b, err)
				readers.Add(1)
				go func() {
					defer readers.Done()
					defer resp.Body.Close()
					lines := bufio.NewScanner(resp.Body)
					for lines.Scan() {
						if bytes.HasPrefix(lines.Bytes(), []byte("data: ")) {
							delivered.Add(1)
						}
					}
				}()
			}
			benchRequests(b, srv, func(int) string { return "/crawl/info?id=12345&key=demo" }, nil)
			b.StopTimer()
			time.Sleep(100 * time.Millisecond) // let the streams drain
			cancel()
			readers.Wait()
			if streams > 0 {
				// 1 when every stream carried every request; less when one
				// fell behind and was dropped.
				b.ReportMetric(float64(delivered.Load())/float64(streams*b.N), "delivered/req")
			}
		})
	}
}
