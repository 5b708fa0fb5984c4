package validate_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit"
	"github.com/crawlkit/crawlkit/internal/crawl"
	"github.com/crawlkit/crawlkit/internal/envelope"
	"github.com/crawlkit/crawlkit/internal/generate"
	"github.com/crawlkit/crawlkit/internal/spec"
	"github.com/crawlkit/crawlkit/internal/validate"
)

// The fast check (Validator.Value) is held to kin-openapi, the reference:
// for every body of the corpus, as the Go value it encodes from and as the
// JSON decoded back, the same violations: same verdict, same pointers, same
// reasons, same order.

var documented = []int{http.StatusOK, http.StatusBadRequest, http.StatusNotFound, http.StatusInternalServerError}

// agree checks one value at one status against kin-openapi and returns
// kin-openapi's verdict.
func agree(t *testing.T, v *validate.Validator, status int, value any) validate.Violations {
	t.Helper()
	body, err := json.Marshal(value)
	require.NoError(t, err)
	ctx := context.Background()
	want := v.KinResponse(ctx, status, body)
	assert.Equal(t, want, v.Value(ctx, status, value), "the Go value, status %d", status)
	assert.Equal(t, want, v.Value(ctx, status, decode(t, body)), "the decoded JSON, status %d", status)
	return want
}

func decode(t testing.TB, body []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var value any
	require.NoError(t, dec.Decode(&value))
	return value
}

var now = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func TestValueAgreesOnGeneratedCrawls(t *testing.T) {
	v := newValidator(t)
	g := generate.New(7, now)
	for _, status := range crawl.Statuses {
		for _, n := range []int{0, 1, 3, 20, 137} {
			if status == crawl.StatusInQueue && n > 0 {
				continue
			}
			for id := int64(1); id <= 4; id++ {
				c, err := g.Crawl(id*7919, generate.Options{Status: status, Screenshots: n, SetScreenshots: true})
				require.NoError(t, err)
				assert.Empty(t, agree(t, v, http.StatusOK, envelope.NewSuccess(c)), "%s, %d screenshots", status, n)
			}
		}
	}
	for id := int64(1); id <= 30; id++ { // sizes and statuses the seed draws
		c, err := g.Crawl(id, generate.Options{})
		require.NoError(t, err)
		assert.Empty(t, agree(t, v, http.StatusOK, envelope.NewSuccess(c)))
	}
	for poll := range 6 {
		c, err := g.Progress(71000, []string{crawl.StatusInQueue, crawl.StatusProcessing, crawl.StatusProcessing, crawl.StatusFinished}, 12, poll)
		require.NoError(t, err)
		assert.Empty(t, agree(t, v, http.StatusOK, envelope.NewSuccess(c)))
	}
}

func TestValueAgreesOnShippedBodies(t *testing.T) {
	v := newValidator(t)
	var bodies [][]byte
	require.NoError(t, fs.WalkDir(crawlkit.Fixtures(), ".", func(name string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(name, ".json") {
			bodies = append(bodies, fixture(t, name))
		}
		return err
	}))
	doc, err := spec.Load(context.Background())
	require.NoError(t, err)
	examples, err := spec.Examples(doc)
	require.NoError(t, err)
	for _, ex := range examples {
		b, err := json.Marshal(ex.Value)
		require.NoError(t, err)
		bodies = append(bodies, b)
	}
	// Every body at every status: a crawl on an error status, an error
	// envelope on a 200.
	for _, body := range bodies {
		for _, status := range documented {
			agree(t, v, status, decode(t, body))
		}
	}
}

func TestValueAgreesOnBrokenBodies(t *testing.T) {
	v := newValidator(t)
	for _, tt := range brokenBodies(t) {
		t.Run(tt.name, func(t *testing.T) {
			vs := agree(t, v, tt.status, decode(t, tt.body))
			require.NotEmpty(t, vs)
		})
	}
}

