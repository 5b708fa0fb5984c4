package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/crawlkit/crawlkit/internal/proxy"
	"github.com/crawlkit/crawlkit/mockserver"
)

func newProxyCmd() *cobra.Command {
	var (
		cfg       proxy.Config
		addr      string
		logFormat string
		maxBody   string
		specSrc   specSource
	)
	cmd := &cobra.Command{
		Use:   "proxy",
		Short: "Serve a validating proxy in front of a real implementation",
		Long: `Serve a validating proxy in front of a real implementation of GET /crawl/info.
Every answer passes through unchanged; every request and response is checked against
the contract, and violations go to the log, to an X-Crawlkit-Violations header and to
the journal (GET /__crawlkit/requests). --strict answers 502 BAD_GATEWAY instead of a
response that breaks the contract. --record DIR saves each crawl answered as a
fixture that crawlkit serve --fixtures DIR replays.`,
		Example: `  crawlkit proxy --upstream https://staging.example.com/api/v1 --record incidents/`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := bindEnv(cmd); err != nil {
				return err
			}
			if cfg.Upstream == "" {
				return usageError{errors.New("--upstream is required")}
			}
			logs := newFlushingWriter(cmd.ErrOrStderr())
			defer logs.Close()
			logger, err := newLogger(logs, logFormat)
			if err != nil {
				return err
			}
			if cfg.MaxBody, err = parseSize(maxBody); err != nil {
				return usageError{fmt.Errorf("--max-body: %w", err)}
			}
			cfg.Logger = logger
			if cfg.Spec, cfg.SpecName, _, err = specSrc.load(cmd.Context()); err != nil {
				return err
			}
			p, err := proxy.New(cmd.Context(), cfg)
			if err != nil {
				return usageError{err}
			}
			ln, err := listen(cmd.Context(), addr)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "listening on http://%s\n", ln.Addr())
			return p.Serve(cmd.Context(), ln)
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.Upstream, "upstream", "", "the implementation's API base, e.g. https://staging.example.com/api/v1 (required)")
	f.StringVar(&addr, "addr", mockserver.DefaultAddr, "address to listen on (host:0 picks a free port)")
	f.BoolVar(&cfg.Strict, "strict", false, "answer 502 BAD_GATEWAY instead of a response that breaks the contract")
	f.StringVar(&cfg.RecordDir, "record", "", "save each crawl answered as a fixture in this folder")
	f.StringVar(&cfg.AdminToken, "admin-token", "", "require this token on the journal, and open it beyond loopback")
	f.StringArrayVar(&cfg.AllowedHosts, "allowed-host", nil, "a Host name the journal answers besides loopback names and the address served (repeatable; .example.test allows subdomains)")
	f.StringVar(&maxBody, "max-body", "32MiB", "largest response body validated; larger ones pass through unvalidated")
	f.StringVar(&logFormat, "log-format", "text", "log format: text or json")
	specSrc.add(f)
	return cmd
}
