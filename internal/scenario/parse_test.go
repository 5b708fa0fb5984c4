package scenario_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/internal/scenario"
	"github.com/crawlkit/crawlkit/internal/spec"
)

// env checks rules against the embedded contract, with one fixture file.
func env() scenario.Env {
	doc, err := spec.Load(context.Background())
	if err != nil {
		panic(err)
	}
	c, err := spec.NewContract(doc)
	if err != nil {
		panic(err)
	}
	return scenario.Env{Contract: c, HasFixture: func(f string) bool { return f == "crawl-12345.json" }}
}

func TestParseEveryRuleKind(t *testing.T) {
	doc := `
scenarios:
  - name: one-id
    match: {id: 404}
    respond: {status: 404}
  - name: list-and-range
    match: {id: [1, "10-20"], key: sk_qa}
    respond: {example: validation_error, delay: 100ms-800ms}
  - name: by-header
    match: {header: {X-Env: staging}, query: {lang: fr}}
    respond: {fixture: crawl-12345.json, delay: 250ms}
  - name: generated
    match: {id: "30-39"}
    respond: {crawl: {status: processing, screenshots: 3, seed: 9}, fault: hang}
  - name: progress
    match: {id: 50}
    respond: {progression: {statuses: [in_queue, processing, finished], screenshots: 4}}
`
	rules, err := scenario.Parse("s.yaml", []byte(doc), env())
	require.NoError(t, err)
	require.Len(t, rules, 5)
	assert.Equal(t, 3, rules[0].Line)
	assert.Equal(t, "s.yaml", rules[0].Source)
	assert.True(t, rules[1].Match.ID.Contains(15))
	assert.False(t, rules[1].Match.ID.Contains(21))
	assert.Equal(t, "1, 10-20", rules[1].Match.ID.String())
	assert.Equal(t, scenario.Delay{Min: 100 * time.Millisecond, Max: 800 * time.Millisecond}, rules[1].Respond.Delay)
	assert.Equal(t, 250*time.Millisecond, rules[2].Respond.Delay.Max)
	assert.Equal(t, "finished", rules[4].Respond.Progression.Statuses[2])

	req := &scenario.Request{ID: 15, Key: "sk_qa", Query: map[string][]string{}}
	assert.True(t, rules[1].Match.Matches(req))
	req.Key = "other"
	assert.False(t, rules[1].Match.Matches(req))
}

