package pact_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/internal/pact"
)

// SMVVerdict is what swagger-mock-validator says of one pact.
type SMVVerdict struct {
	File       string   `json:"file"`
	Compatible bool     `json:"compatible"`
	Errors     []string `json:"errors"`
	Warnings   []string `json:"warnings"`
	Reason     string   `json:"reason"`
}

// swaggerMockValidator runs swagger-mock-validator, as the root
// package.json installs it (npm ci, which scripts/test runs first), on the
// embedded contract and pact files, in one node process through the API
// its CLI calls (testdata/smv-verdicts.mjs): a process a pact would cost
// seconds each.
func swaggerMockValidator(t *testing.T, files ...string) map[string]SMVVerdict {
	t.Helper()
	root := filepath.Join("..", "..")
	if _, err := os.Stat(filepath.Join(root, "node_modules", "@pactflow", "swagger-mock-validator")); err != nil {
		t.Skip("swagger-mock-validator is not installed: run npm ci at the repository's root (scripts/test does)")
	}
	args := append([]string{filepath.Join("testdata", "smv-verdicts.mjs"), filepath.Join(root, "openapi.yaml")}, files...)
	var stderr bytes.Buffer
	cmd := exec.CommandContext(t.Context(), "node", args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, stderr.String())
	verdicts := map[string]SMVVerdict{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var v SMVVerdict
		require.NoError(t, json.Unmarshal(sc.Bytes(), &v), sc.Text())
		verdicts[v.File] = v
	}
	require.Len(t, verdicts, len(files), string(out))
	return verdicts
}

// codes returns the distinct codes of the findings of one severity, sorted.
func codes(findings []pact.Finding, sev pact.Severity) []string {
	out := []string{}
	for _, f := range findings {
		if f.Severity == sev && !slices.Contains(out, f.Code) {
			out = append(out, f.Code)
		}
	}
	slices.Sort(out)
	return out
}

func distinct(list []string) []string {
	out := slices.Clone(list)
	slices.Sort(out)
	return slices.Compact(append([]string{}, out...))
}

// TestVerdictsAgreeWithSwaggerMockValidator holds crawlkit's verdict on
// every test pact to swagger-mock-validator's, and the codes of the
// findings too, but where the README lists a deliberate difference: there
// the verdicts must still differ, so that the list stays true.
func TestVerdictsAgreeWithSwaggerMockValidator(t *testing.T) {
	files := make([]string, len(verdicts))
	for i, v := range verdicts {
		files[i] = filepath.Join("testdata", "pacts", v.file)
	}
	smv := swaggerMockValidator(t, files...)
	c := checker(t)
	for i, tc := range verdicts {
		t.Run(tc.file, func(t *testing.T) {
			theirs := smv[files[i]]
			findings := c.Check(t.Context(), readPact(t, tc.file))
			ours := pact.Compatible(findings)
			if tc.smvDiffers != "" {
				assert.NotEqual(t, ours, theirs.Compatible, "a deliberate difference (%s) that swagger-mock-validator no longer makes: %+v", tc.smvDiffers, theirs)
				return
			}
			assert.Equal(t, theirs.Compatible, ours, "swagger-mock-validator says otherwise: %+v", theirs)
			assert.Equal(t, distinct(theirs.Errors), codes(findings, pact.Error), "%+v", theirs)
			assert.Equal(t, distinct(theirs.Warnings), codes(findings, pact.Warning), "%+v", theirs)
		})
	}
}
