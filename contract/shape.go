package contract

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/crawlkit/crawlkit/internal/validate"
)

// knownValuesKey is the extension that lists the values seen of an open
// string: any other value is drift.
const knownValuesKey = "x-known-values"

// shape walks answers against the schemas of the contract: what the
// contract does not describe (drift), and what the run saw of what it does
// (coverage). Pointers fold array indexes and map keys into "*".
type shape struct {
	mu sync.Mutex
	// documented lists every pointer the contract describes.
	documented map[string]bool
	// seen marks the pointers seen with a value other than empty, 0 or false.
	seen map[string]bool
	// enums counts the values seen of each enum field, all allowed values listed.
	enums map[string]map[string]int
	// parts is the body cut in parts being observed, or nil.
	parts *validate.Parts
}

func newShape() *shape {
	return &shape{documented: map[string]bool{}, seen: map[string]bool{}, enums: map[string]map[string]int{}}
}

// document lists the pointers schema describes below ptr.
func (sh *shape) document(s *openapi3.Schema, ptr string, depth int) {
	if s == nil || depth > 12 {
		return
	}
	if ptr != "" {
		sh.documented[ptr] = true
	}
	if stringEnum(s) {
		sh.enumOf(ptr, s)
	}
	props, addl, _ := properties(s)
	for name, p := range props {
		sh.document(p, ptr+"/"+escape(name), depth+1)
	}
	if addl != nil {
		sh.document(addl, ptr+"/*", depth+1)
	}
	if items := itemsOf(s); items != nil {
		sh.document(items, ptr+"/*", depth+1)
	}
}

func (sh *shape) enumOf(ptr string, s *openapi3.Schema) map[string]int {
	counts, ok := sh.enums[ptr]
	if !ok {
		counts = map[string]int{}
		for _, v := range s.Enum {
			if str, isString := v.(string); isString {
				counts[str] = 0
			}
		}
		sh.enums[ptr] = counts
	}
	return counts
}

// observe walks a whole body, v, described by s; it is safe for concurrent
// use. When parts is not nil, v is parts.Reduced decoded, and the walk
// decodes the items of the emptied array one at a time where it meets it.
func (sh *shape) observe(s *openapi3.Schema, v any, parts *validate.Parts) []Finding {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	sh.parts = parts
	defer func() { sh.parts = nil }()
	return sh.walk(s, v, "")
}

// walkItems walks the items of parts' array, at ptr, described by s: each
// decoded alone, as the whole array's items would be walked.
func (sh *shape) walkItems(s *openapi3.Schema, ptr string) []Finding {
	items := sh.parts.Items
	if len(items) > 0 {
		sh.seen[ptr] = true
	}
	var drift []Finding
	for _, raw := range items {
		var item any
		if json.Unmarshal(raw, &item) != nil {
			continue // the validator's finding
		}
		drift = append(drift, sh.walk(itemsOf(s), item, ptr+"/*")...)
	}
	return drift
}

// walk visits value v, described by s at ptr, and returns the drift it
// finds: fields s does not describe, and open strings outside their known
// values.
func (sh *shape) walk(s *openapi3.Schema, v any, ptr string) []Finding {
	if s == nil {
		return nil
	}
	var drift []Finding
	if nonEmpty(v) && ptr != "" {
		sh.seen[ptr] = true
	}
	if str, ok := v.(string); ok {
		if stringEnum(s) {
			if counts := sh.enumOf(ptr, s); slices.Contains(s.Enum, any(str)) {
				counts[str]++
			}
		}
		if known := knownValues(s); known != nil && str != "" && !slices.Contains(known, str) {
			drift = append(drift, Finding{Check: CheckDrift, Pointer: ptr,
				Message: fmt.Sprintf("%q is not one of the values the contract knows (%s)", str, strings.Join(known, ", "))})
		}
	}
	switch val := v.(type) {
	case map[string]any:
		props, addl, closed := properties(s)
		keys := make([]string, 0, len(val))
		for k := range val {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			child := ptr + "/" + escape(k)
			switch p, ok := props[k]; {
			case ok:
				drift = append(drift, sh.walk(p, val[k], child)...)
			case addl != nil:
				drift = append(drift, sh.walk(addl, val[k], ptr+"/*")...)
			case len(props) > 0 && !closed:
				drift = append(drift, Finding{Check: CheckDrift, Pointer: child, Message: "a field the contract does not describe"})
			}
		}
	case []any:
		if sh.parts != nil && len(val) == 0 && ptr == sh.parts.Pointer {
			return append(drift, sh.walkItems(s, ptr)...)
		}
		items := itemsOf(s)
		for _, item := range val {
			drift = append(drift, sh.walk(items, item, ptr+"/*")...)
		}
	}
	return drift
}

// neverSeen lists the documented fields never seen with a value, sorted.
func (sh *shape) neverSeen() []string {
	var out []string
	for ptr := range sh.documented {
		if !sh.seen[ptr] && !strings.HasSuffix(ptr, "/*") {
			out = append(out, ptr)
		}
	}
	sort.Strings(out)
	return out
}

// properties returns the properties a schema describes, its own and those
// of its allOf, anyOf and oneOf; the schema of other properties, if any;
// and whether other properties are refused (additionalProperties: false).
func properties(s *openapi3.Schema) (map[string]*openapi3.Schema, *openapi3.Schema, bool) {
	props := map[string]*openapi3.Schema{}
	var addl *openapi3.Schema
	closed := false
	var visit func(s *openapi3.Schema)
	visit = func(s *openapi3.Schema) {
		for name, ref := range s.Properties {
			if ref != nil && ref.Value != nil {
				props[name] = ref.Value
			}
		}
		if ap := s.AdditionalProperties; ap.Schema != nil && ap.Schema.Value != nil {
			addl = ap.Schema.Value
		} else if ap.Has != nil && !*ap.Has {
			closed = true
		}
		for _, list := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
			for _, ref := range list {
				if ref != nil && ref.Value != nil {
					visit(ref.Value)
				}
			}
		}
	}
	visit(s)
	return props, addl, closed
}

// stringEnum reports a schema that allows a list of strings, the kind of
// enum whose values the coverage counts.
func stringEnum(s *openapi3.Schema) bool {
	if len(s.Enum) == 0 {
		return false
	}
	_, ok := s.Enum[0].(string)
	return ok
}

func itemsOf(s *openapi3.Schema) *openapi3.Schema {
	if s.Items != nil {
		return s.Items.Value
	}
	return nil
}

// knownValues returns the x-known-values of an open string, or nil.
func knownValues(s *openapi3.Schema) []string {
	raw, ok := s.Extensions[knownValuesKey].([]any)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(raw))
	for _, v := range raw {
		out = append(out, fmt.Sprint(v))
	}
	return out
}

// nonEmpty reports a value other than null, "", 0, false, [] and {}.
func nonEmpty(v any) bool {
	switch val := v.(type) {
	case nil:
		return false
	case string:
		return val != ""
	case bool:
		return val
	case float64:
		return val != 0
	case []any:
		return len(val) > 0
	case map[string]any:
		return len(val) > 0
	}
	return true
}

func escape(name string) string { return strings.TrimPrefix(validate.Pointer([]string{name}), "/") }

// statusKey writes a status as the coverage keys it.
func statusKey(status int) string { return strconv.Itoa(status) }
