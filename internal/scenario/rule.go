// Package scenario holds scripted answers of the mock: rules that match a
// request on its crawl id, key, headers or query, and say how to answer it
// (a status, a named example, a fixture, a generated crawl, a progression,
// a delay or a fault). Rules come from YAML, validated with line numbers.
package scenario

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/crawlkit/crawlkit/internal/crawl"
)

// Fault kinds: the broken answers that break real clients.
const (
	FaultReset      = "reset"       // the connection is reset
	FaultEmpty      = "empty"       // the connection closes without a response
	FaultMalformed  = "malformed"   // a 200 whose JSON body is cut short
	FaultHang       = "hang"        // no answer until the client gives up
	FaultBadGateway = "bad-gateway" // a 502 HTML page, as a proxy would send
)

// Faults lists every fault kind.
var Faults = [...]string{FaultReset, FaultEmpty, FaultMalformed, FaultHang, FaultBadGateway}

// IsFault reports whether kind names a fault.
func IsFault(kind string) bool { return slices.Contains(Faults[:], kind) }

// MaxDelay bounds every delay a rule or a request asks for.
const MaxDelay = 60 * time.Second

// Rule is one scripted answer.
type Rule struct {
	Name        string  `yaml:"name" json:"name"`
	Description string  `yaml:"description,omitempty" json:"description,omitempty"`
	Match       Match   `yaml:"match" json:"match"`
	Respond     Respond `yaml:"respond" json:"respond"`
	// Line is where the rule starts in its file, 0 for one added at run time.
	Line int `yaml:"-" json:"line,omitempty"`
	// Source is the file the rule came from, or "admin API".
	Source string `yaml:"-" json:"source"`
}

// Match says which requests a rule answers; every criterion given must hold.
type Match struct {
	ID     IDs               `yaml:"id,omitempty" json:"id,omitempty"`
	Key    string            `yaml:"key,omitempty" json:"key,omitempty"`
	Header map[string]string `yaml:"header,omitempty" json:"header,omitempty"`
	Query  map[string]string `yaml:"query,omitempty" json:"query,omitempty"`
}

// Respond says how a rule answers. Example, Fixture, Crawl, Progression
// and Body exclude each other; Status alone answers with the contract's
// example for it. A status the contract does not document (401, 429, 503...)
// needs OffContract: such answers are sent unvalidated and marked, never by
// mistake.
type Respond struct {
	Status      int          `yaml:"status,omitempty" json:"status,omitempty"`
	Example     string       `yaml:"example,omitempty" json:"example,omitempty"`
	Fixture     string       `yaml:"fixture,omitempty" json:"fixture,omitempty"`
	Crawl       *CrawlShape  `yaml:"crawl,omitempty" json:"crawl,omitempty"`
	Progression *Progression `yaml:"progression,omitempty" json:"progression,omitempty"`
	// Body is the body to send, as JSON, with Status.
	Body any `yaml:"body,omitempty" json:"body,omitempty"`
	// Headers are added to the answer (Retry-After, say).
	Headers     map[string]string `yaml:"headers,omitempty" json:"headers,omitempty"`
	OffContract bool              `yaml:"off_contract,omitempty" json:"off_contract,omitempty"`
	Delay       Delay             `yaml:"delay,omitempty" json:"delay,omitzero"`
	Fault       string            `yaml:"fault,omitempty" json:"fault,omitempty"`
}

// OffContractStatus reports whether status may be answered off the
// contract: an error status, 400 to 599.
func OffContractStatus(status int) bool { return status >= 400 && status <= 599 }

// CrawlShape asks for a generated crawl of a given status or size.
type CrawlShape struct {
	Status      string  `yaml:"status,omitempty" json:"status,omitempty"`
	Screenshots *int    `yaml:"screenshots,omitempty" json:"screenshots,omitempty"`
	Seed        *uint64 `yaml:"seed,omitempty" json:"seed,omitempty"`
}

// Progression is a crawl that moves through Statuses, one a poll, and then
// stays at the last, a final one. Screenshots is the final crawl's number
// of screenshots; nil leaves it to the seed.
type Progression struct {
	Statuses    []string `yaml:"statuses" json:"statuses"`
	Screenshots *int     `yaml:"screenshots,omitempty" json:"screenshots,omitempty"`
}

// Size is the number of screenshots asked for, -1 for the seed's choice.
func (p *Progression) Size() int {
	if p.Screenshots == nil {
		return -1
	}
	return *p.Screenshots
}

// Request is what a rule can match on, taken from a request that passed
// credential and parameter checks.
type Request struct {
	ID     int64
	Key    string
	Header http.Header
	Query  map[string][]string
}

// Matches reports whether every criterion of m holds for r.
func (m *Match) Matches(r *Request) bool {
	if len(m.ID) > 0 && !m.ID.Contains(r.ID) {
		return false
	}
	if m.Key != "" && m.Key != r.Key {
		return false
	}
	for name, want := range m.Header {
		if r.Header.Get(name) != want {
			return false
		}
	}
	for name, want := range m.Query {
		if !slices.Contains(r.Query[name], want) {
			return false
		}
	}
	return true
}

// IDRange is a closed range of crawl ids.
type IDRange struct{ From, To int64 }

