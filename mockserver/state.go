package mockserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/crawlkit/crawlkit"
	"github.com/crawlkit/crawlkit/internal/fixtureset"
	"github.com/crawlkit/crawlkit/internal/scenario"
)

// scenariosFile is the name of the scenarios file in a fixtures folder.
const scenariosFile = "scenarios.yaml"

// runtimeSource is the Source of rules added through the admin API.
const runtimeSource = "admin API"

// state is what the server answers from, swapped whole on a reload or an
// admin change so that a request sees one consistent configuration.
type state struct {
	fixtures *fixtureset.Set
	// runtime rules, added through the admin API, are tried first, newest
	// first; then the files' rules, in order.
	runtime []scenario.Rule
	rules   []scenario.Rule
}

// match returns the first rule that matches req, or nil.
func (st *state) match(req *scenario.Request) *scenario.Rule {
	for _, list := range [2][]scenario.Rule{st.runtime, st.rules} {
		for i := range list {
			if list[i].Match.Matches(req) {
				return &list[i]
			}
		}
	}
	return nil
}

// all returns every rule in the order they are tried.
func (st *state) all() []scenario.Rule {
	return append(append([]scenario.Rule{}, st.runtime...), st.rules...)
}

// env is what rules are checked against in this state.
func (s *Server) env(fixtures *fixtureset.Set) scenario.Env {
	return scenario.Env{
		Examples:   s.examples.statuses(),
		Documented: s.validator.Documented,
		HasFixture: func(file string) bool { _, ok := fixtures.ByFile(file); return ok },
	}
}

// loadState reads the fixtures and the scenarios files, validating all of
// them, and keeps runtime as the admin rules. On any error nothing is kept,
// and the error names every problem in every file.
func (s *Server) loadState(ctx context.Context, runtime []scenario.Rule) (*state, error) {
	fixtures := fixtureset.New()
	var fixturesErr error
	env := s.env(fixtures)
	if s.cfg.Fixtures != nil {
		fixtures, fixturesErr = fixtureset.Load(ctx, s.cfg.Fixtures, s.validator)
		env = s.env(fixtures)
		// A rule may name a fixture file whose own errors are reported above.
		present, _ := fs.Glob(s.cfg.Fixtures, "*.json")
		env.HasFixture = func(file string) bool { return slices.Contains(present, file) }
	}
	var rules []scenario.Rule
	seen := map[string]bool{}
	add := func(source string, data []byte) error {
		parsed, err := scenario.Parse(source, data, env)
		if err != nil {
			return err
		}
		for _, r := range parsed {
			// A rule named like one before it is shadowed by it: a user's
			// file may redefine a rule of the shipped catalog.
			if !seen[r.Name] {
				seen[r.Name] = true
				rules = append(rules, r)
			}
		}
		return nil
	}
	source, data, err := s.userScenarios()
	if err != nil {
		return nil, errors.Join(fixturesErr, err)
	}
	if data != nil {
		if err := add(source, data); err != nil {
			return nil, errors.Join(fixturesErr, err)
		}
	}
	if fixturesErr != nil {
		return nil, fixturesErr
	}
	if s.cfg.Catalog {
		catalog, err := fs.ReadFile(crawlkit.Fixtures(), scenariosFile)
		if err != nil {
			return nil, fmt.Errorf("read the shipped catalog: %w", err)
		}
		if err := add("fixtures/scenarios.yaml (shipped catalog)", catalog); err != nil {
			return nil, err
		}
	}
	return &state{fixtures: fixtures, runtime: runtime, rules: rules}, nil
}

// userScenarios reads the scenarios file: --scenarios, or else the
// fixtures folder's scenarios.yaml when it has one.
func (s *Server) userScenarios() (string, []byte, error) {
	if s.cfg.ScenariosFile != "" {
		data, err := os.ReadFile(s.cfg.ScenariosFile)
		if err != nil {
			return "", nil, fmt.Errorf("read scenarios: %w", err)
		}
		return s.cfg.ScenariosFile, data, nil
	}
	if s.cfg.Fixtures == nil {
		return "", nil, nil
	}
	data, err := fs.ReadFile(s.cfg.Fixtures, scenariosFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", nil, nil
	case err != nil:
		return "", nil, fmt.Errorf("read scenarios: %w", err)
	}
	if shipped, _ := fs.ReadFile(crawlkit.Fixtures(), scenariosFile); s.cfg.Catalog && bytes.Equal(data, shipped) {
		return "", nil, nil // the shipped catalog itself, added as such
	}
	source := scenariosFile
	if s.cfg.FixturesDir != "" {
		source = filepath.Join(s.cfg.FixturesDir, scenariosFile)
	}
	return source, data, nil
}
