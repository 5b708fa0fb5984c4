package contract

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/crawlkit/crawlkit/internal/httpserver"
	"github.com/crawlkit/crawlkit/internal/ruleset"
	"github.com/crawlkit/crawlkit/internal/validate"
)

// errBodyTooLarge marks an answer cut off at the body limit.
var errBodyTooLarge = errors.New("body larger than the limit")

// runner holds what every case of one run shares.
type runner struct {
	cfg       *resolved
	client    *http.Client
	validator *validate.Validator
	redact    *strings.Replacer
	next      time.Time // when the rate allows the next request
}

// Run sends every selected case to the implementation at cfg.BaseURL and
// reports what each found. The error is for a run that could not start:
// a bad Config (ErrUsage) or nothing listening there (ErrUnreachable);
// a run whose cases fail returns a Report that is not OK, and no error.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	r, err := cfg.resolve()
	if err != nil {
		return nil, err
	}
	v, err := validate.Load(ctx)
	if err != nil {
		return nil, err
	}
	run := &runner{cfg: r, client: r.httpClient(), validator: v, redact: redactor(r.APIKey, r.Bearer)}
	if err := run.reachable(ctx); err != nil {
		return nil, err
	}
	run.discover(ctx)
	all := cases(r)
	selected, err := selectCases(all, r.Cases)
	if err != nil {
		return nil, err
	}
	rep := &Report{BaseURL: run.redact.Replace(r.BaseURL), Started: time.Now(), Seed: r.Seed, Notes: r.notes, Cases: []CaseResult{}}
	for i := range selected {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		res := run.runCase(ctx, &selected[i])
		switch res.Outcome {
		case Pass:
			rep.Passed++
		case Fail:
			rep.Failed++
		case Skip:
			rep.Skipped++
		}
		if r.Progress != nil {
			fmt.Fprintln(r.Progress, res.progressLine())
		}
		rep.Cases = append(rep.Cases, res)
	}
	rep.DurationMS = ms(time.Since(rep.Started))
	return rep, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func selectCases(all []kase, patterns []string) ([]kase, error) {
	if len(patterns) == 0 {
		return all, nil
	}
	var out []kase
	used := make([]bool, len(patterns))
	for _, k := range all {
		for i, p := range patterns {
			if glob(p, k.name) {
				used[i] = true
				out = append(out, k)
				break
			}
		}
	}
	for i, p := range patterns {
		if !used[i] {
			return nil, fmt.Errorf("%w: no case matches %q", ErrUsage, p)
		}
	}
	return out, nil
}

// redactor replaces the secrets, as written and as URL-encoded, by the
// references to the environment variables that hold them. Secrets shorter
// than 4 characters are not searched for: they would garble every line.
func redactor(key, bearer string) *strings.Replacer {
	var pairs []string
	for _, s := range []struct{ secret, ref string }{{key, keyRef}, {bearer, bearerRef}} {
		if len(s.secret) < 4 {
			continue
		}
		pairs = append(pairs, s.secret, s.ref)
		if esc := url.QueryEscape(s.secret); esc != s.secret {
			pairs = append(pairs, esc, s.ref)
		}
	}
	return strings.NewReplacer(pairs...)
}

