package crawl_test

import (
	"testing"
	"time"

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
		MaxURLs: 10, TotalDiscovered: 2, Processed: 1, Failed: 1,
		CreatedAt: "2026-02-01T10:29:00Z", Started: 1769941780, Finished: 1769941900,
		Screenshots: []crawl.Screenshot{
			shot(10, crawl.StatusFinished, "https://example.com/", 200, ""),
			shot(11, crawl.StatusError, "https://www.example.com/about", 404, "Page returned HTTP 404"),
		},
	}
}

// answered is when the coherent crawl was answered: a day after it ended.
var answered = time.Date(2026, 2, 2, 10, 0, 0, 0, time.UTC)

func TestCoherentCrawlPasses(t *testing.T) {
	assert.Empty(t, crawl.Check(coherent(), time.Time{}))
	assert.Empty(t, crawl.Check(coherent(), answered))
	assert.Empty(t, crawl.Check(processing(), answered))
}

// processing is the coherent crawl still at work: its second page is
// being taken, and more are to come.
func processing() *crawl.Crawl {
	c := coherent()
	c.Status, c.Finished, c.TotalDiscovered, c.Failed = crawl.StatusProcessing, 0, 5, 0
	c.CreatedAt, c.Started = "2026-02-02T09:50:00Z", answered.Add(-9*time.Minute).Unix()
	c.Screenshots[0].CreatedAt, c.Screenshots[0].FinishedAt = "2026-02-02T09:52:00Z", "2026-02-02T09:52:09Z"
	s := &c.Screenshots[1]
	s.Status, s.Error, s.ResponseCode, s.FinishedAt, s.CreatedAt = crawl.StatusProcessing, "", 0, "", "2026-02-02T09:52:10Z"
	return c
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
		{"finished with pages left", func(c *crawl.Crawl) { c.TotalDiscovered = 4 }, crawl.RuleFinishedAddsUp, "/total_discovered"},
		{"a pending screenshot in a finished crawl", func(c *crawl.Crawl) {
			c.Screenshots[1] = processing().Screenshots[1]
			c.Failed, c.TotalDiscovered = 0, 1
		}, crawl.RuleStatus, "/status"},
		{"start URL unreachable yet processed", func(c *crawl.Crawl) { c.Status, c.Error = crawl.StatusError, crawl.ErrStartURLUnreachable }, crawl.RuleErrorExplained, "/processed"},
		{"start URL unreachable yet its shot finished", func(c *crawl.Crawl) { c.Status, c.Error = crawl.StatusError, crawl.ErrStartURLUnreachable }, crawl.RuleErrorExplained, "/screenshots/0/status"},
		{"too many failed with none failed", func(c *crawl.Crawl) {
			c.Status, c.Error, c.Failed, c.TotalDiscovered = crawl.StatusError, crawl.ErrTooManyFailed, 0, 1
			c.Screenshots = c.Screenshots[:1]
		}, crawl.RuleErrorExplained, "/failed"},
		{"a timeout sooner than its limit", func(c *crawl.Crawl) { c.Status, c.Error = crawl.StatusError, crawl.ErrTimeout(time.Hour) }, crawl.RuleErrorExplained, "/finished"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := coherent()
			tt.mutate(c)
			problems := crawl.Check(c, time.Time{})
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

// TestRunningRules holds a crawl at work to its own rules, as of when it
// was answered.
func TestRunningRules(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(c *crawl.Crawl)
		rule    string
		pointer string
	}{
		{"processing with nothing left", func(c *crawl.Crawl) { c.TotalDiscovered = 1 }, crawl.RulePagesLeft, "/total_discovered"},
		{"fewer discovered than screenshots", func(c *crawl.Crawl) { c.TotalDiscovered = 1 }, crawl.RuleCounters, "/total_discovered"},
		{"a pending screenshot with an outcome", func(c *crawl.Crawl) { c.Screenshots[1].ResponseCode = 200 }, crawl.RuleShotOutcome, "/screenshots/1"},
		{"processing since last year", func(c *crawl.Crawl) { c.Started = answered.AddDate(-1, 0, 0).Unix() }, crawl.RuleRecent, "/started"},
		{"queued since last week", func(c *crawl.Crawl) {
			c.Status, c.Started, c.TotalDiscovered, c.Processed, c.Screenshots = crawl.StatusInQueue, 0, 0, 0, nil
			c.CreatedAt = answered.AddDate(0, 0, -7).Format(time.RFC3339)
		}, crawl.RuleRecent, "/created_at"},
		{"started in the future", func(c *crawl.Crawl) { c.Started = answered.Add(time.Hour).Unix() }, crawl.RuleRecent, "/started"},
		{"a screenshot finished in the future", func(c *crawl.Crawl) { c.Screenshots[0].FinishedAt = "2026-02-03T00:00:00Z" }, crawl.RuleRecent, "/screenshots/0/finished_at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := processing()
			tt.mutate(c)
			var found bool
			for _, p := range crawl.Check(c, answered) {
				found = found || (p.Rule == tt.rule && p.Pointer == tt.pointer)
			}
			assert.True(t, found, "want %s at %s", tt.rule, tt.pointer)
		})
	}
	stale := processing()
	stale.Started = answered.AddDate(-1, 0, 0).Unix()
	stale.CreatedAt = answered.AddDate(-1, 0, 0).Format(time.RFC3339)
	assert.Empty(t, crawl.Check(stale, time.Time{}), "without a now, recency is not judged")
}

func TestOnDomain(t *testing.T) {
	assert.True(t, crawl.OnDomain("https://example.com/a", "example.com"))
	assert.True(t, crawl.OnDomain("http://WWW.Example.com", "example.com"))
	assert.False(t, crawl.OnDomain("https://blog.example.com/", "example.com"))
	assert.False(t, crawl.OnDomain("https://example.com.evil.org/", "example.com"))
	assert.False(t, crawl.OnDomain("", "example.com"))
	assert.False(t, crawl.OnDomain("mailto:a@example.com", "example.com"))
}
