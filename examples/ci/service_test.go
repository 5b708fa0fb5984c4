package ci_test

import (
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/contract"
	"github.com/crawlkit/crawlkit/contract/contracttest"
	"github.com/crawlkit/crawlkit/examples/ci"
	"github.com/crawlkit/crawlkit/internal/crawl"
	"github.com/crawlkit/crawlkit/internal/generate"
)

// TestServiceKeepsTheContract is the pattern for a Go service: start it on
// an httptest.Server and let contracttest.Test run every case as a subtest.
func TestServiceKeepsTheContract(t *testing.T) {
	c, err := generate.New(1).Crawl(12345, generate.Options{Status: crawl.StatusFinished, Screenshots: 3, SetScreenshots: true})
	require.NoError(t, err)
	svc := &ci.Service{Keys: map[string]bool{"sk_test_ci": true}, Crawls: map[int64]*crawl.Crawl{12345: c}}
	ts := httptest.NewServer(svc)
	defer ts.Close()

	rep := contracttest.Test(t, contract.Config{BaseURL: ts.URL, APIKey: "sk_test_ci", CrawlID: 12345, MissingCrawlID: 999})
	require.True(t, rep.OK())
	require.Equal(t, 1, rep.Skipped, "only the bearer case, this service takes no JWTs")
}
