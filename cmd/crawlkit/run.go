package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Exit codes shared by every subcommand.
const (
	exitOK       = 0
	exitFailure  = 1
	exitUsage    = 2
	envVarPrefix = "CRAWLKIT_"
)

// usageError marks an error in how crawlkit was called: exit code 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// codedError carries an exit code of its own, for commands whose codes mean
// something (contract: 1 a violation, 2 an unreachable server).
type codedError struct {
	code int
	err  error
}

func (e codedError) Error() string { return e.err.Error() }
func (e codedError) Unwrap() error { return e.err }

// exitCode prints err on one line to stderr and returns the process exit code.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "crawlkit: %s\n", oneLine(err.Error()))
	var coded codedError
	if errors.As(err, &coded) {
		return coded.code
	}
	var usage usageError
	if errors.As(err, &usage) {
		return exitUsage
	}
	return exitFailure
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// run is crawlkit's main, with its inputs and outputs passed in so that
// tests run it in-process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	return root.ExecuteContext(ctx)
}

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "crawlkit",
		Short: "Mock server and contract test kit for GET /crawl/info of the ScreenshotCenter API",
		Long: `crawlkit serves a validating mock of GET /crawl/info of the ScreenshotCenter API,
and checks any implementation of it against the same OpenAPI contract.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		},
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(
		newSpecCmd(),
		newVersionCmd(),
		newServeCmd(),
		newContractCmd(),
		newProxyCmd(),
		newGenCmd(),
		newFixturesCmd(),
		newPactCmd(),
		newHealthCmd(),
	)
	for _, c := range root.Commands() {
		if c.Args == nil {
			c.Args = noArgs
		}
	}
	return root
}

// noArgs rejects positional arguments, and names an unknown subcommand as one.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if cmd.HasSubCommands() {
		return usageError{fmt.Errorf("unknown command %q for %q; see 'crawlkit help'", args[0], cmd.CommandPath())}
	}
	return usageError{fmt.Errorf("%q takes no arguments, got %q", cmd.CommandPath(), args[0])}
}

// envAnnotation names a flag's environment variable where it is not
// CRAWLKIT_<FLAG>.
const envAnnotation = "crawlkit_env"

// bindEnv sets every flag of cmd the command line left unset from its
// CRAWLKIT_<NAME> environment variable (dashes become underscores), or the
// variable its envAnnotation names.
func bindEnv(cmd *cobra.Command) error {
	var errs []error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Changed || f.Name == "help" {
			return
		}
		name := envName(f.Name)
		if names := f.Annotations[envAnnotation]; len(names) > 0 {
			name = names[0]
		}
		value, ok := os.LookupEnv(name)
		if !ok {
			return
		}
		if sv, isSlice := f.Value.(pflag.SliceValue); isSlice {
			if err := sv.Replace(splitList(value)); err != nil {
				errs = append(errs, usageError{fmt.Errorf("%s: %w", name, err)})
			}
			return
		}
		if err := f.Value.Set(value); err != nil {
			errs = append(errs, usageError{fmt.Errorf("%s=%q: %w", name, value, err)})
		}
	})
	return errors.Join(errs...)
}

func envName(flag string) string {
	return envVarPrefix + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
