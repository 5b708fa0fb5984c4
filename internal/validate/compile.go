package validate

import (
	"math"

	"github.com/getkin/kin-openapi/openapi3"
)

// node is one schema compiled for the fast check: what kin-openapi's
// visitJSON decides for a value, worked out once per schema. A node only
// proves values valid; whatever it cannot prove is handed to kin-openapi,
// which then says what is wrong (see check).
type node struct {
	schema *openapi3.Schema
	// slow marks a schema with a keyword the fast check does not prove
	// (not, oneOf, pattern, multipleOf, uniqueItems...): its values always
	// go to kin-openapi.
	slow            bool
	empty, nullable bool
	kinds           kindSet
	// requireInteger: integers are permitted, other numbers are not.
	requireInteger bool
	enum           []any
	anyOf, allOf   []*node

	// Numbers.
	intFormat        openapi3.IntegerFormatValidator
	numFormat        openapi3.NumberFormatValidator
	lower, upper     float64 // bounds, inclusive unless the flag says
	lowerEx, upperEx bool

	// Strings.
	strFormat            openapi3.StringFormatValidator
	minLength, maxLength int64 // maxLength < 0: none

	// Arrays.
	minItems, maxItems int64 // maxItems < 0: none
	items              *node

	// Objects.
	props              map[string]*node
	required           []string
	additional         *node // nil: any value
	noAdditional       bool
	minProps, maxProps int64 // maxProps < 0: none
}

// kindSet is a set of JSON types.
type kindSet uint8

const (
	kindBoolean kindSet = 1 << iota
	kindInteger
	kindNumber
	kindString
	kindArray
	kindObject
	kindAll = kindBoolean | kindInteger | kindNumber | kindString | kindArray | kindObject
)

func (k kindSet) has(kind kindSet) bool { return k&kind != 0 }

// compiler turns a schema graph into nodes, each schema once, so that a
// recursive schema becomes a cyclic node graph.
type compiler struct {
	nodes map[*openapi3.Schema]*node
	// direction is true when a property is readOnly or writeOnly: kin-openapi
	// then checks "required" with the schemas around the value in mind,
	// which a node alone cannot know.
	direction bool
}

// compileSchema compiles s. ok is false when the schema graph reads
// properties as readOnly or writeOnly: no part of it can be checked apart
// then, and kin-openapi checks the whole value.
func compileSchema(s *openapi3.Schema) (*node, bool) {
	c := &compiler{nodes: map[*openapi3.Schema]*node{}}
	n := c.compile(s)
	for _, n := range c.nodes {
		if n.onSameValueCycle() {
			n.slow = true
		}
	}
	return n, !c.direction
}

// onSameValueCycle reports whether n applies to a value through its own
// anyOf or allOf, at any depth: kin-openapi stops such a loop by
// accepting the value at its second visit, which a walk of the node graph
// would not end.
func (n *node) onSameValueCycle() bool {
	seen := map[*node]bool{}
	var reaches func(m *node) bool
	reaches = func(m *node) bool {
		for _, next := range append(append([]*node{}, m.anyOf...), m.allOf...) {
			if next == n {
				return true
			}
			if !seen[next] {
				seen[next] = true
				if reaches(next) {
					return true
				}
			}
		}
		return false
	}
	return reaches(n)
}

func (c *compiler) compile(s *openapi3.Schema) *node {
	if n, ok := c.nodes[s]; ok {
		return n
	}
	n := &node{schema: s, maxLength: -1, maxItems: -1, maxProps: -1}
	c.nodes[s] = n
	n.empty = s.IsEmpty()
	n.nullable = s.Nullable || s.Type.IncludesNull()
	n.slow = s.Always != nil || s.Not != nil || len(s.OneOf) > 0 || s.Discriminator != nil ||
		s.MultipleOf != nil || s.UniqueItems || s.Pattern != "" || len(s.PrefixItems) > 0
	n.kinds = kinds(s.Type)
	n.requireInteger = s.Type.Permits(openapi3.TypeInteger) && !s.Type.Permits(openapi3.TypeNumber)
	n.enum = s.Enum
	n.anyOf = c.refs(s.AnyOf, n)
	n.allOf = c.refs(s.AllOf, n)

	if s.Format != "" {
		if n.requireInteger {
			n.intFormat = openapi3.SchemaIntegerFormats[s.Format]
		} else {
			n.numFormat = openapi3.SchemaNumberFormats[s.Format]
		}
		n.strFormat = openapi3.SchemaStringFormats[s.Format]
	}
	n.lower, n.upper = math.Inf(-1), math.Inf(1)
	if s.Min != nil {
		n.lower = *s.Min
	}
	if s.Max != nil {
		n.upper = *s.Max
	}
	if e := s.ExclusiveMin; e.Value != nil {
		n.lower, n.lowerEx = math.Max(n.lower, *e.Value), true
		if s.Min != nil && *s.Min > *e.Value {
			n.slow = true // two lower bounds of two kinds: leave it to kin-openapi
		}
	} else if e.Bool != nil && *e.Bool && s.Min != nil {
		n.lowerEx = true
	}
	if e := s.ExclusiveMax; e.Value != nil {
		n.upper, n.upperEx = math.Min(n.upper, *e.Value), true
		if s.Max != nil && *s.Max < *e.Value {
			n.slow = true
		}
	} else if e.Bool != nil && *e.Bool && s.Max != nil {
		n.upperEx = true
	}

	n.minLength = int64(s.MinLength)
	if s.MaxLength != nil {
		n.maxLength = clampInt64(*s.MaxLength)
	}
	n.minItems = int64(s.MinItems)
	if s.MaxItems != nil {
		n.maxItems = clampInt64(*s.MaxItems)
	}
	if s.Items != nil {
		n.items = c.ref(s.Items, n)
	}

	n.minProps = int64(s.MinProps)
	if s.MaxProps != nil {
		n.maxProps = clampInt64(*s.MaxProps)
	}
	n.required = s.Required
	if len(s.Properties) > 0 {
		n.props = make(map[string]*node, len(s.Properties))
		for name, ref := range s.Properties {
			if ref.Value != nil && (ref.Value.ReadOnly || ref.Value.WriteOnly) {
				c.direction = true
			}
			n.props[name] = c.ref(ref, n)
		}
	}
	if ref := s.AdditionalProperties.Schema; ref != nil {
		n.additional = c.ref(ref, n)
	}
	n.noAdditional = s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has
	return n
}

// ref compiles a reference; an unresolved one makes parent slow, as
// kin-openapi reports it as an error.
func (c *compiler) ref(r *openapi3.SchemaRef, parent *node) *node {
	if r == nil || r.Value == nil {
		parent.slow = true
		return nil
	}
	return c.compile(r.Value)
}

func (c *compiler) refs(rs openapi3.SchemaRefs, parent *node) []*node {
	nodes := make([]*node, 0, len(rs))
	for _, r := range rs {
		if n := c.ref(r, parent); n != nil {
			nodes = append(nodes, n)
		}
	}
	return nodes
}

func kinds(t *openapi3.Types) kindSet {
	if t == nil {
		return kindAll
	}
	var k kindSet
	for name, kind := range map[string]kindSet{
		openapi3.TypeBoolean: kindBoolean, openapi3.TypeInteger: kindInteger, openapi3.TypeNumber: kindNumber,
		openapi3.TypeString: kindString, openapi3.TypeArray: kindArray, openapi3.TypeObject: kindObject,
	} {
		if t.Includes(name) {
			k |= kind
		}
	}
	return k
}

func clampInt64(u uint64) int64 {
	if u > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(u)
}
