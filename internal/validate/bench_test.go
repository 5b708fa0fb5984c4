package validate_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

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

func BenchmarkResponse(b *testing.B) {
	v := newValidator(b)
	for _, n := range []int{1, 20, 10000} {
		c, err := generate.New(1, time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)).Crawl(1, generate.Options{Status: "finished", Screenshots: n, SetScreenshots: true})
		require.NoError(b, err)
		body, err := json.Marshal(envelope.NewSuccess(c))
		require.NoError(b, err)
		b.Run(strconv.Itoa(n)+"-screenshots", func(b *testing.B) {
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

func screenshots(n int) string {
	return map[int]string{1: "1-screenshot", 20: "20-screenshots", 10000: "10000-screenshots"}[n]
}
