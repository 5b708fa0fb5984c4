package mockserver_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit"
	"github.com/crawlkit/crawlkit/mockserver"
)

// evolvedSpec is openapi.yaml as the API might evolve (testdata/specs/README.md).
func evolvedSpec(t *testing.T) []byte { return evolvedSpecB(t) }

func evolvedSpecB(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("../testdata/specs/evolved.yaml")
	require.NoError(t, err)
	return b
}

func newEvolvedMock(t *testing.T) (*mockserver.Server, *httptest.Server) {
	t.Helper()
	srv, err := mockserver.New(context.Background(), mockserver.Config{
		Spec: evolvedSpec(t), SpecName: "evolved.yaml", Strict: true,
		Fixtures: crawlkit.Fixtures(), Catalog: true, MaxHang: 1,
	})
	require.NoError(t, err)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return srv, ts
}

// ask answers a request, its status, headers and decoded body.
func ask(t *testing.T, url string, header ...string) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var body map[string]any
	_ = json.Unmarshal(b, &body)
	return resp.StatusCode, resp.Header, body
}

func TestEvolvedSpecKeepsEveryAnswerOnTheContract(t *testing.T) {
	srv, ts := newEvolvedMock(t)
	cat := srv.Catalog()
	assert.Contains(t, cat.Statuses, 401)
	assert.Contains(t, cat.Statuses, 429)
	for _, e := range cat.Entries {
		if e.IDs == "429" || e.IDs == "401" {
			assert.False(t, e.OffContract, "%s: documented by the spec, on the contract", e.Name)
			assert.Equal(t, mockserver.GroupErrors, e.Group, e.Name)
		}
	}
	t.Run("catalog", func(t *testing.T) {
		for _, e := range cat.Entries {
			if e.Fault != "" || e.Group == mockserver.GroupSlow {
				continue // faults are off the contract on purpose; slow ones are the same answers later
			}
			polls := 1
			if e.Group == mockserver.GroupProgressions {
				polls = 8 // every poll, to the end and past it
			}
			for poll := range polls {
				status, h, _ := ask(t, ts.URL+e.Try)
				assert.Empty(t, h.Get(mockserver.ViolationsHeader), "%s poll %d (%d)", e.Name, poll, status)
			}
		}
	})
	t.Run("generated", func(t *testing.T) {
		seen := map[string]int{}
		for id := 1; id <= 200; id++ {
			status, h, body := ask(t, ts.URL+"/crawl/info?key=k&id="+strconv.Itoa(id))
			require.Equal(t, http.StatusOK, status, "id %d: %s", id, h.Get(mockserver.ViolationsHeader))
			data := body["data"].(map[string]any)
			assert.Contains(t, data, "project_id", "id %d: a required field the spec added", id)
			if _, ok := data["webhook_url"]; ok {
				seen["webhook_url"]++
			}
			for _, s := range data["screenshots"].([]any) {
				shot := s.(map[string]any)
				assert.Contains(t, shot, "thumbnail_width")
				assert.NotContains(t, shot, "video_colors", "a field the spec dropped")
			}
		}
		assert.Greater(t, seen["webhook_url"], 40, "an optional field the spec added is in some crawls")
		assert.Less(t, seen["webhook_url"], 160, "but not in all")
	})
	t.Run("documented statuses", func(t *testing.T) {
		for _, code := range []int{401, 429} {
			status, h, body := ask(t, ts.URL+"/crawl/info?key=k&id=7", "Prefer", "code="+strconv.Itoa(code))
			assert.Equal(t, code, status)
			assert.Empty(t, h.Get(mockserver.ViolationsHeader))
			assert.Empty(t, h.Get(mockserver.OffContractHeader), "documented: on the contract")
			assert.Equal(t, false, body["success"])
		}
		_, h, _ := ask(t, ts.URL+"/crawl/info?key=k&id=429")
		assert.Equal(t, "30", h.Get("Retry-After"), "the header its response declares")
		assert.Empty(t, h.Get(mockserver.OffContractHeader))
	})
	t.Run("new crawl status", func(t *testing.T) {
		status, h, body := ask(t, ts.URL+"/crawl/info?key=k&id=9", "Prefer", "status=paused")
		require.Equal(t, http.StatusOK, status, h.Get(mockserver.ViolationsHeader))
		assert.Equal(t, "paused", body["data"].(map[string]any)["status"])
		status, _, _ = ask(t, ts.URL+"/crawl/info?key=k&id=9", "Prefer", "status=sleeping")
		assert.Equal(t, http.StatusBadRequest, status)
	})
}

func TestEvolvedSpecAdaptsTheShippedFixture(t *testing.T) {
	_, ts := newEvolvedMock(t)
	status, h, body := ask(t, ts.URL+"/crawl/info?key=k&id=12345")
	require.Equal(t, http.StatusOK, status, h.Get(mockserver.ViolationsHeader))
	assert.Equal(t, "fixture", h.Get(mockserver.AnsweredByHeader))
	data := body["data"].(map[string]any)
	assert.Contains(t, data, "project_id")
	shot := data["screenshots"].([]any)[0].(map[string]any)
	assert.Contains(t, shot, "thumbnail_width")
	assert.NotContains(t, shot, "video_colors")
}

func TestEmbeddedSpecSendsTheGeneratorsCrawlsAsTheyAre(t *testing.T) {
	embedded, err := mockserver.New(context.Background(), mockserver.Config{Seed: 3, Now: ownSpecDay})
	require.NoError(t, err)
	same, err := mockserver.New(context.Background(), mockserver.Config{Seed: 3, Now: ownSpecDay, Spec: crawlkit.OpenAPIYAML(), SpecName: "openapi.yaml"})
	require.NoError(t, err)
	for _, id := range []string{"1", "77", "12346"} {
		a, b := httptest.NewRecorder(), httptest.NewRecorder()
		embedded.ServeHTTP(a, httptest.NewRequest(http.MethodGet, "/crawl/info?key=k&id="+id, nil))
		same.ServeHTTP(b, httptest.NewRequest(http.MethodGet, "/crawl/info?key=k&id="+id, nil))
		assert.Equal(t, a.Body.String(), b.Body.String(), "id %s: the embedded spec given as a file changes nothing", id)
	}
}

// ownSpecDay pins generated crawls in time.
var ownSpecDay = time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)

func TestEvolvedStatusInAProgression(t *testing.T) {
	srv, ts := newEvolvedMock(t)
	_, err := srv.AddScenarios(context.Background(), []byte(`
scenarios:
  - name: pauses
    match: {id: 4242}
    respond: {progression: {statuses: [in_queue, processing, paused, processing, finished], screenshots: 6}}
`))
	require.NoError(t, err)
	var seen []string
	for range 6 {
		status, h, body := ask(t, ts.URL+"/crawl/info?key=k&id=4242")
		require.Equal(t, http.StatusOK, status, h.Get(mockserver.ViolationsHeader))
		seen = append(seen, body["data"].(map[string]any)["status"].(string))
	}
	assert.Equal(t, []string{"in_queue", "processing", "paused", "processing", "finished", "finished"}, seen)
}
