// Package schemagen makes JSON values from OpenAPI schemas, for the fields
// of a contract crawlkit's generator does not know: deterministic for a
// seed, a crawl id and the value's JSON pointer, and valid for the schema
// as far as its keywords go (the mock validates every answer regardless).
package schemagen

import (
	"encoding/base64"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v7"
	"github.com/getkin/kin-openapi/openapi3"
)

// maxDepth bounds nesting, so that a schema that refers to itself ends.
const maxDepth = 8

// epoch is the instant generated dates are drawn before: fixed, so that a
// value depends on its seed alone.
var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Value returns a value for s, the same for the same seed, id and pointer:
// the schema's example or default first, then by its const, enum, type,
// format, bounds, lengths, pattern and items. An object has every required
// property and each optional one half the time.
func Value(s *openapi3.Schema, seed uint64, id int64, pointer string) any {
	h := mix(seed ^ mix(hash(pointer)^mix(uint64(id))))
	g := &gen{f: gofakeit.NewFaker(rand.NewPCG(h, mix(h)), false)}
	return g.value(s, 0)
}

// mix is splitmix64's finalizer: nearby inputs, far apart outputs.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// Present reports whether an optional property at pointer is sent, for a
// seed and id: half of them are.
func Present(seed uint64, id int64, pointer string) bool {
	return mix(seed^mix(hash(pointer)^mix(uint64(id)+1)))&1 == 0
}

func hash(s string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(s))
	return h.Sum64()
}

type gen struct{ f *gofakeit.Faker }

func (g *gen) value(s *openapi3.Schema, depth int) any {
	if s == nil || depth > maxDepth {
		return nil
	}
	switch {
	case s.Const != nil:
		return s.Const
	case s.Example != nil:
		return s.Example
	case len(s.Examples) > 0:
		return s.Examples[0]
	case s.Default != nil:
		return s.Default
	case len(s.Enum) > 0:
		return s.Enum[g.f.IntN(len(s.Enum))]
	case len(s.AllOf) > 0:
		return g.allOf(s, depth)
	case len(s.OneOf) > 0:
		return g.value(s.OneOf[0].Value, depth+1)
	case len(s.AnyOf) > 0 && s.Type == nil:
		return g.value(s.AnyOf[0].Value, depth+1)
	}
	switch typeOf(s) {
	case openapi3.TypeString:
		return g.str(s)
	case openapi3.TypeInteger:
		return g.integer(s)
	case openapi3.TypeNumber:
		return g.number(s)
	case openapi3.TypeBoolean:
		return g.f.Bool()
	case openapi3.TypeArray:
		return g.array(s, depth)
	case openapi3.TypeNull:
		return nil
	default:
		return g.object(s, depth)
	}
}

// typeOf is the schema's type, the first that is not null; an untyped
// schema with properties is an object, one with items an array.
func typeOf(s *openapi3.Schema) string {
	if s.Type != nil {
		for _, t := range s.Type.Slice() {
			if t != openapi3.TypeNull {
				return t
			}
		}
		if s.Type.Is(openapi3.TypeNull) {
			return openapi3.TypeNull
		}
	}
	switch {
	case s.Items != nil:
		return openapi3.TypeArray
	case s.Min != nil || s.Max != nil:
		return openapi3.TypeNumber
	case s.Pattern != "" || s.Format != "" || s.MaxLength != nil:
		return openapi3.TypeString
	}
	return openapi3.TypeObject
}

// allOf merges the objects its parts make; a part that is not an object
// stands for the whole.
func (g *gen) allOf(s *openapi3.Schema, depth int) any {
	merged := map[string]any{}
	for _, part := range s.AllOf {
		v := g.value(part.Value, depth+1)
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		for k, x := range m {
			merged[k] = x
		}
	}
	if len(s.Properties) > 0 {
		own := *s
		own.AllOf = nil
		for k, x := range g.object(&own, depth).(map[string]any) {
			merged[k] = x
		}
	}
	return merged
}

func (g *gen) object(s *openapi3.Schema, depth int) any {
	out := map[string]any{}
	names := make([]string, 0, len(s.Properties))
	for name := range s.Properties {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		prop := s.Properties[name]
		if prop == nil || prop.Value == nil || prop.Value.WriteOnly {
			continue
		}
		if slices.Contains(s.Required, name) || g.f.Bool() {
			out[name] = g.value(prop.Value, depth+1)
		}
	}
	for _, name := range s.Required {
		if _, ok := out[name]; !ok {
			out[name] = ""
		}
	}
	return out
}

