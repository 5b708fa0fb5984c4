package validate_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit"
	"github.com/crawlkit/crawlkit/internal/validate"
)

func newValidator(t testing.TB) *validate.Validator {
	t.Helper()
	v, err := validate.Load(context.Background())
	require.NoError(t, err)
	return v
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := fs.ReadFile(crawlkit.Fixtures(), name)
	require.NoError(t, err)
	return b
}

func TestSeedBodiesValidate(t *testing.T) {
	v := newValidator(t)
	ctx := context.Background()
	assert.Empty(t, v.JSONResponse(ctx, http.StatusOK, fixture(t, "crawl-12345.json")))
	assert.Empty(t, v.JSONResponse(ctx, http.StatusBadRequest, fixture(t, "errors/invalid-api-key.json")))
}

// mutate decodes body, applies change to it and encodes it again.
func mutate(t testing.TB, body []byte, change func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(body, &m))
	change(m)
	out, err := json.Marshal(m)
	require.NoError(t, err)
	return out
}

func crawlOf(m map[string]any) map[string]any { return m["data"].(map[string]any) }

func shotOf(m map[string]any) map[string]any {
	return crawlOf(m)["screenshots"].([]any)[0].(map[string]any)
}

// brokenBody is a body that breaks the contract, and where.
type brokenBody struct {
	name    string
	status  int
	body    []byte
	pointer string
	reason  string
}

// brokenBodies are the bodies the validator must reject, each with the
// pointer it must name; the differential test holds the fast check to them too.
func brokenBodies(t testing.TB) []brokenBody {
	ok := fixture(t, "crawl-12345.json")
	bad := fixture(t, "errors/invalid-api-key.json")
	return []brokenBody{
		{"id as a string", 200, mutate(t, ok, func(m map[string]any) { crawlOf(m)["id"] = "12345" }), "/data/id", `"12345" is not an integer of at least 1`},
		{"missing required field", 200, mutate(t, ok, func(m map[string]any) { delete(shotOf(m), "response_code") }), "/data/screenshots/0/response_code", `property "response_code" is missing`},
		{"crawl status outside its enum", 200, mutate(t, ok, func(m map[string]any) { crawlOf(m)["status"] = "done" }), "/data/status", `"done" is not one of "in_queue", "processing", "finished", "error", "cancelled"`},
		{"screenshot size outside its enum", 200, mutate(t, ok, func(m map[string]any) { shotOf(m)["size"] = "huge" }), "/data/screenshots/0/size", ""},
		{"date-time that is not one", 200, mutate(t, ok, func(m map[string]any) { shotOf(m)["created_at"] = "yesterday" }), "/data/screenshots/0/created_at", `"yesterday" is not an RFC 3339 date-time or empty`},
		{"date-time without a time zone", 200, mutate(t, ok, func(m map[string]any) { shotOf(m)["finished_at"] = "2026-02-01T10:30:05" }), "/data/screenshots/0/finished_at", `"2026-02-01T10:30:05" is not an RFC 3339 date-time or empty`},
		{"negative counter", 200, mutate(t, ok, func(m map[string]any) { crawlOf(m)["failed"] = -1 }), "/data/failed", `-1 is less than the minimum, 0`},
		{"fractional integer", 200, mutate(t, ok, func(m map[string]any) { crawlOf(m)["processed"] = 1.5 }), "/data/processed", `1.5 is not an integer of at least 0`},
		{"priority out of range", 200, mutate(t, ok, func(m map[string]any) { shotOf(m)["priority"] = 4 }), "/data/screenshots/0/priority", ""},
		{"margin neither string nor number", 200, mutate(t, ok, func(m map[string]any) { shotOf(m)["pdf_margin"] = true }), "/data/screenshots/0/pdf_margin", `true is not a string or a number`},
		{"success false on a 200", 200, mutate(t, ok, func(m map[string]any) { m["success"] = false }), "/success", ""},
		{"error body without code", 400, mutate(t, bad, func(m map[string]any) { delete(m, "code") }), "/code", ""},
		{"error code in lower case", 404, mutate(t, bad, func(m map[string]any) { m["code"] = "not_found" }), "/code", `"not_found" does not match the pattern`},
		{"error body with success true", 500, mutate(t, bad, func(m map[string]any) { m["success"] = true }), "/success", ""},
		{"error body without request id", 400, mutate(t, bad, func(m map[string]any) { m["details"] = map[string]any{} }), "/details/request_id", ""},
		{"crawl on an error status", 404, ok, "/code", ""},
	}
}

func TestBrokenBodiesAreRejected(t *testing.T) {
	v := newValidator(t)
	tests := brokenBodies(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vs := v.JSONResponse(context.Background(), tt.status, tt.body)
			require.NotEmpty(t, vs)
			var pointers []string
			for _, vi := range vs {
				pointers = append(pointers, vi.Pointer)
				assert.NotEmpty(t, vi.Reason)
				if vi.Pointer == tt.pointer && tt.reason != "" {
					assert.Contains(t, vi.Reason, tt.reason, "the value and what was expected")
				}
			}
			assert.Contains(t, pointers, tt.pointer, "violations: %v", vs)
		})
	}
}

