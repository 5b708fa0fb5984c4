package contract

import "fmt"

// MemoryHeadroom is the memory a run needs beyond its bodies and their
// checks: the contract and its validator, the requests, the report.
const MemoryHeadroom = 24 << 20

// MemoryBound is what a run of cfg holds at most: Concurrency bodies of
// MaxBody, the checks of one large body at a time, within MaxBody or 8 MiB
// if that is more (a body
// whose checks would take more is a finding), and MemoryHeadroom for the
// rest (small bodies are checked beside it, 8 MiB each at most). It suits
// runtime/debug.SetMemoryLimit, as crawlkit contract sets it.
func MemoryBound(cfg Config) int64 {
	r := &resolved{Config: cfg}
	r.Concurrency = or(min(max(r.Concurrency, 0), 64), DefaultConcurrency)
	r.MaxBody = or(max(r.MaxBody, 0), DefaultMaxBody)
	return int64(r.Concurrency)*r.MaxBody + r.checkBudget() + MemoryHeadroom
}

// minCheckBudget keeps ordinary bodies checked under a small MaxBody: a
// crawl of a few hundred KB takes a few MB to check.
const minCheckBudget = 8 << 20

// checkBudget is the most the checks of one body may take, beyond the
// body itself: MaxBody, and at least minCheckBudget (see MemoryBound). A
// body that would take more is a finding, not decoded at all.
func (r *resolved) checkBudget() int64 { return max(r.MaxBody, minCheckBudget) }

// tooCostly is the finding for a body whose checks would take cost bytes,
// more than the run's budget, holding values JSON values: it names the
// limit, MaxBody, and the value that would check it.
func (r *resolved) tooCostly(cost, values int64) Finding {
	return Finding{Check: CheckJSON, Setting: SettingMaxBody,
		Message: fmt.Sprintf("the body holds %d JSON values, which would take about %d MB to decode and check, more than the %d bytes a body may take (%s, at least 8 MiB): not decoded, not checked further",
			values, (cost+500_000)/1_000_000, r.checkBudget(), r.name(SettingMaxBody)),
		Hint: fmt.Sprintf("%s %d or more checks it, with that much memory per case", r.name(SettingMaxBody), cost)}
}
