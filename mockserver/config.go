// Package mockserver is crawlkit's validating mock of GET /crawl/info: it
// checks credentials and parameters as the contract says, answers with
// fixture or generated crawls, and validates every response it sends.
package mockserver

import (
	"io/fs"
	"log/slog"
	"time"
)

// DefaultAddr is where crawlkit serve listens by default, the port Prism users know.
const DefaultAddr = "127.0.0.1:4010"

// ViolationsHeader reports on a response how it breaks the contract.
const ViolationsHeader = "X-Crawlkit-Violations"

// Config sets up a mock server. The zero value, with Fixtures set, serves
// seed 0 with any key but those starting with "invalid".
type Config struct {
	// Seed seeds the generated crawls: the same seed and id give the same body.
	Seed uint64
	// Fixtures holds the fixture crawls (*.json at its top); nil serves none.
	Fixtures fs.FS
	// APIKeys, when not empty, are the only keys accepted.
	APIKeys []string
	// JWTSecret, when set, is the HS256 key bearer tokens must be signed with.
	JWTSecret string
	// CORS answers browsers' preflight requests and exposes crawlkit's headers.
	CORS bool
	// Strict turns a response that breaks the contract into a 500 INTERNAL_ERROR.
	Strict bool
	// Logger receives one line a request; nil discards them.
	Logger *slog.Logger
	// CacheEntries bounds the crawls kept ready to serve; 0 is DefaultCacheEntries.
	CacheEntries int
	// ShutdownGrace is how long Serve waits for requests in flight when its
	// context ends; 0 is DefaultShutdownGrace.
	ShutdownGrace time.Duration
}

// Defaults for Config's zero fields.
const (
	DefaultCacheEntries  = 1024
	DefaultShutdownGrace = 10 * time.Second
)

// Timeouts and limits of the HTTP server.
const (
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 10 * time.Second
	WriteTimeout      = 60 * time.Second
	IdleTimeout       = 120 * time.Second
	MaxHeaderBytes    = 64 << 10
)
