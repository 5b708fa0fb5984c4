package mockserver

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/crawlkit/crawlkit/internal/scenario"
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
}

// Empty reports whether the request asks for nothing.
func (o *Overrides) Empty() bool {
	return o.Code == 0 && o.Example == "" && o.Dynamic == nil && o.Seed == nil && o.Delay == nil && o.Fault == ""
}

// Preferences crawlkit reads; preferenceNames lists them for messages.
const preferenceNames = "code, example, dynamic, seed, delay, fault"

// standardPreference reports the preferences of RFC 7240 a client may send
// for its own reasons; crawlkit ignores them.
func standardPreference(name string) bool {
	switch name {
	case "return", "respond-async", "wait", "handling":
		return true
	}
	return false
}

// parseOverrides reads the request's overrides; a bad one is named in fields
// by where it was given: `__code` or `Prefer`.
func parseOverrides(r *http.Request, query url.Values, documented func(int) bool, examples func(string) bool) (*Overrides, validate.Fields) {
	o := &Overrides{}
	fields := validate.Fields{}
	bad := func(field, msg string) { fields[field] = append(fields[field], msg) }

	values := map[string]string{}
	source := map[string]string{}
	for _, header := range r.Header.Values("Prefer") {
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
				bad("Prefer", "unknown preference "+strconv.Quote(clip(name))+"; crawlkit reads "+preferenceNames)
				continue
			}
			values[name], source[name] = value, "Prefer"
		}
	}
	for name, vs := range query {
		if !strings.HasPrefix(name, "__") {
			continue
		}
		pref := strings.TrimPrefix(name, "__")
		if !isPreference(pref) {
			bad(name, "unknown override; crawlkit reads __code, __example, __dynamic, __seed, __delay, __fault")
			continue
		}
		if len(vs) > 1 {
			bad(name, "must be given once, not "+strconv.Itoa(len(vs))+" times")
			continue
		}
		values[pref], source[pref] = vs[0], name
	}

	for name, value := range values {
		field := source[name]
		switch name {
		case "code":
			code, err := strconv.Atoi(value)
			switch {
			case err != nil:
				bad(field, "code must be an HTTP status, one of 200, 400, 404, 500")
			case !documented(code):
				bad(field, "code "+strconv.Itoa(code)+" is not a status the contract documents (200, 400, 404, 500)")
			default:
				o.Code = code
			}
		case "example":
			if !examples(value) {
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
		case "fault":
			if !scenario.IsFault(value) {
				bad(field, "fault must be one of reset, empty, malformed, hang, bad-gateway")
			} else {
				o.Fault = value
			}
		}
	}
	if len(fields) > 0 {
		return nil, fields
	}
	return o, nil
}

func isPreference(name string) bool {
	switch name {
	case "code", "example", "dynamic", "seed", "delay", "fault":
		return true
	}
	return false
}

// clip keeps what a client sent short in messages.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}
