package mockserver

import "github.com/crawlkit/crawlkit/internal/spec"

// CatalogExample is a named example of the contract, which a rule answers
// with `example: NAME`.
type CatalogExample struct {
	Name   string `json:"name"`
	Status int    `json:"status"`
}

func catalogExamples(contract *spec.Contract) []CatalogExample {
	out := []CatalogExample{}
	for _, name := range contract.Examples.Names() {
		out = append(out, CatalogExample{Name: name, Status: contract.Examples.Status(name)})
	}
	return out
}
