// Package contract checks any implementation of GET /crawl/info against
// crawlkit's contract: it sends real requests, a few cases at a time, and
// reports every way each answer breaks the contract, with a curl command that
// reproduces it. Run returns a Report, written for people (WriteText), CI
// (WriteJUnit) or machines (WriteJSON); package contracttest runs the cases
// as Go subtests. The crawlkit contract command is the same kit.
//
// A run is never green by accident: one that would skip most cases (no
// credentials, no crawl ids) does not start unless Config.AllowSkips says
// so, and one whose server stops answering stops, its remaining cases
// reported as not run.
package contract

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/crawlkit/crawlkit/internal/spec"
)

// Defaults for Config's zero fields.
const (
	DefaultTimeout      = 10 * time.Second
	DefaultMaxBody      = 32 << 20
	DefaultInvalidKey   = "invalid-crawlkit-contract-key"
	DefaultGenerated    = 24
	DefaultConcurrency  = 4
	DefaultPollInterval = 2 * time.Second
	DefaultPollTimeout  = 5 * time.Minute
)

// MaxSkips is how many cases a run may skip without Config.AllowSkips.
const MaxSkips = 3

// MaxTimeouts is how many requests in a row may go unanswered within the
// timeout before a run stops: the server is not answering.
const MaxTimeouts = 3

// ErrUsage is wrapped by errors in a Config; ErrUnreachable when nothing
// answers at the base URL. Both stop a run before any case.
var (
	ErrUsage       = errors.New("bad contract configuration")
	ErrUnreachable = errors.New("server unreachable")
)

// Config says what to check and how.
type Config struct {
	// Spec is the OpenAPI document (YAML or JSON, 3.0 or 3.1) every check
	// runs against; nil is the embedded openapi.yaml.
	Spec []byte
	// SpecName names Spec in errors, as its file's path.
	SpecName string
	// BaseURL is the API base, as https://api.screenshotcenter.com/api/v1;
	// /crawl/info is appended.
	BaseURL string
	// APIKey is a valid key; Bearer a valid JWT. Neither is ever printed.
	APIKey string
	Bearer string
	// CrawlID is a crawl that exists for the key; MissingCrawlID one that
	// does not. Against crawlkit serve, both default to its catalog's.
	CrawlID        int64
	MissingCrawlID int64
	// RunningCrawlID is a crawl still running, polled every PollInterval
	// until it ends or PollTimeout passes. Against crawlkit serve it
	// defaults to a progression of its catalog.
	RunningCrawlID int64
	PollInterval   time.Duration
	PollTimeout    time.Duration
	// InvalidKey is a key the server refuses.
	InvalidKey string
	// Timeout bounds each request, body included; Deadline, when set, the
	// whole run.
	Timeout  time.Duration
	Deadline time.Duration
	// Concurrency is how many cases run at once; the report keeps their order.
	Concurrency int
	// MaxBody bounds each response body read.
	MaxBody int64
	// Retries repeats a request that failed at the network level (never one
	// that timed out or answered).
	Retries int
	// Rate caps requests per second; 0 is no cap.
	Rate float64
	// Cases runs only the cases whose names match one of these patterns
	// (`*` matches anything); empty runs all.
	Cases []string
	// Allow lists known deviations, "CASE:CHECK" patterns: a failure they
	// match is reported as allowed and does not fail the run. Allowances
	// are the same with where each was written, as ReadAllowList reads them.
	// A pattern that matches no case of the run is an error.
	Allow      []string
	Allowances []Allowance
	// AllowSkips runs even when more than MaxSkips cases, or every case that
	// needs credentials, would be skipped.
	AllowSkips bool
	// FailOn lists the checks whose warnings fail the run: CheckCoherence,
	// CheckDrift, CheckErrorCode. Strict fails on every warning.
	FailOn []string
	Strict bool
	// Insecure accepts any TLS certificate.
	Insecure bool
	// Generated is how many generated requests to send; Seed seeds them.
	Generated int
	Seed      uint64
	// HTTPClient sends the requests, the first that checks the server
	// answers included; nil builds one from the settings above, with the
	// proxy of the environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY).
	HTTPClient *http.Client
	// Progress, when set, receives one line per case as it ends.
	Progress io.Writer
	// Names writes a setting's name in messages: findings, skips, stops,
	// hints and errors. nil is Setting.Field (Config.Timeout); the crawlkit
	// contract command gives Setting.Flag (--timeout).
	Names func(Setting) string
}

// Allowance is an allowed deviation and where it was written.
type Allowance struct {
	Pattern string `json:"pattern"`
	// Source is "file:line", or "--allow", or "Config.Allow".
	Source string `json:"source"`
}

// String writes the allowance as "source: pattern".
func (a Allowance) String() string { return a.Source + ": " + a.Pattern }

