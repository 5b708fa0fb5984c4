// Package ruleset loads what the mock answers from, the fixture crawls and
// the scenario rules, validated together so that a rule may name a fixture
// file; and finds the first rule that matches a request.
package ruleset

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
	"github.com/crawlkit/crawlkit/internal/validate"
)

// ScenariosFile is the name of the scenarios file in a fixtures folder.
const ScenariosFile = "scenarios.yaml"

// RuntimeSource is the Source of rules added through the admin API.
const RuntimeSource = "admin API"

// catalogSource names the shipped catalog in errors and listings.
const catalogSource = "fixtures/scenarios.yaml (shipped catalog)"

// Set is what the mock answers from. It is never changed once built: a
// reload or an admin change builds a new one, so that a request sees one
// consistent configuration.
type Set struct {
	Fixtures *fixtureset.Set
	// Runtime rules, added through the admin API, are tried first, newest
	// first; then the files' rules, in order.
	Runtime []scenario.Rule
	Rules   []scenario.Rule
	// Warnings say how the shipped fixtures and catalog were adapted to a
	// contract other than the embedded one.
	Warnings []string
	// CatalogRules counts the rules at the end of Rules that come from the
	// shipped catalog. A fixture of the user's for an id answers before
	// them: the catalog's magic ids are defaults, never over the user's
	// own data (a crawl the proxy recorded for id 1002, say).
	CatalogRules int
}

// Empty returns a set with no fixture and no rule.
func Empty() *Set { return &Set{Fixtures: fixtureset.New()} }

// Match returns the first rule that matches req, or nil: the admin API's
// rules, then the user's, then, unless a fixture holds req's id, the
// shipped catalog's.
func (s *Set) Match(req *scenario.Request) *scenario.Rule {
	own := len(s.Rules) - s.CatalogRules
	for _, list := range [2][]scenario.Rule{s.Runtime, s.Rules[:own]} {
		if r := firstMatch(list, req); r != nil {
			return r
		}
	}
	if s.Fixtures != nil {
		if _, fixture := s.Fixtures.Get(req.ID); fixture {
			return nil
		}
	}
	return firstMatch(s.Rules[own:], req)
}

func firstMatch(rules []scenario.Rule, req *scenario.Request) *scenario.Rule {
	for i := range rules {
		if rules[i].Match.Matches(req) {
			return &rules[i]
		}
	}
	return nil
}

// All returns every rule in the order they are tried.
func (s *Set) All() []scenario.Rule {
	return append(slices.Clone(s.Runtime), s.Rules...)
}

// WithRuntime returns a copy of the set with runtime as its admin rules.
func (s *Set) WithRuntime(runtime []scenario.Rule) *Set {
	next := *s
	next.Runtime = runtime
	return &next
}

// Sources say where the fixtures and scenarios come from.
type Sources struct {
	// Fixtures holds the fixture crawls (*.json at its top) and, optionally,
	// a scenarios.yaml; nil holds none.
	Fixtures fs.FS
	// FixturesDir is the folder on disk Fixtures reads, if any, named in errors.
	FixturesDir string
	// ScenariosFile is a scenarios file on disk, read instead of the
	// fixtures' scenarios.yaml.
	ScenariosFile string
	// Catalog adds the shipped catalog of magic ids after the user's rules.
	Catalog bool
	// Adapt lays the shipped fixtures and catalog over the validator's
	// contract, which is not the embedded one.
	Adapt bool
}

// Load reads the fixtures and the scenarios, validating all of them, and
// returns them as a set with runtime as its admin rules. On any error it
// returns nil and an error that joins every problem in every file: each a
// *fixtureset.FileError, a *scenario.Error, or an error reading a file.
func Load(ctx context.Context, src Sources, v *validate.Validator, runtime []scenario.Rule) (*Set, error) {
	fixtures := fixtureset.New()
	var fixturesErr error
	var warnings []string
	env := scenario.Env{Contract: v.Contract(), HasFixture: func(string) bool { return false }}
	if src.Fixtures != nil && src.Adapt {
		adapted, w, err := adaptShipped(ctx, src.Fixtures, v)
		if err != nil {
			return nil, err
		}
		src.Fixtures, warnings = adapted, w
	}
	if src.Fixtures != nil {
		fixtures, fixturesErr = fixtureset.Load(ctx, src.Fixtures, v)
		// A rule may name a fixture file whose own errors are reported apart.
		present, _ := fs.Glob(src.Fixtures, "*.json")
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
	source, data, err := userScenarios(src)
	if err == nil && data != nil {
		err = add(source, data)
	}
	if err = errors.Join(fixturesErr, err); err != nil {
		return nil, err
	}
	own := len(rules)
	if src.Catalog {
		catalog, err := fs.ReadFile(crawlkit.Fixtures(), ScenariosFile)
		if err != nil {
			return nil, fmt.Errorf("read the shipped catalog: %w", err)
		}
		if !src.Adapt {
			if err := add(catalogSource, catalog); err != nil {
				return nil, err
			}
		} else {
			parsed, w, err := parseCatalog(catalog, env)
			if err != nil {
				return nil, err
			}
			warnings = append(warnings, w...)
			for _, r := range parsed {
				if !seen[r.Name] {
					seen[r.Name] = true
					rules = append(rules, r)
				}
			}
		}
	}
	return &Set{Fixtures: fixtures, Runtime: runtime, Rules: rules, CatalogRules: len(rules) - own, Warnings: warnings}, nil
}

// userScenarios reads the scenarios file: ScenariosFile, or else the
// fixtures folder's scenarios.yaml when it has one. A file that is the
// shipped catalog, byte for byte (the embedded fixtures, the repository's
// folder, a copy), is not the user's: the catalog is added as such when
// Sources.Catalog says so, and only then.
func userScenarios(src Sources) (string, []byte, error) {
	if src.ScenariosFile != "" {
		data, err := os.ReadFile(src.ScenariosFile)
		if err != nil {
			return "", nil, fmt.Errorf("read scenarios: %w", err)
		}
		if isShippedCatalog(data) {
			return "", nil, nil
		}
		return src.ScenariosFile, data, nil
	}
	if src.Fixtures == nil {
		return "", nil, nil
	}
	data, err := fs.ReadFile(src.Fixtures, ScenariosFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", nil, nil
	case err != nil:
		return "", nil, fmt.Errorf("read scenarios: %w", err)
	}
	if isShippedCatalog(data) {
		return "", nil, nil
	}
	source := ScenariosFile
	if src.FixturesDir != "" {
		source = filepath.Join(src.FixturesDir, ScenariosFile)
	}
	return source, data, nil
}

// isShippedCatalog reports whether a scenarios file is the shipped catalog.
func isShippedCatalog(data []byte) bool {
	shipped, err := fs.ReadFile(crawlkit.Fixtures(), ScenariosFile)
	return err == nil && bytes.Equal(data, shipped)
}
