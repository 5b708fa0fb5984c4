// Package validate checks requests and responses of GET /crawl/info against
// the contract, with kin-openapi, and reports what is wrong in terms a person
// can act on: parameter names and JSON pointers.
package validate

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/crawlkit/crawlkit/internal/spec"
)

// Validator checks traffic against one contract document. It is safe for
// concurrent use.
type Validator struct {
	contract *spec.Contract
	router   routers.Router
	route    *routers.Route
	// valid remembers raw queries whose parameters passed: the verdict
	// depends on the query alone, and a client polls the same one.
	valid *lru.Cache[string, struct{}]
	// split, when the contract allows it, validates large bodies in parts.
	split *itemSplit
	// compiled holds, by status, the JSON body's schema compiled for Value.
	compiled map[int]*node
	values   valueChecker
	// idBounds are the id parameter's bounds, for the errors of an id
	// beyond 64 bits.
	idBounds bounds
}

// validQueries bounds the queries remembered as valid.
const validQueries = 4096

// Load returns a validator for the embedded contract.
func Load(ctx context.Context) (*Validator, error) {
	return LoadData(ctx, "", nil)
}

// LoadData returns a validator for the contract data holds (YAML or JSON),
// named name in errors; nil data is the embedded contract (an empty file
// is refused).
func LoadData(ctx context.Context, name string, data []byte) (*Validator, error) {
	var doc *openapi3.T
	var err error
	if data == nil {
		doc, err = spec.Load(ctx)
	} else {
		doc, err = spec.LoadData(ctx, name, data)
	}
	if err != nil {
		return nil, err
	}
	return New(doc)
}

// Contract returns the contract the validator checks against.
func (v *Validator) Contract() *spec.Contract { return v.contract }

// New returns a validator for doc, as spec.Load returns it.
func New(doc *openapi3.T) (*Validator, error) {
	c, err := spec.NewContract(doc)
	if err != nil {
		return nil, err
	}
	op := c.Operation
	router, err := spec.NewRouter(doc)
	if err != nil {
		return nil, err
	}
	valid, err := lru.New[string, struct{}](validQueries)
	if err != nil {
		return nil, err
	}
	return &Validator{
		contract: c,
		compiled: compileBodies(op),
		split:    findSplit(op),
		valid:    valid,
		idBounds: idBoundsOf(op),
		router:   router,
		route: &routers.Route{
			Spec:      doc,
			Path:      spec.Path,
			PathItem:  doc.Paths.Value(spec.Path),
			Method:    http.MethodGet,
			Operation: op,
		},
	}, nil
}

// Route finds the contract's operation for r. The error wraps
// routers.ErrPathNotFound or routers.ErrMethodNotAllowed; spec.StatusFor
// turns it into a status.
func (v *Validator) Route(r *http.Request) error {
	_, _, err := v.router.FindRoute(r)
	if err != nil {
		return fmt.Errorf("%s %s: %w", r.Method, r.URL.Path, err)
	}
	return nil
}

// Response checks one response to a GET /crawl/info request: that its status
// is documented, its Content-Type is one the status declares, and its body
// validates, every violation reported. r may be nil for a body checked
// outside any request (a fixture, say).
func (v *Validator) Response(ctx context.Context, r *http.Request, status int, header http.Header, body []byte) Violations {
	if p, ok := v.Split(status, body); ok {
		return v.ResponseParts(ctx, r, status, header, p)
	}
	return v.wholeResponse(ctx, r, status, header, body)
}

// wholeResponse is Response in one piece, through kin-openapi's check.
func (v *Validator) wholeResponse(ctx context.Context, r *http.Request, status int, header http.Header, body []byte) Violations {
	if r == nil {
		r = &http.Request{Method: http.MethodGet, URL: &url.URL{Path: spec.Path}, Header: http.Header{}}
		r = r.WithContext(ctx)
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, Route: v.route},
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{
			IncludeResponseStatus: true,
			MultiError:            true,
		},
	}
	if err := openapi3filter.ValidateResponse(ctx, input); err != nil {
		return violationsOf(err)
	}
	return nil
}

// Value is JSONResponse for the body encoding/json makes of value, without
// making it: the same verdict and the same violations, in the same order,
// at a small part of the cost. A body of a status whose response is not a
// plain JSON schema (a required header, a readOnly property...) is encoded
// and checked by JSONResponse.
func (v *Validator) Value(ctx context.Context, status int, value any) Violations {
	n, ok := v.compiled[status]
	if !ok {
		body, err := json.Marshal(value)
		if err != nil {
			return Violations{{Reason: "body cannot be encoded as JSON: " + err.Error()}}
		}
		return v.JSONResponse(ctx, status, body)
	}
	var out Violations
	v.values.check(n, reflect.ValueOf(value), false, make(path, 0, 8), &out)
	return out
}

// compileBodies compiles the JSON body schema of each response of op that
// Value can check alone: one without required headers, whose schema reads
// no property as readOnly or writeOnly.
func compileBodies(op *openapi3.Operation) map[int]*node {
	compiled := map[int]*node{}
	for code, ref := range op.Responses.Map() {
		status, err := strconv.Atoi(code)
		if err != nil || ref.Value == nil {
			continue
		}
		required := false
		for _, h := range ref.Value.Headers {
			required = required || (h.Value != nil && h.Value.Required)
		}
		media := ref.Value.Content.Get("application/json")
		if required || media == nil || media.Schema == nil || media.Schema.Value == nil {
			continue
		}
		if n, ok := compileSchema(media.Schema.Value); ok {
			compiled[status] = n
		}
	}
	return compiled
}

// Documented reports whether the contract declares status for the operation.
func (v *Validator) Documented(status int) bool { return v.contract.Documented(status) }

// JSONResponse is Response for a JSON body with the headers the status
// requires (the mock always sends them), as a fixture or a generated body
// is checked before it is served.
func (v *Validator) JSONResponse(ctx context.Context, status int, body []byte) Violations {
	h := jsonHeader()
	for name, value := range v.contract.Headers(status) {
		h.Set(name, value)
	}
	return v.Response(ctx, nil, status, h, body)
}

func jsonHeader() http.Header { return http.Header{"Content-Type": {"application/json"}} }
