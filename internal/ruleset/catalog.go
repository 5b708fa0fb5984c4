package ruleset

// Names of entries of the shipped catalog that other parts rely on: against
// a crawlkit mock, the contract kit takes from them a crawl that exists and
// one that does not.
const (
	CatalogFinished = "finished"
	CatalogNotFound = "not-found"
)
