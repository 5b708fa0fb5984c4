package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/crawlkit/crawlkit/contract"
)

type contractOptions struct {
	cfg        contract.Config
	maxBody    string
	allow      []string
	allowFiles []string
	junit      string
	json       string
	cases      []string
	spec       specSource
	verbose    bool
	github     bool
}

func newContractCmd() *cobra.Command {
	var o contractOptions
	cmd := &cobra.Command{
		Use:   "contract",
		Short: "Check an implementation of GET /crawl/info against the contract",
		Long: `Check an implementation of GET /crawl/info against the contract: every case sends
real requests, every answer is checked, and each failure is reported with a curl
command that reproduces it. The key and token are read from CRAWLKIT_API_KEY and
CRAWLKIT_BEARER (better than flags, which process lists show) and never printed.

A run is never green by accident: without credentials, or with more than 3 cases
skipped, it does not start (--allow-skips runs it anyway); when 3 requests in a row
get no answer within --timeout it stops, the cases left reported as not run.

On GitHub Actions (GITHUB_ACTIONS=true, or --github) each failed case and each
kind of warning is also an annotation, and a summary goes to $GITHUB_STEP_SUMMARY.

Exit codes: 0 every case passed, 1 a contract violation, 2 bad usage, an
unreachable or unanswering server, a run that would skip too much, or --deadline.`,
		Example: `  CRAWLKIT_API_KEY=sk_live_... crawlkit contract --base-url https://api.screenshotcenter.com/api/v1 --crawl-id 12345 --missing-crawl-id 1 --junit contract.xml`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := bindEnv(cmd); err != nil {
				return err
			}
			return runContract(cmd, &o)
		},
	}
	f := cmd.Flags()
	o.spec.add(f)
	f.StringVar(&o.cfg.BaseURL, "base-url", "", "the API base, e.g. https://api.screenshotcenter.com/api/v1 (required)")
	f.StringVar(&o.cfg.APIKey, "key", "", "a valid API key (or CRAWLKIT_API_KEY)")
	f.StringVar(&o.cfg.Bearer, "bearer", "", "a valid JWT bearer token (or CRAWLKIT_BEARER)")
	_ = f.SetAnnotation("key", envAnnotation, []string{"CRAWLKIT_API_KEY"})
	_ = f.SetAnnotation("bearer", envAnnotation, []string{"CRAWLKIT_BEARER"})
	f.Int64Var(&o.cfg.CrawlID, "crawl-id", 0, "a crawl that exists for the key (a crawlkit mock's catalog gives one)")
	f.Int64Var(&o.cfg.MissingCrawlID, "missing-crawl-id", 0, "a crawl that does not exist")
	f.Int64Var(&o.cfg.RunningCrawlID, "running-crawl-id", 0, "a crawl still running, polled until it ends (a crawlkit mock's catalog gives one)")
	f.DurationVar(&o.cfg.PollInterval, "poll-interval", contract.DefaultPollInterval, "time between polls of the running crawl, as the SDKs' waitFor")
	f.DurationVar(&o.cfg.PollTimeout, "poll-timeout", contract.DefaultPollTimeout, "how long the running crawl may run before the case fails")
	f.StringVar(&o.cfg.InvalidKey, "invalid-key", contract.DefaultInvalidKey, "a key the server refuses")
	f.DurationVar(&o.cfg.Timeout, "timeout", contract.DefaultTimeout, "per request, body included")
	f.DurationVar(&o.cfg.Deadline, "deadline", 0, "the whole run at most (0: none); the cases left are reported as not run")
	f.IntVar(&o.cfg.Concurrency, "concurrency", contract.DefaultConcurrency, "cases run at once; the report keeps their order")
	f.StringVar(&o.maxBody, "max-body", "32MiB", "largest response body read (bytes, or with KiB, MiB, GiB)")
	f.IntVar(&o.cfg.Retries, "retries", 0, "retries of a request that failed at the network level")
	f.Float64Var(&o.cfg.Rate, "rate", 0, "requests per second at most (0: no limit)")
	f.StringSliceVar(&o.cases, "cases", nil, "run only these cases (patterns, * matches anything; comma-separated or repeated)")
	f.StringArrayVar(&o.allow, "allow", nil, "allow a known deviation, CASE:CHECK (patterns; repeatable)")
	f.StringArrayVar(&o.allowFiles, "allow-file", nil, "file of CASE:CHECK lines to allow, # comments (repeatable)")
	f.BoolVar(&o.cfg.AllowSkips, "allow-skips", false, "run even without credentials, or with more than 3 cases skipped")
	f.StringSliceVar(&o.cfg.FailOn, "fail-on", nil, "warnings that fail the run: coherence, drift, error-code (comma-separated)")
	f.StringVar(&o.junit, "junit", "", "write a JUnit XML report here")
	f.StringVar(&o.json, "json", "", "write a JSON report here; - for stdout (the text report goes to stderr)")
	f.BoolVar(&o.cfg.Strict, "strict", false, "every warning (coherence, drift, error-code) fails the run")
	f.BoolVar(&o.cfg.Insecure, "insecure", false, "accept any TLS certificate (self-signed staging)")
	f.IntVar(&o.cfg.Generated, "generated", contract.DefaultGenerated, "how many generated requests to send")
	f.Uint64Var(&o.cfg.Seed, "seed", 1, "seed of the generated requests")
	f.BoolVarP(&o.verbose, "verbose", "v", false, "list the fields never seen with a value (the report counts them)")
	f.BoolVar(&o.github, "github", false, "GitHub Actions annotations, and a summary in $GITHUB_STEP_SUMMARY (default: on when GITHUB_ACTIONS=true)")
	return cmd
}

