// Package spec loads crawlkit's contract, the embedded openapi.yaml or a
// user's own copy, and routes requests to its one operation.
package spec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"go.yaml.in/yaml/v4"

	"github.com/crawlkit/crawlkit"
)

// Path is the path of GET /crawl/info below a base path.
const Path = "/crawl/info"

// ErrInvalid is wrapped by Load when the document does not validate or
// lacks what crawlkit serves.
var ErrInvalid = errors.New("invalid OpenAPI document")

// Embedded names the embedded openapi.yaml where a file name is expected.
const Embedded = "embedded"

// YAML returns the embedded openapi.yaml.
func YAML() []byte { return crawlkit.OpenAPIYAML() }

// Load parses and validates the embedded contract, examples and string
// formats included. Each call returns a new document the caller may change.
func Load(ctx context.Context) (*openapi3.T, error) {
	return LoadData(ctx, "openapi.yaml", crawlkit.OpenAPIYAML())
}

// LoadData parses and validates a contract given as YAML or JSON, OpenAPI
// 3.0 or 3.1, named name in errors. It must have GET /crawl/info with a
// JSON 200 response; anything else is an *Error wrapping ErrInvalid.
func LoadData(ctx context.Context, name string, data []byte) (*openapi3.T, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &Error{File: name, Msg: "the file is empty", err: ErrInvalid}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, syntaxError(name, err)
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return nil, &Error{File: name, Line: 1, Msg: "not an OpenAPI document: its top level is not a mapping", err: ErrInvalid}
	}
	var head struct {
		OpenAPI any `yaml:"openapi"`
		Swagger any `yaml:"swagger"`
	}
	if err := root.Content[0].Decode(&head); err != nil {
		return nil, syntaxError(name, err)
	}
	switch v := fmt.Sprint(head.OpenAPI); {
	case head.Swagger != nil:
		return nil, &Error{File: name, Line: keyLine(data, "swagger"), Msg: "Swagger 2.0 is not supported: convert it to OpenAPI 3 (3.0 or 3.1)", err: ErrInvalid}
	case head.OpenAPI == nil:
		return nil, &Error{File: name, Msg: "no `openapi` version: not an OpenAPI document", err: ErrInvalid}
	case !strings.HasPrefix(v, "3.0") && !strings.HasPrefix(v, "3.1"):
		return nil, &Error{File: name, Line: keyLine(data, "openapi"), Msg: fmt.Sprintf("openapi %s is not supported: crawlkit reads OpenAPI 3.0 and 3.1", v), err: ErrInvalid}
	}
	loader := openapi3.NewLoader()
	loader.Context = ctx
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, &Error{File: name, Line: lineOf(err), Msg: firstLine(err.Error()), err: ErrInvalid}
	}
	if err := doc.Validate(ctx, openapi3.EnableExamplesValidation(), openapi3.EnableSchemaFormatValidation()); err != nil {
		return nil, &Error{File: name, Msg: firstLine(err.Error()), err: fmt.Errorf("%w: %w", ErrInvalid, err)}
	}
	if err := servesCrawlInfo(doc); err != nil {
		return nil, &Error{File: name, Line: keyLine(data, "paths"), Msg: err.Error(), err: ErrInvalid}
	}
	return doc, nil
}

// servesCrawlInfo says what doc lacks of what crawlkit serves: GET
// /crawl/info with a JSON 200 response.
func servesCrawlInfo(doc *openapi3.T) error {
	item := doc.Paths.Value(Path)
	if item == nil {
		return fmt.Errorf("no path %s: crawlkit serves GET %s (below any servers base path)", Path, Path)
	}
	if item.Get == nil {
		return fmt.Errorf("path %s has no get operation", Path)
	}
	ok := item.Get.Responses.Status(200)
	if ok == nil || ok.Value == nil {
		return fmt.Errorf("GET %s has no 200 response", Path)
	}
	if media := ok.Value.Content.Get("application/json"); media == nil || media.Schema == nil || media.Schema.Value == nil {
		return fmt.Errorf("GET %s: its 200 response has no application/json schema", Path)
	}
	return nil
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
