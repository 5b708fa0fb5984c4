// Package pactrecord turns a mock's session into a Pact file: every
// distinct answered request (path, query names, status) becomes one
// interaction whose body is held by type matchers, so that any server that
// keeps the contract verifies it. Credentials are never written; faults and
// answers off the contract are left out and named in one warning.
package pactrecord

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/crawlkit/crawlkit/internal/envelope"
	"github.com/crawlkit/crawlkit/internal/spec"
)

// MaxBody bounds a body kept for an interaction; a larger answer is left
// out (the next one of the same kind may be kept).
const MaxBody = 8 << 20

// Answer is what the recorder learns of one answered request.
type Answer struct {
	Method string
	URL    *url.URL
	// Header is the request's; Prefer is kept (it asks the mock for an
	// answer), credentials never.
	Header http.Header
	Status int
	// Body is the response body, nil when it was not kept (see Wants) or
	// longer than MaxBody (Truncated).
	Body      []byte
	Truncated bool
	// Fault, OffContract and Violations say how the answer broke the
	// contract, on purpose or not.
	Fault       string
	OffContract bool
	Violations  []string
}

// Config sets up a recorder.
type Config struct {
	Consumer, Provider string
	Contract           *spec.Contract
	// Logger receives the warning naming what was left out; nil discards it.
	Logger *slog.Logger
}

// Recorder collects interactions. It is safe for concurrent use.
type Recorder struct {
	cfg     Config
	mu      sync.Mutex
	kept    map[string]interaction
	order   []string
	leftOut map[string]string
}

// New returns an empty recorder.
func New(cfg Config) *Recorder {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Recorder{cfg: cfg, kept: map[string]interaction{}, leftOut: map[string]string{}}
}

// credentialQuery carries credentials in the embedded contract: never
// written, nor are the query parameters a --spec's security schemes name.
// Of the request's headers only Prefer is (X-API-KEY, Authorization and
// the rest never).
const credentialQuery = "key"

// credential reports whether query parameter name carries credentials.
func (r *Recorder) credential(name string) bool {
	return name == credentialQuery || (r.cfg.Contract != nil && slices.Contains(r.cfg.Contract.Credentials.Query, name))
}

