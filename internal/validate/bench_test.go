package validate_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/internal/crawl"
	"github.com/crawlkit/crawlkit/internal/envelope"
	"github.com/crawlkit/crawlkit/internal/generate"
)

func BenchmarkRoute(b *testing.B) {
	v := newValidator(b)
	r := httptest.NewRequest(http.MethodGet, "/crawl/info?id=12345&key=demo", nil)
	b.ReportAllocs()
	for b.Loop() {
		if err := v.Route(r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRequest(b *testing.B) {
	v := newValidator(b)
	r := httptest.NewRequest(http.MethodGet, "/crawl/info?id=12345&key=demo", nil)
	b.ReportAllocs()
	for b.Loop() {
		if f := v.Request(context.Background(), r); f != nil {
			b.Fatal(f)
		}
	}
}

// benchCrawls are generated crawls of 1, 20 and 10,000 screenshots, with
// their encoded bodies.
func benchCrawls(b *testing.B) (sizes []int, crawls []*crawl.Crawl, bodies [][]byte) {
	for _, n := range []int{1, 20, 10000} {
		c, err := generate.New(1, time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)).Crawl(1, generate.Options{Status: "finished", Screenshots: n, SetScreenshots: true})
		require.NoError(b, err)
		body, err := json.Marshal(envelope.NewSuccess(c))
		require.NoError(b, err)
		sizes, crawls, bodies = append(sizes, n), append(crawls, c), append(bodies, body)
	}
	return sizes, crawls, bodies
}

func BenchmarkResponse(b *testing.B) {
	v := newValidator(b)
	sizes, _, bodies := benchCrawls(b)
	for i, body := range bodies {
		b.Run(screenshots(sizes[i]), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if vs := v.JSONResponse(context.Background(), http.StatusOK, body); len(vs) > 0 {
					b.Fatal(vs)
				}
			}
		})
	}
}

// BenchmarkValue is BenchmarkResponse's work for the fast check: the crawl
// checked as the Go value the generator made, not encoded.
func BenchmarkValue(b *testing.B) {
	v := newValidator(b)
	sizes, crawls, bodies := benchCrawls(b)
	for i, c := range crawls {
		b.Run(screenshots(sizes[i]), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bodies[i])))
			for b.Loop() {
				if vs := v.Value(context.Background(), http.StatusOK, envelope.NewSuccess(c)); len(vs) > 0 {
					b.Fatal(vs)
				}
			}
		})
	}
}

func screenshots(n int) string {
	return map[int]string{1: "1-screenshot", 20: "20-screenshots", 10000: "10000-screenshots"}[n]
}
