// Package mockserver is crawlkit's validating mock of GET /crawl/info of the
// ScreenshotCenter API, the server behind `crawlkit serve`.
//
// A Server is an http.Handler: mount it on an httptest.Server in a Go test,
// or run it with Serve. It checks credentials, then parameters, as the
// contract says; answers with a fixture crawl, a deterministic generated
// crawl, or what a scenario rule or the request's Prefer header asks for
// (any documented error, a named example, a crawl still running, a delay, a
// fault); and validates every response it sends against the contract,
// reporting a violation in the X-Crawlkit-Violations header (a 500 with
// Config.Strict).
//
// Under /__crawlkit/ it serves an admin API for test automation: the
// catalog of magic ids, the request journal, runtime scenarios and resets;
// loopback callers only, unless Config.AdminToken is set.
package mockserver

import (
	"fmt"
	"io/fs"
	"log/slog"
	"time"

	"github.com/crawlkit/crawlkit/internal/exchange"
	"github.com/crawlkit/crawlkit/internal/httpserver"
	"github.com/crawlkit/crawlkit/internal/scenario"
)

// DefaultAddr is where crawlkit serve listens by default, the port Prism users know.
const DefaultAddr = "127.0.0.1:4010"

// Headers crawlkit adds to its answers.
const (
	// ViolationsHeader, X-Crawlkit-Violations, reports how a response
	// breaks the contract.
	ViolationsHeader = exchange.ViolationsHeader
	// AnsweredByHeader, X-Crawlkit-Answered-By, names what decided the
	// answer: "fixture", "generated", "scenario <name>" or "override".
	AnsweredByHeader = exchange.AnsweredByHeader
	// FaultHeader, X-Crawlkit-Fault, names the fault a deliberately broken
	// answer plays.
	FaultHeader = exchange.FaultHeader
	// OffContractHeader, X-Crawlkit-Off-Contract, marks an answer off the
	// contract on purpose (a 429, say), sent unvalidated.
	OffContractHeader = exchange.OffContractHeader
	// AdminTokenHeader, X-Crawlkit-Admin-Token, carries the admin token;
	// Authorization: Bearer works too.
	AdminTokenHeader = httpserver.AdminTokenHeader
)

// Config sets up a mock server. The zero value serves seed 0 with any key
// but those starting with "invalid", no fixtures and no scenarios.
type Config struct {
	// Spec is the OpenAPI document (YAML or JSON, 3.0 or 3.1) the mock
	// serves and validates against; nil is the embedded openapi.yaml.
	// Crawls are generated to its schemas, and its documented statuses
	// are on the contract.
	Spec []byte
	// SpecName names Spec in errors, as its file's path.
	SpecName string
	// Seed seeds the generated crawls: the same seed, Now and id give the
	// same body.
	Seed uint64
	// Now is the instant generated crawls are timed relative to: a crawl
	// still running started minutes before it, one that ended did so
	// before it. The zero value is the start of the current UTC day when
	// New is called (generate.DayStart), so that servers started the same
	// day answer the same bytes; set it to pin another instant.
	Now time.Time
	// Fixtures holds the fixture crawls (*.json at its top) and, optionally,
	// a scenarios.yaml; nil serves none.
	Fixtures fs.FS
	// FixturesDir is the folder on disk Fixtures reads, if any: named in
	// errors, and watched when Watch is set.
	FixturesDir string
	// ScenariosFile is a scenarios file on disk, read instead of the
	// fixtures' scenarios.yaml.
	ScenariosFile string
	// Catalog adds the shipped catalog of magic ids after the user's rules.
	Catalog bool
	// Watch reloads fixtures and scenarios when their files change.
	Watch bool
	// Latency delays every answer no rule or request delays otherwise.
	Latency Delay
	// APIKeys, when not empty, are the only keys accepted.
	APIKeys []string
	// JWTSecret, when set, is the HS256 key bearer tokens must be signed with.
	JWTSecret string
	// AdminToken, when set, is required by the admin API, from anywhere;
	// when empty, the admin API answers loopback callers only.
	AdminToken string
	// AllowedHosts are Host names the admin API and the console answer
	// besides loopback names and the address served (a leading dot allows
	// subdomains too): a guard against DNS rebinding.
	AllowedHosts []string
	// CORS answers browsers' preflight requests to /crawl/info and exposes
	// crawlkit's headers; never on the admin API.
	CORS bool
	// Strict turns a response that breaks the contract into a 500 INTERNAL_ERROR.
	Strict bool
	// Logger receives one line a request; nil discards them.
	Logger *slog.Logger
	// CacheEntries bounds the bodies kept ready to serve; CacheBytes the
	// bytes of the small ones, LargeCacheBytes of those of 1 MiB or more.
	CacheEntries    int
	CacheBytes      int64
	LargeCacheBytes int64
	// JournalEntries bounds the request journal (0 is 1,000 entries). Each
	// entry keeps its answer's headers (at most 8 KiB) and the first
	// MaxJournalBody (16 KiB) of its body: the journal holds at most
	// JournalEntries × 24 KiB of answers, 24 MiB at the default.
	JournalEntries int
	// ProgressionEntries bounds the progressing crawls whose polls are counted.
	ProgressionEntries int
	// MaxHang bounds the hang fault: the connection closes then, so that a
	// forgotten tab holds none for ever. 0 is DefaultMaxHang.
	MaxHang time.Duration
	// ShutdownGrace is how long Serve waits for requests in flight when its
	// context ends.
	ShutdownGrace time.Duration
	// ReadHeaderTimeout and WriteTimeout cut off slow clients; 0 keeps the
	// defaults (httpserver.ReadHeaderTimeout, WriteTimeout).
	ReadHeaderTimeout time.Duration
	WriteTimeout      time.Duration
	// PactOut, when set, records the session as a Pact file written there
	// when Serve stops and on POST /__crawlkit/pact (see WritePact);
	// PactConsumer and PactProvider name its participants
	// (DefaultPactConsumer, DefaultPactProvider when empty).
	PactOut      string
	PactConsumer string
	PactProvider string
}

// Delay is a fixed delay (Min equal to Max), or a range a delay is drawn
// from for each answer. The zero value is no delay.
type Delay struct{ Min, Max time.Duration }

// MaxDelay, 60 seconds, bounds every delay: Config.Latency, a rule's or a
// request's.
const MaxDelay = scenario.MaxDelay

func (d Delay) check() error {
	if d.Min < 0 || d.Max < d.Min || d.Max > MaxDelay {
		return fmt.Errorf("latency %s-%s: from 0 to %s, the range in order", d.Min, d.Max, MaxDelay)
	}
	return nil
}

// DefaultMaxHang bounds the hang fault when Config leaves MaxHang 0.
const DefaultMaxHang = 5 * time.Minute

// DefaultCacheEntries bounds the bodies kept ready when Config leaves it 0.
const DefaultCacheEntries = 4096

// WriteTimeout, MaxDelay and 10 seconds, is the default bound on writing
// one answer: it leaves room for the longest delay.
const WriteTimeout = scenario.MaxDelay + 10*time.Second