func (r *resolved) httpClient() *http.Client {
	if r.HTTPClient != nil {
		return r.HTTPClient
	}
	return &http.Client{
		Timeout: r.Timeout,
		Transport: &http.Transport{
			Proxy:                  http.ProxyFromEnvironment,
			TLSClientConfig:        &tls.Config{InsecureSkipVerify: r.Insecure},
			TLSHandshakeTimeout:    r.Timeout,
			ResponseHeaderTimeout:  r.Timeout,
			MaxResponseHeaderBytes: 1 << 20,
			DisableCompression:     true,
		},
		// An API answer is never a redirect: check the 3xx itself.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// reachable dials the server once: a server nothing answers for stops the
// run before any case.
func (run *runner) reachable(ctx context.Context) error {
	u := run.cfg.endpoint
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	d := net.Dialer{Timeout: run.cfg.Timeout}
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(u.Hostname(), port))
	if err != nil {
		return fmt.Errorf("%w: %s", ErrUnreachable, run.redact.Replace(err.Error()))
	}
	return conn.Close()
}

// discover asks a crawlkit mock's catalog for a crawl that exists and one
// that does not, when the configuration names neither.
func (run *runner) discover(ctx context.Context) {
	r := run.cfg
	if r.CrawlID != 0 && r.MissingCrawlID != 0 {
		return
	}
	u := *r.endpoint
	u.Path, u.RawQuery = httpserver.AdminPrefix+"catalog", ""
	ctx, cancel := context.WithTimeout(ctx, r.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return
	}
	resp, err := run.client.Do(req)
	if err != nil {
		return
	}
	defer resp.Body.Close()
	var catalog struct {
		Entries []struct{ Name, IDs string }
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&catalog) != nil {
		return
	}
	ids := map[string]int64{}
	for _, e := range catalog.Entries {
		first, _, _ := strings.Cut(e.IDs, ",")
		first, _, _ = strings.Cut(first, "-")
		if id, err := strconv.ParseInt(strings.TrimSpace(first), 10, 64); err == nil {
			ids[e.Name] = id
		}
	}
	var found []string
	if id, ok := ids[ruleset.CatalogFinished]; ok && r.CrawlID == 0 {
		r.CrawlID = id
		found = append(found, "--crawl-id "+strconv.FormatInt(id, 10))
	}
	if id, ok := ids[ruleset.CatalogNotFound]; ok && r.MissingCrawlID == 0 {
		r.MissingCrawlID = id
		found = append(found, "--missing-crawl-id "+strconv.FormatInt(id, 10))
	}
	if len(found) > 0 {
		r.notes = append(r.notes, "a crawlkit mock: took "+strings.Join(found, " and ")+" from its catalog")
	}
}

// wait holds the run to the rate.
func (run *runner) wait(ctx context.Context) error {
	if run.cfg.Rate <= 0 {
		return nil
	}
	now := time.Now()
	if run.next.After(now) {
		t := time.NewTimer(run.next.Sub(now))
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		now = run.next
	}
	run.next = now.Add(time.Duration(float64(time.Second) / run.cfg.Rate))
	return nil
}

func (run *runner) runCase(ctx context.Context, k *kase) CaseResult {
	res := CaseResult{Name: k.name, Description: k.description, Curl: run.redact.Replace(k.curl(run.cfg))}
	if k.skip != nil {
		res.Outcome, res.Missing, res.SkipReason = Skip, k.skip, k.skip.Reason(Setting.Flag)
		return res
	}
	start := time.Now()
	resp, body, err := run.send(ctx, k)
	res.DurationMS = ms(time.Since(start))
	var failures, warnings []Finding
	if err != nil {
		failures = []Finding{{Check: CheckTransport, Message: run.redact.Replace(transportMessage(err, run.cfg))}}
		if resp != nil {
			res.Status = resp.StatusCode
		}
	} else {
		res.Status = resp.StatusCode
		res.BodyExcerpt = run.redact.Replace(excerpt(body))
		failures, warnings = run.check(ctx, k, resp, body)
	}
	for _, f := range failures {
		f.Message = run.redact.Replace(f.Message)
		if run.allowed(k.name, f.Check) {
			res.Allowed = append(res.Allowed, f)
		} else {
			res.Failures = append(res.Failures, f)
		}
	}
	for _, w := range warnings {
		w.Message = run.redact.Replace(w.Message)
		res.Warnings = append(res.Warnings, w)
	}
	res.Outcome = Pass
	if len(res.Failures) > 0 {
		res.Outcome = Fail
	}
	return res
}

func (run *runner) allowed(caseName, check string) bool {
	for _, a := range run.cfg.Allow {
		c, ch, _ := strings.Cut(a, ":")
		if glob(c, caseName) && glob(ch, check) {
			return true
		}
	}
	return false
}

// send sends the case's request, retrying network failures, and reads the
// body up to the limit.
func (run *runner) send(ctx context.Context, k *kase) (*http.Response, []byte, error) {
	var lastErr error
	for attempt := 0; attempt <= run.cfg.Retries; attempt++ {
		if err := run.wait(ctx); err != nil {
			return nil, nil, err
		}
		req, err := k.build(run.cfg)
		if err != nil {
			return nil, nil, err
		}
		reqCtx, cancel := context.WithTimeout(ctx, run.cfg.Timeout)
		resp, body, err := run.do(req.WithContext(reqCtx))
		cancel()
		if err == nil || resp != nil || !retryable(err) {
			return resp, body, err
		}
		lastErr = err
	}
	return nil, nil, lastErr
}

func (run *runner) do(req *http.Request) (*http.Response, []byte, error) {
	resp, err := run.client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, run.cfg.MaxBody+1))
	if err != nil {
		return resp, nil, fmt.Errorf("reading the body: %w", err)
	}
	if int64(len(body)) > run.cfg.MaxBody {
		return resp, nil, errBodyTooLarge
	}
	return resp, body, nil
}

// retryable reports a network failure worth another try: not a timeout, not
// an answer that was read.
func retryable(err error) bool {
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return false
	}
	return !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled)
}

func transportMessage(err error, r *resolved) string {
	var netErr net.Error
	switch {
	case errors.Is(err, errBodyTooLarge):
		return fmt.Sprintf("the body is larger than --max-body (%d bytes); reading stopped there", r.MaxBody)
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout()):
		return fmt.Sprintf("no complete answer within --timeout (%s)", r.Timeout)
	default:
		return "no answer: " + err.Error()
	}
}

// excerpt is the start of a body, short and printable.
func excerpt(body []byte) string {
	const limit = 300
	s := strings.ToValidUTF8(string(body[:min(len(body), limit)]), "\uFFFD")
	s = strings.Join(strings.Fields(s), " ")
	if len(body) > limit {
		s += " ..."
	}
	if !utf8.ValidString(s) {
		return ""
	}
	return s
}
