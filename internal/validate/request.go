package validate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// Fields maps each bad request parameter to what is wrong with it, as the
// `fields` of a VALIDATION_ERROR envelope.
type Fields map[string][]string

// Names returns the bad parameters' names, sorted.
func (f Fields) Names() []string {
	names := make([]string, 0, len(f))
	for n := range f {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func (f Fields) add(name, msg string) {
	if !slices.Contains(f[name], msg) {
		f[name] = append(f[name], msg)
	}
}

// QueryField is the Fields key for a query string that cannot be decoded at all.
const QueryField = "query"

// Request checks the parameters of a GET /crawl/info request. Credentials are
// not checked here. It is stricter than kin-openapi where the contract is
// silent on the wire form: a parameter given twice and an empty id are
// errors, not a first value picked at random. An id is read as kin-openapi
// reads an integer (decimal digits, optionally after a sign, leading zeros
// allowed), as the CrawlId parameter's description says; its range is the
// schema's. It returns nil when every parameter is good.
func (v *Validator) Request(ctx context.Context, r *http.Request) Fields {
	query, err := url.ParseQuery(r.URL.RawQuery)
	return v.Params(ctx, r, query, err)
}

// Params is Request for a query the caller parsed already, with the error
// url.ParseQuery gave, so that a handler parses it once.
func (v *Validator) Params(ctx context.Context, r *http.Request, query url.Values, parseErr error) Fields {
	fields := Fields{}
	if parseErr != nil {
		fields.add(QueryField, "is not a valid URL-encoded query string")
		return fields
	}
	if _, ok := v.valid.Get(r.URL.RawQuery); ok {
		return nil
	}
	for _, p := range v.route.Operation.Parameters {
		if p.Value.In != openapi3.ParameterInQuery {
			continue
		}
		if n := len(query[p.Value.Name]); n > 1 {
			fields.add(p.Value.Name, "must be given once, not "+strconv.Itoa(n)+" times")
		}
	}
	if ids, ok := query["id"]; ok && len(ids) == 1 {
		if msg := v.idSyntax(ids[0]); msg != "" {
			fields.add("id", msg)
		}
	}
	if len(fields) > 0 {
		return fields
	}
	input := &openapi3filter.RequestValidationInput{
		Request:     r,
		QueryParams: query,
		Route:       v.route,
		Options: &openapi3filter.Options{
			MultiError:          true,
			SkipSettingDefaults: true,
			AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
		},
	}
	if err := openapi3filter.ValidateRequest(ctx, input); err != nil {
		collectRequest(err, fields)
	}
	if len(fields) == 0 {
		v.valid.Add(r.URL.RawQuery, struct{}{})
		return nil
	}
	return fields
}

// idSyntax says what is wrong with how id is written, or "" when it is an
// integer in decimal digits, optionally after one sign, that fits in 64
// bits: what kin-openapi's integer parsing (strconv.ParseInt, base 10)
// reads. Its range is the schema's job; a value beyond 64 bits is beyond
// the schema's bounds, named from the schema.
func (v *Validator) idSyntax(raw string) string {
	if raw == "" {
		return "must not be empty"
	}
	digits := raw
	if digits[0] == '-' || digits[0] == '+' {
		digits = digits[1:]
	}
	if digits == "" {
		return "must be an integer"
	}
	for _, c := range []byte(digits) {
		if c < '0' || c > '9' {
			return "must be an integer written in decimal digits"
		}
	}
	if _, err := strconv.ParseInt(raw, 10, 64); err != nil {
		if raw[0] == '-' {
			return "must be at least " + v.idBounds.min
		}
		return "must be at most " + v.idBounds.max
	}
	return ""
}

// bounds are an integer parameter's schema bounds, written out.
type bounds struct{ min, max string }

// idBoundsOf reads the bounds of the operation's id parameter from its
// schema; int64's where the schema sets none.
func idBoundsOf(op *openapi3.Operation) bounds {
	b := bounds{min: strconv.FormatInt(math.MinInt64, 10), max: strconv.FormatInt(math.MaxInt64, 10)}
	for _, p := range op.Parameters {
		if p.Value == nil || p.Value.Name != "id" || p.Value.In != openapi3.ParameterInQuery || p.Value.Schema == nil || p.Value.Schema.Value == nil {
			continue
		}
		s := p.Value.Schema.Value
		if s.Min != nil {
			b.min = fmt.Sprint(number(s.Min))
		}
		if s.Max != nil {
			b.max = fmt.Sprint(number(s.Max))
		}
	}
	return b
}

func collectRequest(err error, fields Fields) {
	switch e := err.(type) {
	case openapi3.MultiError:
		for _, inner := range e {
			collectRequest(inner, fields)
		}
	case *openapi3filter.RequestError:
		if e.Parameter == nil {
			fields.add(QueryField, e.Error())
			return
		}
		for _, reason := range requestReasons(e) {
			fields.add(e.Parameter.Name, reason)
		}
	default:
		fields.add(QueryField, err.Error())
	}
}

func requestReasons(e *openapi3filter.RequestError) []string {
	switch {
	case errors.Is(e.Err, openapi3filter.ErrInvalidRequired):
		return []string{"is required"}
	case errors.Is(e.Err, openapi3filter.ErrInvalidEmptyValue):
		return []string{"must not be empty"}
	}
	var reasons []string
	for _, v := range schemaViolationsOf(e.Err) {
		reasons = append(reasons, v.Reason)
	}
	if len(reasons) == 0 {
		reasons = append(reasons, e.Reason)
	}
	return reasons
}