// TestValueAgreesOnMutatedCrawls breaks generated crawls at random, as a
// generator bug would: a field of the Go value set to a value its type
// allows and the contract may not (negative counters, unknown statuses, bad
// dates, null lists), or the decoded JSON changed (a member removed, added,
// nulled, or of the wrong type).
func TestValueAgreesOnMutatedCrawls(t *testing.T) {
	v := newValidator(t)
	g := generate.New(3, now)
	rng := rand.New(rand.NewPCG(1, 2))
	rounds := 400
	if testing.Short() {
		rounds = 100
	}
	rejected := 0
	for round := range rounds {
		c, err := g.Crawl(int64(round+1), generate.Options{Screenshots: 1 + rng.IntN(3), SetScreenshots: true})
		require.NoError(t, err)
		var value any = envelope.NewSuccess(c)
		if round%2 == 0 {
			for range 1 + rng.IntN(3) {
				mutateGo(rng, reflect.ValueOf(c).Elem())
			}
		} else {
			body, err := json.Marshal(value)
			require.NoError(t, err)
			value = decode(t, body)
			for range 1 + rng.IntN(3) {
				value = mutateJSON(rng, value)
			}
		}
		if _, err := json.Marshal(value); err != nil {
			continue // NaN and the like: TestValueRefusesWhatCannotBeEncoded
		}
		if len(agree(t, v, http.StatusOK, value)) > 0 {
			rejected++
		}
	}
	t.Logf("%d of %d mutated crawls break the contract", rejected, rounds)
	assert.Greater(t, rejected, rounds/3, "the mutations must reach the contract's rules")
}

// mutateGo sets one field somewhere in rv, a struct, to a value its Go
// type allows.
func mutateGo(rng *rand.Rand, rv reflect.Value) {
	for {
		switch rv.Kind() {
		case reflect.Struct:
			rv = rv.Field(rng.IntN(rv.NumField()))
			if rng.IntN(3) > 0 {
				continue
			}
		case reflect.Slice:
			if rv.Len() > 0 && rng.IntN(4) > 0 {
				rv = rv.Index(rng.IntN(rv.Len()))
				continue
			}
		}
		break
	}
	switch rv.Kind() {
	case reflect.Struct:
		mutateGo(rng, rv)
	case reflect.Int, reflect.Int64:
		rv.SetInt([]int64{-1, 0, 1, 4, 61, 600, 1e6, math.MaxInt64, math.MinInt64}[rng.IntN(9)])
	case reflect.Float64:
		rv.SetFloat([]float64{-1, 0.5, 91, -91, 181, 1e300, -1e-9}[rng.IntN(7)])
	case reflect.String:
		rv.SetString([]string{"", "yesterday", "2026-02-01T10:30:05", "2026-13-01T00:00:00Z", "2026-02-01T10:30:05+01:00",
			"done", "huge", "screen", "webm", "in_queue", "\xff\xfe", "x"}[rng.IntN(12)])
	case reflect.Bool:
		rv.SetBool(!rv.Bool())
	case reflect.Slice, reflect.Map:
		rv.SetZero() // null
	case reflect.Interface:
		values := []any{true, "20px", nil, -1.5, 0, map[string]any{"a": 1}, []any{}}
		if x := values[rng.IntN(len(values))]; x == nil {
			rv.SetZero()
		} else {
			rv.Set(reflect.ValueOf(x))
		}
	}
}

// mutateJSON changes one member or item somewhere in value.
func mutateJSON(rng *rand.Rand, value any) any {
	wrong := []any{nil, "x", json.Number("-3"), json.Number("2.5"), true, []any{}, map[string]any{}, json.Number("1e400")}
	switch x := value.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		if len(keys) == 0 || rng.IntN(10) == 0 {
			x[fmt.Sprintf("extra_%d", rng.IntN(3))] = wrong[rng.IntN(len(wrong))]
			return x
		}
		k := keys[rng.IntN(len(keys))]
		switch rng.IntN(5) {
		case 0:
			delete(x, k)
		case 1:
			x[k] = wrong[rng.IntN(len(wrong))]
		default:
			x[k] = mutateJSON(rng, x[k])
		}
		return x
	case []any:
		if len(x) == 0 || rng.IntN(6) == 0 {
			return append(x, wrong[rng.IntN(len(wrong))])
		}
		i := rng.IntN(len(x))
		x[i] = mutateJSON(rng, x[i])
		return x
	}
	return wrong[rng.IntN(len(wrong))]
}

func TestValueRefusesWhatCannotBeEncoded(t *testing.T) {
	v := newValidator(t)
	c, err := generate.New(1, now).Crawl(5, generate.Options{Screenshots: 2, SetScreenshots: true})
	require.NoError(t, err)
	c.Screenshots[1].GeoLatitude = math.NaN()
	vs := v.Value(context.Background(), http.StatusOK, envelope.NewSuccess(c))
	require.Len(t, vs, 1)
	assert.Equal(t, "/data/screenshots/1/geo_latitude", vs[0].Pointer)
	assert.Contains(t, vs[0].Reason, "cannot be encoded as JSON")
}

