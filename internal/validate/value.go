package validate

import (
	"bytes"
	"encoding"
	"encoding/json"
	"math"
	"reflect"
	"sort"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
)

// valueChecker checks Go values against compiled nodes as the JSON that
// encoding/json makes of them, without encoding them: the mock's crawls are
// checked as the generator made them, then encoded once, while they are
// sent. Its verdicts and reports are kin-openapi's, which stays the
// reference: the fast part only proves values valid, and every value it
// cannot prove is encoded and handed to kin-openapi, whose errors are then
// reported at the value's place in the body. It is safe for concurrent use.
type valueChecker struct {
	// fields holds the JSON fields of each struct type met, by type and node.
	fields sync.Map // fieldsKey -> *structFields
	// own holds, by type, whether encoding/json lets it encode itself.
	own sync.Map // reflect.Type -> bool
	// items holds, by slice type and item node, itemsAlwaysValid.
	items sync.Map // fieldsKey -> bool
}

// ownEncoding reports whether t encodes itself (a json.Marshaler or an
// encoding.TextMarshaler, by value or pointer): the fast check leaves
// such values to kin-openapi.
func (c *valueChecker) ownEncoding(t reflect.Type) bool {
	if own, ok := c.own.Load(t); ok {
		return own.(bool)
	}
	own := t.Implements(jsonMarshalerType) || t.Implements(textMarshalerType) ||
		(t.Kind() != reflect.Pointer && (reflect.PointerTo(t).Implements(jsonMarshalerType) || reflect.PointerTo(t).Implements(textMarshalerType)))
	c.own.Store(t, own)
	return own
}

// path is where a value sits in the body, kept as segments until a
// violation needs it written as a JSON pointer.
type path []segment

// segment is an item's index, or a member's name when index is -1.
type segment struct {
	name  string
	index int
}

func member(name string) segment { return segment{name: name, index: -1} }

func (p path) pointer() string {
	parts := make([]string, len(p))
	for i, seg := range p {
		parts[i] = seg.name
		if seg.index >= 0 {
			parts[i] = strconv.Itoa(seg.index)
		}
	}
	return Pointer(parts)
}

// check appends the violations of rv against n to out. It descends objects
// and arrays whose shape is right, so that a broken screenshot is handed to
// kin-openapi alone, not the whole crawl.
//
// plain says rv's type is known not to encode itself.
func (c *valueChecker) check(n *node, rv reflect.Value, plain bool, at path, out *Violations) {
	if n.slow || n.empty {
		c.checkLeaf(n, rv, plain, at, out)
		return
	}
	rv, kind, ok := c.jsonKind(rv, plain)
	if !ok {
		c.delegate(n, rv, at, out)
		return
	}
	simple := len(n.enum) == 0 && len(n.anyOf) == 0 && len(n.allOf) == 0
	switch {
	case kind == kindObject && simple && n.kinds.has(kindObject):
		if rv.Kind() == reflect.Struct {
			f, ok := c.structFields(rv.Type(), n)
			if ok && f.shapeOK(n, rv) {
				for _, fd := range f.list {
					if fd.child != nil && !fd.alwaysValid && !fd.omitted(rv) {
						c.check(fd.child, rv.Field(fd.index), fd.plain, append(at, member(fd.name)), out)
					}
				}
				return
			}
		} else if rv.Kind() == reflect.Map && mapShapeOK(n, rv) {
			for _, k := range sortedKeys(rv) {
				if child := n.child(k); child != nil {
					c.check(child, rv.MapIndex(reflect.ValueOf(k).Convert(rv.Type().Key())), false, append(at, member(k)), out)
				}
			}
			return
		}
	case kind == kindArray && simple && n.kinds.has(kindArray):
		if l := int64(rv.Len()); l >= n.minItems && (n.maxItems < 0 || l <= n.maxItems) {
			if n.items != nil && !c.itemsAlwaysValid(rv.Type(), n.items) {
				elemPlain := c.plainElem(rv.Type())
				for i := range rv.Len() {
					c.check(n.items, rv.Index(i), elemPlain, append(at, segment{index: i}), out)
				}
			}
			return
		}
	}
	c.checkLeaf(n, rv, true, at, out)
}

