// Package broken holds implementations of GET /crawl/info that each break
// the contract in one way, built by wrapping a correct one. The contract
// kit's tests prove each is caught by the right case and check; other tools
// (a validating proxy, say) can use them the same way.
package broken

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Implementation is one broken implementation.
type Implementation struct {
	// Name says what is broken.
	Name string
	// Wrap turns a correct implementation into this broken one.
	Wrap func(correct http.Handler) http.Handler
	// Case and Check name the contract case and check that must catch it.
	Case, Check string
	// StrictOnly is set when only a --strict run fails on it.
	StrictOnly bool
}

// All returns every broken implementation. hang is how long the hanging one
// waits: longer than the checker's timeout.
func All(hang time.Duration) []Implementation {
	all := []Implementation{
		{Name: "id as a string", Case: "found/key-query", Check: "schema",
			Wrap: onCrawl(func(m map[string]any) { data(m)["id"] = fmt.Sprint(data(m)["id"]) })},
		{Name: "screenshot url missing", Case: "found/key-query", Check: "schema",
			Wrap: onCrawl(func(m map[string]any) {
				shots, _ := data(m)["screenshots"].([]any)
				for _, s := range shots {
					if shot, ok := s.(map[string]any); ok {
						delete(shot, "url")
					}
				}
			})},
		{Name: "missing crawl answered 200", Case: "crawl/missing", Check: "status-expected",
			Wrap: when(func(r *http.Request, status int) bool { return status == 404 }, rewriteQuery("id", "1"))},
		{Name: "bad key answered 401", Case: "auth/invalid-key", Check: "status-documented",
			Wrap: onStatus(400, "INVALID_API_KEY", func(status int, m map[string]any) int { return 401 })},
		{Name: "bad key with another code", Case: "auth/invalid-key", Check: "error-code",
			Wrap: onStatus(400, "INVALID_API_KEY", func(status int, m map[string]any) int { m["code"] = "BAD_KEY"; return status })},
		{Name: "missing crawl with another code", Case: "crawl/missing", Check: "error-code", StrictOnly: true,
			Wrap: onStatus(404, "NOT_FOUND", func(status int, m map[string]any) int { m["code"] = "CRAWL_NOT_FOUND"; return status })},
		{Name: "gzip body not asked for", Case: "found/key-query", Check: "content-encoding",
			Wrap: func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					rec := record(h, r)
					var gz bytes.Buffer
					zw := gzip.NewWriter(&gz)
					_, _ = zw.Write(rec.Body.Bytes())
					_ = zw.Close()
					rec.Header().Set("Content-Encoding", "gzip")
					replay(w, rec.Code, rec.Header(), gz.Bytes())
				})
			}},
		{Name: "text/plain content type", Case: "found/key-query", Check: "content-type",
			Wrap: func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					rec := record(h, r)
					rec.Header().Set("Content-Type", "text/plain")
					replay(w, rec.Result().StatusCode, rec.Header(), rec.Body.Bytes())
				})
			}},
		{Name: "credentials ignored", Case: "auth/none", Check: "status-expected",
			Wrap: func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					r2 := r.Clone(r.Context())
					q := r2.URL.Query()
					q.Set("key", "sk_anything")
					r2.URL.RawQuery = q.Encode()
					h.ServeHTTP(w, r2)
				})
			}},
		{Name: "422 for a bad id", Case: "id/zero", Check: "status-documented",
			Wrap: onStatus(400, "VALIDATION_ERROR", func(int, map[string]any) int { return 422 })},
		{Name: "500 for an id that is not digits", Case: "generated/*-id-hex", Check: "no-5xx",
			Wrap: func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if id := r.URL.Query().Get("id"); id != "" && strings.Trim(id, "0123456789") != "" && !strings.HasPrefix(id, "-") {
						body := []byte(`{"success":false,"error":"boom","code":"INTERNAL_ERROR","details":{"request_id":"req_1"}}`)
						replay(w, 500, http.Header{"Content-Type": {"application/json"}}, body)
						return
					}
					h.ServeHTTP(w, r)
				})
			}},
		{Name: "repeated id accepted", Case: "id/repeated", Check: "status-expected",
			Wrap: func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					q := r.URL.Query()
					if ids := q["id"]; len(ids) > 1 {
						q["id"] = ids[:1]
						r2 := r.Clone(r.Context())
						r2.URL.RawQuery = q.Encode()
						r = r2
					}
					h.ServeHTTP(w, r)
				})
			}},
		{Name: "success true on a 404", Case: "crawl/missing", Check: "success-flag",
			Wrap: onStatus(404, "", func(status int, m map[string]any) int { m["success"] = true; return status })},
		{Name: "request id mismatch", Case: "auth/none", Check: "request-id",
			Wrap: onStatus(400, "", func(status int, m map[string]any) int {
				m["details"] = map[string]any{"request_id": "req_other"}
				return status
			})},
		{Name: "another crawl answered", Case: "found/key-query", Check: "crawl-id",
			Wrap: onCrawl(func(m map[string]any) { id, _ := data(m)["id"].(float64); data(m)["id"] = id + 1 })},
		{Name: "invalid JSON", Case: "found/key-query", Check: "json",
			Wrap: onCrawlBody(func(b []byte) []byte { return b[:len(b)/2] })},
		{Name: "invalid UTF-8", Case: "found/key-query", Check: "json",
			Wrap: onCrawlBody(func(b []byte) []byte { return bytes.Replace(b, []byte(`"status"`), []byte("\"st\xffatus\""), 1) })},
		{Name: "redirect loop", Case: "found/key-query", Check: "status-documented",
			Wrap: func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, r.URL.RequestURI(), http.StatusFound)
				})
			}},
		{Name: "hang", Case: "found/key-query", Check: "transport",
			Wrap: func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					select {
					case <-r.Context().Done():
					case <-time.After(hang):
					}
				})
			}},
		{Name: "drip", Case: "found/key-query", Check: "transport",
			Wrap: func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(200)
					rc := http.NewResponseController(w)
					for i := 0; i < 1000 && r.Context().Err() == nil; i++ {
						if _, err := w.Write([]byte(" ")); err != nil || rc.Flush() != nil {
							return
						}
						select {
						case <-r.Context().Done():
						case <-time.After(hang / 10):
						}
					}
				})
			}},
		{Name: "oversized body", Case: "found/key-query", Check: "transport",
			Wrap: func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/json")
					chunk := bytes.Repeat([]byte(" "), 64<<10)
					_, _ = w.Write([]byte(`{"success":true,"pad":"`))
					for i := 0; i < 1<<14 && r.Context().Err() == nil; i++ { // up to 1 GiB
						if _, err := w.Write(chunk); err != nil {
							return
						}
					}
				})
			}},
		{Name: "closed mid-body", Case: "found/key-query", Check: "transport",
			Wrap: func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/json")
					w.Header().Set("Content-Length", "100000")
					w.WriteHeader(200)
					_, _ = w.Write([]byte(`{"success":true,"data":{"id":`))
					if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
						_ = conn.Close()
					}
				})
			}},
		{Name: "incoherent counters", Case: "found/key-query", Check: "coherence", StrictOnly: true,
			Wrap: onCrawl(func(m map[string]any) { n, _ := data(m)["processed"].(float64); data(m)["processed"] = n + 1 })},
		{Name: "drift: fields and values the contract does not know", Case: "found/key-query", Check: "drift", StrictOnly: true,
			Wrap: onCrawl(func(m map[string]any) {
				data(m)["region"] = "eu-west-1"
				shots, _ := data(m)["screenshots"].([]any)
				for _, s := range shots {
					if shot, ok := s.(map[string]any); ok {
						shot["thumbnail"] = "https://cdn.example.com/t.png"
						shot["browser"] = "firefox"
					}
				}
			})},
		{Name: "running crawl goes backwards", Case: "running/progress", Check: "progress",
			Wrap: replayPolls([]int{0, 1, 3, 2, 4})},
		{Name: "running crawl leaves its final state", Case: "running/progress", Check: "progress",
			Wrap: replayPolls([]int{0, 1, 2, 3, 4, 3})},
	}
	for i := range all {
		all[i].Wrap = apiOnly(all[i].Wrap)
	}
	return all
}

