package pact_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/internal/pact"
	"github.com/crawlkit/crawlkit/internal/spec"
	"github.com/crawlkit/crawlkit/internal/validate"
)

var loadValidator = sync.OnceValues(func() (*validate.Validator, error) {
	return validate.Load(context.Background())
})

func checker(t *testing.T) *pact.Checker {
	t.Helper()
	v, err := loadValidator()
	require.NoError(t, err)
	return pact.NewChecker(v)
}

// verdict is what crawlkit says of one pact of testdata/pacts, and whether
// swagger-mock-validator says otherwise on purpose (the README lists why).
type verdict struct {
	file       string
	compatible bool
	// errors are "path code" of every error expected, in order.
	errors []string
	// warnings are "path code" of the warnings expected.
	warnings []string
	// smvDiffers marks a deliberate difference with swagger-mock-validator.
	smvDiffers string
}

var verdicts = []verdict{
	{file: "v2-compatible.json", compatible: true},
	{file: "v3-compatible.json", compatible: true},
	{file: "v4-compatible.json", compatible: true},
	{file: "missing-required-response-field.json", compatible: true},
	{file: "unknown-query.json", compatible: true, warnings: []string{"$.request.query.verbose request.query.unknown"}},
	{file: "base-path.json", compatible: true, smvDiffers: "base paths: swagger-mock-validator ignores servers"},
	{file: "no-credentials.json", compatible: true, smvDiffers: "credentials: the verifier adds its own"},
	{file: "type-matcher-relaxes.json", compatible: true, smvDiffers: "matching rules: a type matcher stands for any value of its type"},
	{file: "decimal-matcher-on-integer.json", errors: []string{"$.response.body.data.processed response.body.incompatible"}, smvDiffers: "matching rules: a decimal matcher where the contract has an integer"},

	{file: "wrong-path.json", errors: []string{"$.request.path request.path-or-method.unknown"}},
	{file: "wrong-method.json", errors: []string{"$.request.path request.path-or-method.unknown"}},
	{file: "missing-id.json", errors: []string{"$.request.query.id request.query.incompatible"}},
	{file: "bad-id.json", errors: []string{"$.request.query.id request.query.incompatible"}},
	{file: "undocumented-status.json", errors: []string{"$.response.status response.status.unknown"}},
	{file: "body-type-mismatch.json", errors: []string{"$.response.body.data.id response.body.incompatible"}},
	{file: "unknown-field.json", errors: []string{"$.response.body.data.owner response.body.incompatible"}},
	{file: "enum-mismatch.json", errors: []string{"$.response.body.data.screenshots[0].status response.body.incompatible"}},
	{file: "type-matcher-wrong-type.json", errors: []string{"$.response.body.data.processed response.body.incompatible"}},
	{file: "integer-matcher-on-string.json", errors: []string{
		"$.response.body.data.domain response.body.incompatible", "$.response.body.data.domain response.body.incompatible",
	}},
	{file: "null-not-allowed.json", errors: []string{"$.response.body.data.finished response.body.incompatible"}},
	{file: "content-type.json", errors: []string{"$.response.headers.Content-Type response.content-type.incompatible"}},
	{file: "unknown-response-header.json", errors: []string{"$.response.headers.X-RateLimit-Remaining response.header.unknown"}},
	{file: "response-headers.json", compatible: true, warnings: []string{"$.response.headers.Date response.header.undefined"}},
	{file: "accept-incompatible.json", errors: []string{"$.request.headers.Accept request.accept.incompatible", "$.response.body response.body.unknown"}},
	{file: "v4-base64-incompatible.json", errors: []string{"$.response.body.data.status response.body.incompatible"}},
	{file: "error-body-mismatch.json", errors: []string{
		"$.response.body.code response.body.incompatible",
	}},
}

func readPact(t *testing.T, name string) *pact.File {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "pacts", name))
	require.NoError(t, err)
	f, err := pact.Parse(data)
	require.NoError(t, err)
	return f
}

