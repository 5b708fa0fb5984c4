package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/crawlkit/crawlkit/internal/spec"
)

func newSpecCmd() *cobra.Command {
	var (
		asJSON  bool
		specSrc specSource
	)
	cmd := &cobra.Command{
		Use:   "spec",
		Short: "Print the OpenAPI contract in use (YAML, or JSON with --json)",
		Long: `Print the OpenAPI contract in use: the embedded openapi.yaml, or the one --spec
(or CRAWLKIT_SPEC) names, checked as every command checks it. YAML is printed as written;
--json prints the document as crawlkit reads it.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := bindEnv(cmd); err != nil {
				return err
			}
			data, _, v, err := specSrc.load(cmd.Context())
			if err != nil {
				return err
			}
			if !asJSON {
				if data == nil {
					data = spec.YAML()
				}
				_, err := cmd.OutOrStdout().Write(data)
				return err
			}
			out, err := json.MarshalIndent(v.Contract().Doc, "", "  ")
			if err != nil {
				return fmt.Errorf("encode the spec as JSON: %w", err)
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s\n", out)
			return err
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON instead of YAML")
	specSrc.add(cmd.Flags())
	cmd.AddCommand(newSpecDiffCmd())
	return cmd
}
