package httpserver

import (
	"crypto/subtle"
	"net"
	"net/http"
	"strings"
)

// AdminPrefix starts the path of every admin route of a crawlkit server,
// never one of the contract's.
const AdminPrefix = "/__crawlkit/"

// IsAdmin reports whether r is for the admin API.
func IsAdmin(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, AdminPrefix) }

// AdminTokenHeader carries the admin token; Authorization: Bearer works too.
const AdminTokenHeader = "X-Crawlkit-Admin-Token"

// Guard lets through only the requests allowed on an admin API: none that
// a web page of another origin could have sent (see browserRefusal); then,
// with a token, those that carry it (X-Crawlkit-Admin-Token or
// Authorization: Bearer), from anywhere; without one, loopback callers. The
// others get a 403 FORBIDDEN envelope saying why, with the request id the
// answer already carries, or a new one.
func Guard(token string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reason := browserRefusal(r)
		if reason == "" {
			reason = refusal(token, r)
		}
		if reason != "" {
			forbid(w, reason)
			return
		}
		h.ServeHTTP(w, r)
	})
}

func refusal(token string, r *http.Request) string {
	if token != "" {
		got := r.Header.Get(AdminTokenHeader)
		if bearer, ok := cutBearer(r.Header.Get("Authorization")); ok && got == "" {
			got = bearer
		}
		if subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
			return "The admin API needs the admin token in " + AdminTokenHeader + " or Authorization: Bearer"
		}
		return ""
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return "The admin API answers loopback callers only; start crawlkit with --admin-token to open it"
	}
	return ""
}

func cutBearer(authz string) (string, bool) {
	scheme, token, ok := strings.Cut(authz, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(token), true
}
