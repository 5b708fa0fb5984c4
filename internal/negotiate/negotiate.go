// Package negotiate decides how the mock answers a request that passed its
// credential and parameter checks: the fixture or a generated crawl by
// default, then the first matching scenario rule, then the request's own
// overrides (Prefer or __ query parameters). It decides only; rendering
// and sending the answer are the mock's.
package negotiate

import (
	"github.com/crawlkit/crawlkit/internal/crawl"
	"github.com/crawlkit/crawlkit/internal/fixtureset"
	"github.com/crawlkit/crawlkit/internal/generate"
	"github.com/crawlkit/crawlkit/internal/ruleset"
	"github.com/crawlkit/crawlkit/internal/scenario"
	"github.com/crawlkit/crawlkit/internal/spec"
)

// Kind is what a plan's body is.
type Kind string

// The kinds of answer.
const (
	Fixture     Kind = "fixture"
	Generated   Kind = "generated"
	Example     Kind = "example"
	Progression Kind = "progression"
	// Custom is a status with a body of its own, or the off-contract
	// envelope of the status.
	Custom Kind = "custom"
)

// ByOverride is Plan.By when the request's overrides decided.
const ByOverride = "override"

// Plan is the negotiator's decision: which response, from where, how late,
// and whether broken. The mock carries it out.
type Plan struct {
	// By names what decided: "fixture", "generated", "scenario <name>", "override".
	By string
	// Rule is the matching scenario's name, "" when none matched.
	Rule    string
	Kind    Kind
	Fixture *fixtureset.Fixture
	// Example is the contract's named example to answer with.
	Example string
	// Seed and Opts shape a generated crawl or a progression.
	Seed        uint64
	Opts        generate.Options
	Progression *scenario.Progression
	Delay       scenario.Delay
	// Fault is the fault to play instead of an answer, "" for none.
	Fault string
	// Status and Body are a Custom answer's; Body nil is the envelope of
	// the status. OffContract answers are sent unvalidated and marked.
	Status      int
	Body        any
	OffContract bool
	// Headers are added to the answer.
	Headers map[string]string
}

// Negotiator decides answers for one configuration of the mock.
type Negotiator struct {
	// Seed seeds generated crawls no rule or override reseeds.
	Seed uint64
	// Latency delays every answer no rule or override delays otherwise.
	Latency scenario.Delay
	// Examples are the contract's named examples.
	Examples *spec.ExampleSet
}

// Decide returns the plan for req, answered from set, with the request's
// overrides o.
func (n *Negotiator) Decide(set *ruleset.Set, req *scenario.Request, o *Overrides) Plan {
	def := Plan{By: string(Generated), Kind: Generated, Seed: n.Seed, Delay: n.Latency}
	if fx, ok := set.Fixtures.Get(req.ID); ok {
		def.By, def.Kind, def.Fixture = string(Fixture), Fixture, fx
	}
	p := def
	if rule := set.Match(req); rule != nil {
		p.By, p.Rule = "scenario "+rule.Name, rule.Name
		n.applyRule(set, &p, &rule.Respond)
	}
	if o != nil && !o.Empty() {
		n.applyOverrides(&p, def, o)
	}
	return p
}

func (n *Negotiator) applyRule(set *ruleset.Set, p *Plan, r *scenario.Respond) {
	switch {
	case r.Body == nil && r.OffContract && n.Examples.Default(r.Status) != "":
		// Off the contract for the embedded contract, documented by the
		// one in use: answered on the contract.
		p.Kind, p.Example = Example, n.Examples.Default(r.Status)
	case r.Body != nil || r.OffContract:
		p.Kind, p.Status, p.Body, p.OffContract, p.Fixture = Custom, r.Status, r.Body, r.OffContract, nil
	case r.Example != "":
		p.Kind, p.Example = Example, r.Example
	case r.Fixture != "":
		if fx, ok := set.Fixtures.ByFile(r.Fixture); ok {
			p.Kind, p.Fixture = Fixture, fx
		}
	case r.Crawl != nil:
		p.Kind = Generated
		if r.Crawl.Status != "" {
			p.Opts.Status = r.Crawl.Status
		}
		if r.Crawl.Screenshots != nil {
			p.Opts.Screenshots, p.Opts.SetScreenshots = *r.Crawl.Screenshots, true
		}
		if r.Crawl.Seed != nil {
			p.Seed = *r.Crawl.Seed
		}
	case r.Progression != nil:
		p.Kind, p.Progression = Progression, r.Progression
	case r.Status != 0 && r.Status != 200:
		p.Kind, p.Example = Example, n.Examples.Default(r.Status)
	}
	if !r.Delay.IsZero() {
		p.Delay = r.Delay
	}
	p.Fault = r.Fault
	p.Headers = r.Headers
}

func (n *Negotiator) applyOverrides(p *Plan, def Plan, o *Overrides) {
	p.By = ByOverride
	switch {
	case o.OffContract && n.Examples.Default(o.Code) != "":
		p.Kind, p.Example, p.Fault = Example, n.Examples.Default(o.Code), ""
	case o.OffContract:
		p.Kind, p.Status, p.Body, p.OffContract, p.Example, p.Fixture, p.Fault = Custom, o.Code, nil, true, "", nil, ""
	case o.Example != "":
		p.Kind, p.Example, p.Fault = Example, o.Example, ""
	case o.Code != 0 && o.Code != 200:
		p.Kind, p.Example, p.Fault = Example, n.Examples.Default(o.Code), ""
	case o.Code == 200 && (p.Kind == Example || p.Kind == Custom):
		p.Kind, p.Fixture, p.Example, p.Fault, p.OffContract = def.Kind, def.Fixture, "", "", false
	}
	if o.Seed != nil {
		p.Kind, p.Seed, p.Fixture, p.Fault = Generated, *o.Seed, nil, ""
	}
	if o.Status != "" {
		p.Kind, p.Fixture, p.Example, p.Progression, p.Fault = Generated, nil, "", nil, ""
		p.Opts.Status = o.Status
		if o.Status == crawl.StatusInQueue {
			p.Opts.Screenshots, p.Opts.SetScreenshots = 0, false
		}
	}
	if o.Dynamic != nil && p.Kind != Example {
		if *o.Dynamic {
			if p.Kind == Fixture {
				p.Kind, p.Fixture = Generated, nil
			}
		} else {
			p.Kind, p.Example, p.Fixture = Example, n.Examples.Default(200), nil
		}
		p.Fault = ""
	}
	if o.Delay != nil {
		p.Delay = *o.Delay
	}
	if o.Fault != "" {
		p.Fault = o.Fault
	}
	if p.Kind != Custom {
		p.Status, p.Body, p.OffContract = 0, nil, false
	}
}