func TestCheckVerdicts(t *testing.T) {
	c := checker(t)
	for _, tc := range verdicts {
		t.Run(tc.file, func(t *testing.T) {
			findings := c.Check(context.Background(), readPact(t, tc.file))
			var errs, warns []string
			for _, f := range findings {
				assert.NotEmpty(t, f.Interaction)
				assert.NotEmpty(t, f.Message)
				switch f.Severity {
				case pact.Error:
					errs = append(errs, f.Path+" "+f.Code)
				case pact.Warning:
					warns = append(warns, f.Path+" "+f.Code)
				}
			}
			assert.Equal(t, tc.compatible, pact.Compatible(findings), "%v", findings)
			assert.Equal(t, tc.errors, errs, "%v", findings)
			assert.Equal(t, tc.warnings, warns, "%v", findings)
		})
	}
}

func TestEveryTestPactHasAVerdict(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "pacts", "*.json"))
	require.NoError(t, err)
	listed := map[string]bool{}
	for _, v := range verdicts {
		listed[v.file] = true
	}
	for _, f := range files {
		assert.True(t, listed[filepath.Base(f)], "%s has no row in verdicts", f)
	}
	assert.Len(t, files, len(verdicts))
}

func TestFindingsSayWhatIsWrong(t *testing.T) {
	c := checker(t)
	for file, want := range map[string]string{
		"body-type-mismatch.json":      `"12345" is a string; the contract's value is an integer`,
		"enum-mismatch.json":           `"done"`,
		"unknown-field.json":           `no field "owner"`,
		"undocumented-status.json":     "201 is not a status the contract documents (200, 400, 404, 500)",
		"wrong-path.json":              "GET /crawls/12345 is not in the contract, which serves GET /api/v1/crawl/info and GET /crawl/info",
		"type-matcher-wrong-type.json": `"85" is a string`,
	} {
		findings := c.Check(context.Background(), readPact(t, file))
		require.NotEmpty(t, findings, file)
		assert.Contains(t, findings[0].Message, want, file)
	}
}

// pactJSON writes a one-interaction v3 pact around a response body and its
// body rules.
func pactJSON(body, rules string) string {
	return `{"consumer":{"name":"c"},"provider":{"name":"p"},"metadata":{"pactSpecification":{"version":"3.0.0"}},
	"interactions":[{"description":"d","request":{"method":"GET","path":"/crawl/info","query":{"id":["1"]}},
	"response":{"status":200,"body":` + body + `,"matchingRules":{"body":` + rules + `}}}]}`
}

