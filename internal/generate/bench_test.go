package generate_test

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/internal/envelope"
	"github.com/crawlkit/crawlkit/internal/generate"
)

func BenchmarkCrawl(b *testing.B) {
	g := generate.New(1, time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	for _, n := range []int{20, 10000} {
		b.Run(strconv.Itoa(n)+"-screenshots", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, err := g.Crawl(int64(i+1), generate.Options{Status: "finished", Screenshots: n, SetScreenshots: true}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEncode(b *testing.B) {
	for _, n := range []int{20, 10000} {
		c, err := generate.New(1, time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)).Crawl(1, generate.Options{Status: "finished", Screenshots: n, SetScreenshots: true})
		require.NoError(b, err)
		b.Run(strconv.Itoa(n)+"-screenshots", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := json.Marshal(envelope.NewSuccess(c)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