// key is what makes an interaction distinct: method, path, query names
// (credentials aside) and status.
func (r *Recorder) key(method string, u *url.URL, status int) string {
	names := []string{}
	for name := range u.Query() {
		if !r.credential(name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return method + " " + u.Path + "?" + strings.Join(names, "&") + " " + strconv.Itoa(status)
}

// Wants reports whether an answer to this request with this status would
// be a new interaction: the server keeps the body only then.
func (r *Recorder) Wants(method string, u *url.URL, status int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.kept[r.key(method, u, status)]
	return !ok
}

// Record takes one answer: a new interaction, or nothing when one of its
// kind is kept already or it cannot be one (named in the next warning).
func (r *Recorder) Record(a Answer) {
	k := r.key(a.Method, a.URL, a.Status)
	in, reason := r.interaction(a)
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.kept[k]; ok {
		return
	}
	if reason != "" {
		r.leftOut[k] = describe(a, r.withoutCredentials(a.URL)) + ": " + reason
		return
	}
	delete(r.leftOut, k)
	r.kept[k] = in
	r.order = append(r.order, k)
}

// interaction builds the interaction of a, or says why a cannot be one.
func (r *Recorder) interaction(a Answer) (interaction, string) {
	switch {
	case a.Method != http.MethodGet:
		return interaction{}, "not a GET"
	case !r.routed(a.URL.Path):
		return interaction{}, "not the contract's path"
	case a.Fault != "":
		return interaction{}, "fault " + a.Fault
	case a.OffContract:
		return interaction{}, "off the contract on purpose"
	case len(a.Violations) > 0:
		return interaction{}, "breaks the contract: " + strings.Join(a.Violations, "; ")
	case !r.cfg.Contract.Documented(a.Status):
		return interaction{}, "status not documented"
	case a.Truncated:
		return interaction{}, fmt.Sprintf("body over %d MiB", MaxBody>>20)
	}
	var body any
	if len(bytes.TrimSpace(a.Body)) > 0 {
		if err := json.Unmarshal(a.Body, &body); err != nil {
			return interaction{}, "body is not JSON"
		}
	}
	if m, ok := body.(map[string]any); ok && m["code"] == envelope.CodeInvalidAPIKey {
		return interaction{}, "a refusal of credentials, which the verifier brings its own of"
	}
	req := request{Method: a.Method, Path: a.URL.Path}
	query := r.withoutCredentials(a.URL)
	if len(query) > 0 {
		req.Query = query
	}
	if prefer := a.Header.Values("Prefer"); len(prefer) > 0 {
		req.Headers = map[string]string{"Prefer": strings.Join(prefer, ", ")}
	}
	resp := response{Status: a.Status}
	rules := map[string]rule{}
	if body != nil {
		schema := r.cfg.Contract.BodySchema(a.Status)
		resp.Body = prune(body, schema, "$", rules)
		resp.Headers = map[string]string{"Content-Type": "application/json"}
		resp.Rules = map[string]map[string]rule{
			"body":   rules,
			"header": {"Content-Type": {Matchers: []matcher{{Match: "regex", Regex: `application/json(;.*)?`}}}},
		}
	}
	return interaction{Description: describe(a, query), Request: req, Response: resp}, ""
}

// describe names an interaction by what made it distinct.
func describe(a Answer, query url.Values) string {
	names := make([]string, 0, len(query))
	for name := range query {
		names = append(names, name)
	}
	slices.Sort(names)
	s := a.Method + " " + a.URL.Path
	if len(names) > 0 {
		s += " with " + strings.Join(names, ", ")
	}
	return s + " answered " + strconv.Itoa(a.Status) + " " + http.StatusText(a.Status)
}

func (r *Recorder) routed(path string) bool {
	for _, base := range r.cfg.Contract.BasePaths {
		if path == base+spec.Path {
			return true
		}
	}
	return false
}

// Len is the number of interactions kept.
func (r *Recorder) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.order)
}

// Pact returns the Pact file (specification 3.0.0) of the interactions kept
// so far.
func (r *Recorder) Pact() ([]byte, error) {
	r.mu.Lock()
	ins := make([]interaction, len(r.order))
	for i, k := range r.order {
		ins[i] = r.kept[k]
	}
	r.mu.Unlock()
	f := file{
		Consumer:     name{r.cfg.Consumer},
		Provider:     name{r.cfg.Provider},
		Interactions: ins,
		Metadata: map[string]any{
			"pactSpecification": map[string]string{"version": "3.0.0"},
			"crawlkit":          map[string]string{"recorded": "by crawlkit serve --pact-out: bodies held by type, credentials left out"},
		},
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(f); err != nil {
		return nil, fmt.Errorf("encode the pact: %w", err)
	}
	return buf.Bytes(), nil
}

// LeftOut names the answers left out so far, with why, sorted.
func (r *Recorder) LeftOut() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, 0, len(r.leftOut))
	for _, why := range r.leftOut {
		out = append(out, why)
	}
	slices.Sort(out)
	return out
}

// WriteFile writes the pact to path (whole, through a temporary file in the
// same folder) and returns it; what was left out is named in one warning.
func (r *Recorder) WriteFile(ctx context.Context, path string) ([]byte, error) {
	data, err := r.Pact()
	if err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".pact-*.json")
	if err != nil {
		return nil, fmt.Errorf("write the pact: %w", err)
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return nil, fmt.Errorf("write the pact %s: %w", path, err)
	}
	if left := r.LeftOut(); len(left) > 0 {
		r.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "pact: answers left out", slog.String("file", path), slog.Any("left_out", left))
	}
	return data, nil
}

// withoutCredentials returns the query of u without its credentials.
func (r *Recorder) withoutCredentials(u *url.URL) url.Values {
	q := u.Query()
	for name := range q {
		if r.credential(name) {
			q.Del(name)
		}
	}
	return q
}