func TestMatchers(t *testing.T) {
	shot := func(field string) string {
		return `{"success":true,"data":{"screenshots":[{` + field + `}]}}`
	}
	rule := func(path, matchers string) string { return `{"` + path + `":{"matchers":[` + matchers + `]}}` }
	cases := []struct {
		name, body, rules string
		ok                bool
		path              string
	}{
		{"type stands for any string", shot(`"status":"any"`), rule("$.data.screenshots[*].status", `{"match":"type"}`), true, ""},
		{"type cascades from an ancestor", shot(`"status":"any","id":0`), rule("$.data", `{"match":"type"}`), true, ""},
		{"type keeps the type", shot(`"id":"1"`), rule("$.data.screenshots[0].id", `{"match":"type"}`), false, "$.response.body.data.screenshots[0].id"},
		{"no matcher judges the value", shot(`"id":0`), `{}`, false, "$.response.body.data.screenshots[0].id"},
		{"equality judges the value", shot(`"id":0`), rule("$.data.screenshots[0].id", `{"match":"equality"}`), false, "$.response.body.data.screenshots[0].id"},
		{"integer on an integer", shot(`"id":0`), rule("$.data.screenshots[0].id", `{"match":"integer"}`), true, ""},
		{"integer whose example is not", shot(`"id":1.5`), rule("$.data.screenshots[0].id", `{"match":"integer"}`), false, "$.response.body.data.screenshots[0].id"},
		{"decimal on an integer", shot(`"cost":1.5`), rule("$.data.screenshots[0].cost", `{"match":"decimal"}`), false, "$.response.body.data.screenshots[0].cost"},
		{"decimal on a number", shot(`"video_speed":1.5`), rule("$.data.screenshots[0].video_speed", `{"match":"decimal"}`), true, ""},
		{"number on an integer", shot(`"cost":2`), rule("$.data.screenshots[0].cost", `{"match":"number"}`), true, ""},
		{"boolean on a boolean", shot(`"pdf":true`), rule("$.data.screenshots[0].pdf", `{"match":"boolean"}`), true, ""},
		{"boolean on a string", shot(`"url":true`), rule("$.data.screenshots[0].url", `{"match":"boolean"}`), false, "$.response.body.data.screenshots[0].url"},
		{"regex the example keeps", shot(`"status":"finished"`), rule("$.data.screenshots[0].status", `{"match":"regex","regex":"finished|error"}`), true, ""},
		{"regex the example breaks", shot(`"status":"finished"`), rule("$.data.screenshots[0].status", `{"match":"regex","regex":"error"}`), false, "$.response.body.data.screenshots[0].status"},
		{"regex on a value off the contract", shot(`"status":"done"`), rule("$.data.screenshots[0].status", `{"match":"regex","regex":"\\w+"}`), false, "$.response.body.data.screenshots[0].status"},
		{"include", shot(`"url":"https://example.com"`), rule("$.data.screenshots[0].url", `{"match":"include","value":"example"}`), true, ""},
		{"include the example breaks", shot(`"url":"https://example.com"`), rule("$.data.screenshots[0].url", `{"match":"include","value":"other"}`), false, "$.response.body.data.screenshots[0].url"},
		{"timestamp of a date-time", shot(`"created_at":"2026-01-02T03:04:05Z"`), rule("$.data.screenshots[0].created_at", `{"match":"timestamp","timestamp":"yyyy-MM-dd'T'HH:mm:ssX"}`), true, ""},
		{"date where the contract has a date-time", shot(`"created_at":"2026-01-02"`), rule("$.data.screenshots[0].created_at", `{"match":"date","date":"yyyy-MM-dd"}`), false, "$.response.body.data.screenshots[0].created_at"},
		{"null matcher on a value", shot(`"url":"x"`), rule("$.data.screenshots[0].url", `{"match":"null"}`), false, "$.response.body.data.screenshots[0].url"},
		{"null where the contract has none", shot(`"url":null`), rule("$.data.screenshots[0].url", `{"match":"null"}`), false, "$.response.body.data.screenshots[0].url"},
		{"array min and max", shot(`"id":1`), rule("$.data.screenshots", `{"match":"type","min":1,"max":5}`), true, ""},
		{"AND: every matcher must hold", shot(`"id":1`), rule("$.data.screenshots[0].id", `{"match":"null"},{"match":"integer"}`) + ``, false, "$.response.body.data.screenshots[0].id"},
		{"margin by type, a string or a number", shot(`"pdf_margin":true`), rule("$.data.screenshots[0].pdf_margin", `{"match":"type"}`), false, "$.response.body.data.screenshots[0].pdf_margin"},
		{"margin by type, a number", shot(`"pdf_margin":-3`), rule("$.data.screenshots[0].pdf_margin", `{"match":"type"}`), true, ""},
	}
	c := checker(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := pact.Parse([]byte(pactJSON(tc.body, tc.rules)))
			require.NoError(t, err)
			findings := c.Check(context.Background(), f)
			assert.Equal(t, tc.ok, pact.Compatible(findings), "%v", findings)
			if !tc.ok {
				require.NotEmpty(t, findings)
				assert.Equal(t, tc.path, findings[0].Path, "%v", findings)
			}
		})
	}
}

func TestOrCombinedMatchers(t *testing.T) {
	body := `{"success":true,"data":{"screenshots":[{"id":1}]}}`
	rules := `{"$.data.screenshots[0].id":{"combine":"OR","matchers":[{"match":"null"},{"match":"integer"}]}}`
	f, err := pact.Parse([]byte(pactJSON(body, rules)))
	require.NoError(t, err)
	findings := checker(t).Check(context.Background(), f)
	assert.True(t, pact.Compatible(findings), "%v", findings)
}

