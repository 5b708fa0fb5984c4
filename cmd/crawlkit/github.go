package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/crawlkit/crawlkit/contract"
)

// githubOutput reports whether to write for GitHub Actions: as --github (or
// CRAWLKIT_GITHUB) says, else when the runner says it is one
// (GITHUB_ACTIONS=true).
func githubOutput(cmd *cobra.Command, flag bool) bool {
	if _, set := os.LookupEnv(envName("github")); set || cmd.Flags().Changed("github") {
		return flag
	}
	return os.Getenv("GITHUB_ACTIONS") == "true"
}

// writeGitHub writes a contract run for GitHub Actions: the annotations to
// w (the runner reads workflow commands from the step's output), and the
// markdown summary appended to the file $GITHUB_STEP_SUMMARY names, when it
// names one.
func writeGitHub(rep *contract.Report, w io.Writer, opts []contract.ReportOption) error {
	if err := rep.WriteGitHubAnnotations(w); err != nil {
		return err
	}
	path := os.Getenv("GITHUB_STEP_SUMMARY")
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("GITHUB_STEP_SUMMARY: %w", err)
	}
	if err := rep.WriteGitHubSummary(f, opts...); err != nil {
		f.Close()
		return fmt.Errorf("GITHUB_STEP_SUMMARY %s: %w", path, err)
	}
	return f.Close()
}
