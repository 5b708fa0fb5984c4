package httpserver

import (
	"crypto/subtle"

	"github.com/crawlkit/crawlkit/internal/envelope"
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

// Admin token refusals: the error codes of a 401 from Guard, so that a
// caller tells a token it forgot from one it mistyped.
const (
	CodeAdminTokenMissing = "ADMIN_TOKEN_MISSING"
	CodeAdminTokenWrong   = "ADMIN_TOKEN_WRONG"
)

// Guard lets through only the requests allowed on an admin API: none that
// a web page of another origin could have sent (see browserRefusal, a 403
// FORBIDDEN); then, with a token, those that carry it
// (X-Crawlkit-Admin-Token or Authorization: Bearer), from anywhere;
// without one, loopback callers. A request without the token gets 401
// ADMIN_TOKEN_MISSING, one with another token 401 ADMIN_TOKEN_WRONG, both
// with WWW-Authenticate; a caller off loopback 403 FORBIDDEN. Each
// envelope says why, with the request id the answer already carries, or a
// new one.
func Guard(token string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if reason := browserRefusal(r); reason != "" {
			forbid(w, reason)
			return
		}
		if status, code, reason := refusal(token, r); reason != "" {
			id := w.Header().Get(envelope.RequestIDHeader)
			if id == "" {
				id = envelope.NewRequestID()
			}
			if status == http.StatusUnauthorized {
				w.Header().Set("WWW-Authenticate", `Bearer realm="crawlkit admin"`)
			}
			envelope.NewError(code, reason, id).Write(w, status)
			return
		}
		h.ServeHTTP(w, r)
	})
}

func refusal(token string, r *http.Request) (status int, code, reason string) {
	if token != "" {
		got := r.Header.Get(AdminTokenHeader)
		if bearer, ok := cutBearer(r.Header.Get("Authorization")); ok && got == "" {
			got = bearer
		}
		switch {
		case got == "":
			return http.StatusUnauthorized, CodeAdminTokenMissing,
				"The admin API needs the admin token in " + AdminTokenHeader + " or Authorization: Bearer"
		case subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1:
			return http.StatusUnauthorized, CodeAdminTokenWrong,
				"The admin token sent is not this server's --admin-token"
		}
		return 0, "", ""
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return http.StatusForbidden, envelope.CodeForbidden,
			"The admin API answers loopback callers only; start crawlkit with --admin-token to open it"
	}
	return 0, "", ""
}

func cutBearer(authz string) (string, bool) {
	scheme, token, ok := strings.Cut(authz, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(token), true
}