func TestArrayBoundsAgainstTheSchema(t *testing.T) {
	doc, err := validateDoc()
	require.NoError(t, err)
	shots := doc.Components.Schemas["Crawl"].Value.Properties["screenshots"].Value
	two := uint64(2)
	shots.MaxItems = &two
	shots.MinItems = 1
	v, err := validate.New(doc)
	require.NoError(t, err)
	c := pact.NewChecker(v)
	body := `{"success":true,"data":{"screenshots":[{"id":1}]}}`
	for rules, ok := range map[string]bool{
		`{"$.data.screenshots":{"matchers":[{"match":"type","min":1}]}}`:          true,
		`{"$.data.screenshots":{"matchers":[{"match":"type","min":3}]}}`:          false,
		`{"$.data.screenshots":{"matchers":[{"match":"type","min":0,"max":0}]}}`:  false,
		`{"$.data.screenshots":{"matchers":[{"match":"type","min":1,"max":10}]}}`: true,
		`{}`: true,
	} {
		f, err := pact.Parse([]byte(pactJSON(body, rules)))
		require.NoError(t, err)
		findings := c.Check(context.Background(), f)
		assert.Equal(t, ok, pact.Compatible(findings), "%s: %v", rules, findings)
	}
	f, err := pact.Parse([]byte(pactJSON(`{"success":true,"data":{"screenshots":[]}}`, `{}`)))
	require.NoError(t, err)
	findings := c.Check(context.Background(), f)
	require.Len(t, findings, 1)
	assert.Equal(t, "$.response.body.data.screenshots", findings[0].Path)
	assert.Contains(t, findings[0].Message, "fewer than the contract's minimum, 1")
}

func TestParseErrors(t *testing.T) {
	v3 := func(interaction string) string {
		return `{"consumer":{"name":"c"},"provider":{"name":"p"},"metadata":{"pactSpecification":{"version":"3.0.0"}},"interactions":[` + interaction + `]}`
	}
	cases := map[string]struct{ data, want string }{
		"not JSON":          {`{"interactions": [`, "not a JSON object"},
		"an array":          {`[]`, "not a JSON object"},
		"no version":        {`{"interactions":[]}`, "no metadata.pactSpecification.version"},
		"version 1.1":       {`{"interactions":[],"metadata":{"pactSpecification":{"version":"1.1.0"}}}`, `Pact specification "1.1.0" is not supported`},
		"version 5":         {`{"interactions":[],"metadata":{"pactSpecification":{"version":"5.0.0"}}}`, `Pact specification "5.0.0" is not supported`},
		"message pact":      {`{"messages":[],"metadata":{"pactSpecification":{"version":"3.0.0"}}}`, "a message pact"},
		"no interactions":   {`{"metadata":{"pactSpecification":{"version":"3.0.0"}}}`, `no "interactions" array`},
		"no response":       {v3(`{"description":"d","request":{"method":"GET","path":"/crawl/info"}}`), "interactions[0]: no request or no response"},
		"status not a code": {v3(`{"description":"d","request":{"method":"GET","path":"/x"},"response":{"status":"ok"}}`), "status must be an HTTP status"},
		"unknown matcher": {v3(`{"description":"d","request":{"method":"GET","path":"/x"},"response":{"status":200,
			"matchingRules":{"body":{"$.a":{"matchers":[{"match":"fuzzy"}]}}}}}`), `unknown matcher "fuzzy"`},
		"bad regex": {v3(`{"description":"d","request":{"method":"GET","path":"/x"},"response":{"status":200,
			"matchingRules":{"body":{"$.a":{"matchers":[{"match":"regex","regex":"(("}]}}}}}`), `regex "(("`},
		"bad query": {v3(`{"description":"d","request":{"method":"GET","path":"/x","query":{"id":[1]}},"response":{"status":200}}`), "query: must be a string or an object whose id must be a string or an array of strings"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := pact.Parse([]byte(tc.data))
			require.ErrorIs(t, err, pact.ErrInvalid)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestBadRulePathIsBadInput(t *testing.T) {
	_, err := pact.Parse([]byte(pactJSON(`{"success":true}`, `{"$.data[":{"matchers":[{"match":"type"}]}}`)))
	require.ErrorIs(t, err, pact.ErrInvalid)
	assert.Contains(t, err.Error(), "unclosed [")
}

func validateDoc() (*openapi3.T, error) { return spec.Load(context.Background()) }
