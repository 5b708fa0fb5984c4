package shape

import (
	"encoding/json"
	"slices"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/crawlkit/crawlkit/internal/schemagen"
)

// Adapt lays a decoded JSON body (maps, slices, plain values) over schema,
// in place where it can: a property the schema does not have is dropped,
// a required one missing is made from its schema (for seed and id), and a
// value whose type the schema does not allow is made anew. It returns the
// body and what it changed, by JSON pointer.
func Adapt(schema *openapi3.Schema, body any, seed uint64, id int64) (any, []string) {
	a := adapter{seed: seed, id: id}
	out := a.value(schema, body, "", 0)
	return out, a.changes
}

type adapter struct {
	seed    uint64
	id      int64
	changes []string
}

func (a *adapter) value(s *openapi3.Schema, v any, at string, depth int) any {
	if s == nil || depth > 16 {
		return v
	}
	if !fitsValue(s, v) {
		a.changes = append(a.changes, pointer(at)+" made anew")
		return schemagen.Value(s, a.seed, a.id, at)
	}
	switch v := v.(type) {
	case map[string]any:
		props, required := properties(s)
		if props == nil {
			return v
		}
		names := make([]string, 0, len(v))
		for name := range v {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			prop, ok := props[name]
			if !ok {
				delete(v, name)
				a.changes = append(a.changes, pointer(at+"/"+name)+" dropped")
				continue
			}
			v[name] = a.value(prop, v[name], at+"/"+name, depth+1)
		}
		req := slices.Clone(required)
		slices.Sort(req)
		for _, name := range slices.Compact(req) {
			if _, ok := v[name]; !ok && props[name] != nil {
				v[name] = schemagen.Value(props[name], a.seed, a.id, at+"/"+name)
				a.changes = append(a.changes, pointer(at+"/"+name)+" added")
			}
		}
		return v
	case []any:
		if it := items(s); it != nil {
			for i := range v {
				v[i] = a.value(it, v[i], at+"/"+strconv.Itoa(i), depth+1)
			}
		}
		return v
	}
	return v
}

func pointer(at string) string {
	if at == "" {
		return "/"
	}
	return at
}

// fitsValue reports whether a decoded JSON value has a type s allows.
func fitsValue(s *openapi3.Schema, v any) bool {
	if s.Type == nil || len(s.Type.Slice()) == 0 || len(s.AnyOf) > 0 || len(s.OneOf) > 0 {
		return true
	}
	var t string
	switch v := v.(type) {
	case nil:
		return s.Nullable || s.Type.Includes(openapi3.TypeNull)
	case string:
		t = openapi3.TypeString
	case json.Number:
		t = openapi3.TypeNumber
		if _, err := v.Int64(); err == nil {
			t = openapi3.TypeInteger
		}
	case bool:
		t = openapi3.TypeBoolean
	case float64:
		if v == float64(int64(v)) && s.Type.Includes(openapi3.TypeInteger) {
			return true
		}
		t = openapi3.TypeNumber
	case []any:
		t = openapi3.TypeArray
	case map[string]any:
		t = openapi3.TypeObject
	default:
		return true
	}
	return s.Type.Includes(t) || (t == openapi3.TypeInteger && s.Type.Includes(openapi3.TypeNumber))
}
