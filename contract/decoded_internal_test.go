package contract

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit"
	"github.com/crawlkit/crawlkit/mockserver"
)

// TestDecodedSizeCounts checks what decodedSize counts, exactly: the values,
// and the array on the path: its items, its bytes, the bytes of its strings.
func TestDecodedSizeCounts(t *testing.T) {
	path := []string{"data", "screenshots"}
	for _, tt := range []struct {
		name, body           string
		values               int64
		found                bool
		items, span, strings int64
	}{
		{"scalars", `{"a":"x\"y","b":[1,2,{"c":true}],"d":null}`, 8, false, 0, 0, 0},
		{"the array", `{"data":{"x":[1],"screenshots":[{"a":"bb"},{"b":[1,"x"]},null]},"y":2}`, 13, true, 3, 31, 16},
		{"the first one only", `{"data":{"screenshots":[{}],"screenshots":[{},{}]}}`, 7, true, 1, 4, 0},
		{"items that are not objects", `{"data":{"screenshots":[{},[1,2]]}}`, 7, false, 0, 0, 0},
		{"not on the path", `{"screenshots":[{}],"data":{"other":{"screenshots":[{}]}}}`, 7, false, 0, 0, 0},
		{"a key equal to a path key, as a value", `{"data":"screenshots"}`, 2, false, 0, 0, 0},
		{"numbers and literals", `[0,-1.5e3,true,false,null,"",{}]`, 8, false, 0, 0, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := decodedSize([]byte(tt.body), path, nil)
			assert.Equal(t, tt.values, c.values, "values")
			assert.Equal(t, tt.found, c.found, "found")
			if tt.found {
				assert.Equal(t, tt.items, c.items, "items")
				assert.Equal(t, tt.span, c.span, "span")
				assert.Equal(t, tt.strings, c.strings, "strings")
				assert.Positive(t, c.maxItem)
				assert.LessOrEqual(t, c.arrayTree, c.tree)
			}
			assert.Positive(t, c.tree)
		})
	}
	// Without a path, no array is measured.
	c, _ := decodedSize([]byte(`[{},{}]`), nil, nil)
	assert.False(t, c.found)
}

func TestMemoryBound(t *testing.T) {
	assert.Equal(t, int64(4*32<<20+32<<20+MemoryHeadroom), MemoryBound(Config{}))
	assert.Equal(t, int64(2*16<<20+16<<20+MemoryHeadroom), MemoryBound(Config{Concurrency: 2, MaxBody: 16 << 20}))
	assert.Equal(t, int64(2*1<<20+8<<20+MemoryHeadroom), MemoryBound(Config{Concurrency: 2, MaxBody: 1 << 20}), "at least 8 MiB for the checks")
}

// BenchmarkDecodedSize measures the pass every body now gets before it is
// decoded, beside json.Valid, which every body got already, on the mock's
// crawl of 10,000 screenshots (16 MB).
func BenchmarkDecodedSize(b *testing.B) {
	srv, err := mockserver.New(context.Background(), mockserver.Config{Seed: 1, Fixtures: crawlkit.Fixtures(), Catalog: true})
	require.NoError(b, err)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/crawl/info?id=10000&key=k", nil))
	body := rec.Body.Bytes()
	path := []string{"data", "screenshots"}
	b.Run("decodedSize", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		var stack []decodedFrame
		for b.Loop() {
			_, stack = decodedSize(body, path, stack)
		}
	})
	b.Run("json.Valid", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			json.Valid(body)
		}
	})
	b.Run("json.Unmarshal", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var v any
			_ = json.Unmarshal(body, &v)
		}
	})
}
