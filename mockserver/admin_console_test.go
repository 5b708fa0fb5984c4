package mockserver_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/mockserver"
)

// TestAdvanceProgression: a polled progression moves one step a call, as if
// polled, never past its last step; the next poll answers the step after.
func TestAdvanceProgression(t *testing.T) {
	srv := withCatalog(t, mockserver.Config{Seed: 1})
	url := srv.url + "/__crawlkit/progressions/advance"
	status := func() string {
		var body struct{ Progressions []mockserver.Progression }
		require.NoError(t, json.Unmarshal(get(t, srv.url+"/__crawlkit/progressions", nil).body, &body))
		require.Len(t, body.Progressions, 1)
		return body.Progressions[0].Status
	}
	post(t, url, `{"rule": "progress-error", "id": 7002}`, http.StatusNotFound)
	get(t, srv.url+"/crawl/info?id=7002&key=k", nil)
	require.Equal(t, "in_queue", status())
	post(t, url, `{"rule": "progress-error", "id": 7002}`, http.StatusOK)
	assert.Equal(t, "processing", status())
	for range 5 {
		post(t, url, `{"rule": "progress-error"}`, http.StatusOK)
	}
	assert.Equal(t, "error", status(), "never past the last step")
	assert.Equal(t, "error", crawlOf(t, get(t, srv.url+"/crawl/info?id=7002&key=k", nil)).Status)

	tests := []struct{ name, body, wantErr string }{
		{"not JSON", `rule=x`, "Invalid body"},
		{"unknown field", `{"rule": "progress-error", "step": 2}`, "unknown field"},
		{"no rule", `{"id": 7002}`, "rule"},
		{"negative id", `{"rule": "progress-error", "id": -1}`, "id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := post(t, url, tt.body, http.StatusBadRequest)
			assert.Contains(t, string(body), tt.wantErr)
			assert.Contains(t, string(body), "VALIDATION_ERROR")
		})
	}
	post(t, url, `{"rule": "progress-error", "id": 7003}`, http.StatusNotFound)
	post(t, url, `{"rule": "not-found"}`, http.StatusNotFound)
}

// TestCatalogForTheConsole: each entry says its group and fault, and the
// catalog how long a hang lasts.
func TestCatalogForTheConsole(t *testing.T) {
	srv := withCatalog(t, mockserver.Config{MaxHang: 90 * time.Second})
	post(t, srv.url+"/__crawlkit/scenarios", "scenarios:\n  - name: mine\n    match: {id: 4242}\n    respond: {status: 500}\n", http.StatusCreated)
	var c mockserver.Catalog
	require.NoError(t, json.Unmarshal(get(t, srv.url+"/__crawlkit/catalog", nil).body, &c))
	assert.Equal(t, int64(90_000), c.MaxHangMS)
	groups := map[string]mockserver.CatalogEntry{}
	for _, e := range c.Entries {
		groups[e.Name] = e
	}
	want := map[string]string{
		"mine":                     mockserver.GroupAdded,
		"fixture crawl-12345.json": mockserver.GroupCrawls,
		"finished":                 mockserver.GroupCrawls,
		"bad-request":              mockserver.GroupErrors,
		"not-found":                mockserver.GroupErrors,
		"rate-limited":             mockserver.GroupOffContract,
		"slow":                     mockserver.GroupSlow,
		"fault-hang":               mockserver.GroupFaults,
		"progress-finished":        mockserver.GroupProgressions,
	}
	for name, group := range want {
		assert.Equal(t, group, groups[name].Group, name)
	}
	assert.Equal(t, "hang", groups["fault-hang"].Fault)
	for _, e := range c.Entries {
		assert.NotEmpty(t, e.Group, e.Name)
		assert.False(t, strings.Contains(e.Group, "fault") && e.Fault == "", e.Name)
	}
}