// apiOnly breaks GET /crawl/info only, leaving every other path (a mock's
// admin API, say) as the correct implementation answers it.
func apiOnly(wrap func(http.Handler) http.Handler) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		broken := wrap(h)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/crawl/info") {
				broken.ServeHTTP(w, r)
				return
			}
			h.ServeHTTP(w, r)
		})
	}
}

// data returns the envelope's crawl; an envelope without one gets an empty
// one, so that a rewrite never panics.
func data(m map[string]any) map[string]any {
	d, ok := m["data"].(map[string]any)
	if !ok {
		d = map[string]any{}
		m["data"] = d
	}
	return d
}

// record runs h on r into a recorder.
func record(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

func replay(w http.ResponseWriter, status int, header http.Header, body []byte) {
	for k, v := range header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// onCrawlBody rewrites the bytes of every 200 with a crawl.
func onCrawlBody(change func([]byte) []byte) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := record(h, r)
			body := rec.Body.Bytes()
			if rec.Code == 200 {
				body = change(body)
			}
			replay(w, rec.Code, rec.Header(), body)
		})
	}
}

// onCrawl rewrites every 200's decoded envelope.
func onCrawl(change func(map[string]any)) func(http.Handler) http.Handler {
	return onStatus(200, "", func(status int, m map[string]any) int { change(m); return status })
}

