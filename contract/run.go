package contract

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/crawlkit/crawlkit/internal/crawl"
	schemawalk "github.com/crawlkit/crawlkit/internal/shape"
	"github.com/crawlkit/crawlkit/internal/spec"
	"github.com/crawlkit/crawlkit/internal/validate"
)

// runner holds what every case of one run shares.
type runner struct {
	cfg       *resolved
	client    *http.Client
	validator *validate.Validator
	contract  *spec.Contract
	shape     *shape
	// unsure are the fields the coherence rules read that the contract in
	// use drops or makes otherwise: rules reading them are left out.
	unsure []string
	redact *strings.Replacer
	// decoding lets one large body at a time be decoded: a JSON tree takes
	// many times its body's bytes, and a run holds one such tree, not
	// Concurrency of them.
	decoding chan struct{}
	// mu guards next, when the rate allows the next request.
	mu   sync.Mutex
	next time.Time
}

// outcome is one case's result with what the coverage counts of it.
type outcome struct {
	res     CaseResult
	answers []answer
	// timedOut is set when no answer came within the timeout; cut when the
	// run's stop cut the case short before it found anything.
	timedOut, cut bool
}

// answer is one answer a case got.
type answer struct {
	status int
	code   string
}

// Run sends every selected case to the implementation at cfg.BaseURL and
// reports what each found. The error is for a run that could not start: a
// bad Config (ErrUsage), nothing answering there (ErrUnreachable), or too
// much to skip (a *SkipError); a run whose cases fail, or that stopped
// early (the server stopped answering, the deadline passed, ctx was
// cancelled), returns a Report that is not OK, and no error: the cases the
// stop cut short are not run.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	r, err := cfg.resolve()
	if err != nil {
		return nil, err
	}
	v, err := validate.LoadData(ctx, cfg.SpecName, cfg.Spec)
	if err != nil {
		return nil, err
	}
	run := &runner{cfg: r, client: r.httpClient(), validator: v, contract: v.Contract(), shape: newShape(), redact: redactor(r.APIKey, r.Bearer),
		decoding: make(chan struct{}, 1)}
	if cfg.Spec != nil {
		shaper, err := schemawalk.For(ctx, run.contract)
		if err != nil {
			return nil, err
		}
		run.unsure = shaper.Changed()
	}
	for _, status := range run.contract.Statuses {
		run.shape.document(run.contract.BodySchema(status), "", 0)
	}
	if err := run.reachable(ctx); err != nil {
		return nil, err
	}
	run.discover(ctx)
	selected, err := selectCases(cases(r, run.contract.Credentials), r.Cases)
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
	outcomes, stopped := run.runAll(ctx, selected)
	rep.Stopped = stopped
	run.finish(rep, selected, outcomes)
	rep.DurationMS = ms(time.Since(rep.Started))
	return rep, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// runAll runs the cases, Concurrency at a time, and keeps their order. It