// plainElem reports whether the items of an array or slice type are known
// not to encode themselves.
func (c *valueChecker) plainElem(t reflect.Type) bool {
	e := t.Elem()
	return e.Kind() != reflect.Interface && e.Kind() != reflect.Pointer && !c.ownEncoding(e)
}

// itemsAlwaysValid reports whether every item an array or slice type can
// hold is valid against items: a []string against plain strings.
func (c *valueChecker) itemsAlwaysValid(t reflect.Type, items *node) bool {
	key := fieldsKey{t, items}
	if ok, found := c.items.Load(key); found {
		return ok.(bool)
	}
	ok := c.plainElem(t) && alwaysValid(t.Elem(), items)
	c.items.Store(key, ok)
	return ok
}

// checkLeaf checks rv as a whole: valid, or handed to kin-openapi.
func (c *valueChecker) checkLeaf(n *node, rv reflect.Value, plain bool, at path, out *Violations) {
	if !c.valid(n, rv, plain) {
		c.delegate(n, rv, at, out)
	}
}

// delegate asks kin-openapi what is wrong with rv against n, encoded and
// decoded as a response body is, and reports it at rv's place.
func (c *valueChecker) delegate(n *node, rv reflect.Value, at path, out *Violations) {
	value, err := decoded(rv)
	if err != nil {
		*out = append(*out, Violation{Pointer: at.pointer(), Reason: "cannot be encoded as JSON: " + err.Error()})
		return
	}
	err = n.schema.VisitJSON(value, openapi3.MultiErrors(), openapi3.VisitAsResponse())
	collectAt(err, at.pointer(), out)
}

