package mockserver

import "net/http"

// HTTP wants HEAD wherever GET is served (RFC 9110, section 9.3.2): the
// same status and headers, Content-Length included where GET sends one,
// and no body. The contract names GET only, so a HEAD request is routed,
// checked and answered as GET, through a writer that drops the body.

// routeAs returns the request the contract's router sees: GET for a HEAD.
func routeAs(r *http.Request) *http.Request {
	if r.Method != http.MethodHead {
		return r
	}
	get := r.WithContext(r.Context())
	get.Method = http.MethodGet
	return get
}

// bodiless is the writer of a HEAD answer: headers and status pass, the
// body is dropped. Unwrap lets faults reach the connection.
type bodiless struct{ http.ResponseWriter }

func (b bodiless) Write(p []byte) (int, error) { return len(p), nil }

// Unwrap returns the writer underneath, for http.ResponseController.
func (b bodiless) Unwrap() http.ResponseWriter { return b.ResponseWriter }

// allowed is the Allow header of a 405 on the API's route.
const allowed = http.MethodGet + ", " + http.MethodHead
