package contract_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/contract"
)

// hostileText is what a server writes to attack the terminal that shows
// the report: a window title, a clear screen, a hyperlink (OSC 8), a C1
// control sequence, DEL and a bidi override.
const hostileText = "\x1b]0;title\x07 \x1b[2J \x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\ \u009b31m \x7f \u202eevil"

// assertPrintable fails for any control character but the newline, any C1
// character and any bidi control in text.
func assertPrintable(t *testing.T, name, text string) {
	t.Helper()
	for i, r := range text {
		if r == '\n' {
			continue
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == unicode.ReplacementChar {
			t.Errorf("%s: %U at byte %d: %q", name, r, i, text[max(0, i-40):min(len(text), i+40)])
			return
		}
	}
}

func TestTheTextReportIsTerminalSafe(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch q := r.URL.Query(); {
		case q.Get("id") == "0":
			// Valid JSON whose message, code and an extra field's name carry
			// the sequences: drift, the coverage of codes and the schema
			// findings quote them.
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_ = json.NewEncoder(w).Encode(map[string]any{"success": false, "error": hostileText, "code": "X\x1b[2J",
				"details": map[string]any{"request_id": "r"}, "\x1b[2Jfield\u009b": hostileText})
		default:
			w.Header().Set("Content-Type", "text/plain")
			_, _ = io.WriteString(w, hostileText)
		}
	}))
	defer ts.Close()
	var progress bytes.Buffer
	rep, err := contract.Run(context.Background(), contract.Config{BaseURL: ts.URL, APIKey: secretKey, CrawlID: 1,
		Cases: []string{"found/key-query", "id/zero"}, Progress: &progress})
	require.NoError(t, err)
	var text, js, junit bytes.Buffer
	require.NoError(t, rep.WriteText(&text))
	require.NoError(t, rep.WriteJSON(&js))
	require.NoError(t, rep.WriteJUnit(&junit))

	assertPrintable(t, "text report", text.String())
	assertPrintable(t, "progress", progress.String())
	for _, c := range rep.Cases {
		for _, f := range append(c.Failures, c.Warnings...) {
			assertPrintable(t, "Finding.String", f.String())
		}
	}
	out := text.String()
	assert.Contains(t, out, `body:    \u001b]0;title\u0007 \u001b[2J \u001b]8;;https://evil.example/\u001b\click\u001b]8;;\u001b\ \u009b31m \u007f \u202eevil`)
	assert.Contains(t, out, `error codes: X\u001b[2J ×1`)
	assert.Contains(t, out, `/\u001b[2Jfield\u009b: a field the contract does not describe`)

	// JSON keeps what the server sent, escaped its own way.
	var doc struct {
		Cases []struct {
			BodyExcerpt string `json:"body_excerpt"`
		}
	}
	require.NoError(t, json.Unmarshal(js.Bytes(), &doc))
	assert.Contains(t, doc.Cases[0].BodyExcerpt, "\x1b]0;title\x07")
	assert.NotContains(t, js.String(), "\x1b")
	// JUnit as before: XML drops what XML 1.0 cannot hold.
	require.NoError(t, xml.Unmarshal(junit.Bytes(), new(struct{})))
	assert.NotContains(t, junit.String(), "\x1b")
}

func TestPrintable(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"plain text, accents é and emoji 🙂", "plain text, accents é and emoji 🙂"},
		{"\x1b[2J", `\u001b[2J`},
		{"a\nb\tc\r", `a\u000ab\u0009c\u000d`},
		{"\x7f\u0085\u009b", `\u007f\u0085\u009b`},
		{"\u202eabc\u2066", `\u202eabc\u2066`},
		{"bad \xff\x9b byte", `bad \xff\x9b byte`},
		{"\ufffd stays", "\ufffd stays"},
	} {
		assert.Equal(t, tt.want, contract.Printable(tt.in), "%q", tt.in)
	}
}

