package negotiate

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/crawlkit/crawlkit/internal/crawl"
	"github.com/crawlkit/crawlkit/internal/scenario"
	"github.com/crawlkit/crawlkit/internal/spec"
	"github.com/crawlkit/crawlkit/internal/validate"
)

// Overrides are what one request asks of the mock beyond the contract: the
// Prefer header, Prism-compatible (code, example, dynamic, seed) plus
// crawlkit's delay and fault, or the same as __-prefixed query parameters.
// A query parameter wins over the same preference in Prefer.
type Overrides struct {
	Code    int
	Example string
	Dynamic *bool
	Seed    *uint64
	Delay   *scenario.Delay
	Fault   string
	// Status asks for a generated crawl in this status, one of the
	// contract's (its enum of data.status).
	Status string
	// OffContract allows a Code the contract does not document: the answer
	// is sent unvalidated and marked.
	OffContract bool
}

// Empty reports whether the request asks for nothing.
func (o *Overrides) Empty() bool {
	return o.Code == 0 && o.Example == "" && o.Dynamic == nil && o.Seed == nil && o.Delay == nil && o.Fault == "" && o.Status == "" && !o.OffContract
}

// Preferences are the overrides crawlkit reads, as Prefer preferences or
// as query parameters with the QueryPrefix. off-contract takes no value in
// Prefer: "code=429, off-contract".
var Preferences = [...]string{"code", "example", "dynamic", "seed", "delay", "fault", "status", offContractPreference}

const offContractPreference = "off-contract"

// QueryPrefix starts an override given as a query parameter: __code=404.
const QueryPrefix = "__"

func isPreference(name string) bool { return slices.Contains(Preferences[:], name) }

// preferenceList lists the preferences for messages, each with prefix.
func preferenceList(prefix string) string {
	names := make([]string, len(Preferences))
	for i, p := range Preferences {
		names[i] = prefix + p
	}
	return strings.Join(names, ", ")
}

// standardPreference reports the preferences of RFC 7240 a client may send
// for its own reasons; crawlkit ignores them.
func standardPreference(name string) bool {
	switch name {
	case "return", "respond-async", "wait", "handling":
		return true
	}
	return false
}

// Parse reads a request's overrides from its headers and query, checked
// against the contract c; a bad one is named in fields by where it was
// given: `__code` or `Prefer`.
func Parse(header http.Header, query url.Values, c *spec.Contract) (*Overrides, validate.Fields) {
	o := &Overrides{}
	fields := validate.Fields{}
	bad := func(field, msg string) { fields[field] = append(fields[field], msg) }

	values := map[string]string{}
	source := map[string]string{}
	for _, header := range header.Values("Prefer") {
		for _, pref := range strings.FieldsFunc(header, func(c rune) bool { return c == ',' || c == ';' }) {
			pref = strings.TrimSpace(pref)
			name, value, _ := strings.Cut(pref, "=")
			name = strings.ToLower(strings.TrimSpace(name))
			value = strings.Trim(strings.TrimSpace(value), `"`)
			switch {
			case pref == "" || standardPreference(name):
				continue
			case name == "":
				bad("Prefer", "a preference without a name: "+strconv.Quote(clip(pref)))
				continue
			case !isPreference(name):
				bad("Prefer", "unknown preference "+strconv.Quote(clip(name))+"; crawlkit reads "+preferenceList(""))
				continue
			}
			values[name], source[name] = value, "Prefer"
		}
	}
	for name, vs := range query {
		pref, ok := strings.CutPrefix(name, QueryPrefix)
		if !ok {
			continue
		}
		if !isPreference(pref) {
			bad(name, "unknown override; crawlkit reads "+preferenceList(QueryPrefix))
			continue
		}
		if len(vs) > 1 {
			bad(name, "must be given once, not "+strconv.Itoa(len(vs))+" times")
			continue
		}
		values[pref], source[pref] = vs[0], name
	}

	if value, ok := values[offContractPreference]; ok {
		switch strings.ToLower(value) {
		case "", "true", "1":
			o.OffContract = true
		case "false", "0":
		default:
			bad(source[offContractPreference], "off-contract takes no value, or true or false")
		}
	}
	for name, value := range values {
		field := source[name]
		switch name {
		case "code":
			code, err := strconv.Atoi(value)
			switch {
			case err != nil:
				bad(field, "code must be an HTTP status, one of "+c.StatusList())
			case o.OffContract && !scenario.OffContractStatus(code):
				bad(field, "code "+strconv.Itoa(code)+": off-contract answers an error status, 400 to 599")
			case !o.OffContract && !c.Documented(code):
				bad(field, "code "+strconv.Itoa(code)+" is not a status the contract documents ("+c.StatusList()+"); add "+
					offContractHint(field)+" to answer it on purpose")
			default:
				o.Code = code
			}
		case "example":
			if !c.Examples.Has(value) {
				bad(field, "example "+strconv.Quote(clip(value))+" is not a named example of the contract")
			} else {
				o.Example = value
			}
		case "dynamic":
			b, err := strconv.ParseBool(value)
			if err != nil {
				bad(field, "dynamic must be true or false")
			} else {
				o.Dynamic = &b
			}
		case "seed":
			seed, err := strconv.ParseUint(value, 10, 64)
			if err != nil {
				bad(field, "seed must be a whole number from 0 to 18446744073709551615")
			} else {
				o.Seed = &seed
			}
		case "delay":
			d, err := scenario.ParseDelay(value)
			if err != nil {
				bad(field, clip(err.Error()))
			} else {
				o.Delay = &d
			}
		case "status":
			statuses := c.CrawlStatuses
			if statuses == nil {
				statuses = crawl.Statuses[:]
			}
			if !slices.Contains(statuses, value) {
				bad(field, "status must be a crawl status, one of "+strings.Join(statuses, ", "))
			} else {
				o.Status = value
			}
		case "fault":
			if !scenario.IsFault(value) {
				bad(field, "fault must be one of "+strings.Join(scenario.Faults[:], ", "))
			} else {
				o.Fault = value
			}
		}
	}
	if _, coded := values["code"]; o.OffContract && !coded {
		bad(source[offContractPreference], "off-contract goes with a code, as code=429, off-contract")
	}
	if len(fields) == 0 {
		for field, msg := range conflicts(o, source, c) {
			bad(field, msg)
		}
	}
	if len(fields) > 0 {
		return nil, fields
	}
	return o, nil
}

// offContractHint is how to ask for an off-contract answer where the code
// was given: in Prefer or as a query parameter.
func offContractHint(field string) string {
	if field == "Prefer" {
		return `"off-contract" to the Prefer header`
	}
	return QueryPrefix + offContractPreference + "=true"
}

// clip keeps what a client sent short in messages.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}
