package shape_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/internal/generate"
	"github.com/crawlkit/crawlkit/internal/shape"
	"github.com/crawlkit/crawlkit/internal/spec"
)

func contractOf(t *testing.T, data []byte) *spec.Contract {
	t.Helper()
	doc, err := spec.LoadData(context.Background(), "test.yaml", data)
	require.NoError(t, err)
	c, err := spec.NewContract(doc)
	require.NoError(t, err)
	return c
}

func TestEmbeddedContractShapesNothing(t *testing.T) {
	c := contractOf(t, spec.YAML())
	s, err := shape.For(context.Background(), c)
	require.NoError(t, err)
	assert.True(t, s.Identity())
	assert.Empty(t, s.Changed())
	crawl, err := generate.New(1, time.Unix(0, 0)).Crawl(7, generate.Options{})
	require.NoError(t, err)
	assert.Same(t, crawl, s.Crawl(crawl, 1), "the crawl itself")
}

func TestEvolvedContract(t *testing.T) {
	data, err := os.ReadFile("../../testdata/specs/evolved.yaml")
	require.NoError(t, err)
	c := contractOf(t, data)
	s, err := shape.For(context.Background(), c)
	require.NoError(t, err)
	require.False(t, s.Identity())
	assert.Equal(t, []string{"/screenshots/*/video_colors"}, s.Changed())

	crawl, err := generate.New(1, time.Unix(0, 0)).Crawl(7, generate.Options{Screenshots: 3, SetScreenshots: true})
	require.NoError(t, err)
	b, err := json.Marshal(s.Body(crawl, 1))
	require.NoError(t, err)
	var body struct {
		Data map[string]any `json:"data"`
	}
	require.NoError(t, json.Unmarshal(b, &body))
	assert.Contains(t, body.Data, "project_id")
	assert.EqualValues(t, 7, body.Data["id"], "known fields keep their values")
	assert.Equal(t, crawl.Domain, body.Data["domain"])
	for _, shot := range body.Data["screenshots"].([]any) {
		assert.Contains(t, shot, "thumbnail_width")
		assert.NotContains(t, shot, "video_colors")
	}
	again, err := json.Marshal(s.Body(crawl, 1))
	require.NoError(t, err)
	assert.JSONEq(t, string(b), string(again), "the same seed and crawl, the same body")
}

func TestAdaptFixture(t *testing.T) {
	data, err := os.ReadFile("../../testdata/specs/evolved.yaml")
	require.NoError(t, err)
	c := contractOf(t, data)
	var body any
	require.NoError(t, json.Unmarshal([]byte(`{"success":true,"data":{"id":5,"screenshots":[{"id":1,"video_colors":0}]}}`), &body))
	out, changes := shape.Adapt(c.BodySchema(http.StatusOK), body, 1, 5)
	assert.Contains(t, changes, "/data/screenshots/0/video_colors dropped")
	assert.Contains(t, changes, "/data/project_id added")
	assert.Contains(t, changes, "/data/screenshots/0/thumbnail_width added")
	shot := out.(map[string]any)["data"].(map[string]any)["screenshots"].([]any)[0].(map[string]any)
	assert.NotContains(t, shot, "video_colors")
}

func TestBodyWithoutTheEnvelope(t *testing.T) {
	c := contractOf(t, []byte(`openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /crawl/info:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [ok, crawl]
                properties:
                  ok: {type: boolean}
                  crawl: {type: object, required: [state], properties: {state: {type: string, enum: [queued, done]}}}
`))
	s, err := shape.For(context.Background(), c)
	require.NoError(t, err)
	crawl, err := generate.New(1, time.Unix(0, 0)).Crawl(9, generate.Options{})
	require.NoError(t, err)
	b, err := json.Marshal(s.Body(crawl, 1))
	require.NoError(t, err)
	var decoded any
	require.NoError(t, json.Unmarshal(b, &decoded))
	require.NoError(t, c.BodySchema(http.StatusOK).VisitJSON(decoded), "%s", b)
	assert.NotContains(t, string(b), `"success"`)
}