// TestACompressedAnswerIsAFindingNotBytes: a gzip body the kit did not ask
// for is named, with or without a caller's client that can decompress, and
// its bytes are not printed.
func TestACompressedAnswerIsAFindingNotBytes(t *testing.T) {
	ts := httptest.NewServer(impl(t, "gzip body not asked for", time.Second).Wrap(mock(t)))
	defer ts.Close()
	for name, client := range map[string]*http.Client{"the kit's client": nil, "a caller's client with compression on": {}} {
		t.Run(name, func(t *testing.T) {
			rep, err := contract.Run(context.Background(), contract.Config{BaseURL: ts.URL, APIKey: secretKey, CrawlID: 1003,
				Cases: []string{"found/key-query"}, HTTPClient: client})
			require.NoError(t, err)
			c := rep.Cases[0]
			require.Len(t, c.Failures, 1, findings(rep))
			assert.Equal(t, contract.CheckContentEncoding, c.Failures[0].Check)
			assert.Equal(t, "answered with Content-Encoding: gzip, which the request did not accept (it sent Accept-Encoding: identity)", c.Failures[0].Message)
			assert.Regexp(t, `^\(\d+ bytes, gzip-encoded: 1f 8b 08 00 00 00 00 00 00 ff [0-9a-f ]+ \.\.\.\)$`, c.BodyExcerpt)
			var text bytes.Buffer
			require.NoError(t, rep.WriteText(&text))
			assert.NotContains(t, text.String(), "UTF-8")
			assertPrintable(t, "text", text.String())
		})
	}

	png := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
	}))
	defer png.Close()
	rep, err := contract.Run(context.Background(), contract.Config{BaseURL: png.URL, APIKey: secretKey, CrawlID: 1, Cases: []string{"found/key-query"}})
	require.NoError(t, err)
	assert.Equal(t, "(16 bytes, not UTF-8 text: 89 50 4e 47 0d 0a 1a 0a 00 00 00 0d 49 48 44 52)", rep.Cases[0].BodyExcerpt)
}

// recodeErrors answers as the mock does, with codes of its own: a missing
// crawl CRAWL_NOT_FOUND, a bad id INVALID_ID.
func recodeErrors(t *testing.T) *httptest.Server {
	t.Helper()
	correct := mock(t)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		correct.ServeHTTP(rec, r)
		var m map[string]any
		if json.Unmarshal(rec.Body.Bytes(), &m) == nil {
			switch m["code"] {
			case "NOT_FOUND":
				m["code"] = "CRAWL_NOT_FOUND"
			case "VALIDATION_ERROR":
				m["code"] = "INVALID_ID"
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rec.Code)
		_ = json.NewEncoder(w).Encode(m)
	}))
	t.Cleanup(ts.Close)
	return ts
}

// TestErrorCodesTheContractDoesNotName: a code the status's examples do not
// show is a warning naming it, a failure with FailOn error-code or Strict.
func TestErrorCodesTheContractDoesNotName(t *testing.T) {
	ts := recodeErrors(t)
	const invalidID = `id/zero: code "INVALID_ID" is not one the contract names for 400 (INVALID_API_KEY, VALIDATION_ERROR)`
	for _, tt := range []struct {
		name   string
		change func(*contract.Config)
		ok     bool
		// invalidID is the finding on the bad ids: a warning seen twice is
		// reported once and counted, a failure is not counted.
		invalidID string
	}{
		{"a warning by default", func(*contract.Config) {}, true, invalidID + " (seen in 2 answers)"},
		{"FailOn error-code", func(c *contract.Config) { c.FailOn = []string{contract.CheckErrorCode} }, false, invalidID},
		{"Strict", func(c *contract.Config) { c.Strict = true }, false, invalidID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := contract.Config{BaseURL: ts.URL, APIKey: secretKey, CrawlID: 1003, MissingCrawlID: 404,
				Cases: []string{"crawl/missing", "id/zero", "id/negative", "auth/none"}}
			tt.change(&cfg)
			rep, err := contract.Run(context.Background(), cfg)
			require.NoError(t, err)
			assert.Equal(t, tt.ok, rep.OK(), findings(rep))
			var found []string
			for _, c := range rep.Cases {
				for _, f := range append(c.Failures, c.Warnings...) {
					if f.Check == contract.CheckErrorCode {
						found = append(found, c.Name+": "+f.Message)
					}
				}
			}
			assert.ElementsMatch(t, []string{
				`crawl/missing: code "CRAWL_NOT_FOUND" is not one the contract names for 404 (NOT_FOUND)`, tt.invalidID,
			}, found, "auth/none got the code its case expects")
		})
	}
}

