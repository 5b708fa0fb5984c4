package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/crawlkit/crawlkit"
	"github.com/crawlkit/crawlkit/internal/crawl"
	"github.com/crawlkit/crawlkit/internal/generate"
	"github.com/crawlkit/crawlkit/internal/negotiate"
	"github.com/crawlkit/crawlkit/internal/ruleset"
	"github.com/crawlkit/crawlkit/internal/scenario"
	"github.com/crawlkit/crawlkit/internal/shape"
)

type genOptions struct {
	id          int64
	seed        uint64
	now         nowFlag
	screenshots int
	status      string
	poll        int
	out         string
	spec        specSource
}

func newGenCmd() *cobra.Command {
	var o genOptions
	cmd := &cobra.Command{
		Use:   "gen",
		Short: "Print the crawl the mock serves for an id, to save as a fixture and edit",
		Long: `Print the crawl crawlkit serve answers for --id with the same --seed and --now: the
shipped fixture or catalog entry for that id (1002 is processing, 7001 progresses: --poll
picks the step), or else the generated crawl. --status and --screenshots reshape it and
keep its identity: its domain, pages, options and screenshot ids.

Generated crawls are timed relative to --now (default: the start of the current UTC
day, as crawlkit serve): a crawl still running started minutes before it.
GET /__crawlkit/catalog tells a running mock's now.`,
		Example: `  crawlkit gen --id 42 --out my-fixtures      # writes my-fixtures/crawl-42.json
  crawlkit gen --id 1002 > processing.json
  crawlkit gen --id 7 --seed 3 --screenshots 5 --status processing`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := bindEnv(cmd); err != nil {
				return err
			}
			if !cmd.Flags().Changed("id") {
				return usageError{errors.New("--id is required")}
			}
			return gen(cmd, &o)
		},
	}
	f := cmd.Flags()
	f.Int64Var(&o.id, "id", 0, "crawl id (required)")
	f.Uint64Var(&o.seed, "seed", 1, "seed, as crawlkit serve --seed")
	f.Var(&o.now, "now", "the instant crawls are timed relative to, RFC 3339 (default: the start of the current UTC day), as crawlkit serve --now")
	f.IntVar(&o.screenshots, "screenshots", 0, fmt.Sprintf("number of screenshots, 0 to %d (default: the id's)", generate.MaxScreenshots))
	f.StringVar(&o.status, "status", "", "crawl status: in_queue, processing, finished, error or cancelled (default: the id's)")
	f.IntVar(&o.poll, "poll", 0, "for a crawl that progresses, the poll to print, from 0")
	f.StringVar(&o.out, "out", "", "write DIR/crawl-<id>.json, creating DIR, instead of printing")
	o.spec.add(f)
	return cmd
}

