package httpserver

import (
	"crypto/subtle"
	"net"
	"net/http"
	"strings"
)

// Guard lets through only the requests allowed on an admin API: with a
// token, those that carry it (X-Crawlkit-Admin-Token or Authorization:
// Bearer), from anywhere; without one, loopback callers. refuse answers the
// others with a reason.
func Guard(token string, h http.Handler, refuse func(w http.ResponseWriter, r *http.Request, reason string)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if reason := refusal(token, r); reason != "" {
			refuse(w, r, reason)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// AdminTokenHeader carries the admin token; Authorization: Bearer works too.
const AdminTokenHeader = "X-Crawlkit-Admin-Token"

func refusal(token string, r *http.Request) string {
	if token != "" {
		got := r.Header.Get(AdminTokenHeader)
		if bearer, ok := cutBearer(r.Header.Get("Authorization")); ok && got == "" {
			got = bearer
		}
		if !constantTimeEqual(got, token) {
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

func constantTimeEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

func cutBearer(authz string) (string, bool) {
	scheme, token, ok := strings.Cut(authz, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(token), true
}
