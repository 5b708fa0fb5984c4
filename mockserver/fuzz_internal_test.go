package mockserver

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/crawlkit/crawlkit"
	"github.com/crawlkit/crawlkit/internal/httpserver"
	"github.com/crawlkit/crawlkit/internal/journal"
)

var fuzzRequestIDs = regexp.MustCompile(`req_[0-9a-f]{16}`)

// validHeaderValue is what an HTTP/1 server lets through to a handler.
func validHeaderValue(v string) bool {
	return !strings.ContainsAny(v, "\r\n\x00") && len(v) < 8<<10
}

func validToken(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c <= ' ' || c >= 0x7f || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, c) {
			return false
		}
	}
	return true
}

// FuzzRequest sends anything a request can carry (method, path, raw query,
// X-API-KEY, Authorization, Prefer) and holds the mock to three properties:
// no panic; every answer is a status the contract documents (or 404/405 off
// its route) with a body that validates (HEAD: GET's status, no body), or an error status marked
// off-contract, which only an explicit ask gives; the same request gets the same
// answer, but for request ids, progressions and the faults it asked for.
func FuzzRequest(f *testing.F) {
	srv, err := New(context.Background(), Config{Seed: 1, Fixtures: crawlkit.Fixtures(), Catalog: true, CacheBytes: 8 << 20})
	if err != nil {
		f.Fatal(err)
	}
	f.Add("GET", "/crawl/info", "id=42&key=demo", "", "", "")
	f.Add("GET", "/api/v1/crawl/info", "id=12345", "sk_test", "", "")
	f.Add("GET", "/crawl/info", "id=1", "", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig", "")
	f.Add("GET", "/crawl/info", "id=404&key=k&__code=500&__delay=5ms", "", "", "example=not_found")
	f.Add("GET", "/crawl/info", "id=%FF%00&id=2&key=invalid", "", "", "code=abc, seed=-1")
	f.Add("POST", "/crawl/info", "id=1", "k", "", "")
	f.Add("HEAD", "/crawl/info", "id=42&key=demo", "", "", "")
	f.Add("HEAD", "/crawl/info", "id=10000&key=demo", "", "", "")
	f.Add("GET", "/__crawlkit/catalog", "", "", "", "")
	f.Add("GET", "/crawl/info", "id=1002&key=k&__seed=18446744073709551615&__dynamic=true", "", "", "delay=100ms-200ms")
	f.Add("GET", "/crawl/info", "id=5003&key=k", "", "", "fault=malformed")
	f.Fuzz(func(t *testing.T, method, path, rawQuery, apiKey, authorization, prefer string) {
		if !validToken(method) || !strings.HasPrefix(path, "/") || strings.ContainsAny(path, "?#\x00\r\n ") ||
			strings.ContainsAny(rawQuery, "#\x00\r\n ") || !validHeaderValue(apiKey) || !validHeaderValue(authorization) || !validHeaderValue(prefer) {
			t.Skip()
		}
		first, firstFault, firstGone := fuzzOnce(srv, method, path, rawQuery, apiKey, authorization, prefer)
		second, secondFault, secondGone := fuzzOnce(srv, method, path, rawQuery, apiKey, authorization, prefer)
		for _, a := range []struct {
			rec   *httptest.ResponseRecorder
			fault string
			gone  bool
		}{{first, firstFault, firstGone}, {second, secondFault, secondGone}} {
			if a.fault != "" || a.gone {
				continue // a fault it asked for, or a delay longer than it waited
			}
			if strings.HasPrefix(path, httpserver.AdminPrefix) && a.rec.Code < 400 {
				continue // the admin API's own answers are not the contract's
			}
			if a.rec.Header().Get(OffContractHeader) == "true" {
				if a.rec.Code < 400 {
					t.Fatalf("%s %s?%s: an off-contract answer is an error status, not %d", method, path, rawQuery, a.rec.Code)
				}
				continue // asked for explicitly (a catalog id, Prefer off-contract), marked
			}
			if method == http.MethodHead && !strings.HasPrefix(path, httpserver.AdminPrefix) {
				// HEAD answers as GET without the body.
				if a.rec.Body.Len() > 0 {
					t.Fatalf("HEAD %s?%s: a body of %d bytes", path, rawQuery, a.rec.Body.Len())
				}
				if got, _, gone := fuzzOnce(srv, http.MethodGet, path, rawQuery, apiKey, authorization, prefer); !gone && got.Code != a.rec.Code && !progressing(got) {
					t.Fatalf("HEAD %s?%s: %d, GET: %d", path, rawQuery, a.rec.Code, got.Code)
				}
				continue
			}
			if vs := srv.validator.JSONResponse(context.Background(), checkAs(srv, a.rec.Code), a.rec.Body.Bytes()); len(vs) > 0 {
				t.Fatalf("%s %s?%s: status %d breaks the contract: %v", method, path, rawQuery, a.rec.Code, vs)
			}
			if !srv.validator.Documented(a.rec.Code) && a.rec.Code != 404 && a.rec.Code != 405 && a.rec.Code != 403 {
				t.Fatalf("%s %s?%s: undocumented status %d", method, path, rawQuery, a.rec.Code)
			}
		}
		progress := progressing(first)
		if firstFault == "" && secondFault == "" && !firstGone && !secondGone && !progress && !strings.HasPrefix(path, httpserver.AdminPrefix) {
			if first.Code != second.Code || fuzzRequestIDs.ReplaceAllString(first.Body.String(), "") != fuzzRequestIDs.ReplaceAllString(second.Body.String(), "") {
				t.Fatalf("%s %s?%s: two answers: %d %q and %d %q", method, path, rawQuery, first.Code, first.Body, second.Code, second.Body)
			}
		}
	})
}

// progressing reports an answer of a progression, which moves on each poll.
func progressing(rec *httptest.ResponseRecorder) bool {
	return strings.HasPrefix(rec.Header().Get(AnsweredByHeader), "scenario progress")
}

// checkAs is the status whose schema a body is held to: off-route and
// admin errors share the contract's error envelope.
func checkAs(srv *Server, status int) int {
	if srv.validator.Documented(status) {
		return status
	}
	return http.StatusBadRequest
}

func fuzzOnce(srv *Server, method, path, rawQuery, apiKey, authorization, prefer string) (*httptest.ResponseRecorder, string, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	r := (&http.Request{
		Method: method, URL: &url.URL{Path: path, RawQuery: rawQuery}, Header: http.Header{},
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Host: "127.0.0.1", RemoteAddr: "127.0.0.1:1",
		Body: http.NoBody,
	}).WithContext(ctx)
	r.RequestURI = r.URL.RequestURI()
	for k, v := range map[string]string{"X-API-KEY": apiKey, "Authorization": authorization, "Prefer": prefer} {
		if v != "" {
			r.Header.Set(k, v)
		}
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, r)
	fault := ""
	if strings.HasPrefix(path, httpserver.AdminPrefix) {
		return rec, "", ctx.Err() != nil
	}
	if entries := srv.journal.List(journal.Filter{Limit: 1}); len(entries) == 1 {
		fault = entries[0].Fault
	}
	return rec, fault, ctx.Err() != nil
}
