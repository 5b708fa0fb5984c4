package validate

import (
	"reflect"
	"sort"
	"strings"
	"unicode"
)

// structFields are the JSON members of one struct type, as encoding/json
// writes them, each with the node it is checked against.
type structFields struct {
	// list is in the order kin-openapi visits members: by name.
	list []fieldCheck
	// missing: a required member has no field at all.
	missing bool
	// omittable holds the indexes in list of required members that
	// omitempty may leave out.
	omittable []int
	// counted: the node bounds the members or forbids some, so each
	// object's members are looked at.
	counted bool
}

type fieldCheck struct {
	name      string
	index     int
	omitEmpty bool
	// child is the node the member is checked against; nil when any value
	// is allowed.
	child *node
	// alwaysValid: every value of the field's Go type is valid against
	// child, so it is not looked at.
	alwaysValid bool
	// known: the name is one of the node's properties.
	known bool
	// plain: the field's type does not encode itself.
	plain bool
}

type fieldsKey struct {
	t reflect.Type
	n *node
}

// structFields returns the members of t checked against n. ok is false for
// a struct the fast check does not model (embedded fields, the string or
// omitzero options, clashing names): its values go to kin-openapi.
func (c *valueChecker) structFields(t reflect.Type, n *node) (*structFields, bool) {
	key := fieldsKey{t, n}
	if f, ok := c.fields.Load(key); ok {
		return f.(*structFields), f.(*structFields) != nil
	}
	f := c.newStructFields(t, n)
	c.fields.Store(key, f)
	return f, f != nil
}

func (c *valueChecker) newStructFields(t reflect.Type, n *node) *structFields {
	f := &structFields{}
	seen := map[string]bool{}
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Anonymous {
			return nil
		}
		if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if !validTagName(name) {
			name = ""
		}
		if name == "" {
			name = sf.Name
		}
		omitEmpty := false
		for opt := range strings.SplitSeq(opts, ",") {
			switch opt {
			case "omitempty":
				omitEmpty = true
			case "string", "omitzero":
				return nil
			}
		}
		if seen[name] {
			return nil
		}
		seen[name] = true
		_, known := n.props[name]
		child := n.child(name)
		f.list = append(f.list, fieldCheck{
			name: name, index: i, omitEmpty: omitEmpty, child: child, known: known,
			alwaysValid: child != nil && !c.ownEncoding(sf.Type) && alwaysValid(sf.Type, child),
			plain:       sf.Type.Kind() != reflect.Interface && sf.Type.Kind() != reflect.Pointer && !c.ownEncoding(sf.Type),
		})
	}
	sort.Slice(f.list, func(a, b int) bool { return f.list[a].name < f.list[b].name })
	for _, name := range n.required {
		at := -1
		for i, fd := range f.list {
			if fd.name == name {
				at = i
			}
		}
		switch {
		case at < 0:
			f.missing = true
		case f.list[at].omitEmpty:
			f.omittable = append(f.omittable, at)
		}
	}
	f.counted = n.noAdditional || n.minProps > 0 || n.maxProps >= 0
	return f
}

// shapeOK reports whether the object rv writes has n's required members,
// no member n forbids and a member count within n's bounds.
func (f *structFields) shapeOK(n *node, rv reflect.Value) bool {
	if f.missing {
		return false
	}
	for _, at := range f.omittable {
		if f.list[at].omitted(rv) {
			return false
		}
	}
	if !f.counted {
		return true
	}
	count := int64(0)
	for _, fd := range f.list {
		if fd.omitted(rv) {
			continue
		}
		if n.noAdditional && !fd.known {
			return false
		}
		count++
	}
	return count >= n.minProps && (n.maxProps < 0 || count <= n.maxProps)
}

// omitted reports whether encoding/json leaves the member out of rv's object.
func (fd *fieldCheck) omitted(rv reflect.Value) bool {
	return fd.omitEmpty && isEmptyValue(rv.Field(fd.index))
}

// isEmptyValue is encoding/json's test for omitempty.
func isEmptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// alwaysValid reports whether every value of Go type t, which does not
// encode itself, is written as JSON valid against n: a string field
// against a plain string schema, say. It answers false whenever it is not
// sure.
func alwaysValid(t reflect.Type, n *node) bool {
	if n.slow {
		return false
	}
	if n.empty {
		return true
	}
	if len(n.enum)+len(n.anyOf)+len(n.allOf) > 0 || t == jsonNumberType {
		return false
	}
	unbounded := n.lower < -maxExact && n.upper > maxExact
	switch t.Kind() {
	case reflect.String:
		return n.kinds.has(kindString) && n.minLength == 0 && n.maxLength < 0 && n.strFormat == nil
	case reflect.Bool:
		return n.kinds.has(kindBoolean)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if !n.kinds.has(kindInteger) && !n.kinds.has(kindNumber) {
			return false
		}
		// A format's range check passes for every value of the type when it
		// passes for the type's least and greatest.
		if n.numFormat != nil {
			return false
		}
		if v := n.intFormat; v != nil {
			hi := int64(1)<<(t.Bits()-1) - 1
			if !validIntegerFormat(v, float64(-hi-1)) || !validIntegerFormat(v, float64(hi)) {
				return false
			}
		}
		return unbounded
	}
	return false
}

// maxExact is beyond any int64 as a float64.
const maxExact = 1 << 64

// validTagName is encoding/json's isValidTag.
func validTagName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}
