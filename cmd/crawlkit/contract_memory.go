package main

import (
	"os"
	"runtime/debug"

	"github.com/crawlkit/crawlkit/contract"
)

// limitMemory sets the soft memory limit for a contract run of cfg to what
// the run holds at most (contract.MemoryBound), so that the collector frees
// what checking a body leaves behind before the heap grows past it; GOMEMLIMIT
// in the environment takes precedence. The returned function puts the
// previous limit back.
func limitMemory(cfg contract.Config) func() {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		return func() {}
	}
	previous := debug.SetMemoryLimit(contract.MemoryBound(cfg))
	return func() { debug.SetMemoryLimit(previous) }
}
