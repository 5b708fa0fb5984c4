package scenario_test

import (
	"errors"
	"testing"

	"github.com/crawlkit/crawlkit/internal/scenario"
)

// FuzzParse feeds the scenarios loader anything: it never panics, refuses
// with ErrInvalid, and every rule it accepts passes Check again.
func FuzzParse(f *testing.F) {
	f.Add("scenarios:\n  - name: a\n    match: {id: 404}\n    respond: {status: 404}\n")
	f.Add("scenarios:\n  - name: b\n    match: {id: [1, \"10-20\"], key: k, header: {X-A: b}, query: {q: v}}\n    respond: {example: validation_error, delay: 100ms-800ms}\n")
	f.Add("scenarios:\n  - name: c\n    respond: {progression: {statuses: [in_queue, processing, finished], screenshots: 4}, fault: hang}\n")
	f.Add("scenarios:\n  - name: d\n    respond: {crawl: {status: processing, screenshots: 3, seed: 9}, fixture: crawl-12345.json}\n")
	f.Add("scenarios: [{name: e, match: {id: 9223372036854775807-1}}]")
	f.Add("{\"scenarios\":[{\"name\":\"f\",\"respond\":{\"delay\":\"60001\"}}]}")
	f.Add(": : :\n\t- [")
	e := env()
	f.Fuzz(func(t *testing.T, doc string) {
		rules, err := scenario.Parse("fuzz.yaml", []byte(doc), e)
		if err != nil {
			if !errors.Is(err, scenario.ErrInvalid) {
				t.Fatalf("error without ErrInvalid: %v", err)
			}
			return
		}
		for i := range rules {
			if err := scenario.Check(&rules[i], e); err != nil {
				t.Fatalf("accepted a rule that does not pass Check: %v", err)
			}
			if d := rules[i].Respond.Delay; d.Max > scenario.MaxDelay || d.Min > d.Max || d.Min < 0 {
				t.Fatalf("accepted delay %v", d)
			}
		}
	})
}
