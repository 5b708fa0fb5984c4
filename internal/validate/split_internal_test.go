package validate

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/internal/envelope"
	"github.com/crawlkit/crawlkit/internal/generate"
	"github.com/crawlkit/crawlkit/internal/spec"
)

// TestSplitVerdictIsTheWholeVerdict holds the parallel check of a large
// body to the verdict of the check in one piece, on a valid body and on one
// broken in the envelope, the crawl and several screenshots.
func TestSplitVerdictIsTheWholeVerdict(t *testing.T) {
	doc, err := spec.Load(context.Background())
	require.NoError(t, err)
	v, err := New(doc)
	require.NoError(t, err)
	require.NotNil(t, v.split, "the contract's screenshots can be split")

	c, err := generate.New(1, time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)).Crawl(1, generate.Options{Status: "finished", Screenshots: 900, SetScreenshots: true})
	require.NoError(t, err)
	good, err := json.Marshal(envelope.NewSuccess(c))
	require.NoError(t, err)
	require.Greater(t, len(good), splitThreshold)

	var m map[string]any
	require.NoError(t, json.Unmarshal(good, &m))
	data := m["data"].(map[string]any)
	data["status"] = "done"
	delete(data, "domain")
	shots := data["screenshots"].([]any)
	shots[3].(map[string]any)["priority"] = 9
	delete(shots[500].(map[string]any), "url")
	shots[899].(map[string]any)["created_at"] = "yesterday"
	bad, err := json.Marshal(m)
	require.NoError(t, err)

	header := http.Header{"Content-Type": {"application/json"}}
	for name, body := range map[string][]byte{"valid": good, "broken": bad} {
		split, ok := v.splitResponse(context.Background(), nil, http.StatusOK, header, body)
		require.True(t, ok, name)
		whole := v.wholeResponse(context.Background(), nil, http.StatusOK, header, body)
		assert.ElementsMatch(t, whole, split, name)
	}
	split, _ := v.splitResponse(context.Background(), nil, http.StatusOK, header, bad)
	pointers := make([]string, len(split))
	for i, vi := range split {
		pointers[i] = vi.Pointer
	}
	assert.Subset(t, pointers, []string{"/data/status", "/data/domain", "/data/screenshots/3/priority", "/data/screenshots/500/url", "/data/screenshots/899/created_at"})

	_, ok := v.splitResponse(context.Background(), nil, http.StatusOK, header, []byte(`{"success":true,"data":{"screenshots":"no"}}`))
	assert.False(t, ok, "not the expected shape: checked whole")
}
