package crawl

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Rule names, stable: the contract kit reports them and allow-lists name them.
const (
	// RuleDomain: every URL is on the crawl's domain.
	RuleDomain = "urls-on-domain"
	// RuleCounters: processed and failed count the finished and failed
	// screenshots, and no more screenshots than discovered pages.
	RuleCounters = "counters-add-up"
	// RuleShotOutcome: a finished screenshot succeeded, a failed one says
	// why, a pending one has no outcome yet.
	RuleShotOutcome = "screenshot-outcome"
	// RuleStatus: the crawl's status matches its times and screenshots.
	RuleStatus = "status-matches-progress"
	// RuleTimes: times are in order.
	RuleTimes = "times-in-order"
	// RuleFinishedAddsUp: a finished crawl processed every page it
	// discovered (discovery stops at max_urls).
	RuleFinishedAddsUp = "finished-adds-up"
	// RulePagesLeft: a processing crawl has pages left to process.
	RulePagesLeft = "processing-has-pages-left"
	// RuleErrorExplained: a crawl's error explains its numbers.
	RuleErrorExplained = "error-explains-numbers"
	// RuleRecent: a crawl still running started recently, and no time is in
	// the future.
	RuleRecent = "running-is-recent"
)

// Bounds of RuleRecent: how long ago a running crawl may have been created
// or started, and how far ahead of now a time may be (clocks differ). Two
// days: crawlkit's mock times its crawls from the start of the UTC day, so
// by the day's end one running since minutes before that is a day old.
const (
	MaxRunningAge = 48 * time.Hour
	ClockSkew     = 5 * time.Minute
)

// Error messages of a crawl that ended in error: each says what its numbers
// must show (RuleErrorExplained). Other messages are taken as they are.
const (
	ErrStartURLUnreachable = "Start URL unreachable"
	ErrTooManyFailed       = "Too many failed pages"
	ErrInsufficientCredits = "Insufficient credits"
)

// ErrTimeout is the error of a crawl stopped after d.
func ErrTimeout(d time.Duration) string {
	return fmt.Sprintf("Crawl timeout after %d seconds", int64(d/time.Second))
}

var timeoutRE = regexp.MustCompile(`(?i)timeout after (\d+) seconds`)

