package validate

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"runtime"
	"strconv"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// splitThreshold is the body size from which a response's long array is
// validated item by item on every core.
const splitThreshold = 1 << 20

// itemSplit says where a response's schema has an array whose items can be
// validated apart: the array at path in the body of status, holding items,
// and constrained by nothing but its item schema.
type itemSplit struct {
	status int
	path   []string
	items  *openapi3.Schema
}

// findSplit looks for the contract's crawl screenshots: data.screenshots of
// the 200 response, an array of Screenshot with no other constraint.
func findSplit(op *openapi3.Operation) *itemSplit {
	resp := op.Responses.Status(http.StatusOK)
	if resp == nil || resp.Value == nil {
		return nil
	}
	media := resp.Value.Content.Get("application/json")
	if media == nil || media.Schema == nil {
		return nil
	}
	path := []string{"data", "screenshots"}
	schema := media.Schema.Value
	for _, name := range path {
		prop, ok := schema.Properties[name]
		if !ok || prop.Value == nil {
			return nil
		}
		schema = prop.Value
	}
	unconstrained := schema.Items != nil && schema.Items.Value != nil && schema.MinItems == 0 &&
		schema.MaxItems == nil && !schema.UniqueItems && schema.Not == nil &&
		len(schema.AllOf)+len(schema.AnyOf)+len(schema.OneOf) == 0
	if !unconstrained {
		return nil
	}
	return &itemSplit{status: http.StatusOK, path: path, items: schema.Items.Value}
}

// splitResponse validates a large body as its parts: everything but the
// array, through the whole response check, then the array's items against
// their schema, spread over the cores. The verdict is the one the whole
// body would get (with a key given twice on the path, it also holds the
// first one's items to the schema). ok is false when the body does not have
// the expected shape; the caller then validates it whole.
func (v *Validator) splitResponse(ctx context.Context, r *http.Request, status int, header http.Header, body []byte) (Violations, bool) {
	p, ok := v.cut(body)
	if !ok {
		return nil, false
	}
	return v.ResponseParts(ctx, r, status, header, p), true
}

// Parts is a large body cut where Response checks it in parts: the body
// with one long array emptied, and that array's items.
type Parts struct {
	// Reduced is the body with the array emptied, byte for byte otherwise.
	Reduced []byte
	// Items are the array's items, each a slice of the body.
	Items [][]byte
	// Pointer is the array's JSON pointer in the body, as "/data/screenshots".
	Pointer string
	// Schema is the items' schema.
	Schema *openapi3.Schema
}

// SplitPath is the path of keys, from the body's root, to the array that
// Response checks item by item in a body of status of SplitThreshold bytes
// or more, or nil when it checks every such body whole.
func (v *Validator) SplitPath(status int) []string {
	if v.split == nil || status != v.split.status {
		return nil
	}
	return v.split.path
}

// SplitThreshold is the body size from which Response checks a body of
// SplitPath's shape in parts.
const SplitThreshold = splitThreshold

// Split cuts body as Response does: ok is false when Response checks it
// whole.
func (v *Validator) Split(status int, body []byte) (*Parts, bool) {
	if v.SplitPath(status) == nil || len(body) < splitThreshold {
		return nil, false
	}
	return v.cut(body)
}

func (v *Validator) cut(body []byte) (*Parts, bool) {
	start, end, items, ok := v.findItems(body)
	if !ok {
		return nil, false
	}
	reduced := make([]byte, 0, start+2+len(body)-end)
	reduced = append(append(append(reduced, body[:start]...), "[]"...), body[end:]...)
	return &Parts{Reduced: reduced, Items: items, Pointer: Pointer(v.split.path), Schema: v.split.items}, true
}

// ResponseParts is Response for a body Split cut: the same violations.
func (v *Validator) ResponseParts(ctx context.Context, r *http.Request, status int, header http.Header, p *Parts) Violations {
	out := v.wholeResponse(ctx, r, status, header, p.Reduced)
	items := p.Items
	perItem := make([]Violations, len(items))
	workers := min(runtime.GOMAXPROCS(0), len(items))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(items); i += workers {
				perItem[i] = v.item(i, items[i])
			}
		}()
	}
	wg.Wait()
	for _, vs := range perItem {
		out = append(out, vs...)
	}
	return out
}

// findItems walks the body's tokens down the split's path and returns the
// array's byte span and its items, each a slice of body (not a copy).
func (v *Validator) findItems(body []byte) (start, end int, items [][]byte, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	for _, name := range v.split.path {
		if !enterObjectKey(dec, name) {
			return 0, 0, nil, false
		}
	}
	before := int(dec.InputOffset())
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return 0, 0, nil, false
	}
	start = before + bytes.IndexByte(body[before:], '[')
	for dec.More() {
		from := int(dec.InputOffset())
		var skip struct{} // scans the item without keeping it
		if dec.Decode(&skip) != nil {
			return 0, 0, nil, false
		}
		items = append(items, bytes.TrimLeft(body[from:dec.InputOffset()], ", \t\r\n"))
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim(']') {
		return 0, 0, nil, false
	}
	return start, int(dec.InputOffset()), items, true
}

// enterObjectKey reads an object's opening and its members up to key,
// leaving the decoder at key's value.
func enterObjectKey(dec *json.Decoder, key string) bool {
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return false
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		if tok == key {
			return true
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return false
		}
	}
	return false
}

// item decodes and validates one array item, its pointers made absolute.
func (v *Validator) item(i int, raw []byte) Violations {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // as kin-openapi decodes bodies
	var value any
	if err := dec.Decode(&value); err != nil {
		return Violations{{Pointer: v.itemPointer(i, ""), Reason: "not valid JSON: " + err.Error()}}
	}
	vs := violationsOf(v.split.items.VisitJSON(value, openapi3.MultiErrors(), openapi3.VisitAsResponse()))
	for j := range vs {
		vs[j].Pointer = v.itemPointer(i, vs[j].Pointer)
	}
	return vs
}

func (v *Validator) itemPointer(i int, rest string) string {
	return Pointer(append(append([]string{}, v.split.path...), strconv.Itoa(i))) + rest
}
