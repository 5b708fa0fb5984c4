package pact

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/crawlkit/crawlkit/internal/validate"
)

// issue is one way a body value and its schema disagree.
type issue struct {
	path []step
	msg  string
}

// walker judges a pact's response body against a schema, value by value,
// with the body's matching rules. As swagger-mock-validator judges it, a
// consumer may leave out any field (required is not enforced: a consumer
// names only what it reads) but may not expect a field the contract does
// not have (an object schema without additionalProperties admits no
// other). A value under a type matcher (type, integer, decimal, number,
// boolean, min/max...) stands for any value of its type: only its type
// is judged, arrays by their min and max; any other value is judged
// whole, as the provider would have to send it.
type walker struct {
	rules []bodyRule
}

// mode is how a value is judged: exactly, or by its type.
type mode struct {
	typeOnly bool
	// set is the rule naming this very value, if any.
	set *MatcherSet
}

func (w *walker) modeAt(path []step) mode {
	set, exact, ok := ruleAt(w.rules, path)
	if !ok {
		return mode{}
	}
	m := mode{}
	if exact {
		m.set = &set
	}
	for _, mt := range set.Matchers {
		switch {
		case typeFamily[mt.Match]:
			m.typeOnly = true
		case exact && (mt.Match == "integer" || mt.Match == "decimal" || mt.Match == "number" || mt.Match == "boolean"):
			m.typeOnly = true
		}
	}
	if !exact && !m.typeOnly {
		// A value-specific rule of an ancestor does not apply below it.
		return mode{}
	}
	return m
}

func (w *walker) check(v any, s *openapi3.Schema, path []step) []issue {
	if s == nil {
		return nil
	}
	m := w.modeAt(path)
	var out []issue
	if m.set != nil {
		out = append(out, matcherIssues(v, s, *m.set, path)...)
	}
	if v == nil {
		if !s.Nullable && !s.Type.Includes("null") && s.Type != nil && len(s.Type.Slice()) > 0 {
			out = append(out, issue{path, "null is not allowed: the contract's value is " + typeWords(s)})
		}
		return out
	}
	if msg := typeMismatch(v, s); msg != "" {
		return append(out, issue{path, msg})
	}
	switch value := v.(type) {
	case map[string]any:
		out = append(out, w.composites(v, s, path)...)
		out = append(out, w.object(value, s, path)...)
	case []any:
		out = append(out, w.composites(v, s, path)...)
		out = append(out, w.array(value, s, path, m)...)
	default:
		if m.typeOnly {
			out = append(out, w.composites(v, s, path)...)
			break
		}
		for _, vi := range validate.Schema(s, v) {
			out = append(out, issue{path, vi.Reason})
		}
	}
	return out
}

// composites judges allOf, anyOf and oneOf with the walk, so that matching
// rules apply inside them.
func (w *walker) composites(v any, s *openapi3.Schema, path []step) []issue {
	var out []issue
	for _, ref := range s.AllOf {
		if ref.Value != nil {
			out = append(out, w.check(v, ref.Value, path)...)
		}
	}
	for name, list := range map[string]openapi3.SchemaRefs{"anyOf": s.AnyOf, "oneOf": s.OneOf} {
		if len(list) == 0 {
			continue
		}
		var best []issue
		matched := false
		for _, ref := range list {
			if ref.Value == nil {
				continue
			}
			got := w.check(v, ref.Value, path)
			if len(got) == 0 {
				matched = true
				break
			}
			if best == nil || len(got) < len(best) {
				best = got
			}
		}
		if !matched {
			msg := "matches none of the contract's " + name + " schemas"
			if len(best) > 0 {
				msg += " (closest: " + best[0].msg + ")"
			}
			out = append(out, issue{path, msg})
		}
	}
	return out
}

func (w *walker) object(v map[string]any, s *openapi3.Schema, path []step) []issue {
	var out []issue
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	closed := closedObject(s)
	for _, k := range keys {
		child := append(slices.Clip(path), step{Field: true, Name: k})
		if prop, ok := s.Properties[k]; ok && prop.Value != nil {
			out = append(out, w.check(v[k], prop.Value, child)...)
			continue
		}
		if ap := s.AdditionalProperties.Schema; ap != nil && ap.Value != nil {
			out = append(out, w.check(v[k], ap.Value, child)...)
			continue
		}
		if closed {
			out = append(out, issue{child, "the contract has no field " + strconv.Quote(k) + " here: the provider never sends it"})
		}
	}
	return out
}

// closedObject reports whether an object schema admits no field it does
// not name: additionalProperties false, or, as swagger-mock-validator reads
// response schemas, a plain object schema that does not say.
func closedObject(s *openapi3.Schema) bool {
	ap := s.AdditionalProperties
	if ap.Has != nil && !*ap.Has {
		return true
	}
	if ap.Schema != nil || len(s.AllOf)+len(s.AnyOf)+len(s.OneOf) > 0 {
		return false
	}
	return s.Type.Is("object")
}