func TestEveryViolationIsReported(t *testing.T) {
	v := newValidator(t)
	body := mutate(t, fixture(t, "crawl-12345.json"), func(m map[string]any) {
		crawlOf(m)["id"] = "x"
		crawlOf(m)["status"] = "nope"
		shotOf(m)["priority"] = 9
	})
	vs := v.JSONResponse(context.Background(), 200, body)
	var pointers []string
	for _, vi := range vs {
		pointers = append(pointers, vi.Pointer)
	}
	assert.Subset(t, pointers, []string{"/data/id", "/data/status", "/data/screenshots/0/priority"})
}

func TestResponseChecksStatusAndContentType(t *testing.T) {
	v := newValidator(t)
	ctx := context.Background()
	body := fixture(t, "crawl-12345.json")

	vs := v.JSONResponse(ctx, http.StatusTeapot, body)
	require.Len(t, vs, 1)
	assert.Contains(t, vs[0].Reason, "status is not supported")

	vs = v.Response(ctx, nil, 200, http.Header{"Content-Type": {"text/html"}}, body)
	require.Len(t, vs, 1)
	assert.Contains(t, vs[0].Reason, "text/html")

	assert.Empty(t, v.Response(ctx, nil, 200, http.Header{"Content-Type": {"application/json; charset=utf-8"}}, body))

	vs = v.JSONResponse(ctx, 200, []byte(`{"success": true, "data": {`))
	require.NotEmpty(t, vs)
	assert.Contains(t, vs[0].Reason, "JSON")
}

func TestRequestParameters(t *testing.T) {
	v := newValidator(t)
	tests := []struct {
		query string
		want  validate.Fields
	}{
		{"id=1", nil},
		{"id=12345&key=sk_test", nil},
		{"id=9007199254740991", nil},
		{"id=%2B5", nil},
		{"id=007", nil},
		{"id=%2B007", nil},
		{"id=1&__code=404&unknown=1", nil},
		{"", validate.Fields{"id": {"is required"}}},
		{"key=abc", validate.Fields{"id": {"is required"}}},
		{"id=", validate.Fields{"id": {"must not be empty"}}},
		{"id=abc", validate.Fields{"id": {"must be an integer written in decimal digits"}}},
		{"id=1.5", validate.Fields{"id": {"must be an integer written in decimal digits"}}},
		{"id=5.0", validate.Fields{"id": {"must be an integer written in decimal digits"}}},
		{"id=1e3", validate.Fields{"id": {"must be an integer written in decimal digits"}}},
		{"id=0x10", validate.Fields{"id": {"must be an integer written in decimal digits"}}},
		{"id=1_000", validate.Fields{"id": {"must be an integer written in decimal digits"}}},
		{"id=%2B%2B1", validate.Fields{"id": {"must be an integer written in decimal digits"}}},
		{"id=%201", validate.Fields{"id": {"must be an integer written in decimal digits"}}},
		{"id=+1", validate.Fields{"id": {"must be an integer written in decimal digits"}}},
		{"id=%D9%A1", validate.Fields{"id": {"must be an integer written in decimal digits"}}},
		{"id=-", validate.Fields{"id": {"must be an integer"}}},
		{"id=%2B", validate.Fields{"id": {"must be an integer"}}},
		{"id=0", validate.Fields{"id": {"must be at least 1"}}},
		{"id=-0", validate.Fields{"id": {"must be at least 1"}}},
		{"id=-5", validate.Fields{"id": {"must be at least 1"}}},
		{"id=9007199254740992", validate.Fields{"id": {"must be at most 9007199254740991"}}},
		{"id=9223372036854775807", validate.Fields{"id": {"must be at most 9007199254740991"}}},
		{"id=9223372036854775808", validate.Fields{"id": {"must be at most 9007199254740991"}}},
		{"id=-99999999999999999999", validate.Fields{"id": {"must be at least 1"}}},
		{"id=1&id=2", validate.Fields{"id": {"must be given once, not 2 times"}}},
		{"id=1&key=a&key=b", validate.Fields{"key": {"must be given once, not 2 times"}}},
		{"id=%zz", validate.Fields{"query": {"is not a valid URL-encoded query string"}}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/crawl/info?"+tt.query, nil)
			assert.Equal(t, tt.want, v.Request(context.Background(), r))
		})
	}
}

func TestPointerEscapes(t *testing.T) {
	assert.Equal(t, "", validate.Pointer(nil))
	assert.Equal(t, "/a~1b/c~0d/0", validate.Pointer([]string{"a/b", "c~d", "0"}))
}
