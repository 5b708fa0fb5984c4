package negotiate

import (
	"strconv"

	"github.com/crawlkit/crawlkit/internal/spec"
)

// conflicts names the overrides of o that ask for two answers at once, such
// as a named example and a crawl status, each under the field where its
// second half was given. The answer is never picked for the client: it
// gives one of them.
func conflicts(o *Overrides, source map[string]string, c *spec.Contract) map[string]string {
	// as writes a preference as the client gave it: status=processing in
	// Prefer, __status=processing in the query.
	as := func(name, value string) string {
		if source[name] != "Prefer" {
			name = QueryPrefix + name
		}
		if value == "" {
			return name
		}
		return name + "=" + value
	}
	out := map[string]string{}
	clash := func(second string, msg string) {
		if _, seen := out[source[second]]; !seen {
			out[source[second]] = msg + ": give one of them"
		}
	}
	errorCode := o.Code != 0 && o.Code != 200
	code := as("code", strconv.Itoa(o.Code))
	if o.Example != "" {
		example := as("example", o.Example)
		switch status := c.Examples.Status(o.Example); {
		case o.OffContract:
			clash("example", example+" is on the contract, "+as(offContractPreference, "")+" is not")
		case o.Code != 0 && o.Code != status:
			clash("example", example+" answers "+strconv.Itoa(status)+", not "+code)
		}
	}
	// A generated crawl is a 200: a status, a seed or dynamic=true ask for
	// one, which an example, dynamic=false or an error code cannot be.
	var fixed string
	switch {
	case o.Example != "":
		fixed = as("example", o.Example)
	case o.Dynamic != nil && !*o.Dynamic:
		fixed = as("dynamic", "false") + " (the static 200 example)"
	case errorCode:
		fixed = code
	}
	if fixed == "" {
		return out
	}
	if o.Status != "" {
		clash("status", as("status", o.Status)+" asks for a generated crawl, which "+fixed+" is not")
	}
	if o.Seed != nil {
		clash("seed", as("seed", strconv.FormatUint(*o.Seed, 10))+" seeds a generated crawl, which "+fixed+" is not")
	}
	if o.Dynamic != nil && *o.Dynamic {
		clash("dynamic", as("dynamic", "true")+" asks for a generated crawl, which "+fixed+" is not")
	}
	if o.Dynamic != nil && !*o.Dynamic && errorCode {
		clash("dynamic", as("dynamic", "false")+" is the static 200 example, not "+code)
	}
	return out
}
