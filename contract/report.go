package contract

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// Outcomes of a case.
const (
	Pass   = "pass"
	Fail   = "fail"
	Skip   = "skip"
	NotRun = "not_run"
)

// Check names, stable: reports and allow-lists use them.
const (
	CheckTransport        = "transport"
	CheckStatusDocumented = "status-documented"
	CheckStatusExpected   = "status-expected"
	CheckContentType      = "content-type"
	CheckContentEncoding  = "content-encoding"
	CheckJSON             = "json"
	CheckSchema           = "schema"
	CheckSuccessFlag      = "success-flag"
	CheckErrorCode        = "error-code"
	CheckRequestID        = "request-id"
	CheckCrawlID          = "crawl-id"
	CheckNo5xx            = "no-5xx"
	CheckCoherence        = "coherence"
	CheckDrift            = "drift"
	CheckProgress         = "progress"
)

// Checks lists every check name.
var Checks = [...]string{CheckTransport, CheckStatusDocumented, CheckStatusExpected, CheckContentType, CheckContentEncoding, CheckJSON,
	CheckSchema, CheckSuccessFlag, CheckErrorCode, CheckRequestID, CheckCrawlID, CheckNo5xx, CheckCoherence, CheckDrift, CheckProgress}

// warningChecks are the checks that warn, and Config.FailOn may name:
// error-code fails on a code other than the one a case expects, and warns
// on one the contract does not name for the status.
var warningChecks = [...]string{CheckCoherence, CheckDrift, CheckErrorCode}

// Finding is one thing wrong with an answer.
type Finding struct {
	Check   string `json:"check"`
	Pointer string `json:"pointer,omitempty"`
	Message string `json:"message"`
	// Hint says what to do about it, when there is more to say.
	Hint string `json:"hint,omitempty"`
	// Setting is the Config setting the finding is about (Timeout for an
	// answer that did not come within it), "" for none; the message names
	// it in the run's words (Config.Names).
	Setting Setting `json:"setting,omitempty"`
	// dedupe names what the finding is about beyond its pointer (a crawl),
	// so that a run reports it once.
	dedupe string
}

// String formats the finding on one line, printable (Printable): what a
// server sent cannot move the cursor or start a line of its own.
func (f Finding) String() string { return Printable(f.line()) }

// line is the finding on one line as it is, for the reports that escape
// what they hold themselves.
func (f Finding) line() string {
	s := fmt.Sprintf("[%s] %s", f.Check, f.Message)
	if f.Pointer != "" {
		s = fmt.Sprintf("[%s] %s: %s", f.Check, f.Pointer, f.Message)
	}
	if f.Hint != "" {
		s += " (hint: " + f.Hint + ")"
	}
	return s
}

// CaseResult is what one case sent, got, and found wrong.
type CaseResult struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Outcome     string `json:"outcome"`
	// SkipReason says why a case was skipped or not run, in the run's words
	// (Config.Names); Missing says what a skipped case needed, for any front end.
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
	BaseURL    string    `json:"base_url"`
	Started    time.Time `json:"started"`
	DurationMS float64   `json:"duration_ms"`
	Seed       uint64    `json:"seed"`
	Notes      []string  `json:"notes,omitempty"`
	Passed     int       `json:"passed"`
	// PassedAllowed counts the passes that rely on allowed deviations.
	PassedAllowed int `json:"passed_with_allowed_deviations"`
	Failed        int `json:"failed"`
	Skipped       int `json:"skipped"`
	NotRun        int `json:"not_run"`
	// Stopped says why the run stopped before its last case, "" when it did not.
	Stopped string `json:"stopped,omitempty"`
	// UnusedAllowances allowed nothing in this run: stale, or mistyped.
	UnusedAllowances []Allowance  `json:"unused_allowances,omitempty"`
	Cases            []CaseResult `json:"cases"`
	Coverage         *Coverage    `json:"coverage"`
}

// OK reports whether the run checked what it meant to and no case failed:
// a run that stopped early is not OK.
func (r *Report) OK() bool { return r.Failed == 0 && r.NotRun == 0 && r.Stopped == "" }

// Summary is the closing line: "N passed, N failed, N skipped", with the
// passes that rely on allowed deviations and the cases not run, if any.
func (r *Report) Summary() string {
	passed := fmt.Sprintf("%d passed", r.Passed)
	if r.PassedAllowed > 0 {
		passed += fmt.Sprintf(" (%d with allowed deviations)", r.PassedAllowed)
	}
	s := fmt.Sprintf("%s, %d failed, %d skipped", passed, r.Failed, r.Skipped)
	if r.NotRun > 0 {
		s += fmt.Sprintf(", %d not run", r.NotRun)
	}
	return s
}

// progressLine is the one line a case prints as it ends.
func (c *CaseResult) progressLine() string {
	switch c.Outcome {
	case Skip:
		return fmt.Sprintf("SKIP %s: %s", c.Name, Printable(c.SkipReason))
	case NotRun:
		return fmt.Sprintf("NOT RUN %s: %s", c.Name, Printable(c.SkipReason))
	case Fail:
		return fmt.Sprintf("FAIL %s: %d, %d failure(s) (%.0f ms)", c.Name, c.Status, len(c.Failures), c.DurationMS)
	default:
		return fmt.Sprintf("PASS %s: %d (%.0f ms)", c.Name, c.Status, c.DurationMS)
	}
}

// WriteText writes the report for people: every failed case with its curl
// command, status, body excerpt and findings, the warnings, the cases not
// run, the allowances never used, what the run covered (the fields never
// seen counted, listed with Verbose), then the summary. Every string in it
// goes through Printable: a server cannot write escape sequences to the
// terminal or the CI log that shows it.
func (r *Report) WriteText(w io.Writer, opts ...ReportOption) error {
	var b strings.Builder
	p := Printable
	fmt.Fprintf(&b, "crawlkit contract: %s\n", p(r.BaseURL))
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "note: %s\n", p(n))
	}
	for _, c := range r.Cases {
		if c.Outcome != Fail && len(c.Warnings) == 0 && len(c.Allowed) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s %s: %s\n", strings.ToUpper(c.Outcome), p(c.Name), p(c.Description))
		fmt.Fprintf(&b, "  request: %s\n", p(c.Curl))
		if c.Status != 0 {
			fmt.Fprintf(&b, "  status:  %d\n", c.Status)
		}
		if c.BodyExcerpt != "" {
			fmt.Fprintf(&b, "  body:    %s\n", p(c.BodyExcerpt))
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
	// The cases not run, by reason: a run stopped gives them all one.
	var reasons []string
	notRun := map[string][]string{}
	for _, c := range r.Cases {
		if c.Outcome == NotRun {
			if _, ok := notRun[c.SkipReason]; !ok {
				reasons = append(reasons, c.SkipReason)
			}
			notRun[c.SkipReason] = append(notRun[c.SkipReason], c.Name)
		}
	}
	for _, why := range reasons {
		fmt.Fprintf(&b, "\nNOT RUN %s: %s\n", p(strings.Join(notRun[why], ", ")), p(why))
	}
	for _, a := range r.UnusedAllowances {
		fmt.Fprintf(&b, "\nunused allowance %s: it allowed nothing in this run\n", p(a.String()))
	}
	if r.Coverage != nil {
		b.WriteString("\n")
		r.Coverage.writeText(&b, reportOptions(opts).verbose)
	}
	if r.Stopped != "" {
		fmt.Fprintf(&b, "\nstopped: %s\n", p(r.Stopped))
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
