// Package contract checks any implementation of GET /crawl/info against
// crawlkit's contract: it sends real requests, one case at a time, and
// reports every way each answer breaks the contract, with a curl command that
// reproduces it. Run returns a Report, written for people (WriteText), CI
// (WriteJUnit) or machines (WriteJSON); package contracttest runs the cases
// as Go subtests. The crawlkit contract command is the same kit.
package contract

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults for Config's zero fields.
const (
	DefaultTimeout    = 10 * time.Second
	DefaultMaxBody    = 32 << 20
	DefaultInvalidKey = "invalid-crawlkit-contract-key"
	DefaultGenerated  = 24
)

// ErrUsage is wrapped by errors in a Config; ErrUnreachable when nothing
// answers at the base URL. Both stop a run before any case.
var (
	ErrUsage       = errors.New("bad contract configuration")
	ErrUnreachable = errors.New("server unreachable")
)

// Config says what to check and how.
type Config struct {
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
	// InvalidKey is a key the server refuses.
	InvalidKey string
	// Timeout bounds each request, body included.
	Timeout time.Duration
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
	// match is reported as allowed and does not fail the run.
	Allow []string
	// Strict turns coherence warnings into failures.
	Strict bool
	// Insecure accepts any TLS certificate.
	Insecure bool
	// Generated is how many generated requests to send; Seed seeds them.
	Generated int
	Seed      uint64
	// HTTPClient sends the requests; nil builds one from the settings above.
	HTTPClient *http.Client
	// Progress, when set, receives one line per case as it ends.
	Progress io.Writer
}

// resolved is a Config checked and completed.
type resolved struct {
	Config
	endpoint *url.URL
	notes    []string
}

func (c Config) resolve() (*resolved, error) {
	r := &resolved{Config: c}
	u, err := url.Parse(strings.TrimRight(c.BaseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: base URL %q must be an absolute http(s) URL", ErrUsage, c.BaseURL)
	}
	u.Path += "/crawl/info"
	u.RawQuery, u.Fragment = "", ""
	r.endpoint = u
	if r.Timeout < 0 || r.MaxBody < 0 {
		return nil, fmt.Errorf("%w: timeout and max body must not be negative", ErrUsage)
	}
	if r.Timeout == 0 {
		r.Timeout = DefaultTimeout
	}
	if r.MaxBody == 0 {
		r.MaxBody = DefaultMaxBody
	}
	if r.InvalidKey == "" {
		r.InvalidKey = DefaultInvalidKey
	}
	if r.Generated < 0 || r.Generated > 10_000 {
		return nil, fmt.Errorf("%w: generated requests %d: from 0 to 10000", ErrUsage, r.Generated)
	}
	if r.Generated == 0 {
		r.Generated = DefaultGenerated
	}
	switch {
	case r.Retries < 0 || r.Retries > 10:
		return nil, fmt.Errorf("%w: retries %d: from 0 to 10", ErrUsage, r.Retries)
	case r.Rate < 0:
		return nil, fmt.Errorf("%w: rate %g: must not be negative", ErrUsage, r.Rate)
	case r.CrawlID < 0 || r.MissingCrawlID < 0:
		return nil, fmt.Errorf("%w: crawl ids start at 1", ErrUsage)
	case r.APIKey != "" && r.APIKey == r.InvalidKey:
		return nil, fmt.Errorf("%w: the invalid key is the valid key", ErrUsage)
	}
	for _, a := range r.Allow {
		if !strings.Contains(a, ":") {
			return nil, fmt.Errorf("%w: allow %q: write CASE:CHECK", ErrUsage, a)
		}
	}
	return r, nil
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

// ReadAllowList reads an allow-list file: one CASE:CHECK a line, # comments.
func ReadAllowList(r io.Reader) ([]string, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	var out []string
	for i, line := range strings.Split(string(data), "\n") {
		line, _, _ = strings.Cut(line, "#")
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if !strings.Contains(line, ":") {
			return nil, fmt.Errorf("%w: allow list line %d: write CASE:CHECK", ErrUsage, i+1)
		}
		out = append(out, line)
	}
	return out, nil
}