// IDs is a set of crawl ids: written as one id, a list, or "from-to" ranges.
type IDs []IDRange

// Contains reports whether id is in the set.
func (ids IDs) Contains(id int64) bool {
	for _, r := range ids {
		if id >= r.From && id <= r.To {
			return true
		}
	}
	return false
}

// First returns the smallest id of the set, for examples.
func (ids IDs) First() int64 {
	first := int64(0)
	for i, r := range ids {
		if i == 0 || r.From < first {
			first = r.From
		}
	}
	return first
}

// String writes the set as it is written in a file.
func (ids IDs) String() string {
	parts := make([]string, len(ids))
	for i, r := range ids {
		if r.From == r.To {
			parts[i] = strconv.FormatInt(r.From, 10)
		} else {
			parts[i] = fmt.Sprintf("%d-%d", r.From, r.To)
		}
	}
	return strings.Join(parts, ", ")
}

// parseIDs reads one id or a "from-to" range.
func parseIDRange(s string) (IDRange, error) {
	s = strings.TrimSpace(s)
	from, to, isRange := strings.Cut(s, "-")
	if !isRange {
		to = from
	}
	a, errA := strconv.ParseInt(strings.TrimSpace(from), 10, 64)
	b, errB := strconv.ParseInt(strings.TrimSpace(to), 10, 64)
	switch {
	case errA != nil || errB != nil:
		return IDRange{}, fmt.Errorf("%q is not a crawl id or a from-to range of them", s)
	case a < 1:
		return IDRange{}, fmt.Errorf("%q: crawl ids start at 1", s)
	case b < a:
		return IDRange{}, fmt.Errorf("%q: the range ends before it starts", s)
	}
	return IDRange{From: a, To: b}, nil
}

// Delay is a fixed delay, or a range a delay is drawn from per request.
type Delay struct{ Min, Max time.Duration }

// IsZero reports whether no delay is set.
func (d Delay) IsZero() bool { return d.Max == 0 }

// ParseDelay reads "250ms", "2s" or "100ms-800ms": durations with their
// unit, as Go writes them. A number without a unit is refused, as
// ErrNoUnit says: 300 could be milliseconds or seconds. 0 needs none.
func ParseDelay(s string) (Delay, error) {
	s = strings.TrimSpace(s)
	lo, hi, isRange := strings.Cut(s, "-")
	if !isRange {
		hi = lo
	}
	a, err := parseDuration(lo)
	if err != nil {
		return Delay{}, err
	}
	b, err := parseDuration(hi)
	if err != nil {
		return Delay{}, err
	}
	if b < a {
		return Delay{}, fmt.Errorf("%s: the range ends before it starts", s)
	}
	if b > MaxDelay {
		return Delay{}, fmt.Errorf("%s: at most %s", s, MaxDelay)
	}
	return Delay{Min: a, Max: b}, nil
}

// ErrNoUnit is wrapped by ParseDelay's error for a number without a unit.
var ErrNoUnit = errors.New("a duration needs a unit")

func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseFloat(s, 64); err == nil && n != 0 {
		return 0, fmt.Errorf("%s: %w, as %sms or 2s", s, ErrNoUnit, s)
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration like 250ms, 2s or 100ms-800ms", s)
	}
	if d < 0 {
		return 0, fmt.Errorf("%s: must not be negative", s)
	}
	return d, nil
}

// Draw picks a delay in the range.
func (d Delay) Draw() time.Duration {
	if d.Max <= d.Min {
		return d.Min
	}
	return d.Min + time.Duration(rand.Int64N(int64(d.Max-d.Min)+1))
}

// String writes the delay as it is written in a file.
func (d Delay) String() string {
	if d.Min == d.Max {
		return d.Min.String()
	}
	return d.Min.String() + "-" + d.Max.String()
}

// MarshalText writes the delay for JSON listings.
func (d Delay) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// validProgression says whether statuses make a progression: running ones,
// in_queue before processing, then a final status, or a running one it
// stays in (a stalled crawl).
func validProgression(statuses, contract []string) error {
	if len(statuses) < 1 {
		return fmt.Errorf("a progression needs at least one status: in_queue, processing, then finished, error or cancelled")
	}
	seenProcessing := false
	for i, s := range statuses {
		last := i == len(statuses)-1
		switch {
		case s == crawl.StatusInQueue && seenProcessing:
			return fmt.Errorf("in_queue cannot follow processing")
		case s == crawl.StatusProcessing:
			seenProcessing = true
		case slices.Contains(contract, s) && !slices.Contains(crawl.Statuses[:], s):
			// A status the contract adds: a step of a crawl still running.
			seenProcessing = true
		case s == crawl.StatusInQueue:
		case crawl.Final(s) && last:
		case crawl.Final(s):
			return fmt.Errorf("%q ends a crawl: it can only be the last status", s)
		default:
			return fmt.Errorf("%q is not a crawl status (%s)", s, strings.Join(append(slices.Clone(crawl.Statuses[:]), unknownTo(contract)...), ", "))
		}
	}
	return nil
}

// unknownTo lists the statuses of contract the generator does not know.
func unknownTo(contract []string) []string {
	var out []string
	for _, s := range contract {
		if !slices.Contains(crawl.Statuses[:], s) {
			out = append(out, s)
		}
	}
	return out
}
