package spec

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// BasePaths returns the path of each server URL the document names, "" for
// a server at the root, in the document's order without repeats: the
// operation is served below each. A server URL with variables counts by its
// path as written.
func BasePaths(doc *openapi3.T) []string {
	var out []string
	for _, s := range doc.Servers {
		path := s.URL
		if u, err := url.Parse(s.URL); err == nil && u.Host != "" {
			path = u.Path
		}
		path = strings.TrimRight(path, "/")
		if !slices.Contains(out, path) {
			out = append(out, path)
		}
	}
	if len(out) == 0 {
		out = []string{""}
	}
	return out
}

// Statuses returns the HTTP statuses the operation documents, sorted.
func Statuses(op *openapi3.Operation) []int {
	var out []int
	for code := range op.Responses.Map() {
		if status, err := strconv.Atoi(code); err == nil {
			out = append(out, status)
		}
	}
	slices.Sort(out)
	return out
}

// Contract is what crawlkit derives from the document, computed once: the
// operation, its documented statuses and named examples, and the base paths
// it is served at.
type Contract struct {
	Doc       *openapi3.T
	Operation *openapi3.Operation
	// Statuses are the documented statuses, sorted.
	Statuses []int
	// BasePaths are the base paths of the document's servers.
	BasePaths []string
	// Examples are the operation's named response examples.
	Examples *ExampleSet
	// CrawlStatuses are the values a crawl's status may take, from the 200
	// schema's enum; nil when it has none.
	CrawlStatuses []string
	// Credentials say where credentials come from, by the security
	// schemes the operation requires.
	Credentials Credentials
	// headers are the headers each status requires.
	headers map[int]map[string]string
}

// crawlStatuses reads the enum of data.status in the 200 body's schema.
func (c *Contract) crawlStatuses() []string {
	s := c.BodySchema(http.StatusOK)
	for _, name := range []string{"data", "status"} {
		if s == nil || s.Properties[name] == nil {
			return nil
		}
		s = s.Properties[name].Value
	}
	if s == nil {
		return nil
	}
	var out []string
	for _, v := range s.Enum {
		if str, ok := v.(string); ok {
			out = append(out, str)
		}
	}
	return out
}

// NewContract derives the contract's facts from doc, as Load returns it.
func NewContract(doc *openapi3.T) (*Contract, error) {
	op, err := Operation(doc)
	if err != nil {
		return nil, err
	}
	named, err := Examples(doc)
	if err != nil {
		return nil, err
	}
	ex, err := newExampleSet(named, defaultExamples(op))
	if err != nil {
		return nil, err
	}
	var opts []openapi3.SchemaValidationOption
	if doc.IsOpenAPI31OrLater() {
		opts = append(opts, openapi3.EnableJSONSchema2020())
	}
	ex.synthesize(op, opts...)
	c := &Contract{Doc: doc, Operation: op, Statuses: Statuses(op), BasePaths: BasePaths(doc), Examples: ex, headers: declaredHeaders(op)}
	c.CrawlStatuses = c.crawlStatuses()
	c.Credentials = credentials(doc, op)
	return c, nil
}

// defaultExamples reads each response's x-default-example.
func defaultExamples(op *openapi3.Operation) map[int]string {
	out := map[int]string{}
	for code, resp := range op.Responses.Map() {
		status, err := strconv.Atoi(code)
		if err != nil || resp.Value == nil {
			continue
		}
		if name, ok := resp.Value.Extensions[defaultExampleKey].(string); ok {
			out[status] = name
		}
	}
	return out
}

// Documented reports whether the contract declares status for the operation.
func (c *Contract) Documented(status int) bool { return slices.Contains(c.Statuses, status) }

// StatusList writes the documented statuses for messages: "200, 400, 404, 500".
func (c *Contract) StatusList() string {
	parts := make([]string, len(c.Statuses))
	for i, s := range c.Statuses {
		parts[i] = strconv.Itoa(s)
	}
	return strings.Join(parts, ", ")
}

// Endpoints writes where the operation is served, for messages:
// "GET /crawl/info and GET /api/v1/crawl/info".
func (c *Contract) Endpoints() string {
	parts := make([]string, len(c.BasePaths))
	for i, base := range c.BasePaths {
		parts[i] = http.MethodGet + " " + base + Path
	}
	return strings.Join(parts, " and ")
}

// ParseBaseURL reads the base URL of an implementation of the API, as
// https://api.example.com/api/v1, to which Path is appended. It must be an
// absolute http(s) URL without a query; one that already ends in Path is
// refused with the fix.
func ParseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q must be an absolute http(s) URL, as https://api.example.com/api/v1", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%q must have no query or fragment: it is the API base, to which %s is appended", raw, Path)
	}
	if base, ok := strings.CutSuffix(u.Path, Path); ok {
		fixed := *u
		fixed.Path = base
		return nil, fmt.Errorf("%q ends in %s: give the API base, %s, and crawlkit appends %s", raw, Path, fixed.String(), Path)
	}
	return u, nil
}

// BodySchema returns the JSON body schema the operation documents for
// status, nil when it documents none.
func (c *Contract) BodySchema(status int) *openapi3.Schema {
	resp := c.Operation.Responses.Status(status)
	if resp == nil || resp.Value == nil {
		return nil
	}
	media := resp.Value.Content.Get("application/json")
	if media == nil || media.Schema == nil {
		return nil
	}
	return media.Schema.Value
}
