package ruleset

// Names of entries of the shipped catalog that other parts rely on: against
// a crawlkit mock, the contract kit takes from them a crawl that exists, one
// that does not, and one still running (from the progression's range of
// ids, one not polled yet).
const (
	CatalogFinished    = "finished"
	CatalogNotFound    = "not-found"
	CatalogProgression = "progress-finished"
)
