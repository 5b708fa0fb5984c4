package pactrecord

import (
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// The Pact file (specification 3.0.0) as the recorder writes it.
type file struct {
	Consumer     name           `json:"consumer"`
	Provider     name           `json:"provider"`
	Interactions []interaction  `json:"interactions"`
	Metadata     map[string]any `json:"metadata"`
}

type name struct {
	Name string `json:"name"`
}

type interaction struct {
	Description string   `json:"description"`
	Request     request  `json:"request"`
	Response    response `json:"response"`
}

type request struct {
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Query   url.Values        `json:"query,omitempty"`
	Headers map[string]string `json:"headers,omitempty"`
}

type response struct {
	Status  int                        `json:"status"`
	Headers map[string]string          `json:"headers,omitempty"`
	Body    any                        `json:"body,omitempty"`
	Rules   map[string]map[string]rule `json:"matchingRules,omitempty"`
}

type rule struct {
	Matchers []matcher `json:"matchers"`
}

type matcher struct {
	Match string `json:"match"`
	Min   *int   `json:"min,omitempty"`
	Regex string `json:"regex,omitempty"`
}

// prune keeps of a body what every server that keeps the contract sends
// too, so that the pact's type matchers hold against any of them: the
// required fields whose schema admits one JSON type (not null), arrays cut
// to their first item (min 0: any length). It adds to rules a type matcher
// at the root (it cascades to every value) and one at each array.
func prune(v any, s *openapi3.Schema, path string, rules map[string]rule) any {
	if path == "$" {
		rules["$"] = rule{Matchers: []matcher{{Match: "type"}}}
	}
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, child := range x {
			cs := property(s, k)
			if s != nil && (cs == nil || !slices.Contains(s.Required, k) || !singleType(cs)) {
				continue
			}
			out[k] = prune(child, cs, path+member(k), rules)
		}
		return out
	case []any:
		zero := 0
		rules[path] = rule{Matchers: []matcher{{Match: "type", Min: &zero}}}
		if len(x) == 0 {
			return []any{}
		}
		var items *openapi3.Schema
		if s != nil && s.Items != nil {
			items = s.Items.Value
		}
		return []any{prune(x[0], items, path+"[*]", rules)}
	}
	return v
}

func property(s *openapi3.Schema, k string) *openapi3.Schema {
	if s == nil {
		return nil
	}
	if p, ok := s.Properties[k]; ok && p.Value != nil {
		return p.Value
	}
	return nil
}

// singleType reports whether every value a schema admits has one JSON type
// (integers and numbers count as one), null excluded.
func singleType(s *openapi3.Schema) bool {
	if s.Nullable || s.Type == nil || len(s.Type.Slice()) != 1 || s.Type.Includes("null") {
		return false
	}
	for _, list := range []openapi3.SchemaRefs{s.AnyOf, s.OneOf} {
		for _, ref := range list {
			if ref.Value != nil && ref.Value.Type != nil && len(ref.Value.Type.Slice()) > 0 && !ref.Value.Type.Is(s.Type.Slice()[0]) {
				return false
			}
		}
	}
	return true
}

// member writes a field of a path expression: .name, or ['odd name'].
func member(k string) string {
	plain := k != ""
	for i, c := range k {
		if c != '_' && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(i > 0 && c >= '0' && c <= '9') {
			plain = false
		}
	}
	if plain {
		return "." + k
	}
	return "['" + strings.ReplaceAll(k, "'", `\'`) + "']"
}
