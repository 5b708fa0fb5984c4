package shape

import (
	"encoding/json"
	"reflect"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// properties are an object schema's properties and required names, its
// allOf parts' included; nil properties mean a free-form object, whose
// fields are all kept.
func properties(s *openapi3.Schema) (map[string]*openapi3.Schema, []string) {
	if s == nil {
		return nil, nil
	}
	var props map[string]*openapi3.Schema
	required := append([]string(nil), s.Required...)
	add := func(from *openapi3.Schema) {
		for name, ref := range from.Properties {
			if ref == nil || ref.Value == nil {
				continue
			}
			if props == nil {
				props = map[string]*openapi3.Schema{}
			}
			props[name] = ref.Value
		}
	}
	add(s)
	for _, part := range s.AllOf {
		if part.Value != nil {
			p, r := properties(part.Value)
			for name, v := range p {
				if props == nil {
					props = map[string]*openapi3.Schema{}
				}
				props[name] = v
			}
			required = append(required, r...)
		}
	}
	return props, required
}

// property is the schema of an object schema's property name, or nil.
func property(s *openapi3.Schema, name string) *openapi3.Schema {
	props, _ := properties(s)
	return props[name]
}

func jsonName(sf reflect.StructField) string {
	if !sf.IsExported() {
		return ""
	}
	name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
	switch name {
	case "-":
		return ""
	case "":
		return sf.Name
	}
	return name
}

// structOf is t's struct type, or that of its items, or nil.
func structOf(t reflect.Type) reflect.Type {
	if t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() == reflect.Struct {
		return t
	}
	return nil
}

// fits reports whether values of Go type t can be what s allows, by JSON
// type: a schema without a type, or with several, takes anything.
func fits(t reflect.Type, s *openapi3.Schema) bool {
	if s.Type == nil || len(s.Type.Slice()) == 0 || len(s.AnyOf) > 0 || len(s.OneOf) > 0 {
		return true
	}
	want := func(types ...string) bool {
		for _, typ := range types {
			if s.Type.Is(typ) || s.Type.Includes(typ) {
				return true
			}
		}
		return false
	}
	switch t.Kind() {
	case reflect.String:
		return want(openapi3.TypeString)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return want(openapi3.TypeInteger, openapi3.TypeNumber)
	case reflect.Float32, reflect.Float64:
		return want(openapi3.TypeNumber)
	case reflect.Bool:
		return want(openapi3.TypeBoolean)
	case reflect.Slice, reflect.Array:
		return want(openapi3.TypeArray)
	case reflect.Struct, reflect.Map:
		return want(openapi3.TypeObject)
	case reflect.Interface:
		return true
	}
	return false
}

// items is an array schema's items schema, or nil.
func items(s *openapi3.Schema) *openapi3.Schema {
	if s == nil || s.Items == nil {
		return nil
	}
	return s.Items.Value
}

// narrower reports whether s may refuse a value base allows: the
// generator, which keeps to base, may make one. An enum that leaves out a
// value of base's, or bounds, lengths, a pattern or a format of its own.
func narrower(s, base *openapi3.Schema) bool {
	if base != nil && !sameLimits(s, base) {
		return true
	}
	if len(s.Enum) == 0 {
		return false
	}
	if base == nil || len(base.Enum) == 0 {
		return true
	}
	for _, v := range base.Enum {
		if !inEnum(s.Enum, v) {
			return true
		}
	}
	return false
}

// inEnum reports whether v, a value as kin-openapi decodes a document's
// (a number is a float64), is one of enum's.
func inEnum(enum []any, v any) bool {
	t := reflect.TypeOf(v)
	for _, e := range enum {
		if reflect.TypeOf(e) == t && (t == nil || t.Comparable() && e == v) {
			return true
		}
	}
	return false
}

// sameLimits reports whether s and base bound their values alike (leaving
// enums aside).
func sameLimits(s, base *openapi3.Schema) bool {
	eq := func(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
	equ := func(a, b *uint64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
	return eq(s.Min, base.Min) && eq(s.Max, base.Max) && eq(s.MultipleOf, base.MultipleOf) &&
		s.MinLength == base.MinLength && equ(s.MaxLength, base.MaxLength) &&
		s.MinItems == base.MinItems && equ(s.MaxItems, base.MaxItems) &&
		s.Pattern == base.Pattern && s.Format == base.Format &&
		s.ExclusiveMin.IsTrue() == base.ExclusiveMin.IsTrue() && s.ExclusiveMax.IsTrue() == base.ExclusiveMax.IsTrue() &&
		eq(s.ExclusiveMin.Value, base.ExclusiveMin.Value) && eq(s.ExclusiveMax.Value, base.ExclusiveMax.Value)
}

// fitsSchema reports whether v, a Go value of a known field, keeps s (its
// enum, its limits) as kin-openapi judges the JSON it encodes to.
func fitsSchema(s *openapi3.Schema, v any) bool {
	var decoded any
	b, err := json.Marshal(v)
	if err != nil || json.Unmarshal(b, &decoded) != nil {
		return false
	}
	return s.VisitJSON(decoded, openapi3.MultiErrors()) == nil
}
