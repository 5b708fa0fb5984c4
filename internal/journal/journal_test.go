package journal_test

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/internal/journal"
)

func TestRedactedURL(t *testing.T) {
	for raw, want := range map[string]string{
		"/crawl/info":                        "/crawl/info",
		"/crawl/info?id=1":                   "/crawl/info?id=1",
		"/crawl/info?id=1&key=sk_secret":     "/crawl/info?id=1&key=REDACTED",
		"/crawl/info?key=a&key=b&id=2":       "/crawl/info?key=REDACTED&key=REDACTED&id=2",
		"/crawl/info?%6Bey=sk_secret":        "/crawl/info?key=REDACTED",
		"/crawl/info?keys=x&monkey=y":        "/crawl/info?keys=x&monkey=y",
		"/crawl/info?%zz=1&key=sk_secret":    "/crawl/info?(undecodable query)",
		"/api/v1/crawl/info?id=1&key=&x=%20": "/api/v1/crawl/info?id=1&key=REDACTED&x=%20",
	} {
		u, err := url.Parse(raw)
		require.NoError(t, err)
		assert.Equal(t, want, journal.RedactedURL(u), raw)
	}
	// The parameters a spec takes its API key in, beside key.
	for raw, want := range map[string]string{
		"/crawl/info?id=1&api_token=sk_secret": "/crawl/info?id=1&api_token=REDACTED",
		"/crawl/info?api%5Ftoken=sk_secret":    "/crawl/info?api_token=REDACTED",
		"/crawl/info?key=a&api_tokens=b":       "/crawl/info?key=REDACTED&api_tokens=b",
	} {
		u, err := url.Parse(raw)
		require.NoError(t, err)
		assert.Equal(t, want, journal.RedactedURL(u, "api_token"), raw)
	}
}

func TestJournalIsABoundedRingNewestFirst(t *testing.T) {
	j := journal.New(3)
	for i := int64(1); i <= 5; i++ {
		u, _ := url.Parse("/crawl/info?key=secret&id=" + string(rune('0'+i)))
		j.Add(journal.Entry{CrawlID: i, Status: 200 + int(i%2)*200}, u)
	}
	all := j.List(journal.Filter{})
	require.Len(t, all, 3)
	assert.Equal(t, []int64{5, 4, 3}, []int64{all[0].CrawlID, all[1].CrawlID, all[2].CrawlID})
	assert.Equal(t, "/crawl/info?key=REDACTED&id=5", all[0].URL)
	assert.Len(t, j.List(journal.Filter{Status: 400}), 2)
	assert.Len(t, j.List(journal.Filter{CrawlID: 4}), 1)
	assert.Len(t, j.List(journal.Filter{Limit: 1}), 1)
	j.Clear()
	assert.Empty(t, j.List(journal.Filter{}))
}