func (g *gen) array(s *openapi3.Schema, depth int) any {
	lo := int(s.MinItems)
	hi := lo + 3
	if s.MaxItems != nil {
		hi = min(hi, int(*s.MaxItems))
	}
	n := lo
	if hi > lo {
		n += g.f.IntN(hi - lo + 1)
	}
	out := make([]any, 0, n)
	var items *openapi3.Schema
	if s.Items != nil {
		items = s.Items.Value
	}
	for range n {
		v := g.value(items, depth+1)
		if s.UniqueItems && slices.ContainsFunc(out, func(x any) bool { return equal(x, v) }) {
			continue
		}
		out = append(out, v)
	}
	return out
}

func equal(a, b any) bool {
	switch a.(type) {
	case map[string]any, []any:
		return false
	}
	return a == b
}

// bounds are a number schema's limits, exclusive ones made inclusive by
// step, and wide defaults where it has none.
func bounds(s *openapi3.Schema, step, lo, hi float64) (float64, float64) {
	if s.Min != nil {
		lo = *s.Min
		if s.ExclusiveMin.IsTrue() {
			lo += step
		}
	}
	if s.ExclusiveMin.Value != nil {
		lo = max(lo, *s.ExclusiveMin.Value+step)
	}
	if s.Max != nil {
		hi = *s.Max
		if s.ExclusiveMax.IsTrue() {
			hi -= step
		}
	}
	if s.ExclusiveMax.Value != nil {
		hi = min(hi, *s.ExclusiveMax.Value-step)
	}
	if s.Min != nil && s.Max == nil && s.ExclusiveMax.Value == nil {
		hi = lo + 1000
	}
	if s.Max != nil && s.Min == nil && s.ExclusiveMin.Value == nil {
		lo = min(lo, hi-1000)
	}
	return lo, max(lo, hi)
}

func (g *gen) integer(s *openapi3.Schema) any {
	lo, hi := bounds(s, 1, 0, 1000)
	l, h := int64(math.Ceil(lo)), int64(math.Floor(hi))
	if h < l {
		h = l
	}
	v := l + int64(g.f.IntN(int(min(h-l, 1<<30))+1))
	if s.MultipleOf != nil && *s.MultipleOf >= 1 {
		m := int64(*s.MultipleOf)
		v = (v + m - 1) / m * m
		if v > h {
			v -= m
		}
	}
	return v
}

func (g *gen) number(s *openapi3.Schema) any {
	lo, hi := bounds(s, 0.01, 0, 1000)
	v := math.Round((lo+g.f.Float64()*(hi-lo))*100) / 100
	v = math.Min(math.Max(v, lo), hi)
	if s.MultipleOf != nil && *s.MultipleOf > 0 {
		m := *s.MultipleOf
		v = math.Ceil(lo/m) * m
	}
	return v
}

func (g *gen) str(s *openapi3.Schema) any {
	var v string
	switch s.Format {
	case "date-time":
		v = epoch.Add(-time.Duration(g.f.IntN(365*24*3600)) * time.Second).Format(time.RFC3339)
	case "date":
		v = epoch.Add(-time.Duration(g.f.IntN(365)) * 24 * time.Hour).Format(time.DateOnly)
	case "time":
		v = epoch.Add(time.Duration(g.f.IntN(24*3600)) * time.Second).Format(time.TimeOnly)
	case "uri", "url", "iri", "uri-reference":
		v = "https://" + strings.ToLower(g.f.DomainName()) + "/" + strings.ToLower(g.f.Word())
	case "hostname", "idn-hostname":
		v = strings.ToLower(g.f.DomainName())
	case "email", "idn-email":
		v = strings.ToLower(g.f.Email())
	case "uuid":
		v = g.f.UUID()
	case "ipv4":
		v = g.f.IPv4Address()
	case "ipv6":
		v = g.f.IPv6Address()
	case "byte":
		v = base64.StdEncoding.EncodeToString([]byte(g.f.Word()))
	default:
		v = strings.ToLower(g.f.Word())
	}
	if s.Pattern != "" {
		if re, err := regexp.Compile(s.Pattern); err == nil && !re.MatchString(v) {
			for range 10 {
				if v = g.f.Regex(s.Pattern); re.MatchString(v) {
					break
				}
			}
		}
	}
	return fitLength(v, s)
}

// fitLength pads or cuts v to the schema's lengths, in characters.
func fitLength(v string, s *openapi3.Schema) string {
	r := []rune(v)
	for uint64(len(r)) < s.MinLength {
		r = append(r, 'x')
	}
	if s.MaxLength != nil && uint64(len(r)) > *s.MaxLength {
		r = r[:*s.MaxLength]
	}
	return string(r)
}
