package contract

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// Outcomes of a case.
const (
	Pass = "pass"
	Fail = "fail"
	Skip = "skip"
)

// Check names, stable: reports and allow-lists use them.
const (
	CheckTransport        = "transport"
	CheckStatusDocumented = "status-documented"
	CheckStatusExpected   = "status-expected"
	CheckContentType      = "content-type"
	CheckJSON             = "json"
	CheckSchema           = "schema"
	CheckSuccessFlag      = "success-flag"
	CheckErrorCode        = "error-code"
	CheckRequestID        = "request-id"
	CheckCrawlID          = "crawl-id"
	CheckNo5xx            = "no-5xx"
	CheckCoherence        = "coherence"
)

// Finding is one thing wrong with an answer.
type Finding struct {
	Check   string `json:"check"`
	Pointer string `json:"pointer,omitempty"`
	Message string `json:"message"`
}

// String formats the finding on one line.
func (f Finding) String() string {
	if f.Pointer != "" {
		return fmt.Sprintf("[%s] %s: %s", f.Check, f.Pointer, f.Message)
	}
	return fmt.Sprintf("[%s] %s", f.Check, f.Message)
}

// CaseResult is what one case sent, got, and found wrong.
type CaseResult struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Outcome     string `json:"outcome"`
	// SkipReason says why a case was skipped, in the command line's words;
	// Missing says the same for any front end.
	SkipReason  string   `json:"skip_reason,omitempty"`
	Missing     *Missing `json:"missing,omitempty"`
	Curl        string   `json:"curl,omitempty"`
	Status      int      `json:"status,omitempty"`
	BodyExcerpt string   `json:"body_excerpt,omitempty"`
	DurationMS  float64  `json:"duration_ms"`
	// Failures fail the case; Allowed are failures an allow-list excuses;
	// Warnings never fail it.
	Failures []Finding `json:"failures,omitempty"`
	Allowed  []Finding `json:"allowed,omitempty"`
	Warnings []Finding `json:"warnings,omitempty"`
}

// Report is the outcome of a run.
type Report struct {
	BaseURL    string       `json:"base_url"`
	Started    time.Time    `json:"started"`
	DurationMS float64      `json:"duration_ms"`
	Seed       uint64       `json:"seed"`
	Notes      []string     `json:"notes,omitempty"`
	Passed     int          `json:"passed"`
	Failed     int          `json:"failed"`
	Skipped    int          `json:"skipped"`
	Cases      []CaseResult `json:"cases"`
}

// OK reports whether no case failed.
func (r *Report) OK() bool { return r.Failed == 0 }

// Summary is the closing line: "N passed, N failed, N skipped".
func (r *Report) Summary() string {
	return fmt.Sprintf("%d passed, %d failed, %d skipped", r.Passed, r.Failed, r.Skipped)
}

// progressLine is the one line a case prints as it ends.
func (c *CaseResult) progressLine() string {
	switch c.Outcome {
	case Skip:
		return fmt.Sprintf("SKIP %s: %s", c.Name, c.SkipReason)
	case Fail:
		return fmt.Sprintf("FAIL %s: %d, %d failure(s) (%.0f ms)", c.Name, c.Status, len(c.Failures), c.DurationMS)
	default:
		return fmt.Sprintf("PASS %s: %d (%.0f ms)", c.Name, c.Status, c.DurationMS)
	}
}

// WriteText writes the report for people: every failed case with its curl
// command, status, body excerpt and findings, the warnings, then the summary.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "crawlkit contract: %s\n", r.BaseURL)
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	for _, c := range r.Cases {
		if c.Outcome != Fail && len(c.Warnings) == 0 && len(c.Allowed) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s %s: %s\n", strings.ToUpper(c.Outcome), c.Name, c.Description)
		fmt.Fprintf(&b, "  request: %s\n", c.Curl)
		if c.Status != 0 {
			fmt.Fprintf(&b, "  status:  %d\n", c.Status)
		}
		if c.BodyExcerpt != "" {
			fmt.Fprintf(&b, "  body:    %s\n", c.BodyExcerpt)
		}
		for _, f := range c.Failures {
			fmt.Fprintf(&b, "  FAIL    %s\n", f)
		}
		for _, f := range c.Allowed {
			fmt.Fprintf(&b, "  ALLOWED %s\n", f)
		}
		for _, f := range c.Warnings {
			fmt.Fprintf(&b, "  WARN    %s\n", f)
		}
	}
	fmt.Fprintf(&b, "\n%s\n", r.Summary())
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes the report for machines.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Name    string       `xml:"name,attr"`
	Tests   int          `xml:"tests,attr"`
	Fails   int          `xml:"failures,attr"`
	Skips   int          `xml:"skipped,attr"`
	Time    string       `xml:"time,attr"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Fails     int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skips     int         `xml:"skipped,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Body    string `xml:",chardata"`
}

func seconds(ms float64) string { return fmt.Sprintf("%.3f", ms/1000) }

// WriteJUnit writes the report as JUnit XML, one testcase per case.
func (r *Report) WriteJUnit(w io.Writer) error {
	suite := junitSuite{
		Name: "crawlkit contract", Tests: len(r.Cases), Fails: r.Failed, Skips: r.Skipped,
		Time: seconds(r.DurationMS), Timestamp: r.Started.UTC().Format("2006-01-02T15:04:05"),
	}
	for _, c := range r.Cases {
		jc := junitCase{Name: c.Name, Classname: "crawlkit.contract." + strings.SplitN(c.Name, "/", 2)[0], Time: seconds(c.DurationMS)}
		var out strings.Builder
		if c.Curl != "" {
			fmt.Fprintf(&out, "request: %s\n", c.Curl)
		}
		if c.Status != 0 {
			fmt.Fprintf(&out, "status: %d\nbody: %s\n", c.Status, c.BodyExcerpt)
		}
		for _, f := range c.Allowed {
			fmt.Fprintf(&out, "allowed: %s\n", f)
		}
		for _, f := range c.Warnings {
			fmt.Fprintf(&out, "warning: %s\n", f)
		}
		switch c.Outcome {
		case Fail:
			lines := make([]string, len(c.Failures))
			for i, f := range c.Failures {
				lines[i] = f.String()
			}
			jc.Failure = &junitMessage{Message: c.Failures[0].String(), Type: c.Failures[0].Check, Body: strings.Join(lines, "\n") + "\n\n" + out.String()}
		case Skip:
			jc.Skipped = &junitMessage{Message: c.SkipReason}
		}
		jc.SystemOut = xmlSafe(out.String())
		if jc.Failure != nil {
			jc.Failure.Body, jc.Failure.Message = xmlSafe(jc.Failure.Body), xmlSafe(jc.Failure.Message)
		}
		suite.Cases = append(suite.Cases, jc)
	}
	doc := junitSuites{Name: "crawlkit contract", Tests: suite.Tests, Fails: suite.Fails, Skips: suite.Skips, Time: suite.Time, Suites: []junitSuite{suite}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// xmlSafe drops the characters XML 1.0 cannot hold at all.
func xmlSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || r >= 0x10000 {
			return r
		}
		return -1
	}, s)
}
