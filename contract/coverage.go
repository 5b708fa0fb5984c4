package contract

import (
	"fmt"
	"sort"
	"strings"
)

// Coverage is what a run exercised of the contract: a green run that never
// saw a 500, a bearer token or a crawl in error says so.
type Coverage struct {
	// Statuses counts the answers of each documented status, by status; a
	// status never seen counts 0.
	Statuses map[string]int `json:"statuses"`
	// Undocumented counts answers of statuses the contract does not document.
	Undocumented map[string]int `json:"undocumented,omitempty"`
	// Codes counts the error codes seen.
	Codes map[string]int `json:"codes"`
	// Auth counts the requests sent each way of authenticating.
	Auth map[string]int `json:"auth"`
	// Enums counts, for each enum field, the values seen; every value the
	// contract allows is listed.
	Enums map[string]map[string]int `json:"enums"`
	// NeverSeen lists the documented fields never seen with a value other
	// than empty, 0 or false.
	NeverSeen []string `json:"never_seen"`
}

func newCoverage(statuses []int) *Coverage {
	c := &Coverage{Statuses: map[string]int{}, Codes: map[string]int{}, Auth: map[string]int{}, Enums: map[string]map[string]int{}}
	for _, s := range statuses {
		c.Statuses[statusKey(s)] = 0
	}
	for _, a := range []string{authQuery, authHeader, authBearer, authNone, authInvalid} {
		c.Auth[a] = 0
	}
	return c
}

// answered counts one answer.
func (c *Coverage) answered(status int, documented bool, code string) {
	if documented {
		c.Statuses[statusKey(status)]++
	} else {
		if c.Undocumented == nil {
			c.Undocumented = map[string]int{}
		}
		c.Undocumented[statusKey(status)]++
	}
	if code != "" {
		c.Codes[code]++
	}
}

// counts writes counts as "a ×2, b never", keys sorted.
func counts(m map[string]int) string {
	keys := sortedKeys(m)
	parts := make([]string, len(keys))
	for i, k := range keys {
		if m[k] == 0 {
			parts[i] = Printable(k) + " never"
		} else {
			parts[i] = fmt.Sprintf("%s ×%d", Printable(k), m[k])
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func (c *Coverage) writeText(b *strings.Builder, verbose bool) {
	b.WriteString("coverage:\n")
	fmt.Fprintf(b, "  statuses: %s\n", counts(c.Statuses))
	if len(c.Undocumented) > 0 {
		fmt.Fprintf(b, "  undocumented statuses: %s\n", counts(c.Undocumented))
	}
	fmt.Fprintf(b, "  error codes: %s\n", counts(c.Codes))
	fmt.Fprintf(b, "  auth: %s\n", counts(c.Auth))
	for _, ptr := range sortedKeys(c.Enums) {
		fmt.Fprintf(b, "  %s: %s\n", Printable(ptr), counts(c.Enums[ptr]))
	}
	switch {
	case len(c.NeverSeen) > 0 && verbose:
		fmt.Fprintf(b, "  never seen with a value (%d): %s\n", len(c.NeverSeen), Printable(strings.Join(c.NeverSeen, ", ")))
	case len(c.NeverSeen) > 0:
		fmt.Fprintf(b, "  never seen with a value: %d fields (%s)\n", len(c.NeverSeen), neverSeenWhere)
	}
}

// properties lists the coverage as JUnit properties: name, value.
func (c *Coverage) properties() [][2]string {
	var out [][2]string
	for _, group := range []struct {
		name string
		m    map[string]int
	}{{"statuses", c.Statuses}, {"undocumented", c.Undocumented}, {"codes", c.Codes}, {"auth", c.Auth}} {
		for _, k := range sortedKeys(group.m) {
			out = append(out, [2]string{fmt.Sprintf("coverage.%s.%s", group.name, k), fmt.Sprint(group.m[k])})
		}
	}
	for _, ptr := range sortedKeys(c.Enums) {
		for _, v := range sortedKeys(c.Enums[ptr]) {
			out = append(out, [2]string{fmt.Sprintf("coverage.enums.%s.%s", ptr, v), fmt.Sprint(c.Enums[ptr][v])})
		}
	}
	out = append(out, [2]string{"coverage.never_seen", strings.Join(c.NeverSeen, " ")})
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
