package spec

import (
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Credentials say where the operation's security schemes take credentials
// from: the headers and query parameters an API key comes in, and whether
// a bearer token does.
type Credentials struct {
	Headers, Query []string
	Bearer         bool
}

// credentials reads the operation's security requirements (the
// document's, where it has none of its own).
func credentials(doc *openapi3.T, op *openapi3.Operation) Credentials {
	reqs := doc.Security
	if op.Security != nil {
		reqs = *op.Security
	}
	var out Credentials
	if doc.Components == nil {
		return out
	}
	for _, req := range reqs {
		for name := range req {
			ref := doc.Components.SecuritySchemes[name]
			if ref == nil || ref.Value == nil {
				continue
			}
			s := ref.Value
			switch {
			case s.Type == "apiKey" && s.In == "header" && !slices.Contains(out.Headers, s.Name):
				out.Headers = append(out.Headers, s.Name)
			case s.Type == "apiKey" && s.In == "query" && !slices.Contains(out.Query, s.Name):
				out.Query = append(out.Query, s.Name)
			case s.Type == "http" && strings.EqualFold(s.Scheme, "bearer"):
				out.Bearer = true
			}
		}
	}
	slices.Sort(out.Headers)
	slices.Sort(out.Query)
	return out
}
