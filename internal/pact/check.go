package pact

import (
	"context"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/crawlkit/crawlkit/internal/spec"
	"github.com/crawlkit/crawlkit/internal/validate"
)

// Severity says whether a finding makes a pact incompatible.
type Severity string

// Severities of findings.
const (
	// Error makes the pact incompatible with the contract.
	Error Severity = "error"
	// Warning is worth knowing and changes no verdict.
	Warning Severity = "warning"
)

// Finding codes, named as swagger-mock-validator names the same findings.
const (
	CodePathOrMethod       = "request.path-or-method.unknown"
	CodeQueryIncompatible  = "request.query.incompatible"
	CodeQueryUnknown       = "request.query.unknown"
	CodeHeaderUnknown      = "request.header.unknown"
	CodeAcceptIncompatible = "request.accept.incompatible"
	CodeRequestBodyUnknown = "request.body.unknown"
	CodeStatusUnknown      = "response.status.unknown"
	CodeStatusDefault      = "response.status.default"
	CodeBodyIncompatible   = "response.body.incompatible"
	CodeBodyUnknown        = "response.body.unknown"
	CodeContentType        = "response.content-type.incompatible"
	CodeResponseHeader     = "response.header.incompatible"
	CodeResponseHeaderUnk  = "response.header.unknown"
	CodeStandardHeader     = "response.header.undefined"
)

// Finding is one way an interaction and the contract disagree.
type Finding struct {
	// Interaction is the interaction's description.
	Interaction string `json:"interaction"`
	// Path is where, as a JSON path into the interaction:
	// $.request.query.id, $.response.body.data.screenshots[0].status.
	Path     string   `json:"path"`
	Severity Severity `json:"severity"`
	Code     string   `json:"code"`
	Message  string   `json:"message"`
}

// String writes the finding on one line.
func (f Finding) String() string {
	return strconv.Quote(f.Interaction) + " " + f.Path + ": " + f.Message + " [" + f.Code + "]"
}

// Compatible reports whether findings hold no error.
func Compatible(findings []Finding) bool {
	return !slices.ContainsFunc(findings, func(f Finding) bool { return f.Severity == Error })
}

// Checker judges pacts against one contract.
type Checker struct {
	v *validate.Validator
	c *spec.Contract
}

// NewChecker returns a checker for the contract v validates against.
func NewChecker(v *validate.Validator) *Checker {
	return &Checker{v: v, c: v.Contract()}
}

// Check judges every interaction of f, findings in the file's order.
func (c *Checker) Check(ctx context.Context, f *File) []Finding {
	out := []Finding{}
	for _, in := range f.Interactions {
		out = append(out, c.interaction(ctx, in)...)
	}
	return out
}

// report collects one interaction's findings.
type report struct {
	in  *Interaction
	out []Finding
}

func (r *report) add(sev Severity, code, path, msg string) {
	r.out = append(r.out, Finding{Interaction: r.in.Description, Path: path, Severity: sev, Code: code, Message: msg})
}

func (c *Checker) interaction(ctx context.Context, in Interaction) []Finding {
	r := &report{in: &in}
	if !c.routed(in.Request) {
		r.add(Error, CodePathOrMethod, "$.request.path",
			in.Request.Method+" "+in.Request.Path+" is not in the contract, which serves "+c.c.Endpoints())
		return r.out
	}
	// As swagger-mock-validator: a request answered with an error may be
	// bad on purpose, so only those answered with a success are checked.
	if in.Response.Status < 400 {
		c.request(ctx, r, in.Request)
	}
	c.response(r, in)
	return r.out
}

// routed reports whether req is GET /crawl/info below one of the
// contract's base paths.
func (c *Checker) routed(req Request) bool {
	if req.Method != http.MethodGet {
		return false
	}
	path, _, _ := strings.Cut(req.Path, "?")
	for _, base := range c.c.BasePaths {
		if path == base+spec.Path {
			return true
		}
	}
	return false
}

// securityNames are the query parameters and headers that carry credentials.
func (c *Checker) securityNames(in string) []string {
	var out []string
	if c.c.Doc.Components == nil {
		return out
	}
	for _, ref := range c.c.Doc.Components.SecuritySchemes {
		s := ref.Value
		if s == nil {
			continue
		}
		switch {
		case s.Type == "apiKey" && s.In == in:
			out = append(out, s.Name)
		case s.Type == "http" && in == "header":
			out = append(out, "Authorization")
		}
	}
	return out
}

