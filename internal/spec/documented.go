package spec

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/crawlkit/crawlkit/internal/envelope"
	"github.com/crawlkit/crawlkit/internal/schemagen"
)

// synthesize gives each documented error status of op without an example
// one of its own, named for its code ("rate_limit_exceeded"): the API's
// envelope with the code and message crawlkit knows for the status, or,
// where the status's schema is not that envelope, a body made from the
// schema. So that any status a contract documents can be asked for, its
// examples or not. opts are the schema validation's (JSON Schema 2020-12
// for OpenAPI 3.1).
func (ex *ExampleSet) synthesize(op *openapi3.Operation, opts ...openapi3.SchemaValidationOption) {
	for _, status := range Statuses(op) {
		if status < 400 || ex.first[status] != "" {
			continue
		}
		code, message, _ := envelope.OffContract(status)
		name := strings.ToLower(code)
		if _, taken := ex.byName[name]; taken {
			name += "_" + strconv.Itoa(status)
		}
		ex.byName[name] = Example{Name: name, Status: status}
		ex.first[status] = name
		ex.made = append(ex.made, name)
		env := envelope.Error{Message: message, Code: code}
		if body := madeFromSchema(op, status, env, opts); body != nil {
			ex.bodies[name] = body
			continue
		}
		ex.errors[name] = env
	}
}

// madeFromSchema is a body for status made from its JSON schema, when the
// schema does not take env, the API's envelope; nil when it does, or when
// the response has no JSON schema.
func madeFromSchema(op *openapi3.Operation, status int, env envelope.Error, opts []openapi3.SchemaValidationOption) []byte {
	resp := op.Responses.Status(status)
	if resp == nil || resp.Value == nil {
		return nil
	}
	media := resp.Value.Content.Get("application/json")
	if media == nil || media.Schema == nil || media.Schema.Value == nil {
		return nil
	}
	schema := media.Schema.Value
	env.Details.RequestID = "req_0000000000000000"
	var value any
	if err := json.Unmarshal(env.Body(), &value); err != nil || schema.VisitJSON(value, opts...) == nil {
		return nil
	}
	body, err := json.Marshal(schemagen.Value(schema, 0, int64(status), "/body"))
	if err != nil {
		return nil
	}
	return body
}

// Made reports whether example name was made by crawlkit for a status the
// contract documents without an example.
func (ex *ExampleSet) Made(name string) bool { return slices.Contains(ex.made, name) }

// declaredHeaders are, by status, the headers each response requires
// beside X-Request-Id, with a value that keeps their schema: the one
// crawlkit knows for the header (Retry-After: the status's), else one
// made from the schema.
func declaredHeaders(op *openapi3.Operation) map[int]map[string]string {
	out := map[int]map[string]string{}
	for code, resp := range op.Responses.Map() {
		status, err := strconv.Atoi(code)
		if err != nil || resp.Value == nil {
			continue
		}
		for name, ref := range resp.Value.Headers {
			if ref == nil || ref.Value == nil || !ref.Value.Required || http.CanonicalHeaderKey(name) == envelope.RequestIDHeader {
				continue
			}
			var schema *openapi3.Schema
			if ref.Value.Schema != nil {
				schema = ref.Value.Schema.Value
			}
			if out[status] == nil {
				out[status] = map[string]string{}
			}
			out[status][http.CanonicalHeaderKey(name)] = headerValue(status, name, schema)
		}
	}
	return out
}

func headerValue(status int, name string, schema *openapi3.Schema) string {
	if _, _, retry := envelope.OffContract(status); retry > 0 && strings.EqualFold(name, "Retry-After") {
		if schema == nil || schema.VisitJSON(float64(retry)) == nil {
			return strconv.Itoa(retry)
		}
	}
	if schema == nil {
		return "1"
	}
	v := schemagen.Value(schema, 0, int64(status), "/headers/"+name)
	switch v := v.(type) {
	case string:
		return v
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	return ""
}

// Headers are the headers a response with status requires beside
// X-Request-Id, with values that keep their schemas.
func (c *Contract) Headers(status int) map[string]string { return c.headers[status] }
