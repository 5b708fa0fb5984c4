// Package contracttest runs crawlkit's contract kit inside go test, as
// net/http/httptest serves handlers in tests: a Go implementation of
// GET /crawl/info checks itself in its own test suite.
package contracttest

import (
	"errors"
	"strings"
	"testing"

	"github.com/crawlkit/crawlkit/contract"
)

// Test runs the contract against cfg.BaseURL and reports each case to t:
// with a *testing.T, each case is a subtest, failed with every finding and
// the curl command that reproduces it, or skipped with the Config field it
// needs; with another testing.TB, each failure is an error of t. Failures
// point at the line that called Test. A run that cannot start (a bad
// Config, nothing listening, too much to skip) fails t at once, and one
// that stopped early (the server stopped answering) fails it too. It
// returns the report.
func Test(t testing.TB, cfg contract.Config) *contract.Report {
	t.Helper()
	rep, err := contract.Run(t.Context(), cfg)
	var skip *contract.SkipError
	switch {
	case errors.As(err, &skip):
		t.Fatalf("crawlkit contract: %s", skip.Reason(contract.Setting.Field, "Config.AllowSkips"))
		return nil
	case err != nil:
		t.Fatalf("crawlkit contract: %v", err)
		return nil
	}
	if rep.Stopped != "" {
		t.Errorf("crawlkit contract stopped: %s; %s", contract.Printable(rep.Stopped), rep.Summary())
	}
	runner, subtests := t.(interface {
		Run(name string, f func(t *testing.T)) bool
	})
	for _, c := range rep.Cases {
		if !subtests {
			report(t, &c)
			continue
		}
		runner.Run(c.Name, func(t *testing.T) {
			t.Helper()
			report(t, &c)
		})
	}
	return rep
}

// report tells t what one case found.
func report(t testing.TB, c *contract.CaseResult) {
	t.Helper()
	// Every string goes through contract.Printable, as in the kit's text
	// report: what a server sent cannot drive the terminal.
	p := contract.Printable
	if c.Outcome == contract.NotRun {
		t.Errorf("%s: not run: %s", c.Name, p(c.SkipReason))
		return
	}
	if c.Outcome == contract.Skip {
		reason := c.SkipReason
		if c.Missing != nil {
			reason = c.Missing.Reason(contract.Setting.Field)
		}
		if _, subtest := t.(*testing.T); subtest {
			t.Skip(p(reason))
		}
		t.Logf("skipped %s: %s", c.Name, p(reason))
		return
	}
	for _, w := range c.Warnings {
		t.Logf("%s: warning: %s", c.Name, w)
	}
	if len(c.Failures) == 0 {
		return
	}
	lines := make([]string, len(c.Failures))
	for i, f := range c.Failures {
		lines[i] = f.String()
	}
	t.Errorf("%s: %s\n%s\nrequest: %s\nstatus: %d\nbody: %s",
		c.Name, c.Description, strings.Join(lines, "\n"), p(c.Curl), c.Status, p(c.BodyExcerpt))
}