// Problem is one way a crawl is not coherent.
type Problem struct {
	Pointer string `json:"pointer"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
	// Inputs are the pointers of the values the rule read, "*" for any
	// array index: a problem is only as sound as its inputs.
	Inputs []string `json:"-"`
}

// ReadsAny reports whether the problem read a value at or under one of
// pointers, or one holding it: a value the schema rejects, say.
func (p Problem) ReadsAny(pointers []string) bool {
	for _, in := range p.Inputs {
		for _, ptr := range pointers {
			if overlaps(in, ptr) {
				return true
			}
		}
	}
	return false
}

// overlaps reports whether one pointer is at or under the other, "*"
// matching any one segment of pattern.
func overlaps(pattern, pointer string) bool {
	a, b := strings.Split(pattern, "/"), strings.Split(pointer, "/")
	for i := range min(len(a), len(b)) {
		if a[i] != "*" && a[i] != b[i] {
			return false
		}
	}
	return true
}

// String formats the problem as "pointer: message (rule)".
func (p Problem) String() string {
	return fmt.Sprintf("%s: %s (%s)", p.Pointer, p.Message, p.Rule)
}

type checker struct {
	c        *Crawl
	now      time.Time
	problems []Problem
	// reading are the inputs of the rules being checked.
	reading []string
}

// reads names the inputs of the problems added next.
func (k *checker) reads(pointers ...string) { k.reading = pointers }

func (k *checker) add(pointer, rule, format string, args ...any) {
	inputs := append([]string{pointer}, k.reading...)
	k.problems = append(k.problems, Problem{Pointer: pointer, Rule: rule, Message: fmt.Sprintf(format, args...), Inputs: inputs})
}

// Check returns every coherence rule c breaks, nil for a coherent crawl. The
// pointers are relative to the crawl (the envelope's /data). now is when
// the crawl was answered, for RuleRecent; the zero time skips that rule.
func Check(c *Crawl, now time.Time) []Problem {
	k := &checker{c: c, now: now}
	k.domain()
	k.counters()
	k.status()
	k.finishedAddsUp()
	k.pagesLeft()
	k.errorExplained()
	k.recent()
	for i := range c.Screenshots {
		k.screenshot(i, &c.Screenshots[i])
	}
	return k.problems
}

// OnDomain reports whether rawURL is an http(s) URL on domain or its www. host.
func OnDomain(rawURL, domain string) bool {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	host := strings.ToLower(u.Hostname())
	domain = strings.ToLower(domain)
	return host == domain || host == "www."+domain
}

// Pending reports whether a screenshot in status is still to be taken.
func Pending(status string) bool { return status == StatusInQueue || status == StatusProcessing }

// Tally counts the screenshots by outcome: what processed and failed
// count, and those still to be taken.
func (c *Crawl) Tally() (finished, failed, pending int) {
	for _, s := range c.Screenshots {
		switch {
		case s.Status == StatusFinished:
			finished++
		case s.Status == StatusError:
			failed++
		case Pending(s.Status):
			pending++
		}
	}
	return finished, failed, pending
}

func (k *checker) domain() {
	k.reads("/start_url", "/domain")
	if !OnDomain(k.c.StartURL, k.c.Domain) {
		k.add("/start_url", RuleDomain, "%q is not on the crawl's domain %q", k.c.StartURL, k.c.Domain)
	}
}

func (k *checker) counters() {
	k.reads("/processed", "/failed", "/total_discovered", "/max_urls", "/screenshots/*/status")
	c := k.c
	finished, failed, _ := c.Tally()
	if c.Processed != finished {
		k.add("/processed", RuleCounters, "processed is %d but %d screenshots are finished", c.Processed, finished)
	}
	if c.Failed != failed {
		k.add("/failed", RuleCounters, "failed is %d but %d screenshots are in error", c.Failed, failed)
	}
	if n := len(c.Screenshots); n > c.TotalDiscovered {
		k.add("/total_discovered", RuleCounters, "total_discovered (%d) is less than the number of screenshots (%d)", c.TotalDiscovered, n)
	} else if c.Processed+c.Failed > c.TotalDiscovered {
		k.add("/total_discovered", RuleCounters, "total_discovered (%d) is less than processed + failed (%d)", c.TotalDiscovered, c.Processed+c.Failed)
	}
	if c.TotalDiscovered > c.MaxURLs {
		k.add("/total_discovered", RuleCounters, "total_discovered (%d) is more than max_urls (%d)", c.TotalDiscovered, c.MaxURLs)
	}
}

func (k *checker) status() {
	k.reads("/status", "/started", "/finished", "/error", "/created_at", "/screenshots/*/status")
	c := k.c
	_, _, pending := c.Tally()
	switch c.Status {
	case StatusInQueue:
		if c.Started != 0 || c.Finished != 0 || len(c.Screenshots) != 0 {
			k.add("/status", RuleStatus, "a crawl in_queue has started, finished or screenshots")
		}
	case StatusProcessing:
		if c.Started == 0 || c.Finished != 0 {
			k.add("/status", RuleStatus, "a processing crawl has started > 0 and finished 0, not %d and %d", c.Started, c.Finished)
		}
	case StatusFinished, StatusError, StatusCancelled:
		if c.Finished == 0 || c.Started > c.Finished {
			k.add("/finished", RuleStatus, "a %s crawl has started <= finished and finished > 0, not %d and %d", c.Status, c.Started, c.Finished)
		}
		if pending > 0 {
			k.add("/status", RuleStatus, "a %s crawl still has %d screenshot(s) in_queue or processing", c.Status, pending)
		}
	}
	if (c.Status == StatusError) != (c.Error != "") {
		k.add("/error", RuleStatus, "error is set exactly when the crawl's status is error (status %q, error %q)", c.Status, c.Error)
	}
	if created, ok := parseTime(c.CreatedAt); ok && c.Started != 0 && created.Unix() > c.Started {
		k.add("/created_at", RuleTimes, "created_at %s is after started %d", c.CreatedAt, c.Started)
	}
}

// finishedAddsUp: a crawl that ended normally took every page it found.
func (k *checker) finishedAddsUp() {
	k.reads("/status", "/processed", "/failed", "/total_discovered")
	c := k.c
	if c.Status != StatusFinished {
		return
	}
	if done := c.Processed + c.Failed; done != c.TotalDiscovered {
		k.add("/total_discovered", RuleFinishedAddsUp, "a finished crawl processed %d of the %d pages it discovered", done, c.TotalDiscovered)
	}
}

// pagesLeft: a crawl still processing has something left to do.
func (k *checker) pagesLeft() {
	k.reads("/status", "/processed", "/failed", "/total_discovered")
	c := k.c
	if c.Status != StatusProcessing {
		return
	}
	if done := c.Processed + c.Failed; done >= c.TotalDiscovered {
		k.add("/total_discovered", RulePagesLeft, "a processing crawl has processed all %d pages it discovered (%d)", c.TotalDiscovered, done)
	}
}

// errorExplained: the known error messages say what the numbers show.
func (k *checker) errorExplained() {
	k.reads("/status", "/error", "/processed", "/failed", "/started", "/finished", "/start_url", "/screenshots/*/url", "/screenshots/*/status")
	c := k.c
	if c.Status != StatusError {
		return
	}
	switch msg := c.Error; {
	case strings.EqualFold(msg, ErrStartURLUnreachable):
		for i, s := range c.Screenshots {
			if s.URL == c.StartURL && s.Status == StatusFinished {
				k.add(fmt.Sprintf("/screenshots/%d/status", i), RuleErrorExplained, "the start URL is %q yet its screenshot finished", msg)
			}
		}
		if c.Processed > 0 {
			k.add("/processed", RuleErrorExplained, "the start URL is %q yet %d pages were processed", msg, c.Processed)
		}
	case strings.EqualFold(msg, ErrTooManyFailed):
		if done := c.Processed + c.Failed; c.Failed == 0 || 2*c.Failed < done {
			k.add("/failed", RuleErrorExplained, "%q with %d failed of %d pages", msg, c.Failed, done)
		}
	default:
		m := timeoutRE.FindStringSubmatch(msg)
		if m == nil || c.Finished == 0 || c.Started == 0 {
			return
		}
		limit, err := strconv.ParseInt(m[1], 10, 64)
		if err == nil && c.Finished-c.Started < limit {
			k.add("/finished", RuleErrorExplained, "%q but the crawl ran %d seconds", msg, c.Finished-c.Started)
		}
	}
}

// recent: a running crawl is of today, and nothing is in the future.
func (k *checker) recent() {
	k.reads("/status", "/created_at", "/started", "/finished")
	c := k.c
	if k.now.IsZero() {
		return
	}
	future := k.now.Add(ClockSkew)
	oldest := k.now.Add(-MaxRunningAge)
	created, okCreated := parseTime(c.CreatedAt)
	if okCreated && created.After(future) {
		k.add("/created_at", RuleRecent, "created_at %s is after now (%s)", c.CreatedAt, k.now.UTC().Format(time.RFC3339))
	}
	for _, t := range []struct {
		pointer string
		unix    int64
	}{{"/started", c.Started}, {"/finished", c.Finished}} {
		if t.unix != 0 && time.Unix(t.unix, 0).After(future) {
			k.add(t.pointer, RuleRecent, "%s %d is after now (%d)", t.pointer[1:], t.unix, k.now.Unix())
		}
	}
	switch c.Status {
	case StatusInQueue:
		if okCreated && created.Before(oldest) {
			k.add("/created_at", RuleRecent, "a crawl in_queue since %s, more than %s before now", c.CreatedAt, MaxRunningAge)
		}
	case StatusProcessing:
		if c.Started != 0 && time.Unix(c.Started, 0).Before(oldest) {
			k.add("/started", RuleRecent, "a crawl processing since %s, more than %s before now", time.Unix(c.Started, 0).UTC().Format(time.RFC3339), MaxRunningAge)
		}
	}
}

func (k *checker) screenshot(i int, s *Screenshot) {
	at := fmt.Sprintf("/screenshots/%d", i)
	domain := k.c.Domain
	k.reads(at, "/domain")
	if !OnDomain(s.URL, domain) {
		k.add(at+"/url", RuleDomain, "%q is not on the crawl's domain %q", s.URL, domain)
	}
	if s.FinalURL != "" && !OnDomain(s.FinalURL, domain) {
		k.add(at+"/final_url", RuleDomain, "%q is not on the crawl's domain %q", s.FinalURL, domain)
	}
	for j, u := range s.FinalURLs {
		if !OnDomain(u, domain) {
			k.add(fmt.Sprintf("%s/final_urls/%d", at, j), RuleDomain, "%q is not on the crawl's domain %q", u, domain)
		}
	}
	for j, u := range s.Links {
		if !OnDomain(u, domain) {
			k.add(fmt.Sprintf("%s/links/%d", at, j), RuleDomain, "%q is not on the crawl's domain %q", u, domain)
		}
	}
	switch {
	case s.Status == StatusFinished:
		if s.Error != "" {
			k.add(at+"/error", RuleShotOutcome, "a finished screenshot has an error %q", s.Error)
		}
		if s.ResponseCode < 200 || s.ResponseCode > 399 {
			k.add(at+"/response_code", RuleShotOutcome, "a finished screenshot has response_code %d, not 2xx or 3xx", s.ResponseCode)
		}
	case s.Status == StatusError:
		if s.Error == "" {
			k.add(at+"/error", RuleShotOutcome, "a failed screenshot has no error")
		}
		if s.ResponseCode >= 200 && s.ResponseCode <= 399 {
			k.add(at+"/response_code", RuleShotOutcome, "a failed screenshot has a successful response_code %d", s.ResponseCode)
		}
	case Pending(s.Status):
		if s.Error != "" || s.ResponseCode != 0 || s.FinishedAt != "" {
			k.add(at, RuleShotOutcome, "a screenshot %s has an outcome already (error %q, response_code %d, finished_at %q)", s.Status, s.Error, s.ResponseCode, s.FinishedAt)
		}
	}
	created, okCreated := parseTime(s.CreatedAt)
	finished, okFinished := parseTime(s.FinishedAt)
	if okCreated && okFinished && finished.Before(created) {
		k.add(at+"/finished_at", RuleTimes, "finished_at %s is before created_at %s", s.FinishedAt, s.CreatedAt)
	}
	if Final(s.Status) && s.FinishedAt == "" {
		k.add(at+"/finished_at", RuleTimes, "a %s screenshot has no finished_at", s.Status)
	}
	if !k.now.IsZero() && okFinished && finished.After(k.now.Add(ClockSkew)) {
		k.add(at+"/finished_at", RuleRecent, "finished_at %s is after now (%s)", s.FinishedAt, k.now.UTC().Format(time.RFC3339))
	}
}

func parseTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}
