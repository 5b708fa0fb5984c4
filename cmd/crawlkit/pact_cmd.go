package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/crawlkit/crawlkit/internal/pact"
	"github.com/crawlkit/crawlkit/internal/validate"
)

func newPactCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pact",
		Short: "Judge consumer pacts against the contract",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		},
	}
	cmd.AddCommand(newPactCheckCmd())
	return cmd
}

func newPactCheckCmd() *cobra.Command {
	var (
		asJSON  bool
		specSrc specSource
	)
	cmd := &cobra.Command{
		Use:   "check PACT...",
		Short: "Check Pact files against the contract of GET /crawl/info",
		Long: `Check Pact files (specification 2, 3 and 4) against the contract: each interaction's
request must be GET /crawl/info (below a base path of the contract's servers or not),
its query keep the parameters' schemas, its status be documented, its response
headers and body keep the status's schema, matching rules honoured (a type matcher
stands for any value of its type, arrays by their min and max). A consumer may leave
out fields; it may not expect one the contract does not have. Credentials are not
required: the verifier adds its own. Every finding names the interaction and a JSON
path.

Exit codes: 0 every pact compatible, 1 an incompatibility, 2 a file that is not a
pact crawlkit reads (one line on stderr).`,
		Example: `  crawlkit pact check pacts/web-app-screenshotcenter.json
  crawlkit pact check pacts/*.json --json > pact-check.json`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError{errors.New(`"crawlkit pact check" needs at least one Pact file`)}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := bindEnv(cmd); err != nil {
				return err
			}
			_, _, v, err := specSrc.load(cmd.Context())
			if err != nil {
				return err
			}
			return pactCheck(cmd, v, args, asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "write the verdicts as JSON on stdout")
	specSrc.add(cmd.Flags())
	return cmd
}

// pactVerdict is one file's verdict, as --json writes it.
type pactVerdict struct {
	File          string         `json:"file"`
	Consumer      string         `json:"consumer"`
	Provider      string         `json:"provider"`
	Specification string         `json:"specification"`
	Interactions  int            `json:"interactions"`
	Compatible    bool           `json:"compatible"`
	Findings      []pact.Finding `json:"findings"`
}

// pactCheck judges files against the contract v checks; every file is read
// before any is judged, so that a bad one is exit 2 whatever the others say.
func pactCheck(cmd *cobra.Command, v *validate.Validator, files []string, asJSON bool) error {
	parsed := make([]*pact.File, len(files))
	for i, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			return usageError{err}
		}
		if parsed[i], err = pact.Parse(data); err != nil {
			return usageError{fmt.Errorf("%s: %w", name, err)}
		}
	}
	checker := pact.NewChecker(v)
	verdicts := make([]pactVerdict, len(files))
	bad := 0
	for i, f := range parsed {
		findings := checker.Check(cmd.Context(), f)
		verdicts[i] = pactVerdict{
			File: files[i], Consumer: f.Consumer, Provider: f.Provider, Specification: f.Specification,
			Interactions: len(f.Interactions), Compatible: pact.Compatible(findings), Findings: findings,
		}
		if !verdicts[i].Compatible {
			bad++
		}
	}
	out := cmd.OutOrStdout()
	if asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(map[string]any{"compatible": bad == 0, "pacts": verdicts}); err != nil {
			return err
		}
	} else {
		writePactVerdicts(out, verdicts)
	}
	if bad > 0 {
		return codedError{code: exitFailure, err: fmt.Errorf("%d of %d pacts incompatible with the contract", bad, len(files))}
	}
	return nil
}

func writePactVerdicts(w io.Writer, verdicts []pactVerdict) {
	for _, v := range verdicts {
		errs, warns := 0, 0
		for _, f := range v.Findings {
			if f.Severity == pact.Error {
				errs++
			} else {
				warns++
			}
		}
		state := "compatible"
		if !v.Compatible {
			state = "INCOMPATIBLE"
		}
		fmt.Fprintf(w, "%s: %s -> %s, Pact %s, %s: %s, %s, %s\n", v.File, orUnnamed(v.Consumer), orUnnamed(v.Provider),
			v.Specification, plural(v.Interactions, "interaction"), state, plural(errs, "error"), plural(warns, "warning"))
		for _, f := range v.Findings {
			fmt.Fprintf(w, "  %-7s %s\n", f.Severity, f)
		}
	}
}

func orUnnamed(name string) string {
	if name == "" {
		return "(unnamed)"
	}
	return name
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