// resolved is a Config checked and completed.
type resolved struct {
	Config
	endpoint *url.URL
	allow    []Allowance
	notes    []string
	// name is Names, or Setting.Field.
	name func(Setting) string
}

func (c Config) resolve() (*resolved, error) {
	r := &resolved{Config: c, name: c.Names}
	if r.name == nil {
		r.name = Setting.Field
	}
	u, err := spec.ParseBaseURL(c.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("%w: base URL %w", ErrUsage, err)
	}
	u.Path += spec.Path
	r.endpoint = u
	for _, d := range []struct {
		setting Setting
		value   int64
	}{{SettingTimeout, int64(r.Timeout)}, {SettingDeadline, int64(r.Deadline)}, {SettingPollInterval, int64(r.PollInterval)},
		{SettingPollTimeout, int64(r.PollTimeout)}, {SettingMaxBody, r.MaxBody}} {
		if d.value < 0 {
			return nil, fmt.Errorf("%w: %s must not be negative", ErrUsage, r.name(d.setting))
		}
	}
	r.Timeout = or(r.Timeout, DefaultTimeout)
	r.MaxBody = or(r.MaxBody, DefaultMaxBody)
	r.PollInterval = or(r.PollInterval, DefaultPollInterval)
	r.PollTimeout = or(r.PollTimeout, DefaultPollTimeout)
	r.InvalidKey = or(r.InvalidKey, DefaultInvalidKey)
	switch {
	case r.Generated < 0 || r.Generated > 10_000:
		return nil, fmt.Errorf("%w: %s %d: from 0 to 10000", ErrUsage, r.name(SettingGenerated), r.Generated)
	case r.Concurrency < 0 || r.Concurrency > 64:
		return nil, fmt.Errorf("%w: %s %d: from 1 to 64", ErrUsage, r.name(SettingConcurrency), r.Concurrency)
	case r.Retries < 0 || r.Retries > 10:
		return nil, fmt.Errorf("%w: %s %d: from 0 to 10", ErrUsage, r.name(SettingRetries), r.Retries)
	case r.Rate < 0:
		return nil, fmt.Errorf("%w: %s %g: must not be negative", ErrUsage, r.name(SettingRate), r.Rate)
	case r.CrawlID < 0 || r.MissingCrawlID < 0 || r.RunningCrawlID < 0:
		return nil, fmt.Errorf("%w: crawl ids start at 1 (%s, %s, %s)", ErrUsage,
			r.name(SettingCrawlID), r.name(SettingMissingCrawlID), r.name(SettingRunningCrawlID))
	case r.APIKey != "" && r.APIKey == r.InvalidKey:
		return nil, fmt.Errorf("%w: %s is the valid key (%s)", ErrUsage, r.name(SettingInvalidKey), r.name(SettingAPIKey))
	}
	r.Generated = or(r.Generated, DefaultGenerated)
	r.Concurrency = or(r.Concurrency, DefaultConcurrency)
	for _, check := range r.FailOn {
		if !slices.Contains(warningChecks[:], check) {
			return nil, fmt.Errorf("%w: %s %q: only %s warn", ErrUsage, r.name(SettingFailOn), check, strings.Join(warningChecks[:], ", "))
		}
	}
	for _, p := range r.Allow {
		r.allow = append(r.allow, Allowance{Pattern: p, Source: "Config.Allow"})
	}
	r.allow = append(r.allow, r.Allowances...)
	for _, a := range r.allow {
		if !strings.Contains(a.Pattern, ":") {
			return nil, fmt.Errorf("%w: %s: write CASE:CHECK", ErrUsage, a)
		}
	}
	return r, nil
}

// or returns v, or def when v is the zero value.
func or[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// fails reports whether warnings of check fail the run.
func (r *resolved) fails(check string) bool {
	if r.Strict {
		return true
	}
	for _, c := range r.FailOn {
		if c == check {
			return true
		}
	}
	return false
}

// glob reports whether name matches pattern, where `*` matches any run of
// characters, `/` included.
func glob(pattern, name string) bool {
	for {
		star := strings.IndexByte(pattern, '*')
		if star < 0 {
			return pattern == name
		}
		if !strings.HasPrefix(name, pattern[:star]) {
			return false
		}
		name, pattern = name[star:], pattern[star+1:]
		if pattern == "" {
			return true
		}
		for i := 0; i <= len(name); i++ {
			if glob(pattern, name[i:]) {
				return true
			}
		}
		return false
	}
}

// ReadAllowList reads an allow-list file named name: one CASE:CHECK a line,
// # comments. Each allowance remembers its line, for the report of those
// never used.
func ReadAllowList(r io.Reader, name string) ([]Allowance, error) {
	var out []Allowance
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		source := fmt.Sprintf("%s:%d", name, n)
		if !strings.Contains(line, ":") {
			return nil, fmt.Errorf("%w: %s: write CASE:CHECK", ErrUsage, source)
		}
		out = append(out, Allowance{Pattern: line, Source: source})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return out, nil
}
