package negotiate_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/internal/fixtureset"
	"github.com/crawlkit/crawlkit/internal/generate"
	"github.com/crawlkit/crawlkit/internal/negotiate"
	"github.com/crawlkit/crawlkit/internal/ruleset"
	"github.com/crawlkit/crawlkit/internal/scenario"
	"github.com/crawlkit/crawlkit/internal/spec"
)

func contract(t *testing.T) *spec.Contract {
	t.Helper()
	doc, err := spec.Load(context.Background())
	require.NoError(t, err)
	c, err := spec.NewContract(doc)
	require.NoError(t, err)
	return c
}

// rules is a set with one fixture (id 12345) and a rule of each kind.
func rules(t *testing.T, c *spec.Contract) *ruleset.Set {
	t.Helper()
	fixtures := fixtureset.New(&fixtureset.Fixture{File: "crawl-12345.json", ID: 12345, Body: []byte("{}")})
	parsed, err := scenario.Parse("s.yaml", []byte(`
scenarios:
  - {name: not-found, match: {id: 404}, respond: {status: 404}}
  - {name: validation, match: {id: 400}, respond: {example: validation_error}}
  - {name: replay, match: {id: 31337}, respond: {fixture: crawl-12345.json}}
  - {name: small, match: {id: 20}, respond: {crawl: {status: processing, screenshots: 3, seed: 9}, delay: 2s}}
  - {name: steps, match: {id: 7001}, respond: {progression: {statuses: [in_queue, finished]}}}
  - {name: broken, match: {id: 5004}, respond: {fault: hang}}
  - {name: staging, match: {header: {X-Env: staging}}, respond: {status: 500}}
  - {name: limited, match: {id: 429}, respond: {status: 429, off_contract: true, headers: {Retry-After: "5"}}}
  - {name: teapot, match: {id: 418}, respond: {status: 418, off_contract: true, body: {error: short and stout}}}
`), scenario.Env{Contract: c, HasFixture: func(string) bool { return true }})
	require.NoError(t, err)
	return &ruleset.Set{Fixtures: fixtures, Rules: parsed}
}

