package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/crawlkit/crawlkit/internal/spec"
)

// Set by the release build (-ldflags -X main.version=... -X main.commit=...);
// empty in any other build.
var (
	version string
	commit  string
)

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print crawlkit's version and the version of the contract it embeds",
		RunE: func(cmd *cobra.Command, _ []string) error {
			doc, err := spec.Load(cmd.Context())
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "crawlkit %s (spec %s, %s)\n", buildVersion(), doc.Info.Version, runtime.Version())
			return err
		},
	}
}

// buildVersion is the version and commit a release build was stamped
// with, or else the version go install recorded, or "devel" for a build
// from a work tree.
func buildVersion() string {
	if version != "" {
		if commit != "" {
			return version + ", commit " + commit
		}
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok || info.Main.Version == "" || info.Main.Version == "(devel)" {
		return "devel"
	}
	return info.Main.Version
}