// TestTheProbeGoesThroughTheRunsClient: a server only the caller's
// transport can reach passes; the same run without it stops as unreachable.
func TestTheProbeGoesThroughTheRunsClient(t *testing.T) {
	ts := httptest.NewServer(mock(t))
	defer ts.Close()
	var dials sync.Map
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			dials.Store(addr, true)
			return (&net.Dialer{}).DialContext(ctx, network, ts.Listener.Addr().String())
		},
	}}
	// A name nothing resolves (RFC 6761): the caller's dialer alone knows it.
	cfg := contract.Config{BaseURL: "http://api.crawlkit.invalid/api/v1", APIKey: secretKey, CrawlID: 1003,
		Cases: []string{"found/key-query"}, HTTPClient: client, Timeout: 5 * time.Second}
	rep, err := contract.Run(context.Background(), cfg)
	require.NoError(t, err)
	assert.True(t, rep.OK(), findings(rep))
	_, dialed := dials.Load("api.crawlkit.invalid:80")
	assert.True(t, dialed)

	cfg.HTTPClient = nil
	_, err = contract.Run(context.Background(), cfg)
	require.ErrorIs(t, err, contract.ErrUnreachable)
	assert.Contains(t, err.Error(), "api.crawlkit.invalid")
}

// proxyChildEnv marks the process TestTheProbeUsesTheEnvironmentsProxy
// starts: Go reads the proxy variables once a process.
const proxyChildEnv = "CRAWLKIT_CONTRACT_PROXY_CHILD"

// TestTheProbeUsesTheEnvironmentsProxy: behind HTTPS_PROXY, with a server
// this machine cannot resolve, the run goes through the proxy, probe
// included.
func TestTheProbeUsesTheEnvironmentsProxy(t *testing.T) {
	if os.Getenv(proxyChildEnv) == "" {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestTheProbeUsesTheEnvironmentsProxy$", "-test.v")
		cmd.Env = append(os.Environ(), proxyChildEnv+"=1")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		assert.Contains(t, string(out), "--- PASS: TestTheProbeUsesTheEnvironmentsProxy")
		return
	}
	api := httptest.NewTLSServer(mock(t))
	defer api.Close()
	var (
		mu       sync.Mutex
		connects []string
	)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
			return
		}
		mu.Lock()
		connects = append(connects, r.Host)
		mu.Unlock()
		upstream, err := net.Dial("tcp", api.Listener.Addr().String())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		conn, rw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			_ = upstream.Close()
			return
		}
		_, _ = io.WriteString(conn, "HTTP/1.1 200 Connection established\r\n\r\n")
		go func() { _, _ = io.Copy(upstream, rw); _ = upstream.Close() }()
		_, _ = io.Copy(conn, upstream)
		_ = conn.Close()
	}))
	defer proxy.Close()
	t.Setenv("HTTPS_PROXY", proxy.URL)
	t.Setenv("https_proxy", proxy.URL)
	t.Setenv("NO_PROXY", "")
	t.Setenv("no_proxy", "")

	rep, err := contract.Run(context.Background(), contract.Config{BaseURL: "https://api.crawlkit.invalid/api/v1", APIKey: secretKey,
		CrawlID: 1003, Cases: []string{"found/key-query"}, Insecure: true, Timeout: 5 * time.Second})
	require.NoError(t, err)
	assert.True(t, rep.OK(), findings(rep))
	mu.Lock()
	defer mu.Unlock()
	require.GreaterOrEqual(t, len(connects), 2, "the probe and the case")
	assert.Equal(t, "api.crawlkit.invalid:443", connects[0])
}

