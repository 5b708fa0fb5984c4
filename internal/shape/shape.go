// Package shape lays the crawls crawlkit's generator makes over the schema
// of the contract in use. The generator knows the fields of the embedded
// contract and keeps them coherent; a contract that has evolved may drop
// some (they are not sent), add others (made from their schema by
// schemagen, an optional one in some crawls only) or change a known
// field's type or values (made from the schema too). For the embedded
// contract there is nothing to do, and the crawl is sent as it is.
package shape

import (
	"context"
	"net/http"
	"reflect"
	"slices"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/crawlkit/crawlkit/internal/crawl"
	"github.com/crawlkit/crawlkit/internal/schemagen"
	"github.com/crawlkit/crawlkit/internal/spec"
)

// Shaper lays crawls over one contract's crawl schema. It is safe for
// concurrent use.
type Shaper struct {
	plan *plan
}

// New compiles the shaping of the crawl, the data of a 200 body, for
// schema, the 200 response's JSON schema; base is the same schema in the
// embedded contract, whose values the generator makes. A nil schema
// shapes nothing.
func New(schema, base *openapi3.Schema) *Shaper {
	data := property(schema, "data")
	if data == nil {
		return &Shaper{}
	}
	p := compile(reflect.TypeFor[crawl.Crawl](), data, property(base, "data"), 0)
	if p.identity() {
		return &Shaper{}
	}
	return &Shaper{plan: p}
}

// Identity reports whether crawls are sent as the generator makes them.
func (s *Shaper) Identity() bool { return s.plan == nil }

// Crawl returns c as the contract wants it, for a crawl made with seed: a
// tree of map[string]any, []any and plain values, or c itself when the
// contract is the generator's own.
func (s *Shaper) Crawl(c *crawl.Crawl, seed uint64) any {
	if s.plan == nil {
		return c
	}
	w := walker{seed: seed, id: c.ID}
	return w.object(s.plan, reflect.ValueOf(c).Elem(), "")
}

// plan is how to lay one Go struct type over an object schema.
type plan struct {
	// fields are the struct's JSON fields the schema keeps, in struct order.
	fields []field
	// extra are the schema's properties the struct does not have.
	extra []extra
	// dropped counts the struct's fields the schema does not have.
	dropped int
}

type field struct {
	name  string
	index int
	// sub shapes a struct, or the items of a slice of structs.
	sub *plan
	// schema is set when the known value may not fit it: a value outside
	// its enum is made from it.
	schema *openapi3.Schema
	// regen: the Go value's type does not fit the schema's; the value is
	// always made from schema.
	regen bool
}

type extra struct {
	name     string
	schema   *openapi3.Schema
	required bool
}

func (p *plan) identity() bool {
	if p.dropped > 0 || len(p.extra) > 0 {
		return false
	}
	for _, f := range p.fields {
		if f.regen || f.schema != nil || (f.sub != nil && !f.sub.identity()) {
			return false
		}
	}
	return true
}

func compile(t reflect.Type, s, base *openapi3.Schema, depth int) *plan {
	props, required := properties(s)
	baseProps, _ := properties(base)
	p := &plan{}
	known := map[string]bool{}
	for i := range t.NumField() {
		sf := t.Field(i)
		name := jsonName(sf)
		if name == "" {
			continue
		}
		known[name] = true
		prop, ok := props[name]
		if !ok && props != nil {
			p.dropped++
			continue
		}
		f := field{name: name, index: i}
		if prop != nil {
			f.regen = !fits(sf.Type, prop)
			if f.regen || narrower(prop, baseProps[name]) {
				f.schema = prop
			}
			if elem := structOf(sf.Type); elem != nil && !f.regen && depth < 4 {
				target, baseTarget := prop, baseProps[name]
				if sf.Type.Kind() == reflect.Slice {
					target, baseTarget = items(prop), items(baseTarget)
				}
				f.sub = compile(elem, target, baseTarget, depth+1)
			}
		}
		p.fields = append(p.fields, f)
	}
	names := make([]string, 0, len(props))
	for name := range props {
		if !known[name] {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		p.extra = append(p.extra, extra{name: name, schema: props[name], required: slices.Contains(required, name)})
	}
	return p
}

// walker applies plans to one crawl.
type walker struct {
	seed uint64
	id   int64
}

func (w walker) object(p *plan, rv reflect.Value, at string) map[string]any {
	out := make(map[string]any, len(p.fields)+len(p.extra))
	for _, f := range p.fields {
		ptr := at + "/" + f.name
		fv := rv.Field(f.index)
		switch {
		case f.regen:
			out[f.name] = schemagen.Value(f.schema, w.seed, w.id, ptr)
		case f.sub != nil && fv.Kind() == reflect.Slice:
			if fv.IsNil() {
				out[f.name] = nil
				continue
			}
			items := make([]any, fv.Len())
			for i := range items {
				items[i] = w.object(f.sub, fv.Index(i), ptr+"/"+strconv.Itoa(i))
			}
			out[f.name] = items
		case f.sub != nil:
			out[f.name] = w.object(f.sub, fv, ptr)
		default:
			v := fv.Interface()
			if f.schema != nil && !inEnum(f.schema.Enum, v) {
				v = schemagen.Value(f.schema, w.seed, w.id, ptr)
			}
			out[f.name] = v
		}
	}
	for _, e := range p.extra {
		ptr := at + "/" + e.name
		if e.required || schemagen.Present(w.seed, w.id, ptr) {
			out[e.name] = schemagen.Value(e.schema, w.seed, w.id, ptr)
		}
	}
	return out
}

// For returns the shaper of contract c, whose 200 schema is laid over the
// embedded contract's.
func For(ctx context.Context, c *spec.Contract) (*Shaper, error) {
	doc, err := spec.Load(ctx)
	if err != nil {
		return nil, err
	}
	base, err := spec.NewContract(doc)
	if err != nil {
		return nil, err
	}
	return New(c.BodySchema(http.StatusOK), base.BodySchema(http.StatusOK)), nil
}
