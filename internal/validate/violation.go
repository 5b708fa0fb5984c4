package validate

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// Violation is one way a response breaks the contract.
type Violation struct {
	// Pointer is the JSON pointer (RFC 6901) of the offending value in the body,
	// "" when the violation is about the response as a whole.
	Pointer string `json:"pointer"`
	// Reason says what is wrong, without the schema or the whole value.
	Reason string `json:"reason"`
}

// String formats the violation as "pointer: reason".
func (v Violation) String() string {
	if v.Pointer == "" {
		return v.Reason
	}
	return v.Pointer + ": " + v.Reason
}

// Violations is the list of every way one response breaks the contract.
type Violations []Violation

// Strings returns each violation as "pointer: reason".
func (vs Violations) Strings() []string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = v.String()
	}
	return parts
}

// Error joins the violations on one line, so a list can be returned as an error.
func (vs Violations) Error() string { return strings.Join(vs.Strings(), "; ") }

// Pointer formats path segments as a JSON pointer.
func Pointer(segments []string) string {
	if len(segments) == 0 {
		return ""
	}
	var b strings.Builder
	for _, s := range segments {
		b.WriteByte('/')
		s = strings.ReplaceAll(s, "~", "~0")
		b.WriteString(strings.ReplaceAll(s, "/", "~1"))
	}
	return b.String()
}

// violationsOf flattens the error tree kin-openapi returns into violations,
// each schema error said with the value and what was expected.
func violationsOf(err error) Violations {
	var out Violations
	collect(err, &out, schemaReason)
	return out
}

// schemaViolationsOf is violationsOf with kin-openapi's own reasons, for a
// parameter whose value the client knows; bounds are said as
// "must be at least 1", the number as the schema writes it.
func schemaViolationsOf(err error) Violations {
	var out Violations
	collect(err, &out, paramReason)
	return out
}

func paramReason(e *openapi3.SchemaError, _ string) string {
	switch {
	case e.Schema != nil && e.SchemaField == "minimum":
		return fmt.Sprintf("must be at least %v", number(e.Schema.Min))
	case e.Schema != nil && e.SchemaField == "maximum":
		return fmt.Sprintf("must be at most %v", number(e.Schema.Max))
	}
	return e.Reason
}

func collect(err error, out *Violations, reason func(*openapi3.SchemaError, string) string) {
	switch e := err.(type) {
	case nil:
	case openapi3.MultiError:
		for _, inner := range e {
			collect(inner, out, reason)
		}
	case *openapi3.SchemaError:
		if vs := jsonSchemaViolations(e.Reason); vs != nil {
			*out = append(*out, vs...)
			return
		}
		pointer := Pointer(e.JSONPointer())
		*out = append(*out, Violation{Pointer: pointer, Reason: reason(e, pointer)})
	case *openapi3filter.ParseError:
		*out = append(*out, Violation{Reason: "body is not valid JSON: " + parseErrReason(e)})
	case *openapi3filter.ResponseError:
		before := len(*out)
		collect(e.Err, out, reason)
		if len(*out) == before {
			*out = append(*out, Violation{Reason: e.Reason})
		}
	default:
		*out = append(*out, Violation{Reason: err.Error()})
	}
}

func parseErrReason(e *openapi3filter.ParseError) string {
	if e.Cause != nil {
		return e.Cause.Error()
	}
	return e.Reason
}

// jsonSchemaLine is one line of the JSON Schema 2020-12 validator's error
// tree, which kin-openapi uses for OpenAPI 3.1 documents: "  - at '/data':
// missing properties 'a', 'b'".
var jsonSchemaLine = regexp.MustCompile(`^(\s*)- at '([^']*)': (.*)$`)

// jsonSchemaViolations turns the error tree of the JSON Schema validator
// (one opaque text for the whole body) into a violation a leaf, at the
// leaf's pointer; nil when reason is not such a tree.
func jsonSchemaViolations(reason string) Violations {
	if !strings.HasPrefix(reason, "jsonschema validation failed") {
		return nil
	}
	type line struct {
		depth           int
		pointer, reason string
	}
	var lines []line
	for _, l := range strings.Split(reason, "\n") {
		if m := jsonSchemaLine.FindStringSubmatch(l); m != nil {
			lines = append(lines, line{depth: len(m[1]), pointer: m[2], reason: m[3]})
		}
	}
	var out Violations
	for i, l := range lines {
		if i+1 < len(lines) && lines[i+1].depth > l.depth {
			continue // not a leaf: its children say what is wrong
		}
		out = append(out, Violation{Pointer: l.pointer, Reason: l.reason})
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
