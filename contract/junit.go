package contract

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// junitCounts are the attributes a suite and the whole report share.
type junitCounts struct {
	Name   string `xml:"name,attr"`
	Tests  int    `xml:"tests,attr"`
	Fails  int    `xml:"failures,attr"`
	Errors int    `xml:"errors,attr"`
	Skips  int    `xml:"skipped,attr"`
	Time   string `xml:"time,attr"`
}

type junitSuites struct {
	XMLName xml.Name `xml:"testsuites"`
	junitCounts
	Suites []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	junitCounts
	Timestamp  string          `xml:"timestamp,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Body    string `xml:",chardata"`
}

func seconds(ms float64) string { return fmt.Sprintf("%.3f", ms/1000) }

// WriteJUnit writes the report as JUnit XML, one testcase per case: a case
// not run is skipped, its message "not run: " and why, and a run that
// stopped early has one more testcase, "run stopped", an error saying why,
// so that no JUnit reader shows it green. What the run covered is the
// suite's properties.
func (r *Report) WriteJUnit(w io.Writer) error {
	counts := junitCounts{Name: "crawlkit contract", Tests: len(r.Cases), Fails: r.Failed, Skips: r.Skipped + r.NotRun, Time: seconds(r.DurationMS)}
	if r.Stopped != "" {
		counts.Tests++
		counts.Errors++
	}
	suite := junitSuite{junitCounts: counts, Timestamp: r.Started.UTC().Format("2006-01-02T15:04:05")}
	if r.Coverage != nil {
		for _, p := range r.Coverage.properties() {
			suite.Properties = append(suite.Properties, junitProperty{Name: p[0], Value: xmlSafe(p[1])})
		}
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
			fmt.Fprintf(&out, "allowed: %s\n", f.line())
		}
		for _, f := range c.Warnings {
			fmt.Fprintf(&out, "warning: %s\n", f.line())
		}
		switch c.Outcome {
		case Fail:
			lines := make([]string, len(c.Failures))
			for i, f := range c.Failures {
				lines[i] = f.line()
			}
			jc.Failure = &junitMessage{Message: xmlSafe(c.Failures[0].line()), Type: c.Failures[0].Check,
				Body: xmlSafe(strings.Join(lines, "\n") + "\n\n" + out.String())}
		case NotRun:
			jc.Skipped = &junitMessage{Message: xmlSafe("not run: " + c.SkipReason)}
		case Skip:
			jc.Skipped = &junitMessage{Message: xmlSafe(c.SkipReason)}
		}
		jc.SystemOut = xmlSafe(out.String())
		suite.Cases = append(suite.Cases, jc)
	}
	if r.Stopped != "" {
		suite.Cases = append(suite.Cases, junitCase{Name: "run stopped", Classname: "crawlkit.contract", Time: "0.000",
			Error: &junitMessage{Message: xmlSafe("the run stopped before its last case: " + r.Stopped), Type: "stopped",
				Body: xmlSafe(r.Summary())}})
	}
	doc := junitSuites{junitCounts: counts, Suites: []junitSuite{suite}}
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
