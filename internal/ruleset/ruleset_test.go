package ruleset_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/internal/fixtureset"
	"github.com/crawlkit/crawlkit/internal/ruleset"
	"github.com/crawlkit/crawlkit/internal/scenario"
	"github.com/crawlkit/crawlkit/internal/validate"
)

func validator(t *testing.T) *validate.Validator {
	t.Helper()
	v, err := validate.Load(context.Background())
	require.NoError(t, err)
	return v
}

// TestShippedCatalogHasTheEntriesOthersRelyOn holds the catalog to the
// names the contract kit looks up.
func TestShippedCatalogHasTheEntriesOthersRelyOn(t *testing.T) {
	set, err := ruleset.Load(context.Background(), ruleset.Sources{Catalog: true}, validator(t), nil)
	require.NoError(t, err)
	byName := map[string]scenario.Rule{}
	for _, r := range set.All() {
		byName[r.Name] = r
	}
	finished, ok := byName[ruleset.CatalogFinished]
	require.True(t, ok)
	require.NotNil(t, finished.Respond.Crawl)
	assert.Equal(t, "finished", finished.Respond.Crawl.Status)
	assert.NotEmpty(t, finished.Match.ID)
	notFound, ok := byName[ruleset.CatalogNotFound]
	require.True(t, ok)
	assert.Equal(t, 404, notFound.Respond.Status)
	assert.NotEmpty(t, notFound.Match.ID)
}

// TestLoadJoinsEveryProblemAsTypedErrors: a bad fixture and a bad rule are
// both reported, each as its own type, and nothing is kept.
func TestLoadJoinsEveryProblemAsTypedErrors(t *testing.T) {
	fsys := fstest.MapFS{
		"crawl-1.json":   {Data: []byte(`{"success":true,"data":{"id":"1"}}`)},
		"scenarios.yaml": {Data: []byte("scenarios:\n  - name: a\n    match: {id: 1}\n    respond: {status: 418}\n")},
	}
	set, err := ruleset.Load(context.Background(), ruleset.Sources{Fixtures: fsys, FixturesDir: "dir"}, validator(t), nil)
	require.Error(t, err)
	assert.Nil(t, set)
	var fileErr *fixtureset.FileError
	require.ErrorAs(t, err, &fileErr)
	assert.Equal(t, "crawl-1.json", fileErr.File)
	var ruleErr *scenario.Error
	require.ErrorAs(t, err, &ruleErr)
	assert.Equal(t, "dir/scenarios.yaml", ruleErr.File)
	assert.Equal(t, 4, ruleErr.Line, "the line of the status, not of the rule")
	assert.Contains(t, ruleErr.Reason, "200, 400, 404, 500")
	assert.True(t, errors.Is(err, fixtureset.ErrInvalid) && errors.Is(err, scenario.ErrInvalid))
}

// TestUserRulesComeFirstAndShadowTheCatalog: a user's rule named like a
// catalog rule replaces it; runtime rules are tried before all.
func TestUserRulesComeFirstAndShadowTheCatalog(t *testing.T) {
	fsys := fstest.MapFS{"scenarios.yaml": {Data: []byte("scenarios:\n  - {name: not-found, match: {id: 404}, respond: {status: 500}}\n")}}
	runtime := []scenario.Rule{{Name: "mine", Match: scenario.Match{ID: scenario.IDs{{From: 404, To: 404}}}, Respond: scenario.Respond{Status: 400}}}
	set, err := ruleset.Load(context.Background(), ruleset.Sources{Fixtures: fsys, Catalog: true}, validator(t), runtime)
	require.NoError(t, err)
	assert.Equal(t, "mine", set.Match(&scenario.Request{ID: 404}).Name)
	set = set.WithRuntime(nil)
	rule := set.Match(&scenario.Request{ID: 404})
	assert.Equal(t, 500, rule.Respond.Status, "the user's not-found, not the catalog's")
	names := map[string]int{}
	for _, r := range set.All() {
		names[r.Name]++
	}
	assert.Equal(t, 1, names["not-found"])
}

// TestFixturesComeBeforeTheCatalog: a fixture for an id answers before the
// shipped catalog's rule for it, never before the user's own rules; the
// shipped catalog as a folder's scenarios.yaml is the catalog, dropped
// without Catalog.
func TestFixturesComeBeforeTheCatalog(t *testing.T) {
	fixture, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "crawl-12345.json"))
	require.NoError(t, err)
	shipped, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "scenarios.yaml"))
	require.NoError(t, err)
	as1002 := bytes.Replace(fixture, []byte(`"id": 12345`), []byte(`"id": 1002`), 1)
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		catalog bool
		want    string // the rule that answers 1002, "" for none
	}{
		{"catalog alone", fstest.MapFS{}, true, "processing"},
		{"a fixture for the id", fstest.MapFS{"crawl-1002.json": {Data: as1002}}, true, ""},
		{"a user's rule and a fixture", fstest.MapFS{"crawl-1002.json": {Data: as1002}, "scenarios.yaml": {Data: []byte("scenarios:\n  - {name: mine, match: {id: 1002}, respond: {status: 500}}\n")}}, true, "mine"},
		{"the shipped catalog as the folder's", fstest.MapFS{"scenarios.yaml": {Data: shipped}}, true, "processing"},
		{"the shipped catalog as the folder's, catalog off", fstest.MapFS{"scenarios.yaml": {Data: shipped}}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := ruleset.Load(context.Background(), ruleset.Sources{Fixtures: tt.fsys, Catalog: tt.catalog}, validator(t), nil)
			require.NoError(t, err)
			rule := set.Match(&scenario.Request{ID: 1002})
			if tt.want == "" {
				assert.Nil(t, rule)
				return
			}
			require.NotNil(t, rule)
			assert.Equal(t, tt.want, rule.Name)
		})
	}
}
