package contract_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/contract"
)

// githubReport is a run with a failed case whose names and findings hold
// every character workflow commands and markdown treat specially.
func githubReport() *contract.Report {
	return &contract.Report{
		BaseURL: "http://127.0.0.1:8080/api/v1",
		Passed:  2, Failed: 2, Skipped: 1,
		Cases: []contract.CaseResult{
			{Name: "found/key-query", Outcome: contract.Pass, Status: 200,
				Warnings: []contract.Finding{
					{Check: contract.CheckDrift, Pointer: "/data/extra", Message: "a field the contract does not describe"},
					{Check: contract.CheckCoherence, Message: "processed 5 > total_discovered 3"},
				}},
			{Name: "found/key-header", Outcome: contract.Fail, Status: 200, Failures: []contract.Finding{
				{Check: contract.CheckSchema, Pointer: "/data/id", Message: "\"12%, a: b\"\r\nnext | <b>x</b> is not an integer"},
				{Check: contract.CheckCrawlID, Message: "another crawl"},
			}, Warnings: []contract.Finding{{Check: contract.CheckDrift, Pointer: "/data/more", Message: "another field"}}},
			{Name: "generated/07-id:a,b", Outcome: contract.Fail, Failures: []contract.Finding{
				{Check: contract.CheckTransport, Message: "no answer within 5s"},
			}},
			{Name: "auth/none", Outcome: contract.Pass, Status: 400},
			{Name: "found/bearer", Outcome: contract.Skip, SkipReason: "no --bearer"},
		},
		Coverage: &contract.Coverage{
			Statuses:  map[string]int{"200": 3, "500": 0},
			Codes:     map[string]int{"INVALID_API_KEY": 1},
			Auth:      map[string]int{"none": 1},
			Enums:     map[string]map[string]int{"/data/status": {"finished": 2, "error": 0}},
			NeverSeen: []string{"/data/error", "/data/screenshots/*/cookie"},
		},
	}
}

func TestGitHubAnnotations(t *testing.T) {
	var b strings.Builder
	require.NoError(t, githubReport().WriteGitHubAnnotations(&b))
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	assert.Equal(t, []string{
		"::error title=found/key-header::status 200: [schema] /data/id: \"12%25, a: b\"\\u000d\\u000anext | <b>x</b> is not an integer (and 1 more finding(s))",
		"::error title=generated/07-id%3Aa%2Cb::[transport] no answer within 5s",
		"::warning title=crawlkit contract%3A coherence::1 finding(s) in 1 case(s); first in found/key-query: [coherence] processed 5 > total_discovered 3",
		"::warning title=crawlkit contract%3A drift::2 finding(s) in 2 case(s); first in found/key-query: [drift] /data/extra: a field the contract does not describe",
	}, lines)

	stopped := githubReport()
	stopped.Stopped = "the server at http://x is not answering"
	b.Reset()
	require.NoError(t, stopped.WriteGitHubAnnotations(&b))
	assert.Contains(t, b.String(), "::error title=crawlkit contract stopped::the server at http://x is not answering; 2 passed")
}

func TestGitHubSummary(t *testing.T) {
	var b strings.Builder
	require.NoError(t, githubReport().WriteGitHubSummary(&b))
	md := b.String()
	assert.Contains(t, md, "### crawlkit contract failed: http://127.0.0.1:8080/api/v1\n")
	assert.Contains(t, md, "| 2 | 0 | 2 | 1 | 0 |\n", "the counts")
	assert.Contains(t, md, "| found/key-header | 200 | \\[schema\\] /data/id: \"12%, a: b\"\\\\u000d\\\\u000anext \\| &lt;b&gt;x&lt;/b&gt; is not an integer | 2 |\n",
		"a failed case, its first finding one escaped line, control characters written out as the text report writes them")
	assert.Contains(t, md, "| generated/07-id:a,b | none | \\[transport\\] no answer within 5s | 1 |\n")
	assert.Contains(t, md, "| drift | 2 | 2 | found/key-query: \\[drift\\] /data/extra: a field the contract does not describe |\n")
	assert.Contains(t, md, "| statuses | 200 ×3, 500 never |\n")
	assert.Contains(t, md, "| /data/status | error never, finished ×2 |\n")
	assert.Contains(t, md, "| fields never seen with a value | 2 (listed in the JSON report, and in a verbose one) |\n")
	assert.NotContains(t, md, "cookie", "the fields never seen are counted, not listed")

	b.Reset()
	require.NoError(t, githubReport().WriteGitHubSummary(&b, contract.Verbose()))
	assert.Contains(t, b.String(), "<details><summary>2 fields never seen with a value</summary>\n\n/data/error, /data/screenshots/\\*/cookie\n")

	passed := &contract.Report{BaseURL: "http://x", Passed: 3, Cases: []contract.CaseResult{}}
	b.Reset()
	require.NoError(t, passed.WriteGitHubSummary(&b))
	assert.Contains(t, b.String(), "### crawlkit contract passed: http://x\n")
	assert.NotContains(t, b.String(), "Failed cases")
}

// TestTextReportCountsTheFieldsNeverSeen: the text report counts them and
// lists them only when asked; the JSON report always lists them.
func TestTextReportCountsTheFieldsNeverSeen(t *testing.T) {
	var b strings.Builder
	require.NoError(t, githubReport().WriteText(&b))
	assert.Contains(t, b.String(), "  never seen with a value: 2 fields (listed in the JSON report, and in a verbose one)\n")
	assert.NotContains(t, b.String(), "cookie")

	b.Reset()
	require.NoError(t, githubReport().WriteText(&b, contract.Verbose()))
	assert.Contains(t, b.String(), "  never seen with a value (2): /data/error, /data/screenshots/*/cookie\n")

	b.Reset()
	require.NoError(t, githubReport().WriteJSON(&b))
	assert.Contains(t, b.String(), `"/data/screenshots/*/cookie"`)
}
