package crawl

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Rule names, stable: the contract kit reports them and allow-lists name them.
const (
	RuleDomain      = "urls-on-domain"
	RuleCounters    = "counters-add-up"
	RuleShotOutcome = "screenshot-outcome"
	RuleStatus      = "status-matches-progress"
	RuleTimes       = "times-in-order"
)

// Problem is one way a crawl is not coherent.
type Problem struct {
	Pointer string `json:"pointer"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// String formats the problem as "pointer: message (rule)".
func (p Problem) String() string {
	return fmt.Sprintf("%s: %s (%s)", p.Pointer, p.Message, p.Rule)
}

type checker struct {
	c        *Crawl
	problems []Problem
}

func (k *checker) add(pointer, rule, format string, args ...any) {
	k.problems = append(k.problems, Problem{Pointer: pointer, Rule: rule, Message: fmt.Sprintf(format, args...)})
}

// Check returns every coherence rule c breaks, nil for a coherent crawl. The
// pointers are relative to the crawl (the envelope's /data).
func Check(c *Crawl) []Problem {
	k := &checker{c: c}
	k.domain()
	k.counters()
	k.status()
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

func (k *checker) domain() {
	if !OnDomain(k.c.StartURL, k.c.Domain) {
		k.add("/start_url", RuleDomain, "%q is not on the crawl's domain %q", k.c.StartURL, k.c.Domain)
	}
}

func (k *checker) counters() {
	c := k.c
	var finished, failed int
	for _, s := range c.Screenshots {
		switch s.Status {
		case StatusFinished:
			finished++
		case StatusError:
			failed++
		}
	}
	if c.Processed+c.Failed != len(c.Screenshots) {
		k.add("/processed", RuleCounters, "processed (%d) + failed (%d) is not the number of screenshots (%d)", c.Processed, c.Failed, len(c.Screenshots))
	}
	if c.Processed != finished {
		k.add("/processed", RuleCounters, "processed is %d but %d screenshots are finished", c.Processed, finished)
	}
	if c.Failed != failed {
		k.add("/failed", RuleCounters, "failed is %d but %d screenshots are in error", c.Failed, failed)
	}
	if c.Processed+c.Failed > c.TotalDiscovered {
		k.add("/total_discovered", RuleCounters, "total_discovered (%d) is less than processed + failed (%d)", c.TotalDiscovered, c.Processed+c.Failed)
	}
	if c.TotalDiscovered > c.MaxURLs {
		k.add("/total_discovered", RuleCounters, "total_discovered (%d) is more than max_urls (%d)", c.TotalDiscovered, c.MaxURLs)
	}
}

func (k *checker) status() {
	c := k.c
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
	}
	if (c.Status == StatusError) != (c.Error != "") {
		k.add("/error", RuleStatus, "error is set exactly when the crawl's status is error (status %q, error %q)", c.Status, c.Error)
	}
	if created, ok := parseTime(c.CreatedAt); ok && c.Started != 0 && created.Unix() > c.Started {
		k.add("/created_at", RuleTimes, "created_at %s is after started %d", c.CreatedAt, c.Started)
	}
}

func (k *checker) screenshot(i int, s *Screenshot) {
	at := fmt.Sprintf("/screenshots/%d", i)
	domain := k.c.Domain
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
	switch s.Status {
	case StatusFinished:
		if s.Error != "" {
			k.add(at+"/error", RuleShotOutcome, "a finished screenshot has an error %q", s.Error)
		}
		if s.ResponseCode < 200 || s.ResponseCode > 399 {
			k.add(at+"/response_code", RuleShotOutcome, "a finished screenshot has response_code %d, not 2xx or 3xx", s.ResponseCode)
		}
	case StatusError:
		if s.Error == "" {
			k.add(at+"/error", RuleShotOutcome, "a failed screenshot has no error")
		}
		if s.ResponseCode >= 200 && s.ResponseCode <= 399 {
			k.add(at+"/response_code", RuleShotOutcome, "a failed screenshot has a successful response_code %d", s.ResponseCode)
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
}

func parseTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}
