package mockserver

import (
	"github.com/crawlkit/crawlkit/internal/fixtureset"
	"github.com/crawlkit/crawlkit/internal/generate"
	"github.com/crawlkit/crawlkit/internal/scenario"
)

// Answer kinds: what a plan's body is.
const (
	answerFixture     = "fixture"
	answerGenerated   = "generated"
	answerExample     = "example"
	answerProgression = "progression"
)

// plan is the negotiator's decision: which response, from where, how late,
// and whether broken. The responder carries it out.
type plan struct {
	// by names what decided: "fixture", "generated", "scenario <name>", "override".
	by string
	// rule is the matching scenario's name, "" when none matched.
	rule        string
	kind        string
	fixture     *fixtureset.Fixture
	example     string
	seed        uint64
	opts        generate.Options
	progression *scenario.Progression
	delay       scenario.Delay
	fault       string
}

// negotiate decides how to answer a request that passed credential and
// parameter checks: the fixture or a generated crawl by default, then the
// first matching rule, then the request's own overrides.
func (s *Server) negotiate(st *state, req *scenario.Request, o *Overrides) plan {
	def := plan{by: answerGenerated, kind: answerGenerated, seed: s.cfg.Seed, delay: s.cfg.Latency}
	if fx, ok := st.fixtures.Get(req.ID); ok {
		def.by, def.kind, def.fixture = answerFixture, answerFixture, fx
	}
	p := def
	if rule := st.match(req); rule != nil {
		p.by, p.rule = "scenario "+rule.Name, rule.Name
		s.applyRule(st, &p, &rule.Respond)
	}
	if !o.Empty() {
		s.applyOverrides(&p, def, o)
	}
	return p
}

func (s *Server) applyRule(st *state, p *plan, r *scenario.Respond) {
	switch {
	case r.Example != "":
		p.kind, p.example = answerExample, r.Example
	case r.Fixture != "":
		if fx, ok := st.fixtures.ByFile(r.Fixture); ok {
			p.kind, p.fixture = answerFixture, fx
		}
	case r.Crawl != nil:
		p.kind = answerGenerated
		if r.Crawl.Status != "" {
			p.opts.Status = r.Crawl.Status
		}
		if r.Crawl.Screenshots != nil {
			p.opts.Screenshots, p.opts.SetScreenshots = *r.Crawl.Screenshots, true
		}
		if r.Crawl.Seed != nil {
			p.seed = *r.Crawl.Seed
		}
	case r.Progression != nil:
		p.kind, p.progression = answerProgression, r.Progression
	case r.Status != 0 && r.Status != 200:
		p.kind, p.example = answerExample, s.examples.defaultFor(r.Status)
	}
	if !r.Delay.IsZero() {
		p.delay = r.Delay
	}
	p.fault = r.Fault
}

func (s *Server) applyOverrides(p *plan, def plan, o *Overrides) {
	p.by = "override"
	switch {
	case o.Example != "":
		p.kind, p.example, p.fault = answerExample, o.Example, ""
	case o.Code != 0 && o.Code != 200:
		p.kind, p.example, p.fault = answerExample, s.examples.defaultFor(o.Code), ""
	case o.Code == 200 && p.kind == answerExample:
		p.kind, p.fixture, p.fault = def.kind, def.fixture, ""
	}
	if o.Seed != nil {
		p.kind, p.seed, p.fixture, p.fault = answerGenerated, *o.Seed, nil, ""
	}
	if o.Dynamic != nil && p.kind != answerExample {
		if *o.Dynamic {
			if p.kind == answerFixture {
				p.kind, p.fixture = answerGenerated, nil
			}
		} else {
			p.kind, p.example, p.fixture = answerExample, s.examples.defaultFor(200), nil
		}
		p.fault = ""
	}
	if o.Delay != nil {
		p.delay = *o.Delay
	}
	if o.Fault != "" {
		p.fault = o.Fault
	}
}
