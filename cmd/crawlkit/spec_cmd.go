package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/crawlkit/crawlkit/internal/spec"
)

func newSpecCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "spec",
		Short: "Print the embedded OpenAPI contract (YAML, or JSON with --json)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !asJSON {
				_, err := cmd.OutOrStdout().Write(spec.YAML())
				return err
			}
			doc, err := spec.Load(cmd.Context())
			if err != nil {
				return err
			}
			out, err := json.MarshalIndent(doc, "", "  ")
			if err != nil {
				return fmt.Errorf("encode the spec as JSON: %w", err)
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s\n", out)
			return err
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON instead of YAML")
	cmd.AddCommand(newSpecDiffCmd())
	return cmd
}
