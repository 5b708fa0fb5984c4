package spec_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit"
	"github.com/crawlkit/crawlkit/internal/spec"
)

func TestLoadValidatesTheContract(t *testing.T) {
	doc, err := spec.Load(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "3.0.3", doc.OpenAPI)
	op, err := spec.Operation(doc)
	require.NoError(t, err)
	assert.Equal(t, "getCrawlInfo", op.OperationID)
	for _, status := range []int{200, 400, 404, 500} {
		resp := op.Responses.Status(status)
		require.NotNil(t, resp, "status %d", status)
		assert.NotNil(t, resp.Value.Content.Get("application/json"), "status %d", status)
	}
	require.Len(t, doc.Servers, 2)
	assert.Equal(t, "https://api.screenshotcenter.com/api/v1", doc.Servers[0].URL)
	assert.Equal(t, "http://127.0.0.1:4010", doc.Servers[1].URL)
	assert.Len(t, doc.Security, 3, "any one of three schemes")
}

func TestLoadReturnsIndependentDocuments(t *testing.T) {
	a, err := spec.Load(context.Background())
	require.NoError(t, err)
	b, err := spec.Load(context.Background())
	require.NoError(t, err)
	a.Servers = nil
	assert.Len(t, b.Servers, 2)
}

func TestRouterServesBothBasePaths(t *testing.T) {
	doc, err := spec.Load(context.Background())
	require.NoError(t, err)
	r, err := spec.NewRouter(doc)
	require.NoError(t, err)
	tests := []struct {
		method, target string
		status         int
	}{
		{http.MethodGet, "http://127.0.0.1:4010/crawl/info?id=1", http.StatusOK},
		{http.MethodGet, "http://localhost:9999/api/v1/crawl/info?id=1", http.StatusOK},
		{http.MethodGet, "/crawl/info/", http.StatusNotFound},
		{http.MethodGet, "/api/v2/crawl/info", http.StatusNotFound},
		{http.MethodGet, "/crawl/infos", http.StatusNotFound},
		{http.MethodPost, "/crawl/info?id=1", http.StatusMethodNotAllowed},
		{http.MethodDelete, "/api/v1/crawl/info?id=1", http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			_, _, err := r.FindRoute(httptest.NewRequest(tt.method, tt.target, nil))
			if tt.status == http.StatusOK {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Equal(t, tt.status, spec.StatusFor(err))
			if tt.status == http.StatusMethodNotAllowed {
				assert.ErrorIs(t, err, routers.ErrMethodNotAllowed)
			}
		})
	}
}

// TestSeedExampleFieldsMatchSchema walks the seed's 200 example and the
// schema together and names every field found in one and not the other.
func TestSeedExampleFieldsMatchSchema(t *testing.T) {
	doc, err := spec.Load(context.Background())
	require.NoError(t, err)
	raw, err := fs.ReadFile(crawlkit.Fixtures(), "crawl-12345.json")
	require.NoError(t, err)
	var example any
	require.NoError(t, json.Unmarshal(raw, &example))

	schema := doc.Components.Schemas["CrawlInfoResponse"].Value
	var missing []string
	walkTogether("", example, schema, &missing)
	sort.Strings(missing)
	assert.Empty(t, missing)

	op, err := spec.Operation(doc)
	require.NoError(t, err)
	specExample := op.Responses.Status(200).Value.Content.Get("application/json").Examples["finished"].Value.Value
	specJSON, err := json.Marshal(specExample)
	require.NoError(t, err)
	assert.JSONEq(t, string(raw), string(specJSON), "the spec's 200 example is the seed's, unchanged")
}

func walkTogether(at string, value any, schema *openapi3.Schema, missing *[]string) {
	switch v := value.(type) {
	case map[string]any:
		if len(schema.Properties) == 0 {
			return // a free-form object
		}
		for name := range v {
			prop, ok := schema.Properties[name]
			if !ok {
				*missing = append(*missing, at+"/"+name+": in the example, not in the schema")
				continue
			}
			if prop.Value.Description == "" {
				*missing = append(*missing, at+"/"+name+": has no description")
			}
			walkTogether(at+"/"+name, v[name], prop.Value, missing)
		}
		for name := range schema.Properties {
			if _, ok := v[name]; !ok {
				*missing = append(*missing, at+"/"+name+": in the schema, not in the example")
			}
		}
		for _, name := range schema.Required {
			if _, ok := schema.Properties[name]; !ok {
				*missing = append(*missing, at+"/"+name+": required but not described")
			}
		}
	case []any:
		if schema.Items == nil {
			*missing = append(*missing, at+": an array the schema does not describe as one")
			return
		}
		for i, item := range v {
			walkTogether(at+"/"+strconv.Itoa(i), item, schema.Items.Value, missing)
		}
	}
}
