package mockserver_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/crawlkit/crawlkit/mockserver"
)

// TestMemoryLimitIsAboveTheCaches: the limit leaves the headroom above
// everything the caches may hold, and follows their budgets.
func TestMemoryLimitIsAboveTheCaches(t *testing.T) {
	tests := []struct {
		name   string
		cfg    mockserver.Config
		caches int64
	}{
		{"defaults", mockserver.Config{}, mockserver.DefaultCacheBytes + mockserver.DefaultLargeCacheBytes + 1000<<10},
		{"larger caches", mockserver.Config{CacheBytes: 64 << 20, LargeCacheBytes: 256 << 20}, 64<<20 + 256<<20 + 1000<<10},
		{"a longer journal", mockserver.Config{JournalEntries: 100_000}, mockserver.DefaultCacheBytes + mockserver.DefaultLargeCacheBytes + 100_000<<10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.caches+mockserver.MemoryHeadroom, mockserver.MemoryLimit(tt.cfg))
		})
	}
}
