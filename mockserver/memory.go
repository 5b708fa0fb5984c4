package mockserver

import "github.com/crawlkit/crawlkit/internal/journal"

// MemoryHeadroom is what a mock needs beyond its caches: the program, the
// contract and its validators, and the requests in flight. It is the limit
// under which a mock with nothing cached serves at full speed, so a limit
// of the caches' budgets plus it leaves the collector, once the caches are
// full, the room it had when they were empty.
const MemoryHeadroom = 36 << 20

// journalEntryBytes bounds what one journal entry holds: the entry, its
// request URL and ids.
const journalEntryBytes = 1 << 10

// MemoryLimit is the soft memory limit (runtime/debug.SetMemoryLimit) for
// a process serving cfg: what its caches may hold, the body caches'
// budgets and the journal's, plus MemoryHeadroom. A limit below what the
// caches hold would have the collector run without end once they fill.
func MemoryLimit(cfg Config) int64 {
	small, large := cfg.CacheBytes, cfg.LargeCacheBytes
	if small <= 0 {
		small = DefaultCacheBytes
	}
	if large <= 0 {
		large = DefaultLargeCacheBytes
	}
	entries := cfg.JournalEntries
	if entries <= 0 {
		entries = journal.DefaultEntries
	}
	return small + large + int64(entries)*journalEntryBytes + MemoryHeadroom
}