func runContract(cmd *cobra.Command, o *contractOptions) error {
	if o.cfg.BaseURL == "" {
		return usageError{errors.New("--base-url is required")}
	}
	maxBody, err := parseSize(o.maxBody)
	if err != nil {
		return usageError{fmt.Errorf("--max-body: %w", err)}
	}
	o.cfg.MaxBody = maxBody
	if o.cfg.Spec, o.cfg.SpecName, _, err = o.spec.load(cmd.Context()); err != nil {
		return err
	}
	o.cfg.Cases = o.cases
	for _, p := range o.allow {
		o.cfg.Allowances = append(o.cfg.Allowances, contract.Allowance{Pattern: p, Source: "--allow"})
	}
	for _, path := range o.allowFiles {
		more, err := readAllowFile(path)
		if err != nil {
			return usageError{err}
		}
		o.cfg.Allowances = append(o.cfg.Allowances, more...)
	}
	o.cfg.Progress = cmd.ErrOrStderr()
	// Findings, skips and stops name settings as the command line sets them.
	o.cfg.Names = contract.Setting.Flag
	defer limitMemory(o.cfg)()
	rep, err := contract.Run(cmd.Context(), o.cfg)
	var skip *contract.SkipError
	switch {
	case errors.As(err, &skip):
		return codedError{exitUsage, skipHint{skip}}
	case errors.Is(err, contract.ErrUsage), errors.Is(err, contract.ErrUnreachable):
		return codedError{exitUsage, err}
	case err != nil:
		return err
	}
	text := cmd.OutOrStdout()
	if o.json == "-" {
		text = cmd.ErrOrStderr()
		if err := rep.WriteJSON(cmd.OutOrStdout()); err != nil {
			return err
		}
	}
	var opts []contract.ReportOption
	if o.verbose {
		opts = append(opts, contract.Verbose())
	}
	if err := rep.WriteText(text, opts...); err != nil {
		return err
	}
	if githubOutput(cmd, o.github) {
		if err := writeGitHub(rep, text, opts); err != nil {
			return codedError{exitUsage, err}
		}
	}
	for path, write := range map[string]func(io.Writer) error{o.junit: rep.WriteJUnit, o.json: rep.WriteJSON} {
		if path == "" || path == "-" {
			continue
		}
		if err := writeFile(path, write); err != nil {
			return codedError{exitUsage, err}
		}
	}
	switch {
	case rep.Stopped != "":
		return codedError{exitUsage, fmt.Errorf("%s; %s", rep.Stopped, rep.Summary())}
	case !rep.OK():
		return codedError{exitFailure, fmt.Errorf("the contract is broken: %s", rep.Summary())}
	}
	return nil
}

func readAllowFile(path string) ([]contract.Allowance, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--allow-file: %w", err)
	}
	defer f.Close()
	return contract.ReadAllowList(f, path)
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("write report %s: %w", path, err)
	}
	return f.Close()
}

// parseSize reads a byte count, optionally with a KiB, MiB or GiB suffix.
func parseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		factor int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}
	factor := int64(1)
	num := strings.TrimSpace(s)
	for _, u := range units {
		if strings.HasSuffix(num, u.suffix) {
			factor, num = u.factor, strings.TrimSpace(strings.TrimSuffix(num, u.suffix))
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 || n > (1<<40)/factor {
		return 0, fmt.Errorf("%q is not a size such as 32MiB", s)
	}
	return n * factor, nil
}