// decoded is rv encoded by encoding/json and decoded with numbers kept as
// json.Number, as kin-openapi decodes a body. An addressable value is
// encoded through its address, as encoding/json does within the body: a
// MarshalJSON method on the pointer is called then.
func decoded(rv reflect.Value) (any, error) {
	if !rv.IsValid() {
		return nil, nil
	}
	in := rv.Interface()
	if rv.CanAddr() {
		in = rv.Addr().Interface()
	}
	b, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// collectAt is violationsOf for a value at pointer prefix in the body.
func collectAt(err error, prefix string, out *Violations) {
	start := len(*out)
	collect(err, out, func(e *openapi3.SchemaError, pointer string) string { return schemaReason(e, prefix+pointer) })
	for i := start; i < len(*out); i++ {
		(*out)[i].Pointer = prefix + (*out)[i].Pointer
	}
}

// valid reports whether rv, as JSON, is valid against n, the way
// kin-openapi's visitJSON decides it. It may say false for a valid value
// (its caller then asks kin-openapi), never true for an invalid one.
func (c *valueChecker) valid(n *node, rv reflect.Value, plain bool) bool {
	if n.slow {
		return false
	}
	rv, kind, ok := c.jsonKind(rv, plain)
	if !ok {
		return false
	}
	if kind == 0 { // null
		if n.nullable {
			return true
		}
		if n.empty || !c.xOf(n, rv) {
			return false
		}
		// kin-openapi accepts a null that its anyOf or allOf accepted.
		return len(n.anyOf)+len(n.allOf) > 0
	}
	if n.empty {
		return true
	}
	if !c.xOf(n, rv) || !enumHas(n.enum, rv, kind) {
		return false
	}
	switch kind {
	case kindBoolean:
		return n.kinds.has(kindBoolean)
	case kindNumber:
		return n.validNumber(rv)
	case kindString:
		return n.validString(rv)
	case kindArray:
		if !n.kinds.has(kindArray) {
			return false
		}
		l := int64(rv.Len())
		if l < n.minItems || (n.maxItems >= 0 && l > n.maxItems) {
			return false
		}
		if n.items != nil && !c.itemsAlwaysValid(rv.Type(), n.items) {
			plain := c.plainElem(rv.Type())
			for i := range rv.Len() {
				if !c.valid(n.items, rv.Index(i), plain) {
					return false
				}
			}
		}
		return true
	case kindObject:
		if !n.kinds.has(kindObject) {
			return false
		}
		if rv.Kind() == reflect.Struct {
			f, ok := c.structFields(rv.Type(), n)
			if !ok || !f.shapeOK(n, rv) {
				return false
			}
			for _, fd := range f.list {
				if fd.child != nil && !fd.alwaysValid && !fd.omitted(rv) && !c.valid(fd.child, rv.Field(fd.index), fd.plain) {
					return false
				}
			}
			return true
		}
		if !mapShapeOK(n, rv) {
			return false
		}
		iter := rv.MapRange()
		for iter.Next() {
			if child := n.child(iter.Key().String()); child != nil && !c.valid(child, iter.Value(), false) {
				return false
			}
		}
		return true
	}
	return false
}

// xOf reports whether rv passes n's anyOf and allOf.
func (c *valueChecker) xOf(n *node, rv reflect.Value) bool {
	if len(n.anyOf) > 0 {
		any := false
		for _, alt := range n.anyOf {
			if c.valid(alt, rv, true) {
				any = true
				break
			}
		}
		if !any {
			return false
		}
	}
	for _, all := range n.allOf {
		if !c.valid(all, rv, true) {
			return false
		}
	}
	return true
}

// child is the node a property named name is checked against, nil for none.
func (n *node) child(name string) *node {
	if p, ok := n.props[name]; ok {
		return p
	}
	return n.additional
}

func (n *node) validNumber(rv reflect.Value) bool {
	f, isInt, ok := jsonNumber(rv)
	if !ok {
		return false
	}
	if n.requireInteger {
		if !isInt {
			return false
		}
	} else if !n.kinds.has(kindInteger) && !n.kinds.has(kindNumber) {
		return false
	}
	if n.intFormat != nil && !validIntegerFormat(n.intFormat, f) {
		return false
	}
	if n.numFormat != nil && !n.requireInteger && n.numFormat.Validate(f) != nil {
		return false
	}
	if f < n.lower || (n.lowerEx && f == n.lower) || f > n.upper || (n.upperEx && f == n.upper) {
		return false
	}
	return true
}

// validIntegerFormat is kin-openapi's validateIntegerFormat as a verdict.
func validIntegerFormat(v openapi3.IntegerFormatValidator, f float64) bool {
	switch {
	case f == float64(math.MaxInt64):
		return v.Validate(math.MaxInt64) == nil
	case f >= float64(math.MinInt64) && f < float64(math.MaxInt64):
		return v.Validate(int64(f)) == nil
	}
	return false
}

func (n *node) validString(rv reflect.Value) bool {
	if !n.kinds.has(kindString) {
		return false
	}
	if n.minLength == 0 && n.maxLength < 0 && n.strFormat == nil {
		return true
	}
	s := rv.String()
	if !utf8.ValidString(s) {
		return false // encoding/json changes it: let kin-openapi see what it became
	}
	if n.minLength != 0 || n.maxLength >= 0 {
		l := int64(utf8.RuneCountInString(s))
		if l < n.minLength || (n.maxLength >= 0 && l > n.maxLength) {
			return false
		}
	}
	return n.strFormat == nil || n.strFormat.Validate(s) == nil
}

// jsonNumber reads a JSON number: its value, whether it is an integer, and
// false when it is none (NaN, infinities, a json.Number out of range).
func jsonNumber(rv reflect.Value) (f float64, isInt, ok bool) {
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(rv.Int()), true, true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return float64(rv.Uint()), true, true
	case reflect.Float32:
		// encoding/json writes the shortest decimal that reads back as the
		// float32: kin-openapi sees that decimal as a float64.
		var err error
		if f, err = strconv.ParseFloat(strconv.FormatFloat(rv.Float(), 'g', -1, 32), 64); err != nil {
			return 0, false, false
		}
	case reflect.Float64:
		f = rv.Float()
	case reflect.String: // json.Number
		var err error
		if f, err = strconv.ParseFloat(rv.String(), 64); err != nil {
			return 0, false, false
		}
	default:
		return 0, false, false
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false, false
	}
	return f, f == math.Trunc(f), true
}

