package contract

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/crawlkit/crawlkit/internal/crawl"
	"github.com/crawlkit/crawlkit/internal/spec"
	"github.com/crawlkit/crawlkit/internal/validate"
)

// errBodyTooLarge marks an answer cut off at the body limit.
var errBodyTooLarge = errors.New("body larger than the limit")

// runner holds what every case of one run shares.
type runner struct {
	cfg       *resolved
	client    *http.Client
	validator *validate.Validator
	contract  *spec.Contract
	shape     *shape
	redact    *strings.Replacer
	// mu guards next, when the rate allows the next request.
	mu   sync.Mutex
	next time.Time
}

// outcome is one case's result with what the coverage counts of it.
type outcome struct {
	res     CaseResult
	answers []answer
	// timedOut is set when no answer came within the timeout.
	timedOut bool
}

// answer is one answer a case got.
type answer struct {
	status int
	code   string
}

// Run sends every selected case to the implementation at cfg.BaseURL and
// reports what each found. The error is for a run that could not start: a
// bad Config (ErrUsage), nothing listening there (ErrUnreachable), or too
// much to skip (a *SkipError); a run whose cases fail, or that stopped
// because the server stopped answering, returns a Report that is not OK,
// and no error.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	r, err := cfg.resolve()
	if err != nil {
		return nil, err
	}
	v, err := validate.Load(ctx)
	if err != nil {
		return nil, err
	}
	run := &runner{cfg: r, client: r.httpClient(), validator: v, contract: v.Contract(), shape: newShape(), redact: redactor(r.APIKey, r.Bearer)}
	for _, status := range run.contract.Statuses {
		run.shape.document(responseSchema(run.contract.Operation, status), "", 0)
	}
	if err := run.reachable(ctx); err != nil {
		return nil, err
	}
	run.discover(ctx)
	selected, err := selectCases(cases(r), r.Cases)
	if err != nil {
		return nil, err
	}
	if err := checkAllowances(r.allow, selected); err != nil {
		return nil, err
	}
	if err := gate(r, selected); err != nil {
		return nil, err
	}
	rep := &Report{BaseURL: run.redact.Replace(r.BaseURL), Started: time.Now(), Seed: r.Seed, Notes: r.notes, Cases: []CaseResult{}}
	outcomes, stopped, err := run.runAll(ctx, selected)
	if err != nil {
		return nil, err
	}
	rep.Stopped = stopped
	run.finish(rep, selected, outcomes)
	rep.DurationMS = ms(time.Since(rep.Started))
	return rep, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// runAll runs the cases, Concurrency at a time, and keeps their order. It
// stops when MaxTimeouts requests in a row go unanswered, or when the
// deadline passes: the cases left are not run, and stopped says why.
func (run *runner) runAll(parent context.Context, selected []kase) ([]outcome, string, error) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	if d := run.cfg.Deadline; d > 0 {
		var stop context.CancelFunc
		ctx, stop = context.WithTimeout(ctx, d)
		defer stop()
	}
	outcomes := make([]outcome, len(selected))
	done := make([]bool, len(selected))
	var (
		mu       sync.Mutex
		inARow   int
		stopped  string
		wg       sync.WaitGroup
		sem      = make(chan struct{}, run.cfg.Concurrency)
		progress = run.cfg.Progress
	)
	stop := func(why string) {
		if stopped == "" {
			stopped = why
			cancel()
		}
	}
	for i := range selected {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			o := run.runCase(ctx, &selected[i])
			mu.Lock()
			defer mu.Unlock()
			if ctx.Err() != nil && o.res.Outcome == Fail && len(o.answers) == 0 {
				return // cut short by the stop: not run, below
			}
			switch {
			case o.timedOut:
				inARow++
				if inARow >= MaxTimeouts {
					stop(fmt.Sprintf("the server at %s is not answering: %d requests in a row got no answer within --timeout (%s)",
						run.redact.Replace(run.cfg.BaseURL), inARow, run.cfg.Timeout))
				}
			case len(o.answers) > 0:
				inARow = 0
			}
			outcomes[i], done[i] = o, true
			if progress != nil {
				fmt.Fprintln(progress, o.res.progressLine())
			}
		}()
	}
	wg.Wait()
	if err := parent.Err(); err != nil {
		return nil, "", err
	}
	if stopped == "" && ctx.Err() != nil {
		stopped = fmt.Sprintf("the --deadline of %s passed", run.cfg.Deadline)
	}
	for i := range selected {
		if !done[i] {
			k := &selected[i]
			outcomes[i].res = CaseResult{Name: k.name, Description: k.description, Outcome: NotRun, SkipReason: stopped,
				Curl: run.redact.Replace(k.curl(run.cfg))}
			if progress != nil {
				fmt.Fprintln(progress, outcomes[i].res.progressLine())
			}
		}
	}
	return outcomes, stopped, nil
}

