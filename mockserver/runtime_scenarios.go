package mockserver

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/crawlkit/crawlkit/internal/ruleset"
	"github.com/crawlkit/crawlkit/internal/scenario"
)

// ErrInvalidScenarios is wrapped by every *ScenarioError.
var ErrInvalidScenarios = scenario.ErrInvalid

// ErrNoScenario is returned by RemoveScenarios for a name no scenario
// added at run time has.
var ErrNoScenario = errors.New("no such scenario added at run time")

// ScenarioError is one problem of a scenarios text: the line of the field
// that is wrong, the rule it is in, and why. AddScenarios returns one a
// problem, joined.
type ScenarioError struct {
	Line   int
	Rule   string
	Reason string
}

func (e *ScenarioError) Error() string {
	s := "line " + strconv.Itoa(e.Line)
	if e.Rule != "" {
		s += ": scenario " + strconv.Quote(e.Rule)
	}
	return s + ": " + e.Reason
}

// Unwrap makes errors.Is(err, ErrInvalidScenarios) hold.
func (e *ScenarioError) Unwrap() error { return ErrInvalidScenarios }

// AddScenarios adds rules at run time, in the scenarios file's format
// (YAML or JSON: `scenarios:` and a list of rules), in front of every
// other rule; a rule named like one added before replaces it. A text with
// problems adds nothing and returns every problem, each a *ScenarioError
// (errors.Join). It returns the names of the rules added.
func (s *Server) AddScenarios(ctx context.Context, scenarios []byte) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rules, err := s.addScenarios(scenarios)
	if err != nil {
		return nil, publicScenarioErrors(err)
	}
	names := make([]string, len(rules))
	for i, r := range rules {
		names[i] = r.Name
	}
	return names, nil
}

// RemoveScenarios removes the rule added at run time named name, or, with
// "", every rule added at run time. A name no such rule has is
// ErrNoScenario.
func (s *Server) RemoveScenarios(name string) error {
	if !s.removeScenarios(name) {
		return fmt.Errorf("scenario %q: %w", name, ErrNoScenario)
	}
	return nil
}

// addScenarios parses data and puts its rules in front of the rules added
// before, replacing those of the same names.
func (s *Server) addScenarios(data []byte) ([]scenario.Rule, error) {
	s.rulesMu.Lock()
	defer s.rulesMu.Unlock()
	set := s.rules.Load()
	rules, err := scenario.Parse(ruleset.RuntimeSource, data, scenario.Env{
		Contract:   s.contract,
		HasFixture: func(file string) bool { _, ok := set.Fixtures.ByFile(file); return ok },
	})
	if err == nil && len(rules) == 0 {
		err = &scenario.Error{File: ruleset.RuntimeSource, Line: 1, Reason: "no rule under scenarios:"}
	}
	if err != nil {
		return nil, err
	}
	added := map[string]bool{}
	for i := range rules {
		rules[i].Line = 0
		added[rules[i].Name] = true
	}
	runtime := rules
	for _, old := range set.Runtime {
		if !added[old.Name] {
			runtime = append(runtime, old)
		}
	}
	s.rules.Store(set.WithRuntime(runtime))
	return rules, nil
}

// removeScenarios removes the runtime rule name, or all of them for "";
// false when no runtime rule has that name.
func (s *Server) removeScenarios(name string) bool {
	s.rulesMu.Lock()
	defer s.rulesMu.Unlock()
	set := s.rules.Load()
	var kept []scenario.Rule
	if name != "" {
		for _, rule := range set.Runtime {
			if rule.Name != name {
				kept = append(kept, rule)
			}
		}
		if len(kept) == len(set.Runtime) {
			return false
		}
	}
	s.rules.Store(set.WithRuntime(kept))
	return true
}

// publicScenarioErrors turns the *scenario.Error of err into
// *ScenarioError, joined as they were.
func publicScenarioErrors(err error) error {
	var out []error
	for _, e := range scenarioErrors(err) {
		var se *scenario.Error
		if errors.As(e, &se) {
			out = append(out, &ScenarioError{Line: se.Line, Rule: se.Rule, Reason: se.Reason})
			continue
		}
		out = append(out, e)
	}
	return errors.Join(out...)
}

// scenarioErrors flattens joined errors.
func scenarioErrors(err error) []error {
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, inner := range joined.Unwrap() {
			out = append(out, scenarioErrors(inner)...)
		}
		return out
	}
	return []error{err}
}