func (c *Checker) request(ctx context.Context, r *report, req Request) {
	query := req.Query
	if query == nil {
		query = url.Values{}
	}
	documented := map[string]bool{}
	for _, p := range c.c.Operation.Parameters {
		if p.Value != nil && p.Value.In == openapi3.ParameterInQuery {
			documented[p.Value.Name] = true
		}
	}
	for _, name := range c.securityNames("query") {
		documented[name] = true
	}
	names := make([]string, 0, len(query))
	for name := range query {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if !documented[name] {
			r.add(Warning, CodeQueryUnknown, "$.request.query."+name,
				"the contract defines no query parameter "+strconv.Quote(name)+": the provider ignores it")
		}
	}
	httpReq, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://pact.invalid"+spec.Path+"?"+query.Encode(), nil)
	if err == nil {
		fields := c.v.Params(ctx, httpReq, query, nil)
		for _, name := range fields.Names() {
			r.add(Error, CodeQueryIncompatible, "$.request.query."+name, name+" "+strings.Join(fields[name], "; "))
		}
	}
	security := append(c.securityNames("header"), "Accept", "Accept-Encoding", "Accept-Language", "User-Agent", "Content-Type", "Content-Length",
		"Host", "Connection", "Cache-Control", "Origin", "Referer", "Prefer", "X-Request-Id")
	for _, name := range req.Headers.Names() {
		if !slices.ContainsFunc(security, func(s string) bool { return strings.EqualFold(s, name) }) {
			r.add(Warning, CodeHeaderUnknown, "$.request.headers."+name,
				"the contract defines no request header "+name+": the provider ignores it")
		}
	}
	if accept, ok := req.Headers.Get("Accept"); ok && !acceptsJSON(accept) {
		r.add(Error, CodeAcceptIncompatible, "$.request.headers.Accept",
			"Accept "+strings.Join(accept, ", ")+" refuses application/json, the only type the contract's answers have")
	}
	if req.Body.Present {
		r.add(Warning, CodeRequestBodyUnknown, "$.request.body", "GET /crawl/info takes no request body")
	}
}

// acceptsJSON reports whether Accept values admit application/json.
func acceptsJSON(values []string) bool {
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			if q, ok := params["q"]; ok && (q == "0" || q == "0.0" || q == "0.00" || q == "0.000") {
				continue
			}
			if mt == "*/*" || mt == "application/*" || isJSONType(mt) {
				return true
			}
		}
	}
	return false
}

func (c *Checker) response(r *report, in Interaction) {
	resp := in.Response
	ref := c.c.Operation.Responses.Status(resp.Status)
	if ref == nil || ref.Value == nil {
		if def := c.c.Operation.Responses.Default(); def != nil && def.Value != nil {
			r.add(Warning, CodeStatusDefault, "$.response.status",
				strconv.Itoa(resp.Status)+" is answered by the contract's default response only")
			ref = def
		} else {
			r.add(Error, CodeStatusUnknown, "$.response.status",
				strconv.Itoa(resp.Status)+" is not a status the contract documents ("+c.c.StatusList()+")")
			return
		}
	}
	doc := ref.Value
	c.responseHeaders(r, resp, doc)
	if !resp.Body.Present {
		return
	}
	if accept, ok := in.Request.Headers.Get("Accept"); ok && !acceptsJSON(accept) {
		r.add(Error, CodeBodyUnknown, "$.response.body", "the contract has no body of the type the request accepts ("+strings.Join(accept, ", ")+")")
		return
	}
	media, mediaType := bodyMedia(resp, doc)
	if media == nil {
		if len(doc.Content) == 0 {
			r.add(Error, CodeBodyUnknown, "$.response.body", "the contract's "+strconv.Itoa(resp.Status)+" answer has no body")
		}
		return
	}
	if !isJSONType(mediaType) || media.Schema == nil || media.Schema.Value == nil {
		return
	}
	if !resp.Body.JSON {
		r.add(Error, CodeBodyIncompatible, "$.response.body", "the body is not JSON, which the contract's "+mediaType+" answer is")
		return
	}
	rules, err := bodyRules(resp.Rules)
	if err != nil {
		r.add(Error, CodeBodyIncompatible, "$.response.body", "matching rules: "+err.Error())
		return
	}
	w := &walker{rules: rules}
	for _, is := range w.check(resp.Body.Value, media.Schema.Value, nil) {
		r.add(Error, CodeBodyIncompatible, "$.response.body"+jsonPath(is.path), is.msg)
	}
}

