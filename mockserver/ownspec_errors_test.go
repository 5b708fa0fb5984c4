package mockserver_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/mockserver"
)

// otherErrorBodies are two statuses whose bodies are not the API's
// envelope: 409 with a schema and no example, 422 with an example.
const otherErrorBodies = `        '409':
          description: A crawl of the same URL is running.
          content:
            application/json:
              schema:
                type: object
                required: [conflict, retry_in]
                additionalProperties: false
                properties:
                  conflict: {type: string, minLength: 3}
                  retry_in: {type: integer, minimum: 1, maximum: 60}
        '422':
          description: A URL the crawler cannot take.
          content:
            application/json:
              schema:
                type: object
                required: [message]
                properties:
                  message: {type: string}
              examples:
                unprocessable:
                  value: {message: the URL has no host}
`

// TestErrorBodiesOfTheirOwnSchema: a status whose schema is not the API's
// envelope answers a body of that schema, made from it or its example as
// written, on the contract under --strict.
func TestErrorBodiesOfTheirOwnSchema(t *testing.T) {
	spec := strings.Replace(string(evolvedSpec(t)), "        '429':\n", otherErrorBodies+"        '429':\n", 1)
	require.Contains(t, spec, "'409'")
	srv, err := mockserver.New(context.Background(), mockserver.Config{Spec: []byte(spec), SpecName: "other.yaml", Strict: true})
	require.NoError(t, err)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)

	tests := []struct {
		prefer string
		status int
		body   string
	}{
		{prefer: "code=409", status: 409},
		{prefer: "code=422", status: 422, body: `{"message":"the URL has no host"}`},
		{prefer: "example=unprocessable", status: 422, body: `{"message":"the URL has no host"}`},
		{prefer: "code=429", status: 429}, // the envelope, as the schema says
	}
	for _, tt := range tests {
		t.Run(tt.prefer, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, ts.URL+"/crawl/info?id=7&key=demo", nil)
			require.NoError(t, err)
			req.Header.Set("Prefer", tt.prefer)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, tt.status, resp.StatusCode, "%s", b)
			assert.Empty(t, resp.Header.Get("X-Crawlkit-Violations"))
			switch {
			case tt.body != "":
				assert.JSONEq(t, tt.body, string(b))
			case tt.status == 409:
				assert.Regexp(t, `^\{"conflict":".{3,}","retry_in":([1-9]|[1-5][0-9]|60)\}$`, string(b))
			default:
				assert.Contains(t, string(b), `"code":"RATE_LIMIT_EXCEEDED"`)
			}
		})
	}
}

// TestJournalHidesTheSpecsKeyParameter: with a spec that takes the API key
// in another query parameter, the journal hides its value, listed and
// streamed.
func TestJournalHidesTheSpecsKeyParameter(t *testing.T) {
	spec := strings.Replace(string(evolvedSpec(t)), "      in: query\n      name: key\n", "      in: query\n      name: api_token\n", 1)
	require.Contains(t, spec, "name: api_token")
	srv, err := mockserver.New(context.Background(), mockserver.Config{Spec: []byte(spec), SpecName: "renamed.yaml"})
	require.NoError(t, err)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	stream, err := http.Get(ts.URL + "/__crawlkit/requests/stream")
	require.NoError(t, err)
	defer stream.Body.Close()

	resp, err := http.Get(ts.URL + "/crawl/info?id=7&api_token=sk_live_s3cret")
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusOK, resp.StatusCode)

	lines := bufio.NewScanner(stream.Body)
	var streamed string
	for lines.Scan() {
		if data, ok := strings.CutPrefix(lines.Text(), "data: "); ok {
			streamed = data
			break
		}
	}
	assert.Contains(t, streamed, `"url":"/crawl/info?id=7&api_token=REDACTED"`)
	listed := srv.Requests(mockserver.RequestFilter{})
	require.Len(t, listed, 1)
	assert.Equal(t, "/crawl/info?id=7&api_token=REDACTED", listed[0].URL)
}
