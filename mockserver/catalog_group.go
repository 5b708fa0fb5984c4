package mockserver

import (
	"github.com/crawlkit/crawlkit/internal/ruleset"
	"github.com/crawlkit/crawlkit/internal/scenario"
	"github.com/crawlkit/crawlkit/internal/spec"
)

// The groups of catalog entries, by the kind of answer they give.
const (
	GroupAdded        = "Added at run time"
	GroupCrawls       = "Crawls"
	GroupProgressions = "Progressions"
	GroupSlow         = "Slow answers"
	GroupErrors       = "Errors"
	GroupOffContract  = "Errors off the contract"
	GroupFaults       = "Broken answers (faults)"
)

// catalogGroup says which group a rule's catalog entry belongs to: rules
// added at run time together, the others by what they answer, a fault
// before a delay before an error before a crawl.
func catalogGroup(r *scenario.Rule, contract *spec.Contract) string {
	resp := &r.Respond
	status := resp.Status
	if resp.Example != "" && status == 0 {
		status = contract.Examples.Status(resp.Example)
	}
	switch {
	case r.Source == ruleset.RuntimeSource:
		return GroupAdded
	case resp.Fault != "":
		return GroupFaults
	case resp.Progression != nil:
		return GroupProgressions
	case !resp.Delay.IsZero():
		return GroupSlow
	case offContract(resp, contract):
		return GroupOffContract
	case status >= 400:
		return GroupErrors
	default:
		return GroupCrawls
	}
}

// offContract reports whether a rule answers off the contract in use: one
// marked so, for a status the contract does not document (a status the
// contract documents is answered on it, off_contract or not).
func offContract(resp *scenario.Respond, contract *spec.Contract) bool {
	return resp.OffContract && (resp.Body != nil || !contract.Documented(resp.Status))
}
