package contract

import "fmt"

// MemoryHeadroom is the memory a run needs beyond its bodies and their
// checks: the contract and its validator, the requests, the report.
const MemoryHeadroom = 24 << 20

// MemoryBound is what a run of cfg holds at most: Concurrency bodies of
// MaxBody, the checks of one large body at a time, within MaxBody (a body
// whose checks would take more is a finding), and MemoryHeadroom for the
// rest (small bodies are checked beside it, 8 MiB each at most). It suits
// runtime/debug.SetMemoryLimit, as crawlkit contract sets it.
func MemoryBound(cfg Config) int64 {
	r := &resolved{Config: cfg}
	r.Concurrency = or(min(max(r.Concurrency, 0), 64), DefaultConcurrency)
	r.MaxBody = or(max(r.MaxBody, 0), DefaultMaxBody)
	return int64(r.Concurrency)*r.MaxBody + r.checkBudget() + MemoryHeadroom
}

// checkBudget is the most the checks of one body may take, beyond the
// body itself: MaxBody (see MemoryBound). A body that would take more is a
// finding, not decoded at all.
func (r *resolved) checkBudget() int64 { return r.MaxBody }

// tooCostly is the finding for a body whose checks would take cost bytes,
// more than the run's budget, holding values JSON values: it names the
// limit, MaxBody, and the value that would check it.
func (r *resolved) tooCostly(cost, values int64) Finding {
	return Finding{Check: CheckJSON, Setting: SettingMaxBody,
		Message: fmt.Sprintf("the body holds %d JSON values, which would take about %d MB to decode and check, more than the %s (%d bytes) a body may take: not decoded, not checked further",
			values, (cost+500_000)/1_000_000, r.name(SettingMaxBody), r.checkBudget()),
		Hint: fmt.Sprintf("%s %d or more checks it, with that much memory per case", r.name(SettingMaxBody), cost)}
}