// FuzzValueAgreesWithKin feeds both checks any JSON body at any documented
// status.
func FuzzValueAgreesWithKin(f *testing.F) {
	f.Add([]byte(`{"success":true,"data":null}`), uint8(0))
	f.Add(fixture(f, "crawl-12345.json"), uint8(0))
	f.Add(fixture(f, "errors/invalid-api-key.json"), uint8(1))
	for _, tt := range brokenBodies(f) {
		f.Add(tt.body, uint8(tt.status%7))
	}
	v := newValidator(f)
	f.Fuzz(func(t *testing.T, body []byte, pick uint8) {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		var value any
		if dec.Decode(&value) != nil || dec.More() {
			t.Skip("not one JSON value")
		}
		status := documented[int(pick)%len(documented)]
		ctx := context.Background()
		want := v.KinResponse(ctx, status, body)
		assert.Equal(t, want, v.Value(ctx, status, value))
	})
}

// stamp encodes itself, as time.Time does.
type stamp string

func (s stamp) MarshalText() ([]byte, error) { return []byte("2026-12-01T09:00:00Z" + string(s)), nil }

// ptrStatus encodes itself through its pointer only.
type ptrStatus struct{ s string }

func (p *ptrStatus) MarshalJSON() ([]byte, error) { return json.Marshal(p.s) }

// Inner is embedded in a value below.
type Inner struct {
	Processed int `json:"processed"`
}

// TestValueAgreesOnOtherGoShapes holds the fast check to encoding/json's
// rules on Go shapes the generator does not use: pointers, omitempty,
// embedded structs, json.RawMessage, types that encode themselves, float32,
// untagged fields, maps with odd keys, strings that are not UTF-8.
func TestValueAgreesOnOtherGoShapes(t *testing.T) {
	v := newValidator(t)
	c, err := generate.New(5, now).Crawl(9, generate.Options{Status: "finished", Screenshots: 1, SetScreenshots: true})
	require.NoError(t, err)
	id := int64(7)
	type withOmit struct {
		Success bool   `json:"success"`
		Data    any    `json:"data,omitempty"`
		Ignored string `json:"-"`
		hidden  int
	}
	type embedded struct {
		Inner
		ID int64 `json:"id"`
	}
	type floats struct {
		Lat float32 `json:"geo_latitude"`
	}
	values := []struct {
		name   string
		status int
		value  any
	}{
		{"pointer to the crawl", 200, &struct {
			Success *bool        `json:"success"`
			Data    *crawl.Crawl `json:"data"`
		}{Data: c}},
		{"omitted data", 200, withOmit{Success: true, hidden: 1}},
		{"data as raw JSON", 200, withOmit{Success: true, Data: json.RawMessage(`{"id":"x"}`)}},
		{"embedded struct", 200, envelope.NewSuccess(embedded{ID: 3})},
		{"untagged fields", 200, struct{ Success, Data any }{true, nil}},
		{"time that encodes itself", 200, envelope.NewSuccess(map[string]any{"created_at": stamp("x"), "id": &id})},
		{"pointer method, addressable", 200, &struct {
			Success bool `json:"success"`
			Data    struct {
				Status ptrStatus `json:"status"`
			} `json:"data"`
		}{Success: true}},
		{"pointer method, not addressable", 200, struct {
			Success bool `json:"success"`
			Data    struct {
				Status ptrStatus `json:"status"`
			} `json:"data"`
		}{Success: true}},
		{"float32", 200, envelope.NewSuccess(map[string]any{"screenshots": []any{floats{Lat: 90.000001}}})},
		{"not UTF-8", 200, envelope.NewSuccess(map[string]any{"status": "finished\xff"})},
		{"escaped names", 400, map[string]any{"success": false, "error": "", "code": "x", "details": map[string]any{},
			"fields": map[string]any{"": []any{json.Number("1")}, "a/b~c": "x", "ok": []string{"fine"}}}},
		{"big and odd numbers", 200, envelope.NewSuccess(map[string]any{"id": json.Number("9223372036854775808"), "max_urls": json.Number("1e400"),
			"processed": json.Number("-0"), "failed": json.Number("1.0"), "started": uint64(math.MaxUint64)})},
		{"map with int keys", 400, map[int]any{1: "x"}},
		{"bytes", 200, envelope.NewSuccess(map[string]any{"domain": []byte("x"), "screenshots": [2]byte{1, 2}})},
	}
	for _, tt := range values {
		t.Run(tt.name, func(t *testing.T) {
			agree(t, v, tt.status, tt.value)
		})
	}
}
