package main

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/crawlkit/crawlkit/internal/envelope"
	"github.com/crawlkit/crawlkit/internal/generate"
)

func newGenCmd() *cobra.Command {
	var (
		id          int64
		seed        uint64
		screenshots int
		status      string
	)
	cmd := &cobra.Command{
		Use:   "gen",
		Short: "Print the crawl the mock would generate, to save as a fixture and edit",
		Example: `  crawlkit gen --id 42 > fixtures/crawl-42.json
  crawlkit gen --id 7 --seed 3 --screenshots 5 --status processing`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := bindEnv(cmd); err != nil {
				return err
			}
			if !cmd.Flags().Changed("id") {
				return usageError{errors.New("--id is required")}
			}
			opts := generate.Options{Status: status}
			if cmd.Flags().Changed("screenshots") {
				opts.Screenshots, opts.SetScreenshots = screenshots, true
			}
			c, err := generate.New(seed).Crawl(id, opts)
			if err != nil {
				return usageError{err}
			}
			out, err := json.MarshalIndent(envelope.NewSuccess(c), "", "  ")
			if err != nil {
				return fmt.Errorf("encode crawl: %w", err)
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s\n", out)
			return err
		},
	}
	f := cmd.Flags()
	f.Int64Var(&id, "id", 0, "crawl id (required)")
	f.Uint64Var(&seed, "seed", 1, "seed, as crawlkit serve --seed")
	f.IntVar(&screenshots, "screenshots", 0, fmt.Sprintf("number of screenshots, 0 to %d (default: the seed's choice)", generate.MaxScreenshots))
	f.StringVar(&status, "status", "", "crawl status: in_queue, processing, finished, error or cancelled (default: the seed's choice)")
	return cmd
}
