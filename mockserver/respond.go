package mockserver

import (
	"net/http"
	"strings"

	"github.com/crawlkit/crawlkit/envelope"
	"github.com/crawlkit/crawlkit/validate"
)

// maxViolationsHeader bounds the X-Crawlkit-Violations header.
const maxViolationsHeader = 2048

// sendError answers with the error envelope, validated like every response.
func (s *Server) sendError(w http.ResponseWriter, r *http.Request, status int, code, message string, fields validate.Fields) {
	env := envelope.NewError(code, message, requestID(r.Context()))
	env.Fields = fields
	body := env.Body()
	// Statuses off the contract's operation (404 and 405 off its route) still
	// carry the contract's error envelope: check the body as a 400's.
	checkAs := status
	if !s.validator.Documented(status) {
		checkAs = http.StatusBadRequest
	}
	s.send(w, r, status, body, s.validator.JSONResponse(r.Context(), checkAs, body))
}

// send writes a response whose violations of the contract are known: they
// are logged and reported in a header, and with Strict the response becomes
// a 500 INTERNAL_ERROR naming them.
func (s *Server) send(w http.ResponseWriter, r *http.Request, status int, body []byte, violations validate.Violations) {
	if len(violations) > 0 {
		summary := headerSafe(violations.Error())
		s.log.WarnContext(r.Context(), "response breaks the contract", "status", status, "violations", summary)
		w.Header().Set(ViolationsHeader, summary)
		if s.cfg.Strict {
			env := envelope.NewError(envelope.CodeInternal, "Response breaks the contract: "+summary, requestID(r.Context()))
			status, body = http.StatusInternalServerError, env.Body()
		}
	}
	envelope.WriteJSON(w, status, body)
}

// headerSafe makes s fit in one bounded header value.
func headerSafe(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r > 0x7e {
			return '?'
		}
		return r
	}, s)
	if len(s) > maxViolationsHeader {
		s = s[:maxViolationsHeader-3] + "..."
	}
	return s
}
