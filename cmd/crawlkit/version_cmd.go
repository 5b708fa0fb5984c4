package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/crawlkit/crawlkit/internal/spec"
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
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "crawlkit %s (spec %s, %s)\n", moduleVersion(), doc.Info.Version, runtime.Version())
			return err
		},
	}
}

// moduleVersion is the version go install recorded, or "devel" for a build
// from a work tree.
func moduleVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok || info.Main.Version == "" || info.Main.Version == "(devel)" {
		return "devel"
	}
	return info.Main.Version
}
