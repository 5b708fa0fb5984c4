package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/crawlkit/crawlkit/contract"
)

type contractOptions struct {
	cfg       contract.Config
	maxBody   string
	allowFile string
	junit     string
	json      string
	cases     []string
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

Exit codes: 0 every case passed, 1 a contract violation, 2 bad usage or an
unreachable server.`,
		Example: `  CRAWLKIT_API_KEY=sk_live_... crawlkit contract --base-url https://api.screenshotcenter.com/api/v1 --crawl-id 12345 --missing-crawl-id 1 --junit contract.xml`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := bindEnv(cmd); err != nil {
				return err
			}
			return runContract(cmd, &o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.cfg.BaseURL, "base-url", "", "the API base, e.g. https://api.screenshotcenter.com/api/v1 (required)")
	f.StringVar(&o.cfg.APIKey, "key", "", "a valid API key (or CRAWLKIT_API_KEY)")
	f.StringVar(&o.cfg.Bearer, "bearer", "", "a valid JWT bearer token (or CRAWLKIT_BEARER)")
	_ = f.SetAnnotation("key", envAnnotation, []string{"CRAWLKIT_API_KEY"})
	_ = f.SetAnnotation("bearer", envAnnotation, []string{"CRAWLKIT_BEARER"})
	f.Int64Var(&o.cfg.CrawlID, "crawl-id", 0, "a crawl that exists for the key (a crawlkit mock's catalog gives one)")
	f.Int64Var(&o.cfg.MissingCrawlID, "missing-crawl-id", 0, "a crawl that does not exist")
	f.StringVar(&o.cfg.InvalidKey, "invalid-key", contract.DefaultInvalidKey, "a key the server refuses")
	f.DurationVar(&o.cfg.Timeout, "timeout", contract.DefaultTimeout, "per request, body included")
	f.StringVar(&o.maxBody, "max-body", "32MiB", "largest response body read (bytes, or with KiB, MiB, GiB)")
	f.IntVar(&o.cfg.Retries, "retries", 0, "retries of a request that failed at the network level")
	f.Float64Var(&o.cfg.Rate, "rate", 0, "requests per second at most (0: no limit)")
	f.StringSliceVar(&o.cases, "cases", nil, "run only these cases (patterns, * matches anything; comma-separated or repeated)")
	f.StringArrayVar(&o.cfg.Allow, "allow", nil, "allow a known deviation, CASE:CHECK (patterns; repeatable)")
	f.StringVar(&o.allowFile, "allow-file", "", "file of CASE:CHECK lines to allow, # comments")
	f.StringVar(&o.junit, "junit", "", "write a JUnit XML report here")
	f.StringVar(&o.json, "json", "", "write a JSON report here")
	f.BoolVar(&o.cfg.Strict, "strict", false, "coherence warnings fail the run")
	f.BoolVar(&o.cfg.Insecure, "insecure", false, "accept any TLS certificate (self-signed staging)")
	f.IntVar(&o.cfg.Generated, "generated", contract.DefaultGenerated, "how many generated requests to send")
	f.Uint64Var(&o.cfg.Seed, "seed", 1, "seed of the generated requests")
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
	o.cfg.Cases = o.cases
	if o.allowFile != "" {
		f, err := os.Open(o.allowFile)
		if err != nil {
			return usageError{fmt.Errorf("--allow-file: %w", err)}
		}
		more, err := contract.ReadAllowList(f)
		f.Close()
		if err != nil {
			return usageError{fmt.Errorf("--allow-file %s: %w", o.allowFile, err)}
		}
		o.cfg.Allow = append(o.cfg.Allow, more...)
	}
	o.cfg.Progress = cmd.ErrOrStderr()
	rep, err := contract.Run(cmd.Context(), o.cfg)
	switch {
	case errors.Is(err, contract.ErrUsage), errors.Is(err, contract.ErrUnreachable):
		return codedError{exitUsage, err}
	case err != nil:
		return err
	}
	if err := rep.WriteText(cmd.OutOrStdout()); err != nil {
		return err
	}
	for path, write := range map[string]func(*os.File) error{
		o.junit: func(f *os.File) error { return rep.WriteJUnit(f) },
		o.json:  func(f *os.File) error { return rep.WriteJSON(f) },
	} {
		if path == "" {
			continue
		}
		if err := writeFile(path, write); err != nil {
			return codedError{exitUsage, err}
		}
	}
	if !rep.OK() {
		return codedError{exitFailure, fmt.Errorf("the contract is broken: %s", rep.Summary())}
	}
	return nil
}

func writeFile(path string, write func(*os.File) error) error {
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
