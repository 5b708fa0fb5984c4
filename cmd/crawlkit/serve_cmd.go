package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/spf13/cobra"

	"github.com/crawlkit/crawlkit"
	"github.com/crawlkit/crawlkit/internal/scenario"
	"github.com/crawlkit/crawlkit/internal/textsafe"
	"github.com/crawlkit/crawlkit/mockserver"
)

type serveOptions struct {
	addr      string
	seed      uint64
	now       nowFlag
	fixtures  string
	scenarios string
	catalog   bool
	watch     bool
	latency   string
	maxHang   time.Duration
	adminTok  string
	hosts     []string
	apiKeys   []string
	jwtSecret string
	cors      bool
	strict    bool
	logFormat string
	spec      specSource
	pactOut   string
	pactCons  string
	pactProv  string
}

func newServeCmd() *cobra.Command {
	var o serveOptions
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the validating mock of GET /crawl/info",
		Long: `Serve the validating mock of GET /crawl/info at /crawl/info and /api/v1/crawl/info.

Every flag can also be set by an environment variable CRAWLKIT_<FLAG>, dashes as
underscores (CRAWLKIT_ADDR, CRAWLKIT_API_KEY=k1,k2, ...); a flag on the command line wins.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := bindEnv(cmd); err != nil {
				return err
			}
			return serve(cmd, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.addr, "addr", mockserver.DefaultAddr, "address to listen on (host:0 picks a free port)")
	f.Uint64Var(&o.seed, "seed", 1, "seed of the generated crawls")
	f.Var(&o.now, "now", "the instant generated crawls are timed relative to, RFC 3339 (default: the start of the current UTC day, the same bytes all day across restarts)")
	f.StringVar(&o.fixtures, "fixtures", "", "folder of fixture crawls (default: the shipped fixtures)")
	f.StringVar(&o.scenarios, "scenarios", "", "scenarios file (default: scenarios.yaml of the fixtures folder)")
	f.BoolVar(&o.catalog, "catalog", true, "add the shipped catalog of magic ids after your own scenarios")
	f.BoolVar(&o.watch, "watch", true, "reload fixtures and scenarios from disk when they change")
	f.StringVar(&o.latency, "latency", "", "delay every answer: 200ms, or a range such as 100ms-800ms")
	f.DurationVar(&o.maxHang, "max-hang", mockserver.DefaultMaxHang, "the hang fault closes the connection after this long")
	f.StringVar(&o.adminTok, "admin-token", "", "require this token on the admin API, and open it beyond loopback")
	f.StringArrayVar(&o.hosts, "allowed-host", nil, "a Host name the admin API and console answer besides loopback names and the address served (repeatable; .example.test allows subdomains)")
	f.StringArrayVar(&o.apiKeys, "api-key", nil, "accept only this API key (repeatable, or CRAWLKIT_API_KEY=k1,k2; default: any key not starting with \"invalid\")")
	f.StringVar(&o.jwtSecret, "jwt-secret", "", "check bearer tokens' HS256 signature with this secret")
	f.BoolVar(&o.cors, "cors", true, "answer browsers' CORS preflight requests")
	f.BoolVar(&o.strict, "strict", false, "answer 500 INTERNAL_ERROR instead of a response that breaks the contract")
	f.StringVar(&o.logFormat, "log-format", "text", "request log format: text or json")
	o.spec.add(f)
	f.StringVar(&o.pactOut, "pact-out", "", "record the session as a Pact file written here at shutdown (SIGTERM, SIGINT) and on POST /__crawlkit/pact")
	f.StringVar(&o.pactCons, "pact-consumer", mockserver.DefaultPactConsumer, "the consumer named in the --pact-out file")
	f.StringVar(&o.pactProv, "pact-provider", mockserver.DefaultPactProvider, "the provider named in the --pact-out file")
	return cmd
}

// gcPercent tunes the collector for a mock whose live heap is bounded:
// collect less often, within mockserver.MemoryLimit, derived from the
// caches' budgets. GOGC and GOMEMLIMIT in the environment take precedence.
const gcPercent = 400

func tuneGC(memoryLimit int64) {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(gcPercent)
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(memoryLimit)
	}
}

func serve(cmd *cobra.Command, o serveOptions) (err error) {
	logs := newFlushingWriter(cmd.ErrOrStderr())
	defer func() { err = errors.Join(err, logs.Close()) }()
	logger, err := newLogger(logs, o.logFormat)
	if err != nil {
		return err
	}
	fixtures := crawlkit.Fixtures()
	if o.fixtures != "" {
		if fixtures, err = fixtureDir(o.fixtures); err != nil {
			return err
		}
	}
	latency, err := parseLatency(o.latency)
	if err != nil {
		return err
	}
	if o.maxHang <= 0 {
		return usageError{fmt.Errorf("--max-hang %s: must be more than 0", o.maxHang)}
	}
	if o.pactOut != "" {
		if _, err := os.Stat(filepath.Dir(o.pactOut)); err != nil {
			return usageError{fmt.Errorf("--pact-out: %w", err)}
		}
	}
	if o.scenarios != "" {
		if _, err := os.Stat(o.scenarios); err != nil {
			return usageError{fmt.Errorf("--scenarios: %w", err)}
		}
	}
	ctx := cmd.Context()
	specData, specName, _, err := o.spec.load(ctx)
	if err != nil {
		return err
	}
	cfg := mockserver.Config{
		Spec:          specData,
		SpecName:      specName,
		Seed:          o.seed,
		Now:           o.now.t,
		Fixtures:      fixtures,
		FixturesDir:   o.fixtures,
		ScenariosFile: o.scenarios,
		Catalog:       o.catalog,
		Watch:         o.watch && (o.fixtures != "" || o.scenarios != ""),
		Latency:       latency,
		MaxHang:       o.maxHang,
		APIKeys:       o.apiKeys,
		JWTSecret:     o.jwtSecret,
		AdminToken:    o.adminTok,
		AllowedHosts:  o.hosts,
		CORS:          o.cors,
		Strict:        o.strict,
		Logger:        logger,
		PactOut:       o.pactOut,
		PactConsumer:  o.pactCons,
		PactProvider:  o.pactProv,
	}
	tuneGC(mockserver.MemoryLimit(cfg))
	srv, err := mockserver.New(ctx, cfg)
	if err != nil {
		return err
	}
	ln, err := listen(ctx, o.addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "listening on http://%s%s\nconsole at %s\n", ln.Addr(), adminNote(ln.Addr(), o.adminTok), consoleURL(ln.Addr()))
	return srv.Serve(ctx, ln)
}

// adminNote tells, on the start-up line, that the admin API and console
// answer only loopback callers while the mock listens beyond loopback
// without a token: inside a container, say, nobody could reach them.
func adminNote(addr net.Addr, token string) string {
	tcp, ok := addr.(*net.TCPAddr)
	if token != "" || !ok || tcp.IP.IsLoopback() {
		return ""
	}
	return " (the admin API and console at /__crawlkit/ answer loopback callers only: set --admin-token or CRAWLKIT_ADMIN_TOKEN to reach them from elsewhere)"
}

// parseLatency reads --latency: a duration with its unit, or a range of
// them. A bare number is refused, as everywhere a duration is read: 5
// could be seconds or milliseconds.
func parseLatency(s string) (mockserver.Delay, error) {
	if s == "" {
		return mockserver.Delay{}, nil
	}
	d, err := scenario.ParseDelay(s)
	if err != nil {
		return mockserver.Delay{}, usageError{fmt.Errorf("--latency: %w", err)}
	}
	return mockserver.Delay{Min: d.Min, Max: d.Max}, nil
}

func fixtureDir(dir string) (fs.FS, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, usageError{fmt.Errorf("--fixtures: %w", err)}
	}
	if !info.IsDir() {
		return nil, usageError{fmt.Errorf("--fixtures: %s is not a folder", dir)}
	}
	return os.DirFS(dir), nil
}

func newLogger(w io.Writer, format string) (*slog.Logger, error) {
	switch format {
	case "text":
		// What clients and upstreams sent reaches the terminal escaped.
		return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{ReplaceAttr: textsafe.ReplaceAttr})), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	default:
		return nil, usageError{fmt.Errorf("--log-format %q: must be text or json", format)}
	}
}
