package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/crawlkit/crawlkit/internal/fixtureset"
	"github.com/crawlkit/crawlkit/internal/ruleset"
)

func newFixturesCmd() *cobra.Command {
	var specSrc specSource
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
JSON pointer or line, and the reason, and the exit code is 1. For pre-commit hooks and CI.

Valid fixtures are checked further, as warnings that do not change the exit code: a file
named for another crawl id than its body's, and a crawl that breaks a coherence rule (a
finished crawl that did not process what it discovered, counters that do not add up...).`,
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
			if err := bindEnv(cmd); err != nil {
				return err
			}
			data, _, v, err := specSrc.load(cmd.Context())
			if err != nil {
				return err
			}
			set, err := ruleset.Load(cmd.Context(), ruleset.Sources{Fixtures: fsys, FixturesDir: dir}, v, nil)
			if err != nil {
				problems := problemLines(err)
				for _, p := range problems {
					fmt.Fprintln(cmd.OutOrStdout(), p)
				}
				if data != nil {
					fmt.Fprintf(cmd.OutOrStdout(), "how to fix: these fixtures were written for another contract than %s: add each missing field (a pointer says where), drop the ones it lacks, or make a fixture anew with crawlkit gen --spec %s --id ID --out %s\n", specSrc.path, specSrc.path, dir)
				}
				return codedError{exitFailure, fmt.Errorf("%d problem(s) in %s", len(problems), dir)}
			}
			warnings := 0
			for _, id := range set.Fixtures.IDs() {
				fx, _ := set.Fixtures.Get(id)
				for _, w := range fx.Warnings() {
					warnings++
					fmt.Fprintln(cmd.OutOrStdout(), "warning: "+w)
				}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %d fixture(s) and %d scenario(s), all valid", dir, set.Fixtures.Len(), len(set.Rules))
			if warnings > 0 {
				fmt.Fprintf(cmd.OutOrStdout(), ", %d warning(s): served as written, but not as the API would answer", warnings)
			}
			fmt.Fprintln(cmd.OutOrStdout())
			return nil
		},
	}
	specSrc.add(check.Flags())
	cmd.AddCommand(check)
	return cmd
}

// problemLines walks the joined errors of a load into one line a problem:
// each violation of a fixture file, each rule of a scenarios file.
func problemLines(err error) []string {
	switch e := err.(type) {
	case *fixtureset.FileError:
		lines := make([]string, len(e.Violations))
		for i, v := range e.Violations {
			lines[i] = e.File + ": " + v.String()
		}
		return lines
	case interface{ Unwrap() []error }:
		var lines []string
		for _, inner := range e.Unwrap() {
			lines = append(lines, problemLines(inner)...)
		}
		return lines
	default:
		return []string{oneLine(err.Error())}
	}
}