// stops when MaxTimeouts requests in a row go unanswered, when the deadline
// passes, or when ctx is cancelled: the cases left, and those the stop cut
// short before they found anything, are not run, and stopped says why.
func (run *runner) runAll(parent context.Context, selected []kase) ([]outcome, string) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	if d := run.cfg.Deadline; d > 0 {
		var stop context.CancelFunc
		ctx, stop = context.WithTimeout(ctx, d)
		defer stop()
	}
	outcomes := make([]outcome, len(selected))
	done := make([]bool, len(selected))
	// Each slot runs one case at a time with a body buffer of its own,
	// reused from case to case: Concurrency buffers of at most MaxBody+1
	// bytes are all the bodies a run holds.
	slots := make(chan *bodyBuffer, run.cfg.Concurrency)
	for range run.cfg.Concurrency {
		slots <- &bodyBuffer{}
	}
	var (
		mu       sync.Mutex
		inARow   int
		stopped  string
		wg       sync.WaitGroup
		progress = run.cfg.Progress
	)
	stop := func(why string) {
		if stopped == "" {
			stopped = why
			cancel()
		}
	}
	for i := range selected {
		var buf *bodyBuffer
		select {
		case buf = <-slots:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { slots <- buf }()
			o := run.runCase(ctx, &selected[i], buf)
			mu.Lock()
			defer mu.Unlock()
			if o.cut {
				// Not run, below; what did answer still counts in the coverage.
				outcomes[i].answers = o.answers
				return
			}
			switch {
			case o.timedOut:
				inARow++
				if inARow >= MaxTimeouts {
					stop(fmt.Sprintf("the server at %s is not answering: %d requests in a row got no answer within %s (%s)",
						run.redact.Replace(run.cfg.BaseURL), inARow, run.cfg.name(SettingTimeout), run.cfg.Timeout))
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
	switch {
	case stopped != "":
	case parent.Err() != nil:
		stopped = fmt.Sprintf("the run was cancelled (%v)", context.Cause(parent))
	case ctx.Err() != nil:
		stopped = fmt.Sprintf("the %s of %s passed", run.cfg.name(SettingDeadline), run.cfg.Deadline)
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
	return outcomes, stopped
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

// runCase runs one case: a skip, one request, or the polls of a running
// crawl, reading bodies into buf.
func (run *runner) runCase(ctx context.Context, k *kase, buf *bodyBuffer) outcome {
	res := CaseResult{Name: k.name, Description: k.description, Curl: run.redact.Replace(k.curl(run.cfg))}
	if k.skip != nil {
		res.Outcome, res.Missing, res.SkipReason = Skip, k.skip, k.skip.Reason(run.cfg.name)
		return outcome{res: res}
	}
	if k.polls {
		return run.poll(ctx, k, res, buf)
	}
	start := time.Now()
	o, _ := run.exchange(ctx, k, &res, "", buf)
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
// if it has one. An exchange the run's stop cut short adds nothing and is
// marked cut.
func (run *runner) exchange(ctx context.Context, k *kase, res *CaseResult, prefix string, buf *bodyBuffer) (outcome, *crawl.Crawl) {
	resp, body, err := run.send(ctx, k, buf)
	var o outcome
	if err != nil {
		if ctx.Err() != nil {
			o.cut = true
			return o, nil
		}
		msg, setting := transportMessage(err, run.cfg)
		res.Failures = append(res.Failures, Finding{Check: CheckTransport, Message: prefix + run.redact.Replace(msg), Setting: setting})
		if resp != nil {
			res.Status = resp.StatusCode
		}
		o.timedOut = isTimeout(err)
		return o, nil
	}
	res.Status = resp.StatusCode
	res.BodyExcerpt = run.redact.Replace(excerpt(resp.Header, body))
	v := run.check(ctx, k, resp, body, &buf.frames)
	if v.cut {
		o.cut = true
		return o, nil
	}
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
// body into buf, up to the limit.
func (run *runner) send(ctx context.Context, k *kase, buf *bodyBuffer) (*http.Response, []byte, error) {
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
		resp, body, err := run.do(req.WithContext(reqCtx), buf)
		cancel()
		if err == nil || resp != nil || !retryable(err) {
			return resp, body, err
		}
		lastErr = err
	}
	return nil, nil, lastErr
}

func (run *runner) do(req *http.Request, buf *bodyBuffer) (*http.Response, []byte, error) {
	resp, err := run.client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := buf.read(resp, run.cfg.MaxBody)
	if err != nil {
		return resp, nil, err
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

// transportMessage says why no whole answer came, and the setting that
// bounded it, if one did.
func transportMessage(err error, r *resolved) (string, Setting) {
	var large *bodyTooLargeError
	switch {
	case errors.As(err, &large) && large.declared > 0:
		return fmt.Sprintf("the body is %d bytes (Content-Length), more than %s (%d bytes): not read", large.declared, r.name(SettingMaxBody), r.MaxBody), SettingMaxBody
	case errors.As(err, &large):
		return fmt.Sprintf("the body is larger than %s (%d bytes); reading stopped there", r.name(SettingMaxBody), r.MaxBody), SettingMaxBody
	case isTimeout(err):
		return fmt.Sprintf("no complete answer within %s (%s)", r.name(SettingTimeout), r.Timeout), SettingTimeout
	default:
		return "no answer: " + err.Error(), ""
	}
}

// excerpt is the start of a body, short: text with its runs of white space
// made one space, or, for bytes that are not UTF-8 text (a compressed
// body, an image), their size, their encoding and their first bytes in hex.
// The text report makes it printable.
func excerpt(header http.Header, body []byte) string {
	const limit = 300
	head := body[:min(len(body), limit)]
	// A rune cut at the limit is not a reason to call the body binary.
	for i := 0; i < utf8.UTFMax-1 && len(head) < len(body) && !utf8.Valid(head); i++ {
		head = head[:len(head)-1]
	}
	more := func(shown int) string {
		if len(body) > shown {
			return " ..."
		}
		return ""
	}
	if enc := contentCoding(header); enc != "" || !utf8.Valid(head) {
		what := "not UTF-8 text"
		if enc != "" {
			what = enc + "-encoded"
		}
		first := body[:min(len(body), 16)]
		return fmt.Sprintf("(%d bytes, %s: % x%s)", len(body), what, first, more(len(first)))
	}
	return strings.Join(strings.Fields(string(head)), " ") + more(len(head))
}

// contentCoding is the answer's Content-Encoding, "" for none or identity.
func contentCoding(header http.Header) string {
	enc := strings.TrimSpace(header.Get("Content-Encoding"))
	if strings.EqualFold(enc, "identity") {
		return ""
	}
	return enc
}