// TestEachFrontEndNamesTheSettings: the library and contracttest name a
// setting by its Config field, the command line by its flag, in findings,
// skips, hints and stops; each finding carries the setting itself.
func TestEachFrontEndNamesTheSettings(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch q := r.URL.Query(); {
		case q.Get("id") == "0": // never answers
			<-r.Context().Done()
		case q.Get("key") == secretKey: // 1 GiB, it says
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", strconv.Itoa(1<<30))
			chunk := bytes.Repeat([]byte(" "), 32<<10)
			for r.Context().Err() == nil {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		default: // 401 for a bad key, as other endpoints of the API answer
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"success":false,"error":"no","code":"UNAUTHORIZED","details":{"request_id":"r"}}`)
		}
	}))
	defer ts.Close()
	for _, tt := range []struct {
		name  func(contract.Setting) string
		other string
	}{
		{nil, "--"},
		{contract.Setting.Field, "--"},
		{contract.Setting.Flag, "Config."},
	} {
		name := tt.name
		if name == nil {
			name = contract.Setting.Field
		}
		t.Run(name(contract.SettingTimeout), func(t *testing.T) {
			rep, err := contract.Run(context.Background(), contract.Config{BaseURL: ts.URL, APIKey: secretKey, CrawlID: 1, AllowSkips: true,
				Cases: []string{"found/key-query", "found/bearer", "auth/invalid-key", "id/zero"}, Concurrency: 1,
				Timeout: time.Second, MaxBody: 1 << 20, Names: tt.name})
			require.NoError(t, err)
			byCase := map[string]contract.CaseResult{}
			for _, c := range rep.Cases {
				byCase[c.Name] = c
			}
			body := byCase["found/key-query"].Failures[0]
			assert.Equal(t, contract.SettingMaxBody, body.Setting)
			assert.Equal(t, fmt.Sprintf("the body is 1073741824 bytes (Content-Length), more than %s (1048576 bytes): not read", name(contract.SettingMaxBody)), body.Message)
			timeout := byCase["id/zero"].Failures[0]
			assert.Equal(t, contract.SettingTimeout, timeout.Setting)
			assert.Equal(t, fmt.Sprintf("no complete answer within %s (1s)", name(contract.SettingTimeout)), timeout.Message)
			assert.Equal(t, "no bearer token: give "+name(contract.SettingBearer), byCase["found/bearer"].SkipReason)
			hint := byCase["auth/invalid-key"].Failures[0]
			assert.Equal(t, contract.SettingAllow, hint.Setting)
			assert.Contains(t, hint.Hint, name(contract.SettingAllow)+" 'auth/invalid-key:status-*' accepts it")

			var text bytes.Buffer
			require.NoError(t, rep.WriteText(&text))
			assert.NotContains(t, text.String(), tt.other)

			_, err = contract.Run(context.Background(), contract.Config{BaseURL: ts.URL, Concurrency: 100, Names: tt.name})
			require.ErrorIs(t, err, contract.ErrUsage)
			assert.Contains(t, err.Error(), name(contract.SettingConcurrency)+" 100: from 1 to 64")
			_, err = contract.Run(context.Background(), contract.Config{BaseURL: ts.URL, Names: tt.name})
			var skip *contract.SkipError
			require.ErrorAs(t, err, &skip)
			assert.Contains(t, err.Error(), "give "+name(contract.SettingAPIKey)+" or "+name(contract.SettingBearer))
			assert.Contains(t, err.Error(), "("+name(contract.SettingAllowSkips)+" runs anyway)")
		})
	}
}

// TestACaseCutShortIsNotRun: a running crawl cut mid-poll by the deadline
// or by a cancelled context is not run in every report, never a pass.
func TestACaseCutShortIsNotRun(t *testing.T) {
	for _, tt := range []struct {
		name    string
		run     func(cfg contract.Config) (*contract.Report, error)
		stopped string
	}{
		{"deadline", func(cfg contract.Config) (*contract.Report, error) {
			cfg.Deadline = 2 * time.Second
			return contract.Run(context.Background(), cfg)
		}, "the Config.Deadline of 2s passed"},
		{"context cancelled", func(cfg contract.Config) (*contract.Report, error) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			time.AfterFunc(2*time.Second, cancel)
			return contract.Run(ctx, cfg)
		}, "the run was cancelled (context canceled)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ts := httptest.NewServer(mock(t))
			defer ts.Close()
			var progress bytes.Buffer
			// The first poll answers at once; the second would come after a minute.
			rep, err := tt.run(contract.Config{BaseURL: ts.URL, APIKey: secretKey, Cases: []string{"running/progress", "auth/none"},
				RunningCrawlID: 71950, PollInterval: time.Minute, Progress: &progress})
			require.NoError(t, err)
			require.Len(t, rep.Cases, 2)
			require.Equal(t, "running/progress", rep.Cases[1].Name)
			c := rep.Cases[1]
			assert.Equal(t, contract.NotRun, c.Outcome)
			assert.Equal(t, tt.stopped, c.SkipReason)
			assert.Equal(t, tt.stopped, rep.Stopped)
			assert.Equal(t, contract.Pass, rep.Cases[0].Outcome)
			assert.Equal(t, 1, rep.NotRun)
			assert.Equal(t, 1, rep.Passed)
			assert.False(t, rep.OK())
			assert.Equal(t, "1 passed, 0 failed, 0 skipped, 1 not run", rep.Summary())
			assert.Contains(t, progress.String(), "NOT RUN running/progress: "+tt.stopped)
			assert.NotContains(t, progress.String(), "FAIL running/progress")

			var text, js, junit bytes.Buffer
			require.NoError(t, rep.WriteText(&text))
			require.NoError(t, rep.WriteJSON(&js))
			require.NoError(t, rep.WriteJUnit(&junit))
			assert.Contains(t, text.String(), "\nNOT RUN running/progress: "+tt.stopped+"\n")
			var doc struct {
				NotRun int `json:"not_run"`
				Cases  []struct{ Outcome string }
			}
			require.NoError(t, json.Unmarshal(js.Bytes(), &doc))
			assert.Equal(t, "not_run", doc.Cases[1].Outcome)
			assert.Equal(t, 1, doc.NotRun)
			var suites struct {
				Errors int `xml:"errors,attr"`
				Skips  int `xml:"skipped,attr"`
				Suites []struct {
					Cases []struct {
						Name    string `xml:"name,attr"`
						Skipped *struct {
							Message string `xml:"message,attr"`
						} `xml:"skipped"`
						Error *struct {
							Message string `xml:"message,attr"`
						} `xml:"error"`
					} `xml:"testcase"`
				} `xml:"testsuite"`
			}
			require.NoError(t, xml.Unmarshal(junit.Bytes(), &suites))
			cases := suites.Suites[0].Cases
			require.Len(t, cases, 3)
			require.NotNil(t, cases[1].Skipped)
			assert.Equal(t, "not run: "+tt.stopped, cases[1].Skipped.Message)
			assert.Equal(t, "run stopped", cases[2].Name)
			require.NotNil(t, cases[2].Error)
			assert.Equal(t, 1, suites.Errors)
			assert.Equal(t, 1, suites.Skips)
		})
	}
}

// TestBodiesAreReadInTheRunsBuffers: however many cases meet an endless
// body, the run allocates about its Concurrency buffers of MaxBody, not a
// growing copy a case; a Content-Length above MaxBody is not read at all.
func TestBodiesAreReadInTheRunsBuffers(t *testing.T) {
	var served sync.Map
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("id") == "1" {
			// Declared: 1 GiB.
			w.Header().Set("Content-Length", strconv.Itoa(1<<30))
		}
		chunk := bytes.Repeat([]byte(" "), 64<<10)
		for n := 0; r.Context().Err() == nil; n += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				served.Store(r.URL.RawQuery, n)
				return
			}
		}
	}))
	defer ts.Close()
	cfg := contract.Config{BaseURL: ts.URL, APIKey: secretKey, CrawlID: 1, MissingCrawlID: 2, RunningCrawlID: 3, MaxBody: 4 << 20, Concurrency: 4}
	// Once to load what every run loads (the contract, the validator).
	_, err := contract.Run(context.Background(), cfg)
	require.NoError(t, err)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	rep, err := contract.Run(context.Background(), cfg)
	require.NoError(t, err)
	runtime.ReadMemStats(&after)

	tooLarge := 0
	for _, c := range rep.Cases {
		for _, f := range c.Failures {
			if f.Setting == contract.SettingMaxBody {
				tooLarge++
			}
		}
	}
	require.Greater(t, tooLarge, 30, findings(rep))
	assert.Contains(t, rep.Cases[0].Failures[0].Message, "the body is 1073741824 bytes (Content-Length), more than Config.MaxBody (4194304 bytes): not read")
	// 30 bodies of 4 MiB read whole, each into a buffer of its own, are
	// 120 MiB and more; the run's four buffers are 16 MiB. The rest of
	// the run, and this server's own writes, allocate a few MiB.
	allocated := after.TotalAlloc - before.TotalAlloc
	assert.Less(t, allocated, uint64(48<<20), "allocated %d MiB", allocated>>20)
	t.Logf("allocated %.1f MiB for %d answers over 4 MiB", float64(allocated)/(1<<20), tooLarge)
}
