package crawl_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/internal/crawl"
)

func coherent() *crawl.Crawl {
	shot := func(id int64, status, url string, code int, errMsg string) crawl.Screenshot {
		return crawl.Screenshot{
			ID: id, Status: status, URL: url, FinalURL: url, FinalURLs: []string{url}, ResponseCode: code, Error: errMsg,
			CreatedAt: "2026-02-01T10:30:00Z", FinishedAt: "2026-02-01T10:30:05Z",
			Links: []string{"https://www.example.com/about"},
		}
	}
	return &crawl.Crawl{
		ID: 1, Status: crawl.StatusFinished, Domain: "example.com", StartURL: "https://example.com/",
		MaxURLs: 10, TotalDiscovered: 4, Processed: 1, Failed: 1,
		CreatedAt: "2026-02-01T10:29:00Z", Started: 1769941780, Finished: 1769941900,
		Screenshots: []crawl.Screenshot{
			shot(10, crawl.StatusFinished, "https://example.com/", 200, ""),
			shot(11, crawl.StatusError, "https://www.example.com/about", 404, "Page returned HTTP 404"),
		},
	}
}

func TestCoherentCrawlPasses(t *testing.T) {
	assert.Empty(t, crawl.Check(coherent()))
}

func TestEachRuleIsCaught(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(c *crawl.Crawl)
		rule    string
		pointer string
	}{
		{"start_url off domain", func(c *crawl.Crawl) { c.StartURL = "https://other.org/" }, crawl.RuleDomain, "/start_url"},
		{"screenshot url off domain", func(c *crawl.Crawl) { c.Screenshots[0].URL = "https://evil.example.net/" }, crawl.RuleDomain, "/screenshots/0/url"},
		{"link off domain", func(c *crawl.Crawl) { c.Screenshots[0].Links = []string{"ftp://example.com/x"} }, crawl.RuleDomain, "/screenshots/0/links/0"},
		{"final_urls off domain", func(c *crawl.Crawl) { c.Screenshots[1].FinalURLs = []string{""} }, crawl.RuleDomain, "/screenshots/1/final_urls/0"},
		{"counters do not add up", func(c *crawl.Crawl) { c.Processed = 5 }, crawl.RuleCounters, "/processed"},
		{"failed miscounted", func(c *crawl.Crawl) { c.Failed, c.Processed = 2, 0 }, crawl.RuleCounters, "/failed"},
		{"more discovered than max", func(c *crawl.Crawl) { c.TotalDiscovered = 11 }, crawl.RuleCounters, "/total_discovered"},
		{"fewer discovered than done", func(c *crawl.Crawl) { c.TotalDiscovered = 1 }, crawl.RuleCounters, "/total_discovered"},
		{"finished shot with error", func(c *crawl.Crawl) { c.Screenshots[0].Error = "boom" }, crawl.RuleShotOutcome, "/screenshots/0/error"},
		{"finished shot with 500", func(c *crawl.Crawl) { c.Screenshots[0].ResponseCode = 500 }, crawl.RuleShotOutcome, "/screenshots/0/response_code"},
		{"failed shot without error", func(c *crawl.Crawl) { c.Screenshots[1].Error = "" }, crawl.RuleShotOutcome, "/screenshots/1/error"},
		{"failed shot with 200", func(c *crawl.Crawl) { c.Screenshots[1].ResponseCode = 200 }, crawl.RuleShotOutcome, "/screenshots/1/response_code"},
		{"in_queue with screenshots", func(c *crawl.Crawl) { c.Status = crawl.StatusInQueue }, crawl.RuleStatus, "/status"},
		{"processing but finished", func(c *crawl.Crawl) { c.Status = crawl.StatusProcessing }, crawl.RuleStatus, "/status"},
		{"finished before started", func(c *crawl.Crawl) { c.Finished = c.Started - 1 }, crawl.RuleStatus, "/finished"},
		{"finished never", func(c *crawl.Crawl) { c.Finished = 0 }, crawl.RuleStatus, "/finished"},
		{"error status without message", func(c *crawl.Crawl) { c.Status = crawl.StatusError }, crawl.RuleStatus, "/error"},
		{"message without error status", func(c *crawl.Crawl) { c.Error = "oops" }, crawl.RuleStatus, "/error"},
		{"screenshot finished before created", func(c *crawl.Crawl) { c.Screenshots[0].FinishedAt = "2026-02-01T10:00:00Z" }, crawl.RuleTimes, "/screenshots/0/finished_at"},
		{"final screenshot without finished_at", func(c *crawl.Crawl) { c.Screenshots[0].FinishedAt = "" }, crawl.RuleTimes, "/screenshots/0/finished_at"},
		{"created after started", func(c *crawl.Crawl) { c.CreatedAt = "2027-01-01T00:00:00Z" }, crawl.RuleTimes, "/created_at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := coherent()
			tt.mutate(c)
			problems := crawl.Check(c)
			require.NotEmpty(t, problems)
			var found bool
			for _, p := range problems {
				if p.Rule == tt.rule && p.Pointer == tt.pointer {
					found = true
				}
				assert.NotEmpty(t, p.Message)
			}
			assert.True(t, found, "want %s at %s, got %v", tt.rule, tt.pointer, problems)
		})
	}
}

func TestOnDomain(t *testing.T) {
	assert.True(t, crawl.OnDomain("https://example.com/a", "example.com"))
	assert.True(t, crawl.OnDomain("http://WWW.Example.com", "example.com"))
	assert.False(t, crawl.OnDomain("https://blog.example.com/", "example.com"))
	assert.False(t, crawl.OnDomain("https://example.com.evil.org/", "example.com"))
	assert.False(t, crawl.OnDomain("", "example.com"))
	assert.False(t, crawl.OnDomain("mailto:a@example.com", "example.com"))
}
