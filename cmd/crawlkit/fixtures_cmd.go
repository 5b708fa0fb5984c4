package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/crawlkit/crawlkit/mockserver"
)

func newFixturesCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "fixtures",
		Short: "Work with fixture folders",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	check := &cobra.Command{
		Use:   "check DIR",
		Short: "Validate a folder's fixtures (*.json) and scenarios.yaml as crawlkit serve would",
		Long: `Validate a folder's fixture crawls (*.json) and scenarios.yaml exactly as crawlkit
serve does at start: each problem is printed on its own line, with the file, the
JSON pointer or line, and the reason, and the exit code is 1. For pre-commit hooks and CI.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError{fmt.Errorf("%q takes one folder, got %d arguments", cmd.CommandPath(), len(args))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			fsys, err := fixtureDir(dir)
			if err != nil {
				return err
			}
			srv, err := mockserver.New(cmd.Context(), mockserver.Config{Fixtures: fsys, FixturesDir: dir})
			if err != nil {
				var problems []string
				for _, line := range strings.Split(err.Error(), "\n") {
					for _, p := range splitProblems(line) {
						problems = append(problems, p)
						fmt.Fprintln(cmd.OutOrStdout(), p)
					}
				}
				return codedError{exitFailure, fmt.Errorf("%d problem(s) in %s", len(problems), dir)}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %d fixture(s) and %d scenario(s), all valid\n", dir, srv.Fixtures().Len(), len(srv.Scenarios()))
			return nil
		},
	}
	cmd.AddCommand(check)
	return cmd
}

// splitProblems splits a fixture's "file: a; file: b" into one line each.
func splitProblems(line string) []string {
	file, _, ok := strings.Cut(line, ": ")
	if !ok || !strings.HasSuffix(file, ".json") {
		return []string{line}
	}
	return strings.Split(line, "; ")
}
