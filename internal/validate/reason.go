package validate

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// sensitiveFields hold what a client may have sent to reach the crawled
// site (its cookies, headers, form data): their values are never quoted.
var sensitiveFields = map[string]bool{"cookie": true, "header": true, "post_data": true}

// schemaReason says what is wrong with the value at pointer in terms a
// person can act on: the offending value and what was expected, as
// `"yesterday" is not an RFC 3339 date-time or empty`.
func schemaReason(e *openapi3.SchemaError, pointer string) string {
	s := e.Schema
	if s == nil {
		return e.Reason
	}
	v := quote(e.Value, pointer)
	switch e.SchemaField {
	case "type", "format", "anyOf":
		return v + " is not " + expected(s)
	case "oneOf":
		if strings.Contains(e.Reason, "more than one") {
			return v + " matches more than one of " + expected(s)
		}
		return v + " is not " + expected(s)
	case "enum":
		return v + " is not " + enumList(s.Enum)
	case "minimum":
		return fmt.Sprintf("%s is less than the minimum, %v", v, number(s.Min))
	case "maximum":
		return fmt.Sprintf("%s is more than the maximum, %v", v, number(s.Max))
	case "minLength":
		return fmt.Sprintf("%s is shorter than %d characters", v, s.MinLength)
	case "maxLength":
		if s.MaxLength != nil && *s.MaxLength == 0 {
			return v + " is not empty"
		}
		return fmt.Sprintf("%s is longer than %d characters", v, derefUint(s.MaxLength))
	case "pattern":
		return fmt.Sprintf("%s does not match the pattern %s", v, s.Pattern)
	case "nullable":
		return "null is not " + expected(s)
	}
	return e.Reason
}

// expected describes what a schema accepts: "an integer", "an RFC 3339
// date-time or empty".
func expected(s *openapi3.Schema) string {
	var alts []*openapi3.Schema
	for _, list := range []openapi3.SchemaRefs{s.AnyOf, s.OneOf} {
		for _, ref := range list {
			if ref.Value != nil {
				alts = append(alts, ref.Value)
			}
		}
	}
	if len(alts) == 0 {
		return single(s, "")
	}
	parts := make([]string, len(alts))
	for i, alt := range alts {
		parts[i] = single(alt, typeOf(s))
	}
	return strings.Join(parts, " or ")
}

func typeOf(s *openapi3.Schema) string {
	if s.Type == nil || len(s.Type.Slice()) != 1 {
		return ""
	}
	return s.Type.Slice()[0]
}

// single describes one schema without alternatives; parentType is the type
// an alternative inherits.
func single(s *openapi3.Schema, parentType string) string {
	t := typeOf(s)
	if t == "" {
		t = parentType
	}
	switch {
	case len(s.Enum) > 0:
		return enumList(s.Enum)
	case s.Format == "date-time":
		return "an RFC 3339 date-time"
	case s.Format == "date":
		return "an RFC 3339 date"
	case t == "string" || (t == "" && s.MaxLength != nil):
		if s.MaxLength != nil && *s.MaxLength == 0 {
			return "empty"
		}
		if s.Pattern != "" {
			return "a string matching " + s.Pattern
		}
		return "a string"
	case t == "integer":
		if s.Min != nil {
			return fmt.Sprintf("an integer of at least %v", number(s.Min))
		}
		return "an integer"
	case t == "number":
		return "a number"
	case t == "boolean":
		return "true or false"
	case t == "array":
		return "an array"
	case t == "object":
		return "an object"
	}
	return "what the contract describes"
}

func enumList(values []any) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = quote(v, "")
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return "one of " + strings.Join(parts, ", ")
}

// quote writes a value for a message: scalars as JSON, shortened; objects
// and arrays by their kind; a sensitive field's value not at all.
func quote(v any, pointer string) string {
	if sensitiveFields[pointer[strings.LastIndexByte(pointer, '/')+1:]] {
		return "the value"
	}
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case nil:
		return "null"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	const limit = 40
	if s := string(b); len(s) > limit {
		return s[:limit] + `..."`
	}
	return string(b)
}

func number(f *float64) any {
	if f == nil {
		return "?"
	}
	if *f == float64(int64(*f)) {
		return int64(*f)
	}
	return *f
}

func derefUint(u *uint64) uint64 {
	if u == nil {
		return 0
	}
	return *u
}
