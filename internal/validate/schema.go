package validate

import "github.com/getkin/kin-openapi/openapi3"

// Schema checks value, as encoding/json decodes it, against one schema of
// the contract with kin-openapi, every violation reported by its JSON
// pointer below value and said as Response says it. Tools that judge a
// part of a message (a value a pact expects, say) use it.
func Schema(s *openapi3.Schema, value any) Violations {
	if s == nil {
		return nil
	}
	return violationsOf(s.VisitJSON(value, openapi3.MultiErrors()))
}
