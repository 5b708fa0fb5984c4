package httpserver

import (
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/crawlkit/crawlkit/internal/envelope"
)

// AllowedHostFlag is the flag that adds a Host name the admin API answers.
const AllowedHostFlag = "--allowed-host"

// CheckAllowedHosts reports the first entry of hosts that is not a host
// name: a name (mock, mock.internal), a name starting with a dot for it and
// every name below it (.example.test), or an IP address; no scheme, port or
// path.
func CheckAllowedHosts(hosts []string) error {
	for _, h := range hosts {
		name := strings.TrimPrefix(h, ".")
		switch {
		case net.ParseIP(strings.Trim(name, "[]")) != nil:
		case name == "" || strings.ContainsAny(name, ":/?#@ \t") || strings.Trim(name, ".") != name:
			return fmt.Errorf("%s %q: give a host name (mock, .example.test for it and its subdomains) or an IP address, without scheme or port: %w", AllowedHostFlag, h, ErrBadHost)
		}
	}
	return nil
}

// ErrBadHost marks an allowed host that is not a host name.
var ErrBadHost = errors.New("not a host name")

// HostGuard answers only requests whose Host names this server: a loopback
// name (localhost, *.localhost, 127.0.0.1, [::1]), the address the request
// came in on, or one of allowed (see CheckAllowedHosts). Others get a 403
// FORBIDDEN envelope naming AllowedHostFlag. A web page on another name
// that resolves to this machine (DNS rebinding) is one of them: the
// browser sends the page's name.
func HostGuard(allowed []string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !hostAllowed(r, allowed) {
			forbid(w, "Host "+strconv.QuoteToASCII(r.Host)+" is not this server's address nor a loopback name, so the admin API refuses it (a guard against DNS rebinding); start crawlkit with "+AllowedHostFlag+" "+shellWord(hostOnly(r.Host))+" to allow it")
			return
		}
		h.ServeHTTP(w, r)
	})
}

func hostAllowed(r *http.Request, allowed []string) bool {
	if r.Host == "" {
		return true // HTTP/1.0 without Host: no browser sends that
	}
	host := hostOnly(r.Host)
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	if ip := net.ParseIP(host); ip != nil {
		if ip.IsLoopback() {
			return true
		}
		if local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
			if tcp, ok := local.(*net.TCPAddr); ok && tcp.IP.Equal(ip) {
				return true
			}
		}
	}
	for _, a := range allowed {
		a = strings.ToLower(strings.Trim(a, "[]"))
		if host == strings.TrimPrefix(a, ".") || (strings.HasPrefix(a, ".") && strings.HasSuffix(host, a)) {
			return true
		}
	}
	return false
}

// hostOnly is the host of a Host header, lower case, without port,
// brackets or a final dot.
func hostOnly(hostport string) string {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	return strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
}

// shellWord is s as it is when it holds only letters, digits, dots and
// dashes (a host name to paste after the flag), quoted otherwise.
func shellWord(s string) string {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-') {
			return strconv.QuoteToASCII(s)
		}
	}
	return s
}

// browserRefusal says why a request that a web page of another origin
// could have sent is refused, or "" when it is not such a request:
//   - one a browser marks as from another site (Sec-Fetch-Site cross-site
//     or same-site) or whose Origin is not this server's;
//   - a state-changing one (POST, PUT, PATCH, DELETE) with a body type an
//     HTML form can send, which a browser sends cross-origin without asking.
func browserRefusal(r *http.Request) string {
	switch site := strings.ToLower(r.Header.Get("Sec-Fetch-Site")); site {
	case "cross-site", "same-site":
		return "The admin API answers its own console and programs, not pages of other sites (Sec-Fetch-Site: " + site + ")"
	}
	if origin := r.Header.Get("Origin"); origin != "" && !sameOrigin(origin, r.Host) {
		return "The admin API answers its own console and programs, not pages of other origins (Origin " + strconv.QuoteToASCII(origin) + ")"
	}
	switch r.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
	default:
		return ""
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return ""
	}
	media, _, err := mime.ParseMediaType(ct)
	if err != nil {
		media, _, _ = strings.Cut(ct, ";")
		media = strings.ToLower(strings.TrimSpace(media))
	}
	switch media {
	case "text/plain", "application/x-www-form-urlencoded", "multipart/form-data":
		return "The admin API refuses Content-Type " + media + ", which any web page can send; send application/json or application/yaml (curl: -H 'Content-Type: application/yaml')"
	}
	return ""
}

// sameOrigin reports whether origin (scheme://host[:port]) names host,
// the request's Host, default ports aside.
func sameOrigin(origin, host string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return false // "null", or not an origin at all
	}
	return withPort(u.Host, u.Scheme) == withPort(host, u.Scheme)
}

func withPort(hostport, scheme string) string {
	hostport = strings.ToLower(hostport)
	if _, _, err := net.SplitHostPort(hostport); err == nil {
		return hostport
	}
	if scheme == "https" {
		return net.JoinHostPort(strings.Trim(hostport, "[]"), "443")
	}
	return net.JoinHostPort(strings.Trim(hostport, "[]"), "80")
}

// forbid answers 403 FORBIDDEN in the envelope, with the request id the
// answer already carries, or a new one.
func forbid(w http.ResponseWriter, reason string) {
	id := w.Header().Get(envelope.RequestIDHeader)
	if id == "" {
		id = envelope.NewRequestID()
	}
	envelope.NewError(envelope.CodeForbidden, reason, id).Write(w, http.StatusForbidden)
}