// onStatus rewrites the decoded envelope (and maybe the status) of every
// answer with status, and code when it is not empty.
func onStatus(status int, code string, change func(int, map[string]any) int) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := record(h, r)
			var m map[string]any
			if rec.Code != status || json.Unmarshal(rec.Body.Bytes(), &m) != nil || (code != "" && m["code"] != code) {
				replay(w, rec.Code, rec.Header(), rec.Body.Bytes())
				return
			}
			newStatus := change(rec.Code, m)
			body, _ := json.Marshal(m)
			replay(w, newStatus, rec.Header(), body)
		})
	}
}

// when applies wrap to the requests whose correct answer has a status that
// pass accepts.
func when(pass func(*http.Request, int) bool, wrap func(http.Handler) http.Handler) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		broken := wrap(h)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := record(h, r)
			if pass(r, rec.Code) {
				broken.ServeHTTP(w, r)
				return
			}
			replay(w, rec.Code, rec.Header(), rec.Body.Bytes())
		})
	}
}

// rewriteQuery serves the request as if param were value.
func rewriteQuery(param, value string) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r2 := r.Clone(r.Context())
			q := r2.URL.Query()
			q.Set(param, value)
			r2.URL.RawQuery = q.Encode()
			h.ServeHTTP(w, r2)
		})
	}
}

// replayPolls answers the polls of each crawl in another order: poll n gets
// what the correct implementation answers at poll order[n] (past the end of
// order, the last). It asks the correct one as often as it must to get there.
func replayPolls(order []int) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		var mu sync.Mutex
		polls := map[string]int{}
		answers := map[string][]*httptest.ResponseRecorder{}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			id := r.URL.RawQuery
			mu.Lock()
			defer mu.Unlock()
			n := polls[id]
			polls[id]++
			want := order[min(n, len(order)-1)]
			if n >= len(order) {
				want = n - len(order) + order[len(order)-1] + 1
			}
			for len(answers[id]) <= want {
				answers[id] = append(answers[id], record(h, r))
			}
			rec := answers[id][want]
			replay(w, rec.Code, rec.Header(), rec.Body.Bytes())
		})
	}
}
