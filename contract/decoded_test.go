package contract_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/contract"
)

// hostileJSON is valid JSON of about size bytes that takes many times its
// bytes decoded, in the shapes a hostile server may answer with.
func hostileJSON(size int) map[string][]byte {
	fill := func(head, item, tail string) []byte {
		var b bytes.Buffer
		b.WriteString(head)
		for i := 0; b.Len() < size-len(tail)-len(item)-1; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(item)
		}
		b.WriteString(tail)
		return b.Bytes()
	}
	keys := []byte(`{"success":true,"data":{"id":1`)
	for i := 0; len(keys) < size-32; i++ {
		keys = fmt.Appendf(keys, `,"k%d":0`, i)
	}
	return map[string][]byte{
		"an array of zeros": fill("[", "0", "]"),
		"small objects in data.screenshots": fill(`{"success":true,"data":{"id":1,"status":"finished","screenshots":[`,
			`{"id":1,"status":"finished"}`, "]}}"),
		"an object of many keys": append(keys, "}}"...),
		"arrays nested 9,000 deep": fill(`{"success":true,"data":{"id":1,"screenshots":[`,
			strings.Repeat("[", 9000)+"0"+strings.Repeat("]", 9000), "]}}"),
		"one long string": []byte(`{"success":true,"data":{"id":1,"domain":"` + strings.Repeat("x", size-64) + `"}}`),
	}
}

// TestValidJSONIsCheckedInBoundedMemory answers every request with valid
// JSON under MaxBody whose tree would take many times MaxBody: the run
// finds that, naming MaxBody, and allocates little beyond its body
// buffers, where decoding such a body allocates more than ten times its
// size, every answer.
func TestValidJSONIsCheckedInBoundedMemory(t *testing.T) {
	const maxBody = 4 << 20
	for name, body := range hostileJSON(maxBody - 1000) {
		t.Run(name, func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Length", strconv.Itoa(len(body)))
				_, _ = w.Write(body)
			}))
			defer ts.Close()
			// Ten cases, four at a time: enough answers to hold the bound
			// over a run, few enough for the race detector.
			cfg := contract.Config{BaseURL: ts.URL, APIKey: secretKey, CrawlID: 1, MissingCrawlID: 2, RunningCrawlID: 3,
				MaxBody: maxBody, Concurrency: 4, Cases: []string{"found/*", "id/*"}}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			rep, err := contract.Run(context.Background(), cfg)
			require.NoError(t, err)
			runtime.ReadMemStats(&after)

			answers, run := 0, 0
			for _, c := range rep.Cases {
				if c.Outcome != contract.Skip {
					run++
				}
				for _, f := range c.Failures {
					if f.Check == contract.CheckJSON && f.Setting == contract.SettingMaxBody {
						answers++
						assert.Contains(t, f.Message, "to decode and check, more than the 8388608 bytes a body may take (Config.MaxBody, at least 8 MiB): not decoded, not checked further")
						assert.Contains(t, f.Hint, "Config.MaxBody ")
					}
				}
			}
			require.GreaterOrEqual(t, run, 9, findings(rep))
			require.Equal(t, run, answers, "every answer refused, named once: %s", findings(rep))
			// The run's body buffers, Concurrency of MaxBody, what every run
			// loads (the contract, its validator) and a few MiB besides.
			allocated := after.TotalAlloc - before.TotalAlloc
			bound := uint64(cfg.Concurrency*maxBody + 24<<20)
			assert.Less(t, allocated, bound, "allocated %d MiB for %d answers of %d bytes", allocated>>20, answers, len(body))
			t.Logf("allocated %.1f MiB for %d answers of %d bytes", float64(allocated)/(1<<20), answers, len(body))
		})
	}
}