// TestDecide is the negotiator's whole table: a request in, a decision out.
func TestDecide(t *testing.T) {
	c := contract(t)
	set := rules(t, c)
	latency := scenario.Delay{Min: time.Millisecond, Max: time.Millisecond}
	n := &negotiate.Negotiator{Seed: 1, Latency: latency, Examples: c.Examples}
	seven := uint64(7)
	yes, no := true, false
	second := scenario.Delay{Min: time.Second, Max: time.Second}
	tests := []struct {
		name   string
		id     int64
		header http.Header
		o      *negotiate.Overrides
		want   negotiate.Plan
	}{
		{name: "no rule: generated", id: 42,
			want: negotiate.Plan{By: "generated", Kind: negotiate.Generated, Seed: 1, Delay: latency}},
		{name: "a fixture's id", id: 12345,
			want: negotiate.Plan{By: "fixture", Kind: negotiate.Fixture, Seed: 1, Delay: latency}},
		{name: "a rule's status: the status's first example", id: 404,
			want: negotiate.Plan{By: "scenario not-found", Rule: "not-found", Kind: negotiate.Example, Example: "not_found", Seed: 1, Delay: latency}},
		{name: "a rule's named example", id: 400,
			want: negotiate.Plan{By: "scenario validation", Rule: "validation", Kind: negotiate.Example, Example: "validation_error", Seed: 1, Delay: latency}},
		{name: "a rule's fixture file", id: 31337,
			want: negotiate.Plan{By: "scenario replay", Rule: "replay", Kind: negotiate.Fixture, Seed: 1, Delay: latency}},
		{name: "a rule's crawl, seed and delay", id: 20,
			want: negotiate.Plan{By: "scenario small", Rule: "small", Kind: negotiate.Generated, Seed: 9, Delay: scenario.Delay{Min: 2 * time.Second, Max: 2 * time.Second},
				Opts: generate.Options{Status: "processing", Screenshots: 3, SetScreenshots: true}}},
		{name: "a rule's progression", id: 7001,
			want: negotiate.Plan{By: "scenario steps", Rule: "steps", Kind: negotiate.Progression, Seed: 1, Delay: latency}},
		{name: "a rule's fault", id: 5004,
			want: negotiate.Plan{By: "scenario broken", Rule: "broken", Kind: negotiate.Generated, Seed: 1, Delay: latency, Fault: "hang"}},
		{name: "a rule on a header", id: 42, header: http.Header{"X-Env": {"staging"}},
			want: negotiate.Plan{By: "scenario staging", Rule: "staging", Kind: negotiate.Example, Example: "internal_error", Seed: 1, Delay: latency}},
		{name: "an override's code wins over the rule", id: 404, o: &negotiate.Overrides{Code: 500},
			want: negotiate.Plan{By: "override", Rule: "not-found", Kind: negotiate.Example, Example: "internal_error", Seed: 1, Delay: latency}},
		{name: "code=200 on an error rule: the default answer", id: 404, o: &negotiate.Overrides{Code: 200},
			want: negotiate.Plan{By: "override", Rule: "not-found", Kind: negotiate.Generated, Seed: 1, Delay: latency}},
		{name: "an example override cancels a fault", id: 5004, o: &negotiate.Overrides{Example: "not_found"},
			want: negotiate.Plan{By: "override", Rule: "broken", Kind: negotiate.Example, Example: "not_found", Seed: 1, Delay: latency}},
		{name: "seed generates even for a fixture", id: 12345, o: &negotiate.Overrides{Seed: &seven},
			want: negotiate.Plan{By: "override", Kind: negotiate.Generated, Seed: 7, Delay: latency}},
		{name: "dynamic=true generates for a fixture", id: 12345, o: &negotiate.Overrides{Dynamic: &yes},
			want: negotiate.Plan{By: "override", Kind: negotiate.Generated, Seed: 1, Delay: latency}},
		{name: "dynamic=false is the static 200 example", id: 42, o: &negotiate.Overrides{Dynamic: &no},
			want: negotiate.Plan{By: "override", Kind: negotiate.Example, Example: "finished", Seed: 1, Delay: latency}},
		{name: "a delay and a fault override", id: 42, o: &negotiate.Overrides{Delay: &second, Fault: "reset"},
			want: negotiate.Plan{By: "override", Kind: negotiate.Generated, Seed: 1, Delay: second, Fault: "reset"}},
		{name: "an off-contract override", id: 404, o: &negotiate.Overrides{Code: 429, OffContract: true},
			want: negotiate.Plan{By: "override", Rule: "not-found", Kind: negotiate.Custom, Status: 429, OffContract: true, Seed: 1, Delay: latency}},
		{name: "a rule's off-contract answer", id: 429,
			want: negotiate.Plan{By: "scenario limited", Rule: "limited", Kind: negotiate.Custom, Status: 429, OffContract: true, Seed: 1, Delay: latency,
				Headers: map[string]string{"Retry-After": "5"}}},
		{name: "a rule's custom body", id: 418,
			want: negotiate.Plan{By: "scenario teapot", Rule: "teapot", Kind: negotiate.Custom, Status: 418, OffContract: true, Seed: 1, Delay: latency,
				Body: map[string]any{"error": "short and stout"}}},
		{name: "code=404 replaces an off-contract rule, on the contract", id: 429, o: &negotiate.Overrides{Code: 404},
			want: negotiate.Plan{By: "override", Rule: "limited", Kind: negotiate.Example, Example: "not_found", Seed: 1, Delay: latency,
				Headers: map[string]string{"Retry-After": "5"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.o
			if o == nil {
				o = &negotiate.Overrides{}
			}
			got := n.Decide(set, &scenario.Request{ID: tt.id, Key: "k", Header: tt.header}, o)
			if tt.want.Kind == negotiate.Fixture {
				require.NotNil(t, got.Fixture)
				assert.Equal(t, int64(12345), got.Fixture.ID)
			} else {
				assert.Nil(t, got.Fixture)
			}
			got.Fixture, got.Progression = nil, nil
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestParse reads overrides from Prefer and the query; messages list what
// the contract documents.
func TestParse(t *testing.T) {
	c := contract(t)
	seven := uint64(7)
	yes := true
	tests := []struct {
		name   string
		prefer string
		query  string
		want   negotiate.Overrides
		field  string
		reason string
	}{
		{name: "nothing", want: negotiate.Overrides{}},
		{name: "Prefer code", prefer: "code=404", want: negotiate.Overrides{Code: 404}},
		{name: "query wins", prefer: "code=500", query: "__code=404", want: negotiate.Overrides{Code: 404}},
		{name: "standard preferences ignored", prefer: "return=minimal, example=not_found", want: negotiate.Overrides{Example: "not_found"}},
		{name: "undocumented code", prefer: "code=418", field: "Prefer", reason: `code 418 is not a status the contract documents (200, 400, 404, 500); add "off-contract" to the Prefer header to answer it on purpose`},
		{name: "off-contract code", prefer: "code=429, off-contract", want: negotiate.Overrides{Code: 429, OffContract: true}},
		{name: "off-contract in the query", query: "__code=503&__off-contract=true", want: negotiate.Overrides{Code: 503, OffContract: true}},
		{name: "undocumented code in the query", query: "__code=429", field: "__code", reason: "code 429 is not a status the contract documents (200, 400, 404, 500); add __off-contract=true to answer it on purpose"},
		{name: "off-contract success", prefer: "code=200, off-contract", field: "Prefer", reason: "code 200: off-contract answers an error status, 400 to 599"},
		{name: "off-contract without a code", prefer: "off-contract", field: "Prefer", reason: "off-contract goes with a code, as code=429, off-contract"},
		{name: "unknown preference", prefer: "colour=red", field: "Prefer", reason: `unknown preference "colour"; crawlkit reads code, example, dynamic, seed, delay, fault, status, off-contract`},
		{name: "unknown override", query: "__colour=red", field: "__colour", reason: "unknown override; crawlkit reads __code, __example, __dynamic, __seed, __delay, __fault, __status, __off-contract"},
		{name: "unknown fault", query: "__fault=fire", field: "__fault", reason: "fault must be one of reset, empty, malformed, hang, bad-gateway"},
		{name: "repeated", query: "__code=404&__code=500", field: "__code", reason: "must be given once, not 2 times"},
		{name: "an example of the code", prefer: "code=400, example=invalid_api_key", want: negotiate.Overrides{Code: 400, Example: "invalid_api_key"}},
		{name: "a status and a seed", query: "__status=processing&__seed=7", want: negotiate.Overrides{Status: "processing", Seed: &seven}},
		{name: "a generated crawl asked for twice", prefer: "code=200, dynamic=true, status=error", want: negotiate.Overrides{Code: 200, Dynamic: &yes, Status: "error"}},
		{name: "an example of another code", prefer: "code=500, example=not_found", field: "Prefer",
			reason: `example=not_found answers 404, not code=500: give one of them`},
		{name: "an example of another code, in the query", query: "__code=500&__example=not_found", field: "__example",
			reason: `__example=not_found answers 404, not __code=500: give one of them`},
		{name: "an example off the contract", prefer: "code=429, off-contract, example=not_found", field: "Prefer",
			reason: `example=not_found is on the contract, off-contract is not: give one of them`},
		{name: "a crawl status and an example", query: "__status=processing&__example=finished", field: "__status",
			reason: `__status=processing asks for a generated crawl, which __example=finished is not: give one of them`},
		{name: "a crawl status and an error code", prefer: "status=processing", query: "__code=404", field: "Prefer",
			reason: `status=processing asks for a generated crawl, which __code=404 is not: give one of them`},
		{name: "a seed and the static example", query: "__seed=7&__dynamic=false", field: "__seed",
			reason: `__seed=7 seeds a generated crawl, which __dynamic=false (the static 200 example) is not: give one of them`},
		{name: "dynamic and an example", query: "__dynamic=true&__example=not_found", field: "__dynamic",
			reason: `__dynamic=true asks for a generated crawl, which __example=not_found is not: give one of them`},
		{name: "the static example and an error code", query: "__dynamic=false&__code=500", field: "__dynamic",
			reason: `__dynamic=false is the static 200 example, not __code=500: give one of them`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.prefer != "" {
				h.Set("Prefer", tt.prefer)
			}
			q, err := url.ParseQuery(tt.query)
			require.NoError(t, err)
			o, fields := negotiate.Parse(h, q, c)
			if tt.field == "" {
				require.Nil(t, fields)
				assert.Equal(t, tt.want, *o)
				return
			}
			require.Nil(t, o)
			assert.Equal(t, []string{tt.reason}, fields[tt.field])
		})
	}
}