// finish fills the report from the outcomes: each warning once a run, the
// allowances, the counts and the coverage.
func (run *runner) finish(rep *Report, selected []kase, outcomes []outcome) {
	cov := newCoverage(run.contract.Statuses)
	seen := map[string]int{}
	type at struct{ kase, warning int }
	first := map[string]at{}
	used := make([]bool, len(run.cfg.allow))
	for i := range outcomes {
		o := &outcomes[i]
		res := &o.res
		for _, a := range o.answers {
			cov.answered(a.status, run.validator.Documented(a.status), run.redact.Replace(a.code)) // a server may echo the key as its code
		}
		if len(o.answers) > 0 {
			cov.Auth[selected[i].auth]++
		}
		// A warning a run has seen already is counted, not repeated.
		var warnings []Finding
		for _, w := range res.Warnings {
			key := w.Check + "\x00" + w.dedupe + "\x00" + w.Pointer + "\x00" + w.Message
			seen[key]++
			if seen[key] > 1 {
				continue
			}
			warnings = append(warnings, w)
		}
		res.Warnings = nil
		for _, w := range warnings {
			if run.cfg.fails(w.Check) {
				res.Failures = append(res.Failures, w)
				continue
			}
			res.Warnings = append(res.Warnings, w)
			first[w.Check+"\x00"+w.dedupe+"\x00"+w.Pointer+"\x00"+w.Message] = at{i, len(res.Warnings) - 1}
		}
		// Failures an allowance matches are allowed, not failed.
		var failures []Finding
		for _, f := range res.Failures {
			if j := run.allowance(res.Name, f.Check); j >= 0 {
				used[j] = true
				res.Allowed = append(res.Allowed, f)
				continue
			}
			failures = append(failures, f)
		}
		res.Failures = failures
		if res.Outcome == Fail || res.Outcome == Pass {
			res.Outcome = Pass
			if len(res.Failures) > 0 {
				res.Outcome = Fail
			}
		}
		switch res.Outcome {
		case Pass:
			rep.Passed++
			if len(res.Allowed) > 0 {
				rep.PassedAllowed++
			}
		case Fail:
			rep.Failed++
		case Skip:
			rep.Skipped++
		case NotRun:
			rep.NotRun++
		}
	}
	for key, where := range first {
		if n := seen[key]; n > 1 {
			outcomes[where.kase].res.Warnings[where.warning].Message += fmt.Sprintf(" (seen in %d answers)", n)
		}
	}
	for j, a := range run.cfg.allow {
		if !used[j] {
			rep.UnusedAllowances = append(rep.UnusedAllowances, a)
		}
	}
	for i := range outcomes {
		rep.Cases = append(rep.Cases, outcomes[i].res)
	}
	for ptr, values := range run.shape.enums {
		cov.Enums[ptr] = values
	}
	cov.NeverSeen = run.shape.neverSeen()
	rep.Coverage = cov
}

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