// TestTheBodyBudgetIsNamedByEachFrontEnd: the finding names MaxBody as the
// front end sets it, and the value that would check the body.
func TestTheBodyBudgetIsNamedByEachFrontEnd(t *testing.T) {
	body := hostileJSON(1 << 20)["an array of zeros"]
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	defer ts.Close()
	for _, name := range []func(contract.Setting) string{contract.Setting.Flag, contract.Setting.Field} {
		t.Run(name(contract.SettingMaxBody), func(t *testing.T) {
			rep, err := contract.Run(context.Background(), contract.Config{BaseURL: ts.URL, APIKey: secretKey, CrawlID: 1,
				Cases: []string{"found/key-query"}, MaxBody: 2 << 20, Names: name})
			require.NoError(t, err)
			require.Len(t, rep.Cases[0].Failures, 1, findings(rep))
			f := rep.Cases[0].Failures[0]
			assert.Equal(t, contract.CheckJSON, f.Check)
			assert.Equal(t, contract.SettingMaxBody, f.Setting)
			assert.Regexp(t, `^the body holds 524288 JSON values, which would take about \d+ MB to decode and check, more than the 8388608 bytes a body may take \(`+
				name(contract.SettingMaxBody)+`, at least 8 MiB\): not decoded, not checked further$`, f.Message)
			assert.Regexp(t, `^`+name(contract.SettingMaxBody)+` \d+ or more checks it, with that much memory per case$`, f.Hint)

			// The value the hint names checks it.
			var need int64
			_, err = fmt.Sscanf(strings.TrimPrefix(f.Hint, name(contract.SettingMaxBody)+" "), "%d", &need)
			require.NoError(t, err)
			rep, err = contract.Run(context.Background(), contract.Config{BaseURL: ts.URL, APIKey: secretKey, CrawlID: 1,
				Cases: []string{"found/key-query"}, MaxBody: need, Names: name, Timeout: 5 * time.Minute}) // checked whole: seconds under -race
			require.NoError(t, err)
			for _, f := range rep.Cases[0].Failures {
				assert.NotEqual(t, contract.SettingMaxBody, f.Setting, f.Message)
			}
			assert.True(t, hasFinding(rep, "found/key-query", contract.CheckSchema, false), findings(rep))
		})
	}
}

// largeCrawl is the mock's crawl of 10,000 screenshots cut to its first
// n: the crawl's own counts no longer match, which the coherence checks
// find.
func largeCrawl(t *testing.T, n int) []byte {
	rec := httptest.NewRecorder()
	mock(t).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/crawl/info?id=10000&key="+secretKey, nil))
	require.Equal(t, http.StatusOK, rec.Code)
	var env map[string]any
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &env))
	data := env["data"].(map[string]any)
	data["screenshots"] = data["screenshots"].([]any)[:n]
	body, err := json.Marshal(env)
	require.NoError(t, err)
	return body
}

// TestALargeCrawlIsCheckedInPartsAsWhole: a crawl of 1,500 screenshots
// (2.4 MB) is checked in parts under a MaxBody of 6 MiB, as the mock's
// crawl of 10,000 (16 MB) is under the default, and the report is the one
// checking it whole gives, findings and coverage, for the crawl as it is
// and with every screenshot broken.
func TestALargeCrawlIsCheckedInPartsAsWhole(t *testing.T) {
	crawl := largeCrawl(t, 1500)
	require.Greater(t, len(crawl), 2<<20)
	for _, tt := range []struct {
		name string
		body []byte
	}{
		{"as it is", crawl},
		{"broken", bytes.ReplaceAll(crawl, []byte(`"cost":1,`), []byte(`"cost":"1","extra_field":1,`))},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write(tt.body)
			}))
			defer ts.Close()
			// Checked whole, the crawl takes seconds under the race
			// detector on a busy machine: the timeout is not what is tested.
			run := func(maxBody int64) *contract.Report {
				rep, err := contract.Run(context.Background(), contract.Config{BaseURL: ts.URL, APIKey: secretKey, CrawlID: 10000,
					Cases: []string{"found/key-query"}, MaxBody: maxBody, Timeout: 5 * time.Minute})
				require.NoError(t, err)
				return rep
			}
			parts, whole := run(6<<20), run(1<<30)
			for i := range parts.Cases {
				parts.Cases[i].DurationMS, whole.Cases[i].DurationMS = 0, 0
			}
			assert.Equal(t, whole.Cases, parts.Cases)
			assert.Equal(t, whole.Coverage, parts.Coverage)
			for _, f := range parts.Cases[0].Failures {
				assert.NotEqual(t, contract.SettingMaxBody, f.Setting, f.Message)
			}
			assert.NotContains(t, parts.Coverage.NeverSeen, "/data/screenshots/*/url")
			if tt.name == "broken" {
				assert.True(t, hasFinding(parts, "found/key-query", contract.CheckSchema, false))
			} else {
				assert.True(t, hasFinding(parts, "found/key-query", contract.CheckCoherence, true), findings(parts))
			}
		})
	}
}
