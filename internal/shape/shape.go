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
	"github.com/crawlkit/crawlkit/internal/envelope"
	"github.com/crawlkit/crawlkit/internal/schemagen"
	"github.com/crawlkit/crawlkit/internal/spec"
)

// Shaper lays crawls over one contract's crawl schema. It is safe for
// concurrent use.
type Shaper struct {
	plan *plan
	// whole, when set, is a 200 body schema without the success envelope's
	// data: bodies are made from it whole, the crawl left aside.
	whole *openapi3.Schema
}

// New compiles the shaping of the crawl, the data of a 200 body, for
// schema, the 200 response's JSON schema; base is the same schema in the
// embedded contract, whose values the generator makes. A nil schema
// shapes nothing.
func New(schema, base *openapi3.Schema) *Shaper {
	if schema == nil {
		return &Shaper{}
	}
	data := property(schema, "data")
	if data == nil {
		return &Shaper{whole: schema}
	}
	p := compile(reflect.TypeFor[crawl.Crawl](), data, property(base, "data"), 0)
	if p.identity() {
		return &Shaper{}
	}
	return &Shaper{plan: p}
}

// Identity reports whether crawls are sent as the generator makes them.
func (s *Shaper) Identity() bool { return s.plan == nil && s.whole == nil }

// Body returns the 200 body for crawl c, made with seed: the API's success
// envelope around the crawl as Crawl lays it, or, for a contract whose 200
// body has no data, a body made from its schema alone.
func (s *Shaper) Body(c *crawl.Crawl, seed uint64) any {
	if s.whole != nil {
		return schemagen.Value(s.whole, seed, c.ID, "")
	}
	return envelope.NewSuccess(s.Crawl(c, seed))
}

// Changed lists the fields the generator knows whose values the contract
// does not take as they are, by JSON pointer below data ("*" for any
// index): fields it drops, and fields made from its schema. Coherence
// rules that read them say nothing of a crawl of that contract.
func (s *Shaper) Changed() []string {
	if s.plan == nil {
		return nil
	}
	var out []string
	var walk func(p *plan, at string)
	walk = func(p *plan, at string) {
		for _, name := range p.droppedNames {
			out = append(out, at+"/"+name)
		}
		for _, f := range p.fields {
			switch {
			case f.regen || f.schema != nil:
				out = append(out, at+"/"+f.name)
			case f.sub != nil:
				next := at + "/" + f.name
				if f.slice {
					next += "/*"
				}
				walk(f.sub, next)
			}
		}
	}
	walk(s.plan, "")
	return out
}

// Crawl returns c as the contract wants it, for a crawl made with seed: a
// pointer to a struct made for the contract (its fields those of crawl.Crawl
// the contract keeps, then those it adds), which encoding/json and the
// validator's fast check treat as they do crawl.Crawl; or c itself when the
// contract is the generator's own.
func (s *Shaper) Crawl(c *crawl.Crawl, seed uint64) any {
	if s.plan == nil {
		return c
	}
	w := walker{seed: seed, id: c.ID}
	return w.object(s.plan, reflect.ValueOf(c).Elem(), "").Addr().Interface()
}

// plan is how to lay one Go struct type over an object schema.
type plan struct {
	// fields are the struct's JSON fields the schema keeps, in struct order.
	fields []field
	// extra are the schema's properties the struct does not have.
	extra []extra
	// dropped counts the struct's fields the schema does not have, and
	// droppedNames names them.
	dropped      int
	droppedNames []string
	// typ is the struct type made for the schema: fields, then extra.
	typ reflect.Type
}

type field struct {
	name  string
	index int
	// sub shapes a struct, or the items of a slice of structs.
	sub *plan
	// schema is set when the known value may not fit it (an enum or limits
	// narrower than the embedded contract's): a value it refuses is made
	// from it.
	schema *openapi3.Schema
	// regen: the Go value's type does not fit the schema's; the value is
	// always made from schema.
	regen bool
	// slice: the field is a slice of what sub shapes.
	slice bool
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
			p.droppedNames = append(p.droppedNames, name)
			continue
		}
		f := field{name: name, index: i, slice: sf.Type.Kind() == reflect.Slice}
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
				if sub := compile(elem, target, baseTarget, depth+1); !sub.identity() {
					f.sub = sub
				}
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
	p.typ = p.structType(t)
	return p
}

// anyType is the type of a field whose values are made from the schema.
var anyType = reflect.TypeFor[any]()

// structType makes the struct type of p's values: each field kept with
// its Go type (or its plan's type, or any for values made from the
// schema), then each extra field, optional ones omitted when unset.
func (p *plan) structType(t reflect.Type) reflect.Type {
	fields := make([]reflect.StructField, 0, len(p.fields)+len(p.extra))
	for i, f := range p.fields {
		typ := t.Field(f.index).Type
		switch {
		case f.regen || f.schema != nil:
			typ = anyType
		case f.sub != nil && typ.Kind() == reflect.Slice:
			typ = reflect.SliceOf(f.sub.typ)
		case f.sub != nil:
			typ = f.sub.typ
		}
		fields = append(fields, reflect.StructField{Name: "F" + strconv.Itoa(i), Type: typ, Tag: reflect.StructTag(`json:"` + f.name + `"`)})
	}
	for i, e := range p.extra {
		tag := `json:"` + e.name + `"`
		if !e.required {
			tag = `json:"` + e.name + `,omitempty"`
		}
		fields = append(fields, reflect.StructField{Name: "X" + strconv.Itoa(i), Type: anyType, Tag: reflect.StructTag(tag)})
	}
	return reflect.StructOf(fields)
}

// walker applies plans to one crawl.
type walker struct {
	seed uint64
	id   int64
}

// object fills a new value of p's type from src, a value of the struct
// type p was compiled for.
func (w walker) object(p *plan, src reflect.Value, at string) reflect.Value {
	dst := reflect.New(p.typ).Elem()
	w.fill(p, src, dst, at)
	return dst
}

func (w walker) fill(p *plan, src, dst reflect.Value, at string) {
	for i, f := range p.fields {
		out := dst.Field(i)
		fv := src.Field(f.index)
		switch {
		case f.regen:
			setAny(out, schemagen.Value(f.schema, w.seed, w.id, at+"/"+f.name))
		case f.sub != nil && fv.Kind() == reflect.Slice:
			if fv.IsNil() {
				continue
			}
			items := reflect.MakeSlice(out.Type(), fv.Len(), fv.Len())
			for k := range fv.Len() {
				w.fill(f.sub, fv.Index(k), items.Index(k), at+"/"+f.name+"/"+strconv.Itoa(k))
			}
			out.Set(items)
		case f.sub != nil:
			w.fill(f.sub, fv, out, at+"/"+f.name)
		case f.schema != nil:
			v := fv.Interface()
			if !fitsSchema(f.schema, v) {
				v = schemagen.Value(f.schema, w.seed, w.id, at+"/"+f.name)
			}
			setAny(out, v)
		default:
			out.Set(fv)
		}
	}
	base := len(p.fields)
	for i, e := range p.extra {
		ptr := at + "/" + e.name
		if e.required || schemagen.Present(w.seed, w.id, ptr) {
			setAny(dst.Field(base+i), schemagen.Value(e.schema, w.seed, w.id, ptr))
		}
	}
}

// setAny sets an interface field to v; nil leaves it nil.
func setAny(field reflect.Value, v any) {
	if v != nil {
		field.Set(reflect.ValueOf(v))
	}
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