func TestParseErrorsNameFileLineAndRule(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"yaml syntax", "scenarios:\n  - name: a\n    match: {id: [1,\n", "s.yaml:"},
		{"unknown field", "scenarios:\n  - name: a\n    respnd: {status: 404}\n", "s.yaml:3: scenario \"a\": respnd is not a key of a rule, which is a mapping of name, description, match and respond"},
		{"a list for a mapping", "scenarios:\n  - name: a\n    respond: [404]\n", "s.yaml:3: scenario \"a\": respond holds a list; it expects a mapping of status"},
		{"a list for the file", "- name: a\n", "s.yaml:1: the file holds a list; it expects a mapping: scenarios: and a list of rules"},
		{"off contract by mistake", "scenarios:\n  - name: a\n    respond: {status: 429}\n", "respond.status 429: the contract does not document it (documented: 200, 400, 404, 500); add off_contract: true to answer it on purpose"},
		{"bad id", "scenarios:\n  - name: a\n    match: {id: abc}\n", "s.yaml:3: scenario \"a\": id: \"abc\" is not a crawl id"},
		{"reversed range", "scenarios:\n  - name: a\n    match: {id: 9-3}\n", "the range ends before it starts"},
		{"delay without a unit", "scenarios:\n  - name: a\n    respond: {delay: 300}\n", "s.yaml:3: scenario \"a\": delay: 300: a duration needs a unit, as 300ms or 2s"},
		{"bad delay", "scenarios:\n  - name: a\n    respond: {delay: soon}\n", "s.yaml:3: scenario \"a\": delay: \"soon\" is not a duration"},
		{"too long delay", "scenarios:\n  - name: a\n    respond: {delay: 2m}\n", "at most 1m0s"},
		{"undocumented status", "scenarios:\n  - name: a\n    respond: {status: 418}\n", `s.yaml:3: scenario "a": respond.status 418`},
		{"unknown example", "scenarios:\n  - name: a\n    respond: {example: nope}\n", `respond.example "nope": no such example`},
		{"example of another status", "scenarios:\n  - name: a\n    respond: {status: 500, example: not_found}\n", "is a 404, not a 500"},
		{"unknown fixture", "scenarios:\n  - name: a\n    respond: {fixture: x.json}\n", `respond.fixture "x.json"`},
		{"two bodies", "scenarios:\n  - name: a\n    respond: {example: not_found, crawl: {status: finished}}\n", "exclude each other"},
		{"bad crawl status", "scenarios:\n  - name: a\n    respond: {crawl: {status: done}}\n", `respond.crawl.status "done"`},
		{"progression ending twice", "scenarios:\n  - name: a\n    respond: {progression: {statuses: [processing, finished, error]}}\n", `"finished" ends a crawl`},
		{"progression out of order", "scenarios:\n  - name: a\n    respond: {progression: {statuses: [processing, in_queue, finished]}}\n", "in_queue cannot follow processing"},
		{"queued crawl with screenshots", "scenarios:\n  - name: a\n    respond: {crawl: {status: in_queue, screenshots: 5}}\n", "a crawl in_queue has no screenshots yet"},
		{"progression processing nothing", "scenarios:\n  - name: a\n    respond: {progression: {statuses: [processing, finished], screenshots: 0}}\n", "respond.progression.screenshots 0: a crawl processing takes pages"},
		{"bad fault", "scenarios:\n  - name: a\n    respond: {fault: explode}\n", `respond.fault "explode"`},
		{"bad name", "scenarios:\n  - name: Not OK\n    respond: {status: 404}\n", `name "Not OK"`},
		{"duplicate name", "scenarios:\n  - name: a\n    respond: {status: 404}\n  - name: a\n    respond: {status: 500}\n", "s.yaml:4: scenario \"a\": name already used at line 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := scenario.Parse("s.yaml", []byte(tt.doc), env())
			require.Error(t, err)
			assert.ErrorIs(t, err, scenario.ErrInvalid)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestParseDelay(t *testing.T) {
	for in, want := range map[string]scenario.Delay{
		"0":           {},
		"200ms":       {Min: 200 * time.Millisecond, Max: 200 * time.Millisecond},
		"2s":          {Min: 2 * time.Second, Max: 2 * time.Second},
		"100ms-800ms": {Min: 100 * time.Millisecond, Max: 800 * time.Millisecond},
	} {
		got, err := scenario.ParseDelay(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for in, want := range map[string]string{
		"300":       "300: a duration needs a unit, as 300ms or 2s",
		"100-800ms": "100: a duration needs a unit, as 100ms or 2s",
		"1.5":       "1.5: a duration needs a unit, as 1.5ms or 2s",
	} {
		_, err := scenario.ParseDelay(in)
		require.ErrorIs(t, err, scenario.ErrNoUnit, in)
		assert.EqualError(t, err, want)
	}
	for _, in := range []string{"", "-5", "1h", "800ms-100ms", "fast", "99999999999999999999"} {
		_, err := scenario.ParseDelay(in)
		assert.Error(t, err, in)
	}
	d := scenario.Delay{Min: 10 * time.Millisecond, Max: 20 * time.Millisecond}
	for range 100 {
		got := d.Draw()
		assert.GreaterOrEqual(t, got, d.Min)
		assert.LessOrEqual(t, got, d.Max)
	}
}

// problems lists the *scenario.Error of a joined error as "line: reason".
func problems(t *testing.T, err error) []string {
	t.Helper()
	joined, ok := err.(interface{ Unwrap() []error })
	require.True(t, ok, "a joined error: %v", err)
	var out []string
	for _, e := range joined.Unwrap() {
		var se *scenario.Error
		require.ErrorAs(t, e, &se)
		out = append(out, strconv.Itoa(se.Line)+" "+se.Rule+": "+se.Reason)
	}
	return out
}

// TestParseReportsEveryProblemAtItsFieldsLine: four bad rules, and a rule
// with two bad fields, give one error each, at the line of the field that
// is wrong, in line order; the good rules between them give none.
func TestParseReportsEveryProblemAtItsFieldsLine(t *testing.T) {
	doc := `scenarios:
  - name: teapot
    match: {id: 418}
    respond:
      status: 418
  - name: fine
    respond: {status: 404}
  - name: slow
    match:
      id: 7
    respond:
      delay: 300
  - name: broken
    respond:
      example: not_found
      fault: explode
      headers:
        "Bad Name": x
  - name: typo
    respnd: {status: 404}
  - name: ids
    match:
      id: [1, abc, 3, 9-2]
`
	_, err := scenario.Parse("s.yaml", []byte(doc), env())
	require.Error(t, err)
	assert.Equal(t, []string{
		`5 teapot: respond.status 418: the contract does not document it (documented: 200, 400, 404, 500); add off_contract: true to answer it on purpose`,
		`12 slow: delay: 300: a duration needs a unit, as 300ms or 2s`,
		`16 broken: respond.fault "explode": one of reset, empty, malformed, hang, bad-gateway`,
		`18 broken: respond.headers "Bad Name": a header name and a value without control characters`,
		`20 typo: respnd is not a key of a rule, which is a mapping of name, description, match and respond`,
		`23 ids: id: "abc" is not a crawl id or a from-to range of them`,
		`23 ids: id: "9-2": the range ends before it starts`,
	}, problems(t, err))
}

// TestParseSyntaxErrorsAtTheMistakesLine: a rule indented wrong, or a tab,
// is reported where it is, not where its list or the file begins.
func TestParseSyntaxErrorsAtTheMistakesLine(t *testing.T) {
	tests := []struct {
		name, doc string
		line      int
	}{
		{"a key indented less than its rule", "scenarios:\n  - name: a\n    match: {id: 1}\n   respond: {status: 404}\n", 4},
		{"a rule indented like its list's key", "scenarios:\n  - name: a\n    respond: {status: 404}\n  - name: b\n  respond: {status: 500}\n", 5},
		{"a rule indented less than the one before", "scenarios:\n  - name: a\n    respond: {status: 404}\n - name: b\n   respond: {status: 500}\n", 4},
		{"a key indented more than its neighbours", "# rules\n\nscenarios:\n  - name: a\n    respond:\n      status: 404\n     delay: 3s\n", 7},
		{"a tab", "scenarios:\n  - name: a\n\trespond: {status: 404}\n", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := scenario.Parse("s.yaml", []byte(tt.doc), env())
			var se *scenario.Error
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tt.line, se.Line, se.Error())
			assert.Contains(t, se.Reason, "not valid YAML: ")
		})
	}
}

// TestParseJSON: the admin API takes the same rules as JSON, one a line
// when written indented.
func TestParseJSON(t *testing.T) {
	doc := `{
  "scenarios": [
    {"name": "a", "match": {"id": 1}, "respond": {"status": 404}},
    {"name": "b", "match": {"id": 2}, "respond": {"status": 418}}
  ]
}`
	_, err := scenario.Parse("admin API", []byte(doc), env())
	require.Error(t, err)
	assert.Equal(t, []string{`4 b: respond.status 418: the contract does not document it (documented: 200, 400, 404, 500); add off_contract: true to answer it on purpose`}, problems(t, err))
	rules, err := scenario.Parse("admin API", []byte(`{"scenarios": [{"name": "a", "respond": {"status": 404, "delay": "10ms"}}]}`), env())
	require.NoError(t, err)
	assert.Equal(t, 10*time.Millisecond, rules[0].Respond.Delay.Max)
}

func TestParseEmpty(t *testing.T) {
	for _, doc := range []string{"", "# nothing yet\n", "scenarios: []\n"} {
		rules, err := scenario.Parse("s.yaml", []byte(doc), env())
		require.NoError(t, err, doc)
		assert.Empty(t, rules, doc)
	}
}
