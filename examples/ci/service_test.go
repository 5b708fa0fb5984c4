package ci_test

import (
	"encoding/json"
	"io/fs"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit"
	"github.com/crawlkit/crawlkit/contract"
	"github.com/crawlkit/crawlkit/contract/contracttest"
	"github.com/crawlkit/crawlkit/examples/ci"
)

// TestServiceKeepsTheContract is the pattern for a Go service: start it on
// an httptest.Server and let contracttest.Test run every case as a subtest.
// The service serves the reference page's crawl, shipped as a fixture.
func TestServiceKeepsTheContract(t *testing.T) {
	raw, err := fs.ReadFile(crawlkit.Fixtures(), "crawl-12345.json")
	require.NoError(t, err)
	var env struct{ Data json.RawMessage }
	require.NoError(t, json.Unmarshal(raw, &env))
	svc := &ci.Service{Keys: map[string]bool{"sk_test_ci": true}, Crawls: map[int64]json.RawMessage{12345: env.Data}}
	ts := httptest.NewServer(svc)
	defer ts.Close()

	rep := contracttest.Test(t, contract.Config{BaseURL: ts.URL, APIKey: "sk_test_ci", CrawlID: 12345, MissingCrawlID: 999})
	require.True(t, rep.OK())
	require.Equal(t, 2, rep.Skipped, "the bearer case (this service takes no JWTs) and the running crawl (it has none)")
}