// bodyMedia finds the contract's media type for the pact's response body:
// the one its Content-Type names, or JSON.
func bodyMedia(resp Response, doc *openapi3.Response) (*openapi3.MediaType, string) {
	want := "application/json"
	if ct, ok := resp.Headers.Get("Content-Type"); ok && len(ct) > 0 {
		want = ct[0]
	} else if resp.Body.ContentType != "" {
		want = resp.Body.ContentType
	}
	mt, _, err := mime.ParseMediaType(want)
	if err != nil {
		mt = want
	}
	if m := doc.Content.Get(mt); m != nil {
		return m, mt
	}
	return nil, mt
}

// standardHeaders are response headers any HTTP server may send, which a
// contract seldom lists: an undocumented one is a warning, as
// swagger-mock-validator says.
var standardHeaders = []string{"access-control-allow-origin", "accept-patch", "accept-ranges", "age", "allow", "alt-svc",
	"cache-control", "connection", "content-disposition", "content-encoding", "content-language", "content-length",
	"content-location", "content-md5", "content-range", "date", "etag", "expires", "last-modified", "link", "location",
	"p3p", "pragma", "proxy-authenticate", "public-key-pins", "refresh", "retry-after", "server", "set-cookie", "status",
	"strict-transport-security", "trailer", "transfer-encoding", "tsv", "upgrade", "vary", "via", "warning",
	"www-authenticate", "x-frame-options"}

func (c *Checker) responseHeaders(r *report, resp Response, doc *openapi3.Response) {
	for _, name := range resp.Headers.Names() {
		values := resp.Headers[name]
		path := "$.response.headers." + name
		if strings.EqualFold(name, "Content-Type") {
			if len(doc.Content) == 0 {
				continue
			}
			mt, _, err := mime.ParseMediaType(strings.Join(values, ","))
			if err != nil || doc.Content.Get(mt) == nil {
				r.add(Error, CodeContentType, path, "Content-Type "+strings.Join(values, ", ")+" is not a type the contract's "+strconv.Itoa(resp.Status)+" answer has ("+strings.Join(contentTypes(doc), ", ")+")")
			}
			continue
		}
		var header *openapi3.Header
		for k, h := range doc.Headers {
			if strings.EqualFold(k, name) && h.Value != nil {
				header = h.Value
			}
		}
		switch {
		case header != nil:
			if header.Schema != nil && header.Schema.Value != nil {
				for _, v := range values {
					for _, vi := range validate.Schema(header.Schema.Value, headerValue(v, header.Schema.Value)) {
						r.add(Error, CodeResponseHeader, path, vi.Reason)
					}
				}
			}
		case slices.Contains(standardHeaders, strings.ToLower(name)):
			r.add(Warning, CodeStandardHeader, path, "the contract does not list the standard header "+name)
		default:
			r.add(Error, CodeResponseHeaderUnk, path, "the contract's "+strconv.Itoa(resp.Status)+" answer has no header "+name)
		}
	}
}

// headerValue reads a header value as the type its schema says.
func headerValue(v string, s *openapi3.Schema) any {
	switch {
	case s.Type.Is("integer"), s.Type.Is("number"):
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return f
		}
	case s.Type.Is("boolean"):
		if b, err := strconv.ParseBool(v); err == nil {
			return b
		}
	}
	return v
}

func contentTypes(doc *openapi3.Response) []string {
	out := make([]string, 0, len(doc.Content))
	for mt := range doc.Content {
		out = append(out, mt)
	}
	slices.Sort(out)
	return out
}

// compileRegex compiles a Pact regex, which must match the whole value.
func compileRegex(expr string) (*regexp.Regexp, error) {
	return regexp.Compile(`^(?:` + expr + `)$`)
}

// jsonPath writes a body path as a JSON path from the body: .data.ids[0].
func jsonPath(path []step) string {
	var b strings.Builder
	for _, s := range path {
		switch {
		case !s.Field:
			b.WriteString("[" + strconv.Itoa(s.Index) + "]")
		case plainName(s.Name):
			b.WriteString("." + s.Name)
		default:
			b.WriteString("['" + strings.ReplaceAll(s.Name, "'", `\'`) + "']")
		}
	}
	return b.String()
}

func plainName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if c != '_' && c != '-' && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