// enumHas reports whether rv is one of enum (true when there is none), for
// scalars; an array or object against an enum is left to kin-openapi.
func enumHas(enum []any, rv reflect.Value, kind kindSet) bool {
	if len(enum) == 0 {
		return true
	}
	for _, e := range enum {
		if ef, ok := enumNumber(e); ok {
			if kind == kindNumber {
				if f, _, ok := jsonNumber(rv); ok && f == ef {
					return true
				}
			}
			continue
		}
		switch e := e.(type) {
		case string:
			if kind == kindString && utf8.ValidString(rv.String()) && rv.String() == e {
				return true
			}
		case bool:
			if kind == kindBoolean && rv.Bool() == e {
				return true
			}
		}
	}
	return false
}

// enumNumber is kin-openapi's jsonNumberAsFloat64: an enum value that is
// a number, as a float64.
func enumNumber(e any) (float64, bool) {
	if n, ok := e.(json.Number); ok {
		f, err := n.Float64()
		return f, err == nil
	}
	rv := reflect.ValueOf(e)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(rv.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(rv.Uint()), true
	case reflect.Float32, reflect.Float64:
		return rv.Float(), true
	}
	return 0, false
}

var (
	jsonNumberType    = reflect.TypeFor[json.Number]()
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// jsonKind follows pointers and interfaces to the value encoding/json
// writes, and says which JSON type it becomes (0 for null). ok is false
// for what the fast check does not model: a type with its own encoding,
// a []byte, a map with keys other than strings, an invalid value.
func (c *valueChecker) jsonKind(rv reflect.Value, plain bool) (reflect.Value, kindSet, bool) {
	for ; ; plain = false {
		if !rv.IsValid() {
			return rv, 0, true
		}
		t := rv.Type()
		if !plain && c.ownEncoding(t) {
			return rv, 0, false
		}
		switch t.Kind() {
		case reflect.Pointer, reflect.Interface:
			if rv.IsNil() {
				return rv, 0, true
			}
			rv = rv.Elem()
			continue
		case reflect.Bool:
			return rv, kindBoolean, true
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
			reflect.Float32, reflect.Float64:
			return rv, kindNumber, true
		case reflect.String:
			if t == jsonNumberType {
				return rv, kindNumber, rv.String() != "" // "" is written as 0: let kin-openapi see it
			}
			return rv, kindString, true
		case reflect.Slice:
			if rv.IsNil() {
				return rv, 0, true
			}
			if t.Elem().Kind() == reflect.Uint8 {
				return rv, 0, false // base64
			}
			return rv, kindArray, true
		case reflect.Array:
			return rv, kindArray, t.Elem().Kind() != reflect.Uint8
		case reflect.Map:
			if t.Key().Kind() != reflect.String || c.ownEncoding(t.Key()) {
				return rv, 0, false
			}
			if rv.IsNil() {
				return rv, 0, true
			}
			return rv, kindObject, true
		case reflect.Struct:
			return rv, kindObject, true
		}
		return rv, 0, false
	}
}

func mapShapeOK(n *node, rv reflect.Value) bool {
	l := int64(rv.Len())
	if l < n.minProps || (n.maxProps >= 0 && l > n.maxProps) {
		return false
	}
	for _, name := range n.required {
		if !rv.MapIndex(reflect.ValueOf(name).Convert(rv.Type().Key())).IsValid() {
			return false
		}
	}
	if n.noAdditional {
		iter := rv.MapRange()
		for iter.Next() {
			if _, ok := n.props[iter.Key().String()]; !ok {
				return false
			}
		}
	}
	return true
}

// sortedKeys are a map's keys in the order kin-openapi visits them.
func sortedKeys(rv reflect.Value) []string {
	keys := make([]string, 0, rv.Len())
	iter := rv.MapRange()
	for iter.Next() {
		keys = append(keys, iter.Key().String())
	}
	sort.Strings(keys)
	return keys
}
