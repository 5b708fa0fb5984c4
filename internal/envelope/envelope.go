// Package envelope holds the JSON envelopes of the ScreenshotCenter API: the
// success envelope around a crawl and the error envelope with its codes.
package envelope

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// Error codes crawlkit answers with. The contract documents the first four;
// the others answer requests that miss its one operation (a wrong method,
// the admin API refused), and the proxy's upstream failing.
const (
	CodeInvalidAPIKey    = "INVALID_API_KEY"
	CodeValidation       = "VALIDATION_ERROR"
	CodeNotFound         = "NOT_FOUND"
	CodeInternal         = "INTERNAL_ERROR"
	CodeMethodNotAllowed = "METHOD_NOT_ALLOWED"
	CodeForbidden        = "FORBIDDEN"
	CodeBadGateway       = "BAD_GATEWAY"
)

// Off-contract answers: statuses the contract does not document but that
// real APIs send (other endpoints of this one among them), answered by the
// mock only when asked for explicitly. OffContract gives each its code and
// message, and how long to wait before retrying, if the status says so.
var offContract = map[int]struct {
	code, message string
	retryAfter    int
}{
	401: {"UNAUTHORIZED", "Authentication required", 0},
	403: {"FORBIDDEN", "Access denied", 0},
	429: {"RATE_LIMIT_EXCEEDED", "Rate limit exceeded: retry after 30 seconds", 30},
	503: {"SERVICE_UNAVAILABLE", "Service temporarily unavailable: retry after 30 seconds", 30},
}

// OffContract returns the code and message of an off-contract error
// status, and the Retry-After seconds it comes with (0 for none). A status
// without its own is named after its text: 418 is I_M_A_TEAPOT.
func OffContract(status int) (code, message string, retryAfter int) {
	if known, ok := offContract[status]; ok {
		return known.code, known.message, known.retryAfter
	}
	text := http.StatusText(status)
	if text == "" {
		return "HTTP_" + strconv.Itoa(status), "HTTP " + strconv.Itoa(status), 0
	}
	code = strings.ToUpper(strings.Map(func(r rune) rune {
		if (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			return r
		}
		return '_'
	}, text))
	return code, text, 0
}

// RequestIDHeader carries the request's id on every response.
const RequestIDHeader = "X-Request-Id"

// Details is the error envelope's `details` object.
type Details struct {
	RequestID string `json:"request_id"`
}

// Error is the error envelope.
type Error struct {
	Success bool                `json:"success"`
	Message string              `json:"error"`
	Code    string              `json:"code"`
	Details Details             `json:"details"`
	Fields  map[string][]string `json:"fields,omitempty"`
}

// NewError returns an error envelope for the request with id requestID.
func NewError(code, message, requestID string) *Error {
	return &Error{Message: message, Code: code, Details: Details{RequestID: requestID}}
}

// Error returns the envelope's message with its code.
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Success is the success envelope around a crawl.
type Success struct {
	Success bool `json:"success"`
	Data    any  `json:"data"`
}

// NewSuccess wraps data in the success envelope.
func NewSuccess(data any) Success { return Success{Success: true, Data: data} }

// NewRequestID returns a fresh random request id, `req_` and 16 hex digits.
func NewRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never returns an error
	return "req_" + hex.EncodeToString(b[:])
}

// Body returns the envelope as a compact JSON body. An envelope holds only
// strings, so encoding it cannot fail.
func (e *Error) Body() []byte {
	b, _ := json.Marshal(e)
	return b
}

// Write answers with the envelope and status, the envelope's request id in
// X-Request-Id.
func (e *Error) Write(w http.ResponseWriter, status int) {
	w.Header().Set(RequestIDHeader, e.Details.RequestID)
	WriteJSON(w, status, e.Body())
}

// WriteJSON writes body as an application/json response with status.
func WriteJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h["Content-Type"] = []string{"application/json; charset=utf-8"}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