func (w *walker) array(v []any, s *openapi3.Schema, path []step, m mode) []issue {
	var out []issue
	var lo, hi *int
	if m.set != nil {
		for _, mt := range m.set.Matchers {
			lo, hi = pick(lo, mt.Min), pick(hi, mt.Max)
		}
	}
	switch {
	case lo != nil || hi != nil:
		if lo != nil && s.MaxItems != nil && uint64(*lo) > *s.MaxItems {
			out = append(out, issue{path, fmt.Sprintf("the pact expects at least %d items; the contract allows at most %d", *lo, *s.MaxItems)})
		}
		if hi != nil && uint64(*hi) < s.MinItems {
			out = append(out, issue{path, fmt.Sprintf("the pact expects at most %d items; the contract requires at least %d", *hi, s.MinItems)})
		}
	case !m.typeOnly:
		if uint64(len(v)) < s.MinItems {
			out = append(out, issue{path, fmt.Sprintf("%d items, fewer than the contract's minimum, %d", len(v), s.MinItems)})
		}
		if s.MaxItems != nil && uint64(len(v)) > *s.MaxItems {
			out = append(out, issue{path, fmt.Sprintf("%d items, more than the contract's maximum, %d", len(v), *s.MaxItems)})
		}
	}
	if s.Items == nil || s.Items.Value == nil {
		return out
	}
	for i, item := range v {
		out = append(out, w.check(item, s.Items.Value, append(slices.Clip(path), step{Index: i}))...)
	}
	return out
}

func pick(cur, next *int) *int {
	if next != nil {
		return next
	}
	return cur
}

// typeMismatch says how v's JSON type is not one the schema allows, "" when
// it is (or the schema names no type).
func typeMismatch(v any, s *openapi3.Schema) string {
	if s.Type == nil || len(s.Type.Slice()) == 0 {
		return ""
	}
	kind := jsonType(v)
	for _, t := range s.Type.Slice() {
		if t == kind || (t == "number" && kind == "integer") {
			return ""
		}
	}
	return describe(v) + " is " + article(kind) + "; the contract's value is " + typeWords(s)
}

func jsonType(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		if x == math.Trunc(x) && !math.IsInf(x, 0) {
			return "integer"
		}
		return "number"
	case json.Number:
		if _, err := x.Int64(); err == nil {
			return "integer"
		}
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func article(kind string) string {
	switch kind {
	case "integer", "array", "object":
		return "an " + kind
	case "null":
		return "null"
	}
	return "a " + kind
}

func typeWords(s *openapi3.Schema) string {
	var parts []string
	for _, t := range s.Type.Slice() {
		parts = append(parts, article(t))
	}
	if s.Nullable {
		parts = append(parts, "null")
	}
	return strings.Join(parts, " or ")
}

// describe quotes a value for a message, short.
func describe(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 60 {
		return string(b[:57]) + "..."
	}
	return string(b)
}

// matcherIssues judges the matchers naming a value: the value they stand
// for must be one the contract admits, and the pact's own example must
// keep them.
func matcherIssues(v any, s *openapi3.Schema, set MatcherSet, path []step) []issue {
	var out []issue
	for _, mt := range set.Matchers {
		var msg string
		switch mt.Match {
		case "integer":
			if jsonType(v) != "integer" {
				msg = "the integer matcher's example " + describe(v) + " is not an integer"
			} else if s.Type != nil && len(s.Type.Slice()) > 0 && !s.Type.Includes("integer") && !s.Type.Includes("number") {
				msg = "an integer matcher, but the contract's value is " + typeWords(s)
			}
		case "decimal":
			if s.Type.Is("integer") {
				msg = "a decimal matcher expects decimal places, but the contract's value is an integer"
			} else if s.Type != nil && len(s.Type.Slice()) > 0 && !s.Type.Includes("number") {
				msg = "a decimal matcher, but the contract's value is " + typeWords(s)
			}
		case "number":
			if s.Type != nil && len(s.Type.Slice()) > 0 && !s.Type.Includes("integer") && !s.Type.Includes("number") {
				msg = "a number matcher, but the contract's value is " + typeWords(s)
			}
		case "boolean":
			if s.Type != nil && len(s.Type.Slice()) > 0 && !s.Type.Includes("boolean") {
				msg = "a boolean matcher, but the contract's value is " + typeWords(s)
			}
		case "null":
			if v != nil {
				msg = "the null matcher's example is not null"
			}
		case "regex":
			str, ok := v.(string)
			re, err := compileRegex(mt.Regex)
			if ok && err == nil && !re.MatchString(str) {
				msg = describe(v) + " does not match the pact's own regex " + mt.Regex
			}
		case "include":
			if str, ok := v.(string); ok && !strings.Contains(str, mt.Value) {
				msg = describe(v) + " does not include " + strconv.Quote(mt.Value) + ", as the pact's include matcher says"
			}
		case "notEmpty":
			if isEmpty(v) {
				msg = "the notEmpty matcher's example is empty"
			}
		}
		if msg != "" {
			out = append(out, issue{path, msg})
		}
	}
	if set.Combine == "OR" && len(out) < len(set.Matchers) {
		return nil
	}
	return out
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}
