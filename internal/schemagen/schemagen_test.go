package schemagen_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/internal/schemagen"
)

func schema(t *testing.T, src string) *openapi3.Schema {
	t.Helper()
	var s openapi3.Schema
	require.NoError(t, json.Unmarshal([]byte(src), &s))
	require.NoError(t, s.Validate(context.Background()))
	return &s
}

func TestValuesKeepTheirSchema(t *testing.T) {
	tests := []struct{ name, schema string }{
		{"integer bounds", `{"type":"integer","minimum":5,"maximum":9}`},
		{"exclusive bounds", `{"type":"integer","minimum":5,"maximum":7,"exclusiveMinimum":true,"exclusiveMaximum":true}`},
		{"multiple of", `{"type":"integer","minimum":1,"maximum":100,"multipleOf":7}`},
		{"number", `{"type":"number","minimum":-1.5,"maximum":1.5}`},
		{"enum", `{"type":"integer","enum":[120,240,480]}`},
		{"date-time", `{"type":"string","format":"date-time"}`},
		{"date", `{"type":"string","format":"date"}`},
		{"uri with a pattern", `{"type":"string","format":"uri","pattern":"^https://"}`},
		{"pattern", `{"type":"string","pattern":"^[A-Z]{3}-[0-9]{4}$"}`},
		{"lengths", `{"type":"string","minLength":12,"maxLength":14}`},
		{"uuid", `{"type":"string","format":"uuid"}`},
		{"email", `{"type":"string","format":"email"}`},
		{"array", `{"type":"array","minItems":2,"maxItems":4,"items":{"type":"boolean"}}`},
		{"object", `{"type":"object","required":["a","b"],"properties":{"a":{"type":"integer"},"b":{"type":"string","enum":["x","y"]},"c":{"type":"number"}}}`},
		{"all of", `{"allOf":[{"type":"object","required":["a"],"properties":{"a":{"type":"integer"}}},{"type":"object","required":["b"],"properties":{"b":{"type":"string"}}}]}`},
		{"one of", `{"oneOf":[{"type":"string","maxLength":3},{"type":"integer"}]}`},
		{"example first", `{"type":"string","example":"sk_live_1"}`},
		{"default next", `{"type":"integer","default":30,"minimum":1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := schema(t, tt.schema)
			for id := int64(1); id <= 50; id++ {
				v := schemagen.Value(s, 7, id, "/x")
				b, err := json.Marshal(v)
				require.NoError(t, err)
				var decoded any
				require.NoError(t, json.Unmarshal(b, &decoded))
				require.NoError(t, s.VisitJSON(decoded), "id %d: %s", id, b)
				assert.Equal(t, v, schemagen.Value(s, 7, id, "/x"), "the same seed, id and pointer give the same value")
			}
		})
	}
}

func TestValuesSpreadOverIdsAndPointers(t *testing.T) {
	s := schema(t, `{"type":"string","enum":["red","blue"]}`)
	count := map[any]int{}
	present := 0
	for id := int64(1); id <= 1000; id++ {
		count[schemagen.Value(s, 1, id, "/team")]++
		if schemagen.Present(1, id, "/data/webhook_url") {
			present++
		}
	}
	assert.InDelta(t, 500, count["red"], 80, "%v", count)
	assert.InDelta(t, 500, present, 80)
	assert.NotEqual(t, schemagen.Value(schema(t, `{"type":"integer","maximum":1000000}`), 1, 1, "/a"),
		schemagen.Value(schema(t, `{"type":"integer","maximum":1000000}`), 1, 1, "/b"), "another pointer, another value")
}

func TestSelfReferencingSchemaEnds(t *testing.T) {
	s := &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeObject}, Required: []string{"next"}}
	s.Properties = openapi3.Schemas{"next": &openapi3.SchemaRef{Value: s}}
	assert.NotPanics(t, func() { schemagen.Value(s, 1, 1, "") })
}
