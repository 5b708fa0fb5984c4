package contract

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Test runs the contract against cfg.BaseURL inside a Go test, each case as
// a subtest: a failed case fails its subtest with every finding and the curl
// command that reproduces it; a skipped case is skipped with its reason.
// It returns the report for further checks.
func Test(t *testing.T, cfg Config) *Report {
	t.Helper()
	rep, err := Run(t.Context(), cfg)
	require.NoError(t, err)
	for _, c := range rep.Cases {
		t.Run(c.Name, func(t *testing.T) {
			if c.Outcome == Skip {
				t.Skip(c.SkipReason)
			}
			for _, w := range c.Warnings {
				t.Log("warning: " + w.String())
			}
			if len(c.Failures) == 0 {
				return
			}
			lines := make([]string, len(c.Failures))
			for i, f := range c.Failures {
				lines[i] = f.String()
			}
			assert.Fail(t, c.Name+": "+c.Description, "%s\nrequest: %s\nstatus: %d\nbody: %s",
				strings.Join(lines, "\n"), c.Curl, c.Status, c.BodyExcerpt)
		})
	}
	return rep
}
