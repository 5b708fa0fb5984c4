package validate

import (
	"reflect"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Schemas the contract does not use today, each checked by the fast check
// and by kin-openapi on the same values.
func TestCompiledSchemasAgreeWithKin(t *testing.T) {
	self := &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeObject}, Required: []string{"a"}}
	self.AllOf = openapi3.SchemaRefs{{Value: self}} // applies to its own value
	tree := &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeObject}}
	tree.Properties = openapi3.Schemas{"child": {Value: tree}} // recursive data, fine
	two := &openapi3.Schema{Min: ptr(2.0), Max: ptr(5.0), ExclusiveMin: openapi3.ExclusiveBound{Value: ptr(3.0)}}
	fixed := &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeObject}, Properties: openapi3.Schemas{"x": {Value: openapi3.NewStringSchema()}},
		AdditionalProperties: openapi3.AdditionalProperties{Has: ptr(false)}, MinProps: 1, MaxProps: ptr(uint64(1))}
	tests := []struct {
		name   string
		schema *openapi3.Schema
		slow   bool
		values []any
	}{
		{"allOf of itself", self, true, []any{map[string]any{"a": 1}, map[string]any{}}},
		{"recursive properties", tree, false, []any{map[string]any{"child": map[string]any{"child": map[string]any{}}}, map[string]any{"child": "x"}}},
		{"3.1 exclusive bound", two, false, []any{3.0, 3.5, 5.0, 5.5, "x"}},
		{"closed object", fixed, false, []any{map[string]any{"x": "a"}, map[string]any{"y": "a"}, map[string]any{}, map[string]any{"x": 1}}},
		{"nullable any", &openapi3.Schema{Nullable: true}, false, []any{nil, 1.0, "x"}},
		{"empty", &openapi3.Schema{}, false, []any{nil, 1.0, []any{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, ok := compileSchema(tt.schema)
			require.True(t, ok)
			assert.Equal(t, tt.slow, n.slow)
			var c valueChecker
			for _, v := range tt.values {
				var want, got Violations
				collectAt(tt.schema.VisitJSON(v, openapi3.MultiErrors(), openapi3.VisitAsResponse()), "", &want)
				c.check(n, reflect.ValueOf(v), false, nil, &got)
				assert.Equal(t, want, got, "%#v", v)
			}
		})
	}
}

func TestReadOnlyPropertiesAreLeftToKin(t *testing.T) {
	s := openapi3.NewObjectSchema().WithProperty("id", &openapi3.Schema{ReadOnly: true})
	_, ok := compileSchema(s)
	assert.False(t, ok, "required readOnly members depend on the direction: kin-openapi checks the whole body")
}

func ptr[T any](v T) *T { return &v }