func gen(cmd *cobra.Command, o *genOptions) error {
	flags := cmd.Flags()
	opts := generate.Options{Status: o.status}
	if flags.Changed("screenshots") {
		opts.Screenshots, opts.SetScreenshots = o.screenshots, true
	}
	if o.id < 1 {
		return usageError{fmt.Errorf("--id %d: crawl ids start at 1", o.id)}
	}
	if o.poll < 0 {
		return usageError{fmt.Errorf("--poll %d: polls count from 0", o.poll)}
	}
	if err := opts.CheckIn(nil); err != nil {
		return usageError{err}
	}
	now := o.now.or(generate.DayStart(time.Now()))
	body, err := genBody(cmd, o, opts, now)
	if err != nil {
		return err
	}
	if o.out == "" {
		_, err = cmd.OutOrStdout().Write(body)
		return err
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	path := filepath.Join(o.out, fmt.Sprintf("crawl-%d.json", o.id))
	if err := os.WriteFile(path, body, 0o644); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	_, err = fmt.Fprintf(cmd.OutOrStdout(), "wrote %s\n", path)
	return err
}

// genBody is the body crawlkit serve answers for the id with the shipped
// fixtures and catalog, reshaped by opts.
func genBody(cmd *cobra.Command, o *genOptions, opts generate.Options, now time.Time) ([]byte, error) {
	data, _, v, err := o.spec.load(cmd.Context())
	if err != nil {
		return nil, err
	}
	contract := v.Contract()
	if err := opts.CheckIn(contract.CrawlStatuses); err != nil {
		return nil, usageError{err}
	}
	shaper := &shape.Shaper{}
	if data != nil {
		if shaper, err = shape.For(cmd.Context(), contract); err != nil {
			return nil, err
		}
	}
	set, err := ruleset.Load(cmd.Context(), ruleset.Sources{Fixtures: crawlkit.Fixtures(), Catalog: true, Adapt: data != nil}, v, nil)
	if err != nil {
		return nil, err
	}
	n := &negotiate.Negotiator{Seed: o.seed, Examples: contract.Examples}
	p := n.Decide(set, &scenario.Request{ID: o.id}, nil)
	g := generate.NewFor(p.Seed, now, contract.CrawlStatuses)
	reshaped := opts.Status != "" || opts.SetScreenshots
	var c *crawl.Crawl
	switch {
	case p.Fault != "" && !reshaped:
		return nil, usageError{fmt.Errorf("crawl %d is answered by %s with the fault %q, not a crawl; --status or --screenshots generate one", o.id, p.By, p.Fault)}
	case p.Kind == negotiate.Example && !reshaped:
		status, body, env := v.Contract().Examples.Render(p.Example)
		switch {
		case env != nil:
			return nil, usageError{fmt.Errorf("crawl %d is answered by %s with %d %s, not a crawl; --status or --screenshots generate one", o.id, p.By, status, env.Code)}
		case status >= 300:
			return nil, usageError{fmt.Errorf("crawl %d is answered by %s with %d, not a crawl; --status or --screenshots generate one", o.id, p.By, status)}
		}
		return indent(body)
	case p.Kind == negotiate.Fixture && !reshaped:
		return p.Fixture.Body, nil
	case p.Kind == negotiate.Progression && !reshaped:
		c, err = g.Progress(o.id, p.Progression.Statuses, p.Progression.Size(), o.poll)
	default:
		c, err = g.Crawl(o.id, reshape(p, opts))
	}
	if err != nil {
		return nil, usageError{err}
	}
	out, err := json.MarshalIndent(shaper.Body(c, p.Seed), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode crawl: %w", err)
	}
	return append(out, '\n'), nil
}

// reshape is the shape of the crawl a plan generates (a rule's, or the
// seed's), with what the flags ask for instead.
func reshape(p negotiate.Plan, flags generate.Options) generate.Options {
	var shape generate.Options
	if p.Kind == negotiate.Generated {
		shape = p.Opts
	}
	if flags.Status != "" {
		shape.Status = flags.Status
		if flags.Status == crawl.StatusInQueue {
			shape.Screenshots, shape.SetScreenshots = 0, false
		}
	}
	if flags.SetScreenshots {
		shape.Screenshots, shape.SetScreenshots = flags.Screenshots, true
	}
	return shape
}

// indent pretty-prints a JSON body for a file a person edits.
func indent(body []byte) ([]byte, error) {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, err
	}
	out, err := json.MarshalIndent(v, "", "  ")
	return append(out, '\n'), err
}

// nowFlag is an RFC 3339 instant given on the command line, or unset.
type nowFlag struct{ t time.Time }

func (n *nowFlag) String() string {
	if n.t.IsZero() {
		return ""
	}
	return n.t.Format(time.RFC3339)
}

func (n *nowFlag) Set(s string) error {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return fmt.Errorf("not an RFC 3339 instant such as 2026-12-01T09:00:00Z")
	}
	n.t = t
	return nil
}

func (n *nowFlag) Type() string { return "time" }

// or returns the instant given, or def when none was.
func (n *nowFlag) or(def time.Time) time.Time {
	if n.t.IsZero() {
		return def
	}
	return n.t
}
