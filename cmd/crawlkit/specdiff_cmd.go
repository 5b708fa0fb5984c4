package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/crawlkit/crawlkit/internal/specdiff"
)

func newSpecDiffCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "diff OLD NEW",
		Short: "List the changes from one OpenAPI document to another, and which break the API's clients",
		Long: `List every change from the OpenAPI document OLD to NEW, in words, with the operation
and the place in each document it is at, and whether it breaks clients of the API: a
client written against OLD that talks to a server of NEW. OLD and NEW are each a file
(YAML or JSON, OpenAPI 3.0 or 3.1) or the word "embedded", crawlkit's own openapi.yaml
(a file named embedded is ./embedded).

The changes are oasdiff's (github.com/oasdiff/oasdiff), every check at its default level.
Breaking means level ERR (it breaks clients: a response field removed, a response enum
value added, a new required parameter, a request enum value removed...) or WARN (it may,
and the document does not say enough to tell: a request parameter removed, a pattern
changed...), as oasdiff's own "breaking" command reports. INFO changes do not break
clients (a field or a status added to a response, a response enum value removed, an
optional parameter added...). Descriptions and examples are not compared.

Exit codes: 0 no change breaks clients, 1 a change breaks clients, 2 bad usage or a
document that cannot be compared (unreadable, not YAML or JSON, not OpenAPI 3, invalid).`,
		Example: `  crawlkit spec diff embedded my-openapi.yaml
  crawlkit spec diff old.yaml new.yaml --json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return usageError{fmt.Errorf("%q takes two documents, OLD and NEW (a file or embedded), got %d arguments", cmd.CommandPath(), len(args))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			res, err := specdiff.Compare(cmd.Context(), args[0], args[1])
			var loadErr *specdiff.LoadError
			switch {
			case errors.As(err, &loadErr):
				return codedError{exitUsage, err}
			case err != nil:
				return err
			}
			if asJSON {
				err = writeDiffJSON(cmd.OutOrStdout(), res)
			} else {
				err = writeDiffText(cmd.OutOrStdout(), cmd.ErrOrStderr(), res)
			}
			if err != nil {
				return err
			}
			if res.Counts.Breaking > 0 {
				return codedError{exitFailure, fmt.Errorf("%d of %d change(s) from %s to %s break clients of the API",
					res.Counts.Breaking, res.Counts.Total, res.Old, res.New)}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the changes, their counts and the documents' notes as one JSON object")
	return cmd
}

func writeDiffJSON(w io.Writer, res *specdiff.Result) error {
	out, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return fmt.Errorf("encode the changes as JSON: %w", err)
	}
	_, err = fmt.Fprintf(w, "%s\n", out)
	return err
}

// writeDiffText prints one line a change, then a summary line; the
// documents' notes go to stderr.
func writeDiffText(w, notes io.Writer, res *specdiff.Result) error {
	for _, n := range res.Notes {
		fmt.Fprintf(notes, "note: %s: %s [%s %s]\n", place(n.File, n.Line), n.Text, n.Level, n.ID)
	}
	for _, c := range res.Changes {
		verdict := "non-breaking"
		if c.Breaking {
			verdict = "breaking"
		}
		at := c.New
		if at == nil {
			at = c.Old
		}
		where := ""
		if at != nil {
			where = ", " + place(at.File, at.Line)
		}
		if _, err := fmt.Fprintf(w, "%-12s  %s  %s  [%s %s%s]\n", verdict, c.Subject(), c.Text, c.Level, c.ID, where); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintln(w, diffSummary(res))
	return err
}

func diffSummary(res *specdiff.Result) string {
	n := res.Counts
	switch {
	case res.Identical:
		return fmt.Sprintf("no changes from %s to %s", res.Old, res.New)
	case n.Total == 0:
		return fmt.Sprintf("no changes that concern clients from %s to %s: they differ only where no check looks (descriptions, examples, the version, extensions)", res.Old, res.New)
	}
	return fmt.Sprintf("%d change(s) from %s to %s: %d breaking (ERR %d, WARN %d), %d non-breaking (INFO %d)",
		n.Total, res.Old, res.New, n.Breaking, n.Err, n.Warn, n.NonBreaking, n.Info)
}

func place(file string, line int) string {
	if line > 0 {
		return fmt.Sprintf("%s:%d", file, line)
	}
	return file
}
