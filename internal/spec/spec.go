// Package spec loads crawlkit's contract, the embedded openapi.yaml, and routes
// requests to its one operation.
package spec

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/crawlkit/crawlkit"
)

// Path is the path of GET /crawl/info below a base path.
const Path = "/crawl/info"

// ErrInvalid is wrapped by Load when the embedded document does not validate.
var ErrInvalid = errors.New("invalid OpenAPI document")

// YAML returns the embedded openapi.yaml.
func YAML() []byte { return crawlkit.OpenAPIYAML() }

// Load parses and validates the embedded contract, examples and string
// formats included. Each call returns a new document the caller may change.
func Load(ctx context.Context) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.Context = ctx
	doc, err := loader.LoadFromData(crawlkit.OpenAPIYAML())
	if err != nil {
		return nil, fmt.Errorf("load openapi.yaml: %w", err)
	}
	if err := doc.Validate(ctx, openapi3.EnableExamplesValidation(), openapi3.EnableSchemaFormatValidation()); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return doc, nil
}

// Operation returns the GET /crawl/info operation of doc.
func Operation(doc *openapi3.T) (*openapi3.Operation, error) {
	item := doc.Paths.Value(Path)
	if item == nil || item.Get == nil {
		return nil, fmt.Errorf("%w: no GET %s", ErrInvalid, Path)
	}
	return item.Get, nil
}

// NewRouter returns a router that finds the operation below the base path
// of every server the document names (see BasePaths), on any host.
func NewRouter(doc *openapi3.T) (routers.Router, error) {
	bases := BasePaths(doc)
	routed := *doc
	routed.Servers = make(openapi3.Servers, 0, len(bases))
	for _, base := range bases {
		url := base
		if url == "" {
			url = "/"
		}
		routed.Servers = append(routed.Servers, &openapi3.Server{URL: url})
	}
	r, err := gorillamux.NewRouter(&routed)
	if err != nil {
		return nil, fmt.Errorf("build router: %w", err)
	}
	return r, nil
}

// StatusFor maps a routing error to the HTTP status it deserves: 405 for a
// known path with another method, 404 for anything else.
func StatusFor(routeErr error) int {
	if errors.Is(routeErr, routers.ErrMethodNotAllowed) {
		return http.StatusMethodNotAllowed
	}
	return http.StatusNotFound
}

// Example is a named example of one of the operation's responses.
type Example struct {
	Name   string
	Status int
	// Value is the example decoded from the document.
	Value any
}

// Examples returns the operation's named response examples, by name.
func Examples(doc *openapi3.T) (map[string]Example, error) {
	op, err := Operation(doc)
	if err != nil {
		return nil, err
	}
	out := map[string]Example{}
	for code, resp := range op.Responses.Map() {
		status, err := strconv.Atoi(code)
		if err != nil || resp.Value == nil {
			continue
		}
		media := resp.Value.Content.Get("application/json")
		if media == nil {
			continue
		}
		for name, ex := range media.Examples {
			if ex.Value == nil {
				continue
			}
			if prev, dup := out[name]; dup {
				return nil, fmt.Errorf("%w: example %q under both %d and %d", ErrInvalid, name, prev.Status, status)
			}
			out[name] = Example{Name: name, Status: status, Value: ex.Value.Value}
		}
	}
	return out, nil
}
