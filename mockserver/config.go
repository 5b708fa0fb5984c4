// Package mockserver is crawlkit's validating mock of GET /crawl/info: it
// checks credentials and parameters as the contract says, answers with
// fixture, generated or scripted crawls, and validates every response it
// sends. Under /__crawlkit/ it serves an admin API for test automation.
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
	// ViolationsHeader reports how a response breaks the contract.
	ViolationsHeader = exchange.ViolationsHeader
	// AnsweredByHeader names what decided the answer: a fixture, the
	// generator, a scenario or an override.
	AnsweredByHeader = exchange.AnsweredByHeader
	// FaultHeader names the fault a deliberately broken answer plays.
	FaultHeader = exchange.FaultHeader
	// AdminTokenHeader carries the admin token; Authorization: Bearer works too.
	AdminTokenHeader = httpserver.AdminTokenHeader
)

// Config sets up a mock server. The zero value serves seed 0 with any key
// but those starting with "invalid", no fixtures and no scenarios.
type Config struct {
	// Seed seeds the generated crawls: the same seed and id give the same body.
	Seed uint64
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
	// CORS answers browsers' preflight requests and exposes crawlkit's headers.
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
	// JournalEntries bounds the request journal.
	JournalEntries int
	// ProgressionEntries bounds the progressing crawls whose polls are counted.
	ProgressionEntries int
	// ShutdownGrace is how long Serve waits for requests in flight when its
	// context ends.
	ShutdownGrace time.Duration
	// ReadHeaderTimeout and WriteTimeout cut off slow clients; 0 keeps the
	// defaults (httpserver.ReadHeaderTimeout, WriteTimeout).
	ReadHeaderTimeout time.Duration
	WriteTimeout      time.Duration
}

// Delay is a fixed delay (Min equal to Max), or a range a delay is drawn
// from for each answer. The zero value is no delay.
type Delay struct{ Min, Max time.Duration }

// MaxDelay bounds every delay: Config.Latency, a rule's or a request's.
const MaxDelay = scenario.MaxDelay

func (d Delay) check() error {
	if d.Min < 0 || d.Max < d.Min || d.Max > MaxDelay {
		return fmt.Errorf("latency %s-%s: from 0 to %s, the range in order", d.Min, d.Max, MaxDelay)
	}
	return nil
}

// DefaultCacheEntries bounds the bodies kept ready when Config leaves it 0.
const DefaultCacheEntries = 4096

// WriteTimeout leaves room for the longest delay a rule may ask for.
const WriteTimeout = scenario.MaxDelay + 10*time.Second