// checkAllowances refuses an allowance that can allow nothing in this run:
// its case pattern matches no case run, or its check pattern no check.
func checkAllowances(allow []Allowance, selected []kase) error {
	for _, a := range allow {
		casePattern, checkPattern, _ := strings.Cut(a.Pattern, ":")
		matches := false
		for _, k := range selected {
			matches = matches || glob(casePattern, k.name)
		}
		if !matches {
			return fmt.Errorf("%w: allowance %s matches no case of this run", ErrUsage, a)
		}
		matches = false
		for _, c := range Checks {
			matches = matches || glob(checkPattern, c)
		}
		if !matches {
			return fmt.Errorf("%w: allowance %s matches no check (%s)", ErrUsage, a, strings.Join(Checks[:], ", "))
		}
	}
	return nil
}

// allowance returns the index of the first allowance that excuses check on
// caseName, or -1.
func (run *runner) allowance(caseName, check string) int {
	for i, a := range run.cfg.allow {
		c, ch, _ := strings.Cut(a.Pattern, ":")
		if glob(c, caseName) && glob(ch, check) {
			return i
		}
	}
	return -1
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
			MaxIdleConnsPerHost:    r.Concurrency,
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

// wait holds the run to the rate.
func (run *runner) wait(ctx context.Context) error {
	if run.cfg.Rate <= 0 {
		return nil
	}
	run.mu.Lock()
	now := time.Now()
	at := now
	if run.next.After(now) {
		at = run.next
	}
	run.next = at.Add(time.Duration(float64(time.Second) / run.cfg.Rate))
	run.mu.Unlock()
	if at.After(now) {
		t := time.NewTimer(at.Sub(now))
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}

// runCase runs one case: a skip, one request, or the polls of a running crawl.
func (run *runner) runCase(ctx context.Context, k *kase) outcome {
	res := CaseResult{Name: k.name, Description: k.description, Curl: run.redact.Replace(k.curl(run.cfg))}
	if k.skip != nil {
		res.Outcome, res.Missing, res.SkipReason = Skip, k.skip, k.skip.Reason(Setting.Flag)
		return outcome{res: res}
	}
	if k.polls {
		return run.poll(ctx, k, res)
	}
	start := time.Now()
	o, _ := run.exchange(ctx, k, &res, "")
	res.DurationMS = ms(time.Since(start))
	res.Outcome = Pass
	if len(res.Failures) > 0 {
		res.Outcome = Fail
	}
	o.res = res
	return o
}

// exchange sends the case's request once and adds what its answer breaks
// to res, each message starting with prefix. It returns the answer's crawl,
// if it has one.
func (run *runner) exchange(ctx context.Context, k *kase, res *CaseResult, prefix string) (outcome, *crawl.Crawl) {
	resp, body, err := run.send(ctx, k)
	var o outcome
	if err != nil {
		res.Failures = append(res.Failures, Finding{Check: CheckTransport, Message: prefix + run.redact.Replace(transportMessage(err, run.cfg))})
		if resp != nil {
			res.Status = resp.StatusCode
		}
		o.timedOut = isTimeout(err) && ctx.Err() == nil
		return o, nil
	}
	res.Status = resp.StatusCode
	res.BodyExcerpt = run.redact.Replace(excerpt(body))
	v := run.check(ctx, k, resp, body)
	for _, f := range v.failures {
		f.Message = prefix + run.redact.Replace(f.Message)
		res.Failures = append(res.Failures, f)
	}
	for _, w := range v.warnings {
		w.Message = run.redact.Replace(w.Message)
		res.Warnings = append(res.Warnings, w)
	}
	o.answers = []answer{{status: resp.StatusCode, code: v.code}}
	return o, v.crawl
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
	return !isTimeout(err) && !errors.Is(err, context.Canceled)
}

// isTimeout reports a request that got no complete answer in time.
func isTimeout(err error) bool {
	var netErr net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout())
}

func transportMessage(err error, r *resolved) string {
	switch {
	case errors.Is(err, errBodyTooLarge):
		return fmt.Sprintf("the body is larger than --max-body (%d bytes); reading stopped there", r.MaxBody)
	case isTimeout(err):
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
